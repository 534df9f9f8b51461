"""TV design: agent photos, site and team colours, channel language and celebration settings.

Revision ID: 7c12a0b1e003
Revises: 7c13a0b1e002
Create Date: 2026-12-02 00:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '7c12a0b1e003'
down_revision = '7c13a0b1e002'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
