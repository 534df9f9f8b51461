"""The bulk rebuild (streamed log, in-memory sums, bulk inserts) equals the replay through the incremental path."""
import random
from datetime import UTC, datetime, timedelta

import time_machine

from leaderboard.extensions import db
from leaderboard.schemas import CancelIn, ContestIn, KpiBatchIn, SaleIn
from leaderboard.services.access import auth
from leaderboard.services.contests import lifecycle as contests
from leaderboard.services.core import projections
from leaderboard.services.earnings import bonuses as earnings
from leaderboard.services.roster.people import agent_by_key
from leaderboard.services.sales import ingest as sales
from leaderboard.services.sales import kpis
from tests.projection_snapshot import snapshot

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_bulk_rebuild_equals_replay_and_reports_progress(app, make):
    rng = random.Random(5)
    sites = [make.site(tz=tz) for tz in ("Europe/Paris", "Asia/Manila")]
    agents = [make.agent(site=rng.choice(sites)) for _ in range(8)]
    kpi_only = make.agent(site=sites[0])  # KPI samples but no sale: a standing with no reached sale
    products = [make.product(points=p, bonus=b) for p, b in ((7, "3.50"), (25, "0"))]
    with time_machine.travel(NOW, tick=False), app.app_context():
        window = {"starts_at": (NOW - timedelta(days=6)).isoformat(), "ends_at": (NOW + timedelta(days=1)).isoformat()}
        contests.create_contest(auth.SYSTEM, ContestIn(name="Q", kind="race", **window, rules={
            "products": {products[0]: {"points": 1.2345}}, "gate": {"kpi": "quality_score", "min": 50},
            "score": {"kpis": {"referral_rate": {"weight": 33.3, "target": 0.2}}}}))
        contests.create_contest(auth.SYSTEM, ContestIn(name="D", kind="lucky_draw", sites=sites[:1], **window,
                                                       rules={"tickets_per_sale": 3}))
        earnings.choose_charity(auth.SYSTEM, agent_by_key(agents[1]), "Red Cross")
        for n in range(120):
            at = NOW - timedelta(minutes=rng.randint(0, 60 * 24 * 8))
            sales.ingest_sale(auth.SYSTEM, SaleIn(id=f"b-{n}", agent=rng.choice(agents), product=rng.choice(products),
                                                  quantity=rng.randint(1, 3), occurred_at=at.isoformat()))
            if n % 9 == 0:
                sales.cancel_sale(auth.SYSTEM, f"b-{rng.randint(0, n)}", CancelIn(reason="churn"))
        kpis.record_samples(auth.SYSTEM, KpiBatchIn(samples=[
            {"agent": agent, "kpi": kpi, "value": rng.uniform(0, 100) / 997, "date": (NOW - timedelta(days=d)).date()
             .isoformat()} for agent in (*agents[:4], kpi_only) for kpi in ("quality_score", "referral_rate")
            for d in range(3)]))
        projections.replay(chunk_size=17)
        replayed = snapshot()
        assert any(row[-1] is None for row in replayed["standings"])  # the KPI-only standing
        seen: list[tuple[str, int, int]] = []
        read = projections.rebuild(chunk_size=13, progress=lambda kind, done, total: seen.append((kind, done, total)))
        assert read == 120
        assert snapshot() == replayed
        kinds = {kind for kind, _, _ in seen}
        assert {"sales", "kpis", "write"} <= kinds
        for kind in kinds:
            last = [s for s in seen if s[0] == kind][-1]
            assert last[1] == last[2]  # each bar ends full
        db.session.remove()
