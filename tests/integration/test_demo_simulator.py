"""The demo's sales simulator: real sales through the service at each site's local pace, cancellations inside
the clawback window (they take points back) and late ones (recorded, take nothing back), as `make demo` runs it."""
import random
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from leaderboard.extensions import db
from leaderboard.models.events import Cancellation, Sale
from leaderboard.services.core.clock import utcnow
from leaderboard.services.demo import simulator
from leaderboard.services.demo.pace import PRODUCT_MIX

NOON_IN_PARIS = datetime(2026, 11, 18, 10, 30, tzinfo=UTC)  # 11:30 in Paris, 05:30 in Montréal


@pytest.fixture()
def centre(make):
    make.site("paris", "Europe/Paris")
    make.site("montreal", "America/Toronto")
    for n in range(6):
        make.agent("paris", f"paris-{n}")
        make.agent("montreal", f"montreal-{n}")
    for code in PRODUCT_MIX:
        make.product(code, points=20)


def test_sales_follow_the_local_day_of_each_site(app, centre):
    with time_machine.travel(NOON_IN_PARIS, tick=False) as clock, app.app_context():
        stream = simulator.start(utcnow(), random.Random(1))
        for _ in range(30):
            clock.shift(timedelta(minutes=1))
            simulator.step(stream, utcnow())
        posted = db.session.scalars(select(Sale).where(Sale.id.like("sim-%"))).all()
        # Six Paris agents at full pace for half an hour: about 6 × 4 / 2 = 12 sales; Montréal is asleep.
        assert 3 <= len(posted) == stream.posted <= 30
        assert {sale.agent.site.key for sale in posted} == {"paris"}
        db.session.remove()


def test_every_sale_scheduled_for_cancellation_is_cancelled_in_time(app, centre):
    with time_machine.travel(NOON_IN_PARIS, tick=False) as clock, app.app_context():
        stream = simulator.start(utcnow(), random.Random(3))
        simulator.CANCEL_SHARE, share = 1.0, simulator.CANCEL_SHARE
        try:
            clock.shift(timedelta(minutes=10))
            simulator.step(stream, utcnow())
        finally:
            simulator.CANCEL_SHARE = share
        posted = set(db.session.scalars(select(Sale.id).where(Sale.id.like("sim-%"))))
        assert posted and {sale_id for _, sale_id in stream.cancellations} <= posted
        clock.shift(timedelta(minutes=16))  # each is cancelled 2–15 minutes after the sale
        simulator.step(stream, utcnow())
        cancelled = db.session.scalars(select(Cancellation).where(Cancellation.sale_id.in_(posted))).all()
        assert {c.sale_id for c in cancelled} == posted and not any(c.late for c in cancelled)
        db.session.remove()


def test_an_old_sale_cancelled_after_its_clawback_window_is_late(app, centre, api):
    api.sale("old-1", "paris-1", "CARD", NOON_IN_PARIS - timedelta(days=20))
    with time_machine.travel(NOON_IN_PARIS, tick=False), app.app_context():
        stream = simulator.start(utcnow(), random.Random(4))
        simulator._cancel_an_old_sale(stream, utcnow())
        cancellation = db.session.scalar(select(Cancellation).where(Cancellation.sale_id == "old-1"))
        assert cancellation is not None and cancellation.late is True
        db.session.remove()


def test_the_run_loop_posts_through_the_service_until_its_limit(app, centre, monkeypatch):
    clock = iter(NOON_IN_PARIS + timedelta(minutes=n) for n in range(10_000))
    monkeypatch.setattr(simulator, "utcnow", lambda: next(clock))  # a minute passes at every look at the clock
    assert simulator.run(app, step_seconds=0, limit=3) >= 3
    with app.app_context():
        assert len(db.session.scalars(select(Sale).where(Sale.id.like("sim-%"))).all()) >= 3
        db.session.remove()
