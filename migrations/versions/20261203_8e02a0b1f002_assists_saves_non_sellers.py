"""Assists, retention saves (product kind) and colleagues outside sales.

Revision ID: 8e02a0b1f002
Revises: 8e01a0b1f001
Create Date: 2026-12-03 00:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '8e02a0b1f002'
down_revision = '8e01a0b1f001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('agent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sells', sa.Boolean(), server_default=sa.true(), nullable=False))
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=8), server_default='sale', nullable=False))
        batch_op.add_column(sa.Column('assist_points', sa.Integer(), nullable=True))
    with op.batch_alter_table('sale', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=8), server_default='sale', nullable=False))
    with op.batch_alter_table('contest_standing', schema=None) as batch_op:
        batch_op.add_column(sa.Column('saves', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('assists', sa.Integer(), server_default='0', nullable=False))
    with op.batch_alter_table('agent_day', schema=None) as batch_op:
        batch_op.add_column(sa.Column('saves', sa.BigInteger(), server_default='0', nullable=False))
    op.create_table(
        'sale_assist',
        sa.Column('sale_id', sa.String(length=128), nullable=False),
        sa.Column('agent_id', sa.Integer(), nullable=False),
        sa.Column('points', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['agent_id'], ['agent.id'], name=op.f('fk_sale_assist_agent_id_agent')),
        sa.ForeignKeyConstraint(['sale_id'], ['sale.id'], name=op.f('fk_sale_assist_sale_id_sale')),
        sa.PrimaryKeyConstraint('sale_id', 'agent_id', name=op.f('pk_sale_assist')),
    )
    with op.batch_alter_table('sale_assist', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sale_assist_agent_id'), ['agent_id'], unique=False)


def downgrade():
    with op.batch_alter_table('sale_assist', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sale_assist_agent_id'))
    op.drop_table('sale_assist')
    with op.batch_alter_table('agent_day', schema=None) as batch_op:
        batch_op.drop_column('saves')
    with op.batch_alter_table('contest_standing', schema=None) as batch_op:
        batch_op.drop_column('assists')
        batch_op.drop_column('saves')
    with op.batch_alter_table('sale', schema=None) as batch_op:
        batch_op.drop_column('kind')
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.drop_column('assist_points')
        batch_op.drop_column('kind')
    with op.batch_alter_table('agent', schema=None) as batch_op:
        batch_op.drop_column('sells')
