"""TV channels (a loop of slides) and the screens paired to them."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Column, ForeignKey, Integer, String, Table, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from leaderboard.models.base import Base, UTCDateTime
from leaderboard.models.roster import Site

# The sites a channel belongs to: their leads may change it. A channel with none is the admins'.
channel_site = Table(
    "channel_site",
    Base.metadata,
    Column("channel_id", ForeignKey("channel.id", ondelete="CASCADE"), primary_key=True),
    Column("site_id", ForeignKey("site.id"), primary_key=True),
)


class Channel(Base):
    __tablename__ = "channel"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    slides: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # TV look and sound: None means the TV browser's own language.
    language: Mapped[str | None] = mapped_column(String(5))
    big_sale_points: Mapped[int | None] = mapped_column(Integer)
    sound: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # How people appear on this channel's screens: {"names": "full"|"first_initial"|"none", "top": N}.
    display: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default="{}")

    sites: Mapped[list[Site]] = relationship(secondary=channel_site, lazy="selectin", order_by=Site.key)


class Screen(Base):
    """A TV. Its secret (chosen by the server at registration) becomes its display token on pairing."""

    __tablename__ = "screen"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(6), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    channel_id: Mapped[int | None] = mapped_column(ForeignKey("channel.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    paired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paired_by: Mapped[str | None] = mapped_column(String(254))
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    channel: Mapped[Channel | None] = relationship(lazy="joined")
