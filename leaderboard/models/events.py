"""The event log, the source of truth: sales, cancellations and KPI samples (append-only)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from leaderboard.models.base import Base, Money, UTCDateTime
from leaderboard.models.roster import Agent, Product


class Sale(Base):
    """A sale as the CRM reported it. Points and bonus are fixed at ingest time."""

    __tablename__ = "sale"
    __table_args__ = (Index("ix_sale_agent_occurred", "agent_id", "occurred_at"),)

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal | None] = mapped_column(Money)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    points: Mapped[int] = mapped_column(Integer)
    bonus: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    body_hash: Mapped[str] = mapped_column(String(64))
    # The product's kind at ingest ("sale" or "save"), fixed like points and bonus.
    kind: Mapped[str] = mapped_column(String(8), default="sale", server_default="sale")

    agent: Mapped[Agent] = relationship(lazy="joined")
    product: Mapped[Product] = relationship(lazy="joined")
    assists: Mapped[list[SaleAssist]] = relationship(lazy="selectin", order_by="SaleAssist.agent_id")


class SaleAssist(Base):
    """A colleague credited with helping on a sale (part of the sale's event); `points` fixed at ingest."""

    __tablename__ = "sale_assist"

    sale_id: Mapped[str] = mapped_column(ForeignKey("sale.id"), primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id"), primary_key=True, index=True)
    points: Mapped[int] = mapped_column(Integer)

    agent: Mapped[Agent] = relationship(lazy="joined")


class Cancellation(Base):
    """A cancellation; it may arrive before its sale, so sale_id is not a foreign key."""

    __tablename__ = "cancellation"

    id: Mapped[int] = mapped_column(primary_key=True)
    sale_id: Mapped[str] = mapped_column(String(128), unique=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    cancelled_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Decided once the sale is known: True when after the clawback window.
    late: Mapped[bool | None] = mapped_column(Boolean)


class KpiSample(Base):
    __tablename__ = "kpi_sample"
    __table_args__ = (Index("ix_kpi_sample_agent_kpi_day", "agent_id", "kpi", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id"))
    kpi: Mapped[str] = mapped_column(String(64))
    value: Mapped[float] = mapped_column(Float)
    day: Mapped[date] = mapped_column(Date)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CharityChoice(Base):
    """An agent's choice to give bonuses to a charity (None stops), from `effective_from` on."""

    __tablename__ = "charity_choice"
    __table_args__ = (Index("ix_charity_choice_agent_from", "agent_id", "effective_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id"))
    charity: Mapped[str | None] = mapped_column(String(200))
    effective_from: Mapped[datetime] = mapped_column(UTCDateTime)
