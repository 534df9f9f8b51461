"""Writes audit entries inside the caller's transaction (never commits on its own)."""
from __future__ import annotations

from typing import Any

from leaderboard.extensions import db
from leaderboard.models.audit import AuditEntry
from leaderboard.services.core.clock import utcnow


def record(actor: str, action: str, object_type: str, object_key: str,
           before: dict[str, Any] | None = None, after: dict[str, Any] | None = None) -> None:
    db.session.add(AuditEntry(at=utcnow(), actor=actor, action=action, object_type=object_type,
                              object_key=object_key, before=before, after=after))

