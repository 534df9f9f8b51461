"""The periodic duties and the loop that runs them: `leaderboard worker`, or embedded in `leaderboard serve`."""
from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from datetime import timedelta

from flask import Flask

from leaderboard.extensions import db
from leaderboard.services.core.duties import Duty, DutyRun, run_due
from leaderboard.services.core.settings import WorkerSettings
from leaderboard.services.league import upkeep as league_upkeep
from leaderboard.services.roster import personal_data
from leaderboard.services.sales import confirmations

log = logging.getLogger(__name__)
# Each duty: a name, a function of now that commits and returns a count, and a period when it needs
# running less often than every poll (retention scans every agent: hourly is plenty).
DUTIES: tuple[Duty, ...] = (
    Duty("confirm-sales", confirmations.advance),
    Duty("league-upkeep", league_upkeep.tick),
    Duty("privacy-retention", personal_data.apply_retention, period=timedelta(hours=1)),
)


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def run_once(app: Flask, every: timedelta, holder: str | None = None) -> list[DutyRun]:
    with app.app_context():
        try:
            return run_due(DUTIES, holder or holder_name(), every)
        finally:
            db.session.remove()


def run_forever(app: Flask, settings: WorkerSettings, sleep: Callable[[float], None],
                report: Callable[[DutyRun], None] = lambda run: None) -> None:
    """Poll every period; `sleep` is the process's own (gevent's inside `serve`, time.sleep in a worker)."""
    holder = holder_name()
    while True:
        try:
            for run in run_once(app, settings.every, holder):
                if run.ran or run.failed:
                    report(run)
        except Exception:  # database unreachable: an embedded loop must outlive it
            log.exception("running the periodic duties failed; retrying in %s", settings.every)
        sleep(settings.every.total_seconds())
