"""The people side: personal goal posters, kudos tied to values, and anonymous values pulses."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, Column, Date, ForeignKey, Index, Integer, LargeBinary, String, Table, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from leaderboard.models.base import Base, Money, UTCDateTime


class Goal(Base):
    """What an agent saves their bonuses for. Savings count the agent's bonuses from sales since `set_at`."""

    __tablename__ = "goal"

    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id", ondelete="CASCADE"), primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    target_amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime)
    set_by: Mapped[str] = mapped_column(String(254))
    # The agent's own choice to show the poster on the goal wall TV slide.
    on_wall: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class GoalPicture(Base):
    """The poster's picture, resized by the server; `name` changes with every upload (never a stale cache)."""

    __tablename__ = "goal_picture"

    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(32))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(Integer)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Kudos(Base):
    """Recognition from one person to another, tied to one of the company's values (append-only)."""

    __tablename__ = "kudos"
    __table_args__ = (Index("ix_kudos_site_given", "site_id", "given_at"),
                      Index("ix_kudos_recipient_given", "recipient_id", "given_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    # An agent gives as themselves; a lead with no agent record gives as "a team lead" (giver_agent_id None).
    giver_agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="CASCADE"), index=True)
    giver_role: Mapped[str] = mapped_column(String(16))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("agent.id", ondelete="CASCADE"))
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"))  # the recipient's site, when given
    value: Mapped[str] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(Text, default="")
    given_at: Mapped[datetime] = mapped_column(UTCDateTime)


class KudosAllowance(Base):
    """How many kudos a giver gave on a day: raised by one atomic UPDATE … WHERE given < limit."""

    __tablename__ = "kudos_allowance"

    giver: Mapped[str] = mapped_column(String(80), primary_key=True)  # "agent:<id>" or "user:<name>"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    given: Mapped[int] = mapped_column(Integer, default=0)


pulse_site = Table(
    "pulse_site",
    Base.metadata,
    Column("pulse_id", ForeignKey("pulse.id", ondelete="CASCADE"), primary_key=True),
    Column("site_id", ForeignKey("site.id"), primary_key=True),
)


class Pulse(Base):
    """A lead asks agents, anonymously, what they think of a sales action and which values it conflicts with."""

    __tablename__ = "pulse"

    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(Text)
    values: Mapped[list[str]] = mapped_column(JSON)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    opened_by: Mapped[str] = mapped_column(String(254))
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PulseBallot(Base):
    """Who already answered, as a keyed hash of (pulse, agent) only: no time, no link to the answer."""

    __tablename__ = "pulse_ballot"
    # No rowid on SQLite: rows sit in key order (a hash), not in the order agents answered.
    __table_args__ = {"sqlite_with_rowid": False}

    pulse_id: Mapped[int] = mapped_column(ForeignKey("pulse.id", ondelete="CASCADE"), primary_key=True)
    voter: Mapped[str] = mapped_column(String(64), primary_key=True)


class PulseAnswer(Base):
    """One anonymous answer: a random id (no insertion order), the day only, nothing naming the agent."""

    __tablename__ = "pulse_answer"
    __table_args__ = {"sqlite_with_rowid": False}  # rows in random-id order, not in the order of answering

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    pulse_id: Mapped[int] = mapped_column(ForeignKey("pulse.id", ondelete="CASCADE"), index=True)
    score: Mapped[int] = mapped_column(Integer)
    conflicts: Mapped[list[str]] = mapped_column(JSON)
    comment: Mapped[str] = mapped_column(Text, default="")
    day: Mapped[date] = mapped_column(Date)
