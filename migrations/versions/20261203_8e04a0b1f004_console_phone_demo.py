"""Console, phone and demo polish.

Revision ID: 8e04a0b1f004
Revises: 8e03a0b1f003
Create Date: 2026-12-03 00:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '8e04a0b1f004'
down_revision = '8e03a0b1f003'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
