"""Reading a contest's stored rules into the domain's ContestRules, and which sales it counts."""
from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import select

from leaderboard.domain.sales import counts_in_contest
from leaderboard.domain.scoring import ContestRules, parse_rules
from leaderboard.extensions import db
from leaderboard.models.contests import Contest
from leaderboard.models.events import Sale
from leaderboard.models.projections import ProjectionState
from leaderboard.services.core.settings import configured

CONFIRMED_THROUGH = "sales_confirmed_through"


def kpi_catalogue() -> dict[str, bool]:
    return dict(configured().kpi_directions)


@lru_cache(maxsize=512)
def _parsed(kind: str, rules_json: str, catalogue_json: str) -> ContestRules:
    rules, errors = parse_rules(kind, json.loads(rules_json), json.loads(catalogue_json), None)
    if rules is None:
        raise ValueError(f"stored rules no longer validate: {errors}")
    return rules


def rules_of(contest: Contest) -> ContestRules:
    return _parsed(contest.kind, json.dumps(contest.rules, sort_keys=True),
                   json.dumps(kpi_catalogue(), sort_keys=True))


def confirmed_through() -> datetime | None:
    """Sales whose clawback window ended before this instant count as confirmed in projections.

    Read under a share lock (PostgreSQL; SQLite writers are serialised anyway): the confirmation run
    locks this row before it looks for newly confirmed sales, so a write that counted by the old mark
    has committed by then and the run finds its sale. Otherwise a sale could be counted by neither.
    """
    return db.session.scalar(select(ProjectionState.at).where(ProjectionState.name == CONFIRMED_THROUGH)
                             .with_for_update(read=True))


def counts_sale(contest: Contest, rules: ContestRules, sale: Sale, site_ids: set[int],
                confirmed_until: datetime | None, clawback: timedelta) -> bool:
    """The domain's counting rule applied to a stored sale (clawed-back sales are filtered in SQL first)."""
    return counts_in_contest(sale.occurred_at, sale.agent.site_id, contest.starts_at, contest.ends_at, site_ids,
                             rules.count_pending, confirmed_until, clawback, sale.kind, rules.kinds)


PRELOADED = "leaderboard.contests_overlapping"


def _query_overlapping(start: datetime, end: datetime) -> list[Contest]:
    return list(db.session.scalars(select(Contest).where(
        Contest.cancelled_at.is_(None), Contest.starts_at <= end, Contest.ends_at > start)))


def contests_overlapping(start: datetime, end: datetime) -> list[Contest]:
    """Contests not cancelled whose window meets [start, end] (from the preloaded list when there is one)."""
    preloaded = db.session.info.get(PRELOADED)
    if preloaded is not None and preloaded[0] <= start and end <= preloaded[1]:
        return [c for c in preloaded[2] if c.starts_at <= end and c.ends_at > start]
    return _query_overlapping(start, end)


@contextmanager
def contests_preloaded(start: datetime, end: datetime) -> Iterator[None]:
    """Every projection of one write asks which contests a sale falls in: ask the database once."""
    db.session.info[PRELOADED] = (start, end, _query_overlapping(start, end))
    try:
        yield
    finally:
        db.session.info.pop(PRELOADED, None)
