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
    pass


def downgrade():
    pass
