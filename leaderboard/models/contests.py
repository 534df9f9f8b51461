"""Contests a team lead launches: race, lucky draw or league, over some sites and a window."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from leaderboard.models.base import Base, UTCDateTime
from leaderboard.models.roster import Site

contest_site = Table(
    "contest_site",
    Base.metadata,
    Column("contest_id", ForeignKey("contest.id", ondelete="CASCADE"), primary_key=True),
    Column("site_id", ForeignKey("site.id"), primary_key=True),
)


class Contest(Base):
    __tablename__ = "contest"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    timezone: Mapped[str] = mapped_column(String(64))
    rules: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prizes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # Values the service chose at launch, e.g. the "auto" points per goal and the cup seeding.
    derived: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default="{}")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(254))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Bumped in the same transaction as any standings change; read caches compare it.
    standings_version: Mapped[int] = mapped_column(Integer, default=0)

    sites: Mapped[list[Site]] = relationship(secondary=contest_site, lazy="selectin", order_by=Site.key)
