"""Atomic changes to projection rows: one `INSERT … ON CONFLICT DO UPDATE` per batch, never read-add-write.

Concurrent writers on PostgreSQL (READ COMMITTED) each add their share to the committed row; the
upsert also takes the row lock, so a caller may derive more columns from what it RETURNs.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Table, and_, case, or_, update
from sqlalchemy.dialects import postgresql, sqlite

from leaderboard.extensions import db
from leaderboard.models.contests import Contest


def dialect_insert(model: Any) -> Any:
    """The dialect's INSERT, which has `on_conflict_do_update` on both SQLite and PostgreSQL."""
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


def _later(table: Any, excluded: Any) -> Any:
    """True when the incoming (reached_at, reached_sale_id) is after the stored one: 'who got there first'."""
    return or_(table.c.reached_at.is_(None), excluded.reached_at > table.c.reached_at,
               and_(excluded.reached_at == table.c.reached_at, excluded.reached_sale_id > table.c.reached_sale_id))


def add_rows(model: Any, rows: Sequence[Mapping[str, Any]], keys: Sequence[str], sums: Sequence[str],
             track_latest: bool = False, returning: Sequence[str] = ()) -> list[Any]:
    """Insert rows or add their `sums` to the stored ones; optionally keep the latest reached_* pair.

    Rows are sorted by key so that concurrent batches lock rows in one order (no deadlock cycle).
    """
    if not rows:
        return []
    ordered = sorted(rows, key=lambda r: tuple(r[k] for k in keys))
    connection = db.session.connection()
    statement = _upsert(connection.dialect.name, model.__table__, tuple(keys), tuple(sums), track_latest,
                        tuple(returning))
    result = connection.execute(statement, ordered)
    return list(result) if returning else []


@lru_cache(maxsize=64)
def _upsert(dialect: str, table: Table, keys: tuple[str, ...], sums: tuple[str, ...], track_latest: bool,
            returning: tuple[str, ...]) -> Any:
    """One statement per shape, built once: run with many parameter sets, it is compiled once too."""
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    changes: dict[str, Any] = {name: table.c[name] + statement.excluded[name] for name in sums}
    if track_latest:
        later = _later(table, statement.excluded)
        changes["reached_at"] = case((later, statement.excluded.reached_at), else_=table.c.reached_at)
        changes["reached_sale_id"] = case((later, statement.excluded.reached_sale_id),
                                          else_=table.c.reached_sale_id)
    statement = statement.on_conflict_do_update(index_elements=list(keys), set_=changes)
    return statement.returning(*(table.c[name] for name in returning)) if returning else statement


def insert_missing(model: Any, rows: Sequence[Mapping[str, Any]], keys: Sequence[str]) -> None:
    """Insert rows whose key is not stored yet; a concurrent or replayed insert of the same key is a no-op."""
    if rows:
        ordered = sorted(rows, key=lambda r: tuple(r[k] for k in keys))
        db.session.connection().execute(dialect_insert(model.__table__).on_conflict_do_nothing(
            index_elements=list(keys)), ordered)


def bump_standings_versions(contest_ids: Iterable[int]) -> None:
    """Move each contest's board version on in SQL, so no concurrent write is ever lost from a cache key."""
    ids = sorted(set(contest_ids))
    if ids:
        db.session.execute(update(Contest).where(Contest.id.in_(ids))
                           .values(standings_version=Contest.standings_version + 1)
                           .execution_options(synchronize_session=False))
