"""Sale ingestion on a real database: concurrent replays, out-of-order cancels, rebuild == incremental."""
import random
import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from leaderboard.extensions import db
from leaderboard.models.events import Cancellation, Sale
from leaderboard.models.projections import AgentDay
from leaderboard.schemas import CancelIn, SaleIn
from leaderboard.services.access import auth
from leaderboard.services.core import projections
from leaderboard.services.core.errors import Conflict
from leaderboard.services.sales import ingest as sales

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def sale_in(sale_id, agent, product, at=NOW - timedelta(hours=1), quantity=1):
    return SaleIn(id=sale_id, agent=agent, product=product, quantity=quantity, occurred_at=at.isoformat())


def test_concurrent_replays_create_one_row(app, make):
    agent, product = make.agent(), make.product()
    outcomes, barrier = [], threading.Barrier(8)

    def replay():
        with app.app_context():
            barrier.wait()
            try:
                _, created = sales.ingest_sale(auth.SYSTEM, sale_in("race-1", agent, product))
                outcomes.append(created)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=replay) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [False] * 7 + [True]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Sale)) == 1
        assert db.session.scalar(select(func.sum(AgentDay.sales))) == 1


def test_changed_replay_raises_conflict(ctx, make):
    agent, product = make.agent(), make.product()
    sales.ingest_sale(auth.SYSTEM, sale_in("c-1", agent, product))
    try:
        sales.ingest_sale(auth.SYSTEM, sale_in("c-1", agent, product, quantity=2))
    except Conflict as exc:
        assert exc.extra["sale"]["quantity"] == 1
    else:
        raise AssertionError("a changed replay must conflict")


def test_early_cancellation_then_sale_counts_nothing(ctx, make):
    agent, product = make.agent(), make.product(points=40)
    view, _ = sales.cancel_sale(auth.SYSTEM, "early-1", CancelIn(reason="duplicate order"))
    assert view is None
    view, created = sales.ingest_sale(auth.SYSTEM, sale_in("early-1", agent, product))
    assert created and view["status"] == "cancelled"
    assert db.session.scalar(select(func.coalesce(func.sum(AgentDay.points), 0))) == 0
    assert db.session.scalar(select(Cancellation.late)) is False


def test_cancellation_removes_points_from_the_day(ctx, make):
    agent, product = make.agent(), make.product(points=25)
    for n in range(3):
        sales.ingest_sale(auth.SYSTEM, sale_in(f"d-{n}", agent, product, at=NOW - timedelta(minutes=10 * (n + 1))))
    sales.cancel_sale(auth.SYSTEM, "d-0", CancelIn(reason="refund"))
    row = db.session.scalars(select(AgentDay)).one()
    assert (row.points, row.sales) == (50, 2)
    # d-1 (20 min ago) is now the latest counted sale: that is when the score was reached.
    assert row.reached_sale_id == "d-1"


def snapshot_projections():
    rows = db.session.scalars(select(AgentDay).order_by(AgentDay.agent_id, AgentDay.day)).all()
    return [(r.agent_id, r.day, r.points, r.sales, r.reached_at, r.reached_sale_id) for r in rows]


def test_rebuild_reproduces_the_incremental_projections(app, make):
    rng = random.Random(7)
    sites = [make.site(tz=tz) for tz in ("Europe/Paris", "America/Toronto", "Asia/Manila")]
    agents = [make.agent(site=rng.choice(sites)) for _ in range(12)]
    products = [make.product(points=p) for p in (10, 25, 40)]
    with app.app_context():
        ids = []
        for n in range(300):
            at = NOW - timedelta(minutes=rng.randint(0, 60 * 24 * 20))
            ids.append(f"r-{n}")
            if rng.random() < 0.3:
                items = [sale_in(f"r-{n}", rng.choice(agents), rng.choice(products), at).model_dump(mode="json")]
                sales.ingest_batch(auth.SYSTEM, items)
            else:
                sales.ingest_sale(auth.SYSTEM, sale_in(f"r-{n}", rng.choice(agents), rng.choice(products), at,
                                                       quantity=rng.randint(1, 3)))
            if rng.random() < 0.1:
                sales.cancel_sale(auth.SYSTEM, rng.choice(ids), CancelIn(reason="churn"))
            if rng.random() < 0.03:
                sales.cancel_sale(auth.SYSTEM, f"r-{n + 1}", CancelIn(reason="before the sale"))
        incremental = snapshot_projections()
        assert incremental, "the scenario must produce projections"
        projections.rebuild(chunk_size=37)
        assert snapshot_projections() == incremental
        db.session.remove()
