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
    pass


def downgrade():
    pass
