"""Duty leases: which process may run a periodic duty (confirming sales, league upkeep…) until when."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from leaderboard.models.base import Base, UTCDateTime


class DutyLease(Base):
    """One row per duty; taken by a conditional upsert in the same transaction as the duty's work."""

    __tablename__ = "duty_lease"

    duty: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(120))
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
