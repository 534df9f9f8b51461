"""Match sides' running totals (a sale adds to a match instead of re-reading its window); 64-bit day and hour sums.

Revision ID: 5b1e0c7d9a21
Revises: 04a72b65f83a
Create Date: 2026-12-01 03:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = '5b1e0c7d9a21'
down_revision = '04a72b65f83a'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('match_side',
    sa.Column('match_id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('points', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('goals', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['match_id'], ['match.id'], name=op.f('fk_match_side_match_id_match'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_match_side_site_id_site')),
    sa.PrimaryKeyConstraint('match_id', 'site_id', name=op.f('pk_match_side'))
    )
    for table in ('agent_day', 'site_hour'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in ('points', 'sales'):
                batch_op.alter_column(column, existing_type=sa.Integer(), type_=sa.BigInteger(),
                                      existing_nullable=False)


def downgrade():
    for table in ('agent_day', 'site_hour'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in ('points', 'sales'):
                batch_op.alter_column(column, existing_type=sa.BigInteger(), type_=sa.Integer(),
                                      existing_nullable=False)
    op.drop_table('match_side')
