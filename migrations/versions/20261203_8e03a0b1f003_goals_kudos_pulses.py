"""Personal goal posters, kudos tied to values, anonymous values pulses.

Revision ID: 8e03a0b1f003
Revises: 8e02a0b1f002
Create Date: 2026-12-03 00:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '8e03a0b1f003'
down_revision = '8e02a0b1f002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'goal',
        sa.Column('agent_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=120), nullable=False),
        sa.Column('target_amount', sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('set_at', sa.DateTime(), nullable=False),
        sa.Column('set_by', sa.String(length=254), nullable=False),
        sa.Column('on_wall', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(['agent_id'], ['agent.id'], name=op.f('fk_goal_agent_id_agent'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('agent_id', name=op.f('pk_goal')),
    )
    op.create_table(
        'goal_picture',
        sa.Column('agent_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('content_type', sa.String(length=32), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('uploaded_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['agent_id'], ['agent.id'], name=op.f('fk_goal_picture_agent_id_agent'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('agent_id', name=op.f('pk_goal_picture')),
        sa.UniqueConstraint('name', name=op.f('uq_goal_picture_name')),
    )
    op.create_table(
        'kudos',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('giver_agent_id', sa.Integer(), nullable=True),
        sa.Column('giver_role', sa.String(length=16), nullable=False),
        sa.Column('recipient_id', sa.Integer(), nullable=False),
        sa.Column('site_id', sa.Integer(), nullable=False),
        sa.Column('value', sa.String(length=64), nullable=False),
        sa.Column('message', sa.Text(), nullable=False),
        sa.Column('given_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['giver_agent_id'], ['agent.id'], name=op.f('fk_kudos_giver_agent_id_agent'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['recipient_id'], ['agent.id'], name=op.f('fk_kudos_recipient_id_agent'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_kudos_site_id_site')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_kudos')),
    )
    op.create_index(op.f('ix_kudos_giver_agent_id'), 'kudos', ['giver_agent_id'], unique=False)
    op.create_index('ix_kudos_site_given', 'kudos', ['site_id', 'given_at'], unique=False)
    op.create_index('ix_kudos_recipient_given', 'kudos', ['recipient_id', 'given_at'], unique=False)
    op.create_table(
        'kudos_allowance',
        sa.Column('giver', sa.String(length=80), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('given', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('giver', 'day', name=op.f('pk_kudos_allowance')),
    )
    op.create_table(
        'pulse',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('action', sa.Text(), nullable=False),
        sa.Column('values', sa.JSON(), nullable=False),
        sa.Column('opened_at', sa.DateTime(), nullable=False),
        sa.Column('opened_by', sa.String(length=254), nullable=False),
        sa.Column('closes_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pulse')),
    )
    op.create_table(
        'pulse_site',
        sa.Column('pulse_id', sa.Integer(), nullable=False),
        sa.Column('site_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['pulse_id'], ['pulse.id'], name=op.f('fk_pulse_site_pulse_id_pulse'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_pulse_site_site_id_site')),
        sa.PrimaryKeyConstraint('pulse_id', 'site_id', name=op.f('pk_pulse_site')),
    )
    # No rowid on SQLite for the two anonymous tables: rows sit in key order, not in the order of answering.
    op.create_table(
        'pulse_ballot',
        sa.Column('pulse_id', sa.Integer(), nullable=False),
        sa.Column('voter', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['pulse_id'], ['pulse.id'], name=op.f('fk_pulse_ballot_pulse_id_pulse'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('pulse_id', 'voter', name=op.f('pk_pulse_ballot')),
        sqlite_with_rowid=False,
    )
    op.create_table(
        'pulse_answer',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('pulse_id', sa.Integer(), nullable=False),
        sa.Column('score', sa.Integer(), nullable=False),
        sa.Column('conflicts', sa.JSON(), nullable=False),
        sa.Column('comment', sa.Text(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(['pulse_id'], ['pulse.id'], name=op.f('fk_pulse_answer_pulse_id_pulse'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pulse_answer')),
        sqlite_with_rowid=False,
    )
    op.create_index(op.f('ix_pulse_answer_pulse_id'), 'pulse_answer', ['pulse_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_pulse_answer_pulse_id'), table_name='pulse_answer')
    op.drop_table('pulse_answer')
    op.drop_table('pulse_ballot')
    op.drop_table('pulse_site')
    op.drop_table('pulse')
    op.drop_table('kudos_allowance')
    op.drop_index('ix_kudos_recipient_given', table_name='kudos')
    op.drop_index('ix_kudos_site_given', table_name='kudos')
    op.drop_index(op.f('ix_kudos_giver_agent_id'), table_name='kudos')
    op.drop_table('kudos')
    op.drop_table('goal_picture')
    op.drop_table('goal')
