"""Privacy records: agents' consent to opt-in contests."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from leaderboard.models.base import Base, UTCDateTime


class ContestConsent(Base):
    """An agent who accepted to appear on an opt-in contest's boards; withdrawing deletes the row."""

    __tablename__ = "contest_consent"

    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"), primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id"), primary_key=True, index=True)
    given_at: Mapped[datetime] = mapped_column(UTCDateTime)
