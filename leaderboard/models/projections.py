"""Projections of the event log, kept in step with it and rebuildable from it."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Boolean, Date, Float, ForeignKey, Index, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from leaderboard.models.base import Base, Money, UTCDateTime


class AgentDay(Base):
    """Counted sales per agent per local day of the agent's site: feeds calendar boards."""

    __tablename__ = "agent_day"

    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True, index=True)
    points: Mapped[int] = mapped_column(BigInteger, default=0)
    sales: Mapped[int] = mapped_column(BigInteger, default=0)  # of kind "sale"
    saves: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")  # retention saves
    # The sale that brought the agent to this score: the tie-break "who got there first".
    reached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reached_sale_id: Mapped[str | None] = mapped_column(String(128))


class ContestStanding(Base):
    """An agent's running total in one contest (points include assist points; score includes any weighted KPIs)."""

    __tablename__ = "contest_standing"
    __table_args__ = (Index("ix_contest_standing_board", "contest_id", "score"),)

    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"), primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id"), primary_key=True)
    points: Mapped[Decimal] = mapped_column(Numeric(18, 4), default=Decimal(0))
    sales: Mapped[int] = mapped_column(Integer, default=0)  # counted sales of kind "sale"
    saves: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # counted retention saves
    assists: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # counted assists (rules.assists)
    score: Mapped[Decimal] = mapped_column(Numeric(18, 4), default=Decimal(0))
    qualified: Mapped[bool] = mapped_column(Boolean, default=True)
    reached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reached_sale_id: Mapped[str | None] = mapped_column(String(128))


class ContestKpi(Base):
    """Sum and count of an agent's KPI samples inside a contest window (mean = total / samples)."""

    __tablename__ = "contest_kpi"

    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"), primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id"), primary_key=True)
    kpi: Mapped[str] = mapped_column(String(64), primary_key=True)
    total: Mapped[float] = mapped_column(Float, default=0.0)
    samples: Mapped[int] = mapped_column(Integer, default=0)


class Earning(Base):
    """The bonus a sale earns its agent; pending or confirmed follows from the clock."""

    __tablename__ = "earning"
    __table_args__ = (Index("ix_earning_agent_month", "agent_id", "month"), Index("ix_earning_month", "month"))

    sale_id: Mapped[str] = mapped_column(ForeignKey("sale.id"), primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id"))
    month: Mapped[str] = mapped_column(String(7))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    clawed_back: Mapped[bool] = mapped_column(Boolean, default=False)
    charity: Mapped[str | None] = mapped_column(String(200))


class ProjectionState(Base):
    """Small named markers, e.g. how far sales have been confirmed (for count_pending=false)."""

    __tablename__ = "projection_state"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class TicketGrant(Base):
    """Tickets a counted sale earns in a lucky draw: ids `<sale id>#1` … `#tickets`."""

    __tablename__ = "ticket_grant"
    __table_args__ = (Index("ix_ticket_grant_contest_agent", "contest_id", "agent_id"),)

    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"), primary_key=True)
    sale_id: Mapped[str] = mapped_column(ForeignKey("sale.id"), primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id"))
    tickets: Mapped[int] = mapped_column(Integer)


class SiteHour(Base):
    """Counted sales per site per UTC hour: feeds the 'sales per hour' chart on the TVs."""

    __tablename__ = "site_hour"

    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), primary_key=True)
    hour: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True, index=True)
    points: Mapped[int] = mapped_column(BigInteger, default=0)
    sales: Mapped[int] = mapped_column(BigInteger, default=0)
