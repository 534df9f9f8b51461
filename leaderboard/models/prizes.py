"""Instant prizes: the contest's secret chance seed, hand-overs (a log), and the wins projected from sales."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from leaderboard.models.base import Base, UTCDateTime


class PrizeSeed(Base):
    """Drawn once per contest with instant prizes; only its SHA-256 is shown before the contest ends."""

    __tablename__ = "prize_seed"

    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"), primary_key=True)
    seed_hex: Mapped[str] = mapped_column(String(64))
    commitment: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PrizeHandOver(Base):
    """A lead gave a won prize to its winner: an event of its own, kept across rebuilds and re-applied."""

    __tablename__ = "prize_hand_over"

    win_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"), index=True)
    prize: Mapped[str] = mapped_column(String(200))
    sale_id: Mapped[str] = mapped_column(String(128))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    by: Mapped[str] = mapped_column(String(254))


class PrizeWin(Base):
    """A sale won a prize (projection). The id is derived from (contest, prize, sale): stable across rebuilds."""

    __tablename__ = "prize_win"
    __table_args__ = (Index("ix_prize_win_contest_won", "contest_id", "won_at"),
                      Index("ix_prize_win_sale", "sale_id"))

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"))
    prize: Mapped[str] = mapped_column(String(200))
    sale_id: Mapped[str] = mapped_column(String(128))
    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id"), index=True)
    won_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handed_over_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_after_hand_over: Mapped[bool] = mapped_column(Boolean, default=False)


class PrizeStock(Base):
    """What is left of one prize; taken with `UPDATE … SET remaining = remaining - 1 WHERE remaining > 0`."""

    __tablename__ = "prize_stock"

    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"), primary_key=True)
    prize: Mapped[str] = mapped_column(String(200), primary_key=True)
    remaining: Mapped[int] = mapped_column(Integer)


class PrizeCounter(Base):
    """Counted sales per prize and scope ("agent:<id>:<local day>", "site:<id>", "contest"), in arrival order."""

    __tablename__ = "prize_counter"

    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"), primary_key=True)
    prize: Mapped[str] = mapped_column(String(200), primary_key=True)
    scope: Mapped[str] = mapped_column(String(64), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
