"""Instant prizes: wins per sale, stock, and the contest's chance seed.

Revision ID: 8e01a0b1f001
Revises: 7c14a0b1e001
Create Date: 2026-12-03 00:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '8e01a0b1f001'
down_revision = '7c14a0b1e001'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
