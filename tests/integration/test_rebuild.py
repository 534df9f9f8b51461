"""`rebuild` reproduces exactly what the incremental path produced, for every projection."""
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


def test_rebuild_equals_incremental_with_contests_kpis_and_earnings(app, make):
    rng = random.Random(11)
    sites = [make.site(tz=tz) for tz in ("Europe/Paris", "America/Toronto", "Asia/Manila")]
    agents = [make.agent(site=rng.choice(sites)) for _ in range(15)]
    products = [make.product(points=p, bonus=b) for p, b in ((10, "5.00"), (25, "0"), (40, "20.00"))]
    with time_machine.travel(NOW, tick=False), app.app_context():
        rules = {"products": {products[0]: {"points": 12}},
                 "score": {"kpis": {"referral_rate": {"weight": 40, "target": 0.1}}},
                 "gate": {"kpi": "quality_score", "min": 75}, "normalize": "fte"}
        window = {"starts_at": (NOW - timedelta(days=10)).isoformat(), "ends_at": (NOW + timedelta(days=3)).isoformat()}
        contests.create_contest(auth.SYSTEM, ContestIn(name="A", kind="race", rules=rules, **window))
        contests.create_contest(auth.SYSTEM, ContestIn(name="B", kind="race", sites=sites[:1], **window))
        contests.create_contest(auth.SYSTEM, ContestIn(name="C", kind="lucky_draw", rules={"tickets_per_sale": 2},
                                                       **window))
        earnings.choose_charity(auth.SYSTEM, agent_by_key(agents[0]), "Red Cross")
        ids = []
        for n in range(250):
            at = NOW - timedelta(minutes=rng.randint(0, 60 * 24 * 18))
            ids.append(f"r-{n}")
            sales.ingest_sale(auth.SYSTEM, SaleIn(id=f"r-{n}", agent=rng.choice(agents), product=rng.choice(products),
                                                  quantity=rng.randint(1, 2), occurred_at=at.isoformat()))
            if rng.random() < 0.1:
                sales.cancel_sale(auth.SYSTEM, rng.choice(ids), CancelIn(reason="churn"))
            if rng.random() < 0.2:
                day = (NOW - timedelta(days=rng.randint(0, 12))).date()
                kpis.record_samples(auth.SYSTEM, KpiBatchIn(samples=[
                    {"agent": rng.choice(agents), "kpi": rng.choice(["referral_rate", "quality_score"]),
                     "value": rng.uniform(0, 100) / (1 if rng.random() < 0.5 else 1000), "date": day.isoformat()}]))
        incremental = snapshot()
        assert incremental["standings"] and incremental["earnings"] and incremental["kpis"]
        projections.rebuild(chunk_size=41)
        assert snapshot() == incremental
        db.session.remove()


def test_rebuild_keeps_goals_credited_in_arrival_order(app, make):
    """Live, a goal goes to the sale that arrives as the total crosses the line; a replay in time order
    would name the other sale. The rebuild keeps what screens were told when the count is the same."""
    from sqlalchemy import select

    from leaderboard.models.league import MatchGoal

    home, away = make.site("rh", "Europe/Paris"), make.site("ra", "Europe/Paris")
    agent = make.agent(home)
    make.agent(away)
    product = make.product(points=6)
    with time_machine.travel(NOW, tick=False), app.app_context():
        contests.create_contest(auth.SYSTEM, ContestIn(
            name="League", kind="league", sites=[home, away], starts_at=(NOW - timedelta(hours=2)).isoformat(),
            rules={"format": "league", "legs": 1, "match_length": "P1D", "points_per_goal": 10,
                   "normalize": "none"}))
        for sale_id, minutes_ago in (("later", 5), ("earlier", 50)):  # the later sale arrives first
            sales.ingest_sale(auth.SYSTEM, SaleIn(id=sale_id, agent=agent, product=product, quantity=1,
                                                  occurred_at=(NOW - timedelta(minutes=minutes_ago)).isoformat()))

        def goals():
            return [(g.sale_id, g.nth, g.disallowed_at) for g in db.session.scalars(select(MatchGoal))]

        live = goals()
        assert live == [("earlier", 1, None)]  # 6 + 6 crossed 10 when "earlier" arrived
        projections.rebuild()
        assert goals() == live
        db.session.remove()
