"""A personal goal poster's progress: the agent's own bonuses since the goal was set (pure rules).

Counted: bonuses of sales made at or after the goal was set, in the goal's currency, neither donated to a
charity nor clawed back. A bonus is confirmed once its sale is older than the clawback window.
`reached_at` is the instant confirmed savings first reached the target: walking the counted bonuses in
the order they confirm (the sales' order), it is when the one that crossed the target confirmed. It is
derived from the earnings projection only, so `leaderboard rebuild` gives the same instant.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Saving:
    """One bonus as the goal sees it (from the earnings projection)."""

    occurred_at: datetime
    amount: Decimal
    currency: str
    clawed_back: bool
    donated: bool


@dataclass(frozen=True)
class GoalProgress:
    saved_confirmed: Decimal
    saved_pending: Decimal
    progress: float  # saved_confirmed / target, capped at 1 (4 decimals)
    reached_at: datetime | None


def counted(saving: Saving, currency: str, since: datetime) -> bool:
    return (saving.occurred_at >= since and saving.currency == currency
            and not saving.clawed_back and not saving.donated)


def goal_progress(target: Decimal, currency: str, since: datetime, savings: Iterable[Saving],
                  clawback: timedelta, now: datetime) -> GoalProgress:
    confirmed, pending = ZERO, ZERO
    reached_at: datetime | None = None
    running = ZERO
    for saving in sorted((s for s in savings if counted(s, currency, since)), key=lambda s: s.occurred_at):
        confirmed_at = saving.occurred_at + clawback
        if now >= confirmed_at:
            confirmed += saving.amount
            running += saving.amount
            if reached_at is None and running >= target:
                reached_at = confirmed_at
        else:
            pending += saving.amount
    progress = 1.0 if target <= 0 else float(min(Decimal(1), confirmed / target).quantize(Decimal("0.0001")))
    return GoalProgress(confirmed, pending, progress, reached_at)
