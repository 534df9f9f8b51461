"""Periodic duties (time-driven changes with no event behind them), each run under its lease.

Whichever worker takes a duty's lease first runs it, in the lease's transaction; the others skip it until
the lease expires. So a duty runs at most once per period however many workers or servers poll.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from leaderboard.extensions import db
from leaderboard.services.core import leases
from leaderboard.services.core.clock import utcnow

log = logging.getLogger(__name__)


# A lease a little shorter than the period: the holder that polls next takes it despite clock jitter.
LEASE_SHARE = 0.9


@dataclass(frozen=True)
class Duty:
    name: str
    # Does the work, commits it (with the lease) and publishes; returns how many things changed.
    run: Callable[[datetime], int]
    # How often at most, across all processes; None: every poll period of the worker.
    period: timedelta | None = None


@dataclass(frozen=True)
class DutyRun:
    duty: str
    ran: bool
    changed: int = 0
    failed: bool = False


def run_due(duties: Sequence[Duty], holder: str, poll_period: timedelta,
            now: Callable[[], datetime] | None = None) -> list[DutyRun]:
    """Run every duty whose lease this holder can take now; each in a transaction of its own."""
    clock = now or utcnow
    runs = []
    for duty in duties:
        at = clock()
        try:
            db.session.rollback()  # the claim must open the transaction (SQLite: no stale read snapshot)
            if not leases.take(duty.name, holder, (duty.period or poll_period) * LEASE_SHARE, at):
                db.session.rollback()
                runs.append(DutyRun(duty.name, ran=False))
                continue
            changed = duty.run(at)
            db.session.commit()  # the claim, when the duty had nothing of its own to commit
            runs.append(DutyRun(duty.name, ran=True, changed=changed))
        except Exception:  # one failing duty must not stop the others; the next period retries
            db.session.rollback()
            log.exception("duty %s failed", duty.name)
            runs.append(DutyRun(duty.name, ran=False, failed=True))
    return runs
