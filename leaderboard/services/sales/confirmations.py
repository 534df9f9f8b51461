"""Moves the "confirmed through" mark forward so count_pending=false contests pick up confirmed sales."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from leaderboard.extensions import db
from leaderboard.models.contests import Contest
from leaderboard.models.events import Sale
from leaderboard.models.projections import ProjectionState
from leaderboard.services.contests.counting import sales_in_window
from leaderboard.services.contests.projection import add_sales_to_contest, standings_notice
from leaderboard.services.contests.rules import CONFIRMED_THROUGH, rules_of
from leaderboard.services.core.clock import clawback_window, utcnow
from leaderboard.services.core.publishing import Notice, publish
from leaderboard.services.prizes.awards import award as award_instant_prizes


def advance(now: datetime | None = None) -> int:
    """Count sales whose clawback window ended since the last call; returns how many were added."""
    now = now or utcnow()
    # The exclusive lock waits for every write that read the old mark (see confirmed_through) to commit.
    state = db.session.scalar(select(ProjectionState).where(ProjectionState.name == CONFIRMED_THROUGH)
                              .with_for_update())
    previous = state.at if state is not None else None
    if state is None:
        state = ProjectionState(name=CONFIRMED_THROUGH, at=now)
        db.session.add(state)
    elif now <= state.at:
        return 0
    state.at = now
    db.session.flush()
    waiting = [c for c in db.session.scalars(select(Contest).where(Contest.cancelled_at.is_(None)))
               if not rules_of(c).count_pending]
    added = 0
    prizes: list[Notice] = []
    for contest in waiting:
        # The counting rule counts a sale once its window ended at or before the mark (occurred + clawback
        # <= mark): this run adds exactly those between the previous mark (exclusive) and the new one.
        statement = sales_in_window(contest.starts_at, contest.ends_at, [s.id for s in contest.sites]).where(
            Sale.occurred_at <= now - clawback_window())
        if previous is not None:
            statement = statement.where(Sale.occurred_at > previous - clawback_window())
        sales = list(db.session.scalars(statement))
        add_sales_to_contest(contest, sales)
        prizes += award_instant_prizes(contest, sales)  # decided once counted: here, when confirmed
        added += len(sales)
    db.session.commit()
    if added:
        publish([standings_notice(c.id) for c in waiting] + prizes)
    return added
