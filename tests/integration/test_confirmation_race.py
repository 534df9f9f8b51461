"""Sales that become confirmed while the confirmation run moves its mark are counted exactly once.

A sale whose clawback window ended between two marks must be counted either by its own write (the mark
it read already covered it) or by the run (it was committed before the run looked). Runs on SQLite and,
where the race is real, on PostgreSQL.
"""
from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select

from leaderboard.extensions import db
from leaderboard.models.projections import ContestStanding
from leaderboard.services.core.clock import clawback_window
from leaderboard.services.sales import confirmations
from tests.conftest import NOW
from tests.integration.test_concurrency import assert_rebuild_agrees, post_sale, run_together

SALES = 120


def test_sales_confirmed_during_a_confirmation_run_are_never_lost(app, make, api, at_now):
    site = make.site("conf", "Europe/Paris")
    product = make.product("CONF", points=3)
    agents = [make.agent(site, f"c{n}") for n in range(10)]
    race = api.contest(name="Confirmed race", kind="race", sites=[site], rules={"count_pending": False},
                       starts_at=(NOW - timedelta(days=30)).isoformat(), ends_at=(NOW + timedelta(days=2)).isoformat())
    with app.app_context():
        clawback = clawback_window()
    # Sale i's clawback window ends at NOW - 10 min + 5 i seconds: between two of the run's marks.
    ends = [NOW - timedelta(minutes=10) + timedelta(seconds=5 * i) for i in range(SALES)]
    minutes_ago = [(NOW - (end - clawback)) / timedelta(minutes=1) for end in ends]

    def advance(at):
        with app.app_context():
            try:
                confirmations.advance(at)
            finally:
                db.session.remove()

    advance(NOW - timedelta(minutes=11))
    stop = threading.Event()

    def keep_advancing():
        for step in range(61):
            if stop.is_set():
                return
            advance(NOW - timedelta(minutes=10) + timedelta(seconds=10 * step))

    runner = threading.Thread(target=keep_advancing)
    runner.start()
    try:
        results = run_together([post_sale(app, api.integration, f"conf-{i}", agents[i % 10], product,
                                          minutes_ago=minutes_ago[i]) for i in range(SALES)])
    finally:
        runner.join(timeout=120)
        stop.set()
    assert {status for status, _ in results} == {201}
    advance(NOW + timedelta(seconds=1))  # every clawback window has ended by now
    with app.app_context():
        counted = db.session.scalar(select(func.sum(ContestStanding.sales))
                                    .where(ContestStanding.contest_id == race["id"]))
        db.session.remove()
    assert counted == SALES
    assert_rebuild_agrees(app)
