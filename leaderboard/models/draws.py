"""Lucky draws: the committed seed, the frozen ticket list and the stored proof of one draw."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from leaderboard.models.base import Base, UTCDateTime


class Draw(Base):
    __tablename__ = "draw"

    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"), primary_key=True)
    # Secret until the draw; only its SHA-256 (the commitment) is published before.
    seed_hex: Mapped[str] = mapped_column(String(64))
    commitment: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(8), default="open")
    frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    frozen_lines: Mapped[str | None] = mapped_column(Text)
    tickets_digest: Mapped[str | None] = mapped_column(String(64))
    tickets_count: Mapped[int | None] = mapped_column(Integer)
    drawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    proof: Mapped[dict[str, Any] | None] = mapped_column(JSON)
