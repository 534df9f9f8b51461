"""League and cup matches between sites, and the goals announced in them (kept when disallowed)."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from leaderboard.models.base import Base, UTCDateTime
from leaderboard.models.roster import Agent, Site


class Match(Base):
    __tablename__ = "match"
    __table_args__ = (Index("ix_match_contest_round", "contest_id", "round"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"))
    round: Mapped[int] = mapped_column(Integer)
    slot: Mapped[int] = mapped_column(Integer, default=0)
    home_site_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    away_site_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # H: summed FTE of each side's active agents, taken when the window opens and kept.
    home_fte: Mapped[Decimal | None] = mapped_column(Numeric(8, 3))
    away_fte: Mapped[Decimal | None] = mapped_column(Numeric(8, 3))
    announced_status: Mapped[str] = mapped_column(String(12), default="scheduled")

    home: Mapped[Site] = relationship(foreign_keys=[home_site_id], lazy="joined")
    away: Mapped[Site] = relationship(foreign_keys=[away_site_id], lazy="joined")


class MatchGoal(Base):
    """An announced goal. Identity: (match, site, sale, nth goal of that sale)."""

    __tablename__ = "match_goal"
    __table_args__ = (UniqueConstraint("match_id", "site_id", "sale_id", "nth", name="identity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("match.id", ondelete="CASCADE"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    sale_id: Mapped[str] = mapped_column(String(128))
    nth: Mapped[int] = mapped_column(Integer)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    announced_at: Mapped[datetime] = mapped_column(UTCDateTime)
    disallowed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(String(200))

    agent: Mapped[Agent] = relationship(lazy="joined")
    site: Mapped[Site] = relationship(lazy="joined")


class MatchSide(Base):
    """A side's running total in a match: counted points and goals allowed so far (a projection)."""

    __tablename__ = "match_side"

    match_id: Mapped[int] = mapped_column(ForeignKey("match.id", ondelete="CASCADE"), primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), primary_key=True)
    points: Mapped[Decimal] = mapped_column(Numeric(18, 4), default=Decimal(0))
    goals: Mapped[int] = mapped_column(Integer, default=0)
