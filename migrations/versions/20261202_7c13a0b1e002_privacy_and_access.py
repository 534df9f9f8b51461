"""Privacy and access: hidden agents, channel display and site ownership, consent, erasure.

Revision ID: 7c13a0b1e002
Revises: 7c14a0b1e001
Create Date: 2026-12-02 00:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '7c13a0b1e002'
down_revision = '7c14a0b1e001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('agent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hidden_on_screens', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('erased', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('api_key', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agent_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_api_key_agent_id'), ['agent_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_api_key_agent_id_agent'), 'agent', ['agent_id'], ['id'])
    with op.batch_alter_table('channel', schema=None) as batch_op:
        batch_op.add_column(sa.Column('display', sa.JSON(), server_default='{}', nullable=False))
    op.create_table(
        'channel_site',
        sa.Column('channel_id', sa.Integer(), nullable=False),
        sa.Column('site_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['channel_id'], ['channel.id'], name=op.f('fk_channel_site_channel_id_channel'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_channel_site_site_id_site')),
        sa.PrimaryKeyConstraint('channel_id', 'site_id', name=op.f('pk_channel_site')),
    )
    op.create_table(
        'contest_consent',
        sa.Column('contest_id', sa.Integer(), nullable=False),
        sa.Column('agent_id', sa.Integer(), nullable=False),
        sa.Column('given_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['agent_id'], ['agent.id'], name=op.f('fk_contest_consent_agent_id_agent')),
        sa.ForeignKeyConstraint(['contest_id'], ['contest.id'], name=op.f('fk_contest_consent_contest_id_contest'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('contest_id', 'agent_id', name=op.f('pk_contest_consent')),
    )
    with op.batch_alter_table('contest_consent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contest_consent_agent_id'), ['agent_id'], unique=False)


def downgrade():
    with op.batch_alter_table('contest_consent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contest_consent_agent_id'))
    op.drop_table('contest_consent')
    op.drop_table('channel_site')
    with op.batch_alter_table('channel', schema=None) as batch_op:
        batch_op.drop_column('display')
    with op.batch_alter_table('api_key', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_api_key_agent_id_agent'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_api_key_agent_id'))
        batch_op.drop_column('agent_id')
    with op.batch_alter_table('agent', schema=None) as batch_op:
        batch_op.drop_column('erased')
        batch_op.drop_column('hidden_on_screens')
