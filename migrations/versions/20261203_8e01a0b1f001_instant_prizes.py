"""Instant prizes: wins per sale, stock, and the contest's chance seed.

Revision ID: 8e01a0b1f001
Revises: 7c12a0b1e003
Create Date: 2026-12-03 00:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '8e01a0b1f001'
down_revision = '7c12a0b1e003'
branch_labels = None
depends_on = None


def _contest_fk(table):
    return sa.ForeignKeyConstraint(['contest_id'], ['contest.id'], name=op.f(f'fk_{table}_contest_id_contest'),
                                   ondelete='CASCADE')


def upgrade():
    op.create_table(
        'prize_seed',
        sa.Column('contest_id', sa.Integer(), nullable=False),
        sa.Column('seed_hex', sa.String(length=64), nullable=False),
        sa.Column('commitment', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        _contest_fk('prize_seed'),
        sa.PrimaryKeyConstraint('contest_id', name=op.f('pk_prize_seed')),
    )
    op.create_table(
        'prize_hand_over',
        sa.Column('win_id', sa.String(length=32), nullable=False),
        sa.Column('contest_id', sa.Integer(), nullable=False),
        sa.Column('prize', sa.String(length=200), nullable=False),
        sa.Column('sale_id', sa.String(length=128), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('by', sa.String(length=254), nullable=False),
        _contest_fk('prize_hand_over'),
        sa.PrimaryKeyConstraint('win_id', name=op.f('pk_prize_hand_over')),
    )
    with op.batch_alter_table('prize_hand_over', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_prize_hand_over_contest_id'), ['contest_id'], unique=False)
    op.create_table(
        'prize_win',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('contest_id', sa.Integer(), nullable=False),
        sa.Column('prize', sa.String(length=200), nullable=False),
        sa.Column('sale_id', sa.String(length=128), nullable=False),
        sa.Column('agent_id', sa.Integer(), nullable=False),
        sa.Column('won_at', sa.DateTime(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('revoked_at', sa.DateTime(), nullable=True),
        sa.Column('handed_over_at', sa.DateTime(), nullable=True),
        sa.Column('cancelled_after_hand_over', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['agent_id'], ['agent.id'], name=op.f('fk_prize_win_agent_id_agent')),
        _contest_fk('prize_win'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_prize_win')),
    )
    with op.batch_alter_table('prize_win', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_prize_win_agent_id'), ['agent_id'], unique=False)
        batch_op.create_index('ix_prize_win_contest_won', ['contest_id', 'won_at'], unique=False)
        batch_op.create_index('ix_prize_win_sale', ['sale_id'], unique=False)
    op.create_table(
        'prize_stock',
        sa.Column('contest_id', sa.Integer(), nullable=False),
        sa.Column('prize', sa.String(length=200), nullable=False),
        sa.Column('remaining', sa.Integer(), nullable=False),
        _contest_fk('prize_stock'),
        sa.PrimaryKeyConstraint('contest_id', 'prize', name=op.f('pk_prize_stock')),
    )
    op.create_table(
        'prize_counter',
        sa.Column('contest_id', sa.Integer(), nullable=False),
        sa.Column('prize', sa.String(length=200), nullable=False),
        sa.Column('scope', sa.String(length=64), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        _contest_fk('prize_counter'),
        sa.PrimaryKeyConstraint('contest_id', 'prize', 'scope', name=op.f('pk_prize_counter')),
    )


def downgrade():
    op.drop_table('prize_counter')
    op.drop_table('prize_stock')
    with op.batch_alter_table('prize_win', schema=None) as batch_op:
        batch_op.drop_index('ix_prize_win_sale')
        batch_op.drop_index('ix_prize_win_contest_won')
        batch_op.drop_index(batch_op.f('ix_prize_win_agent_id'))
    op.drop_table('prize_win')
    with op.batch_alter_table('prize_hand_over', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_prize_hand_over_contest_id'))
    op.drop_table('prize_hand_over')
    op.drop_table('prize_seed')
