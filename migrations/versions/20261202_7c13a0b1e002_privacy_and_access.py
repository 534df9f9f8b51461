"""Privacy and access: hidden agents, channel display and site ownership, consent, erasure.

Revision ID: 7c13a0b1e002
Revises: 7c14a0b1e001
Create Date: 2026-12-02 00:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '7c13a0b1e002'
down_revision = '7c14a0b1e001'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
