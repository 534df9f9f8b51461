"""Write transactions that survive concurrency: per-sale serialisation and bounded retries.

A sale and its cancellation take the same per-sale lock, so whichever commits second sees the first.
Deadlocks, serialisation failures and SQLite's busy errors are retried here, never shown to a caller.
"""
from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterable
from typing import TypeVar

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError

from leaderboard.extensions import db

log = logging.getLogger(__name__)
T = TypeVar("T")
ATTEMPTS = 8
# PostgreSQL: serialization_failure, deadlock_detected, lock_not_available.
RETRYABLE_SQLSTATES = {"40001", "40P01", "55P03"}


def _retryable(exc: DBAPIError) -> bool:
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if sqlstate in RETRYABLE_SQLSTATES:
        return True
    return isinstance(exc, OperationalError) and "database is locked" in str(exc.orig)


def retrying(unit_of_work: Callable[[], T]) -> T:
    """Run a whole unit of work (reads, writes, commit) again after a transient conflict."""
    for attempt in range(ATTEMPTS):
        try:
            return unit_of_work()
        except DBAPIError as exc:
            db.session.rollback()
            if not _retryable(exc) or attempt == ATTEMPTS - 1:
                raise
            log.info("retrying a write after %s (attempt %d)", type(exc.orig).__name__, attempt + 1)
            time.sleep(random.uniform(0, 0.005 * 2 ** attempt))
    raise AssertionError("unreachable")


def serialize_sales(sale_ids: Iterable[str]) -> None:
    """Hold, until commit, a lock per sale id (PostgreSQL) or the database write lock (SQLite).

    Call first in a transaction that reads a sale's state and then writes on it.
    """
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        ids = sorted(set(sale_ids))
        if ids:
            # Sorted so two batches sharing ids queue instead of deadlocking.
            connection.execute(text(
                "SELECT pg_advisory_xact_lock(key) FROM "
                "(SELECT hashtextextended(id, 0) AS key FROM unnest(CAST(:ids AS text[])) AS id "
                "ORDER BY key) AS keys"), {"ids": ids})
        return
    raw = connection.connection.dbapi_connection
    # A connection the session has checked out is live, so its DBAPI connection is there.
    assert raw is not None
    if connection.dialect.name == "sqlite" and not raw.in_transaction:
        # pysqlite runs reads outside a transaction until the first write; take the write lock now.
        connection.exec_driver_sql("BEGIN IMMEDIATE")
