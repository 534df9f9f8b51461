"""TV design: agent photos, site and team colours, channel language and celebration settings.

Revision ID: 7c12a0b1e003
Revises: 7c13a0b1e002
Create Date: 2026-12-02 00:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '7c12a0b1e003'
down_revision = '7c13a0b1e002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('channel', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=5), nullable=True))
        batch_op.add_column(sa.Column('big_sale_points', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('sound', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        'agent_photo',
        sa.Column('agent_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('content_type', sa.String(length=32), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('uploaded_at', sa.DateTime(), nullable=False),
        sa.Column('uploaded_by', sa.String(length=254), nullable=False),
        sa.ForeignKeyConstraint(['agent_id'], ['agent.id'], name=op.f('fk_agent_photo_agent_id_agent'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('agent_id', name=op.f('pk_agent_photo')),
        sa.UniqueConstraint('name', name=op.f('uq_agent_photo_name')),
    )


def downgrade():
    op.drop_table('agent_photo')
    with op.batch_alter_table('channel', schema=None) as batch_op:
        batch_op.drop_column('sound')
        batch_op.drop_column('big_sale_points')
        batch_op.drop_column('language')
