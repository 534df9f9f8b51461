"""People and machines allowed in: users with roles, API keys stored hashed."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from leaderboard.models.base import Base, UTCDateTime
from leaderboard.models.roster import Agent, Site

ROLES = ("admin", "lead", "integration", "agent", "display")

lead_site = Table(
    "lead_site",
    Base.metadata,
    Column("user_id", ForeignKey("user_account.id"), primary_key=True),
    Column("site_id", ForeignKey("site.id"), primary_key=True),
)


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    sites: Mapped[list[Site]] = relationship(secondary=lead_site, lazy="selectin")
    agent: Mapped[Agent | None] = relationship()


class ApiKey(Base):
    """A bearer token. Only its SHA-256 is stored; the secret is shown once."""

    __tablename__ = "api_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    # An agent key acts as this agent (CRM plugins, scripts), like the agent's phone session.
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User | None] = relationship(lazy="joined")
    agent: Mapped[Agent | None] = relationship(lazy="joined")


class AgentLink(Base):
    """A personal sign-in link for an agent's phone (no password on a shared phone); revocable."""

    __tablename__ = "agent_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(254))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    agent: Mapped[Agent] = relationship(lazy="joined")
