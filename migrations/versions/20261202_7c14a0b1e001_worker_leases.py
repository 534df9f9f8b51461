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
    pass


def downgrade():
    pass
