"""Worker leases (each periodic duty runs once across processes) and other packaging needs.

Revision ID: 7c14a0b1e001
Revises: 5b1e0c7d9a21
Create Date: 2026-12-02 00:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '7c14a0b1e001'
down_revision = '5b1e0c7d9a21'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'duty_lease',
        sa.Column('duty', sa.String(length=40), nullable=False),
        sa.Column('holder', sa.String(length=120), nullable=False),
        sa.Column('taken_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('duty', name=op.f('pk_duty_lease')),
    )


def downgrade():
    op.drop_table('duty_lease')
