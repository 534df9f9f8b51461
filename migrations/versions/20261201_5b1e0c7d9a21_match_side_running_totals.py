"""Match sides' running totals, so a sale adds to a match instead of re-reading its window.

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


def downgrade():
    op.drop_table('match_side')
