"""Projections of the event log, kept in step with it and rebuildable from it."""
from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from leaderboard.models.base import Base, UTCDateTime


class AgentDay(Base):
    """Counted sales per agent per local day of the agent's site: feeds calendar boards."""

    __tablename__ = "agent_day"

    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True, index=True)
    points: Mapped[int] = mapped_column(Integer, default=0)
    sales: Mapped[int] = mapped_column(Integer, default=0)
    # The sale that brought the agent to this score: the tie-break "who got there first".
    reached_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    reached_sale_id: Mapped[Optional[str]] = mapped_column(String(128))
