"""TV channels (a loop of slides) and the screens paired to them."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from leaderboard.models.base import Base, UTCDateTime


class Channel(Base):
    __tablename__ = "channel"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    slides: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Screen(Base):
    """A TV. Its secret (chosen by the server at registration) becomes its display token on pairing."""

    __tablename__ = "screen"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(6), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    channel_id: Mapped[Optional[int]] = mapped_column(ForeignKey("channel.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    paired_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    paired_by: Mapped[Optional[str]] = mapped_column(String(254))
    last_seen_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)

    channel: Mapped[Optional[Channel]] = relationship(lazy="joined")
