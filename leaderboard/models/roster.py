"""Roster: sites, teams, agents and the products they sell."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, Numeric, String, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from leaderboard.models.base import Base, Money


class Site(Base):
    __tablename__ = "site"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))


class Team(Base):
    __tablename__ = "team"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)

    site: Mapped[Site] = relationship(lazy="joined")


class Agent(Base):
    __tablename__ = "agent"
    __table_args__ = (CheckConstraint("fte > 0 AND fte <= 1", name="fte_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    fte: Mapped[Decimal] = mapped_column(Numeric(4, 3), default=Decimal("1"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Privacy: a neutral placeholder on public screens; erased agents keep only their key and totals.
    hidden_on_screens: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    erased: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # People outside sales (back office, warehouse, IT): no sales of their own, only assists on boards.
    sells: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    site: Mapped[Site] = relationship(lazy="joined")
    team: Mapped[Team | None] = relationship(lazy="joined")


class Product(Base):
    __tablename__ = "product"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    points: Mapped[int] = mapped_column(Integer)
    bonus: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    # "sale", or "save": a customer kept from cancelling, posted and scored like a sale.
    kind: Mapped[str] = mapped_column(String(8), default="sale", server_default="sale")
    # Points each assisting colleague earns per unit; None: half the points, rounded down.
    assist_points: Mapped[int | None] = mapped_column(Integer)

    @property
    def assist_points_per_unit(self) -> int:
        return self.points // 2 if self.assist_points is None else self.assist_points
