"""Duty leases in SQL: one conditional upsert decides which process runs a periodic duty, on SQLite and PostgreSQL.

The lease is taken inside the transaction that does the duty's work. On PostgreSQL the upsert keeps the
row locked until commit, so a concurrent taker waits and then finds the lease held; SQLite lets one writer
at a time. A process that dies mid-duty rolls back its claim with its work, and the lease is free again.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from leaderboard.extensions import db
from leaderboard.models.leases import DutyLease
from leaderboard.services.core.aggregates import dialect_insert


def take(duty: str, holder: str, lease_for: timedelta, now: datetime) -> bool:
    """Take `duty` until now + lease_for if nobody holds it; True when this transaction now holds it."""
    table = DutyLease.__table__
    statement = dialect_insert(DutyLease).values(duty=duty, holder=holder, taken_at=now, expires_at=now + lease_for)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.duty],
        set_={"holder": statement.excluded.holder, "taken_at": statement.excluded.taken_at,
              "expires_at": statement.excluded.expires_at},
        where=table.c.expires_at <= now,
    ).returning(table.c.duty)
    return db.session.execute(statement).first() is not None
