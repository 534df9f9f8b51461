"""Assists and saves through the incremental path equal a rebuild (bulk and replay) and a contest re-score, for
any interleaving of sales, saves, assists and cancellations; the standings equal a sum computed here."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from leaderboard.extensions import db
from leaderboard.models.events import Cancellation, Sale, SaleAssist
from leaderboard.models.projections import ContestStanding
from leaderboard.models.roster import Agent
from leaderboard.schemas import AgentIn, CancelIn, ContestIn, ProductIn, SaleIn, SiteIn
from leaderboard.services.access import auth
from leaderboard.services.contests import lifecycle as contests
from leaderboard.services.core import projections
from leaderboard.services.roster import people
from leaderboard.services.sales import ingest as sales
from tests.integration.test_concurrency import run_together
from tests.projection_snapshot import snapshot

NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)
SELLERS = {"as1": "asa", "as2": "asa", "as3": "asb"}  # key -> site
OUTSIDE = {"an1": "asa", "an2": "asb"}  # colleagues outside sales
PEOPLE = sorted(SELLERS) + sorted(OUTSIDE)
# code -> (kind, points, assist points per unit)
PRODUCTS = {"AG": ("sale", 25, 25 // 2), "AK": ("save", 10, 3)}

sale_op = st.tuples(st.just("sale"), st.integers(0, 24), st.sampled_from(sorted(SELLERS)),
                    st.sampled_from(sorted(PRODUCTS)), st.integers(1, 3), st.integers(0, 60 * 40),
                    st.lists(st.sampled_from(PEOPLE), max_size=3, unique=True))
cancel_op = st.tuples(st.just("cancel"), st.integers(0, 24))
operations = st.lists(st.one_of(sale_op, sale_op, sale_op, cancel_op), min_size=1, max_size=30)


@pytest.fixture()
def world(app):
    with time_machine.travel(NOW - timedelta(days=4), tick=False), app.app_context():
        for site in ("asa", "asb"):
            people.upsert_site(auth.SYSTEM, site, SiteIn(name=site, timezone="Europe/Paris"))
        for key, site in SELLERS.items():
            people.upsert_agent(auth.SYSTEM, key, AgentIn(name=key, site=site))
        for key, site in OUTSIDE.items():
            people.upsert_agent(auth.SYSTEM, key, AgentIn(name=key, site=site, sells=False))
        for code, (kind, points, assist) in PRODUCTS.items():
            people.upsert_product(auth.SYSTEM, code, ProductIn(name=code, points=points, kind=kind,
                                                               assist_points=None if kind == "sale" else assist))
        window = {"starts_at": (NOW - timedelta(days=3)).isoformat(),
                  "ends_at": (NOW + timedelta(days=1)).isoformat()}
        everyone = contests.create_contest(auth.SYSTEM, ContestIn(name="Assists", kind="race",
                                                                  rules={"assists": True}, **window)).id
        saves_a = contests.create_contest(auth.SYSTEM, ContestIn(
            name="Saves A", kind="race", sites=["asa"], rules={"assists": True, "kinds": ["save"]}, **window)).id
        contests.create_contest(auth.SYSTEM, ContestIn(name="Draw", kind="lucky_draw", rules={"kinds": ["sale"]},
                                                       **window))
        db.session.remove()
    return {"everyone": everyone, "saves_a": saves_a}


def _wipe_log() -> None:
    for projection in projections.registered():
        projection.clear()
    for model in (Cancellation, SaleAssist, Sale):
        db.session.execute(delete(model))
    db.session.commit()


def expected_standings(applied: list[tuple], cancelled: set[int], sites: set[str] | None,
                       kinds: set[str] | None) -> dict[str, tuple[int, int, int, int]]:
    """(points, sales, saves, assists) per person from the operations alone."""
    totals: dict[str, list[int]] = {}
    for _, number, seller, product, quantity, _, assists in applied:
        kind, points, assist_points = PRODUCTS[product]
        if number in cancelled or (kinds is not None and kind not in kinds) or (
                sites is not None and SELLERS[seller] not in sites):
            continue
        row = totals.setdefault(seller, [0, 0, 0, 0])
        row[0] += points * quantity
        row[1 if kind == "sale" else 2] += 1
        for helper in assists:
            if sites is None or {**SELLERS, **OUTSIDE}[helper] in sites:
                row = totals.setdefault(helper, [0, 0, 0, 0])
                row[0] += assist_points * quantity
                row[3] += 1
    return {key: (points, n_sales, n_saves, n_assists) for key, (points, n_sales, n_saves, n_assists)
            in totals.items()}


def stored_standings(contest_id: int) -> dict[str, tuple[int, int, int, int]]:
    return {row.key: (int(row.points), row.sales, row.saves, row.assists) for row in db.session.execute(
        select(Agent.key, ContestStanding.points, ContestStanding.sales, ContestStanding.saves,
               ContestStanding.assists).join(Agent, Agent.id == ContestStanding.agent_id)
        .where(ContestStanding.contest_id == contest_id))}


@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ops=operations)
def test_assists_and_saves_survive_rebuild_replay_and_rescore(app, world, ops):
    with time_machine.travel(NOW, tick=False), app.app_context():
        _wipe_log()
        sent: dict[int, tuple] = {}
        cancelled: set[int] = set()
        for op in ops:
            if op[0] == "sale":
                first = sent.setdefault(op[1], (*op[:6], [a for a in op[6] if a != op[2]]))
                _, number, seller, product, quantity, minutes, assists = first
                sales.ingest_sale(auth.SYSTEM, SaleIn(
                    id=f"as-{number}", agent=seller, product=product, quantity=quantity, assists=assists,
                    occurred_at=(NOW - timedelta(minutes=minutes)).isoformat()))
            else:
                sales.cancel_sale(auth.SYSTEM, f"as-{op[1]}", CancelIn(reason="property"))
                cancelled.add(op[1])
        applied = list(sent.values())
        incremental = snapshot()
        assert stored_standings(world["everyone"]) == expected_standings(applied, cancelled, None, None)
        assert stored_standings(world["saves_a"]) == expected_standings(applied, cancelled, {"asa"}, {"save"})
        projections.rebuild(chunk_size=7)
        assert snapshot() == incremental
        projections.replay(chunk_size=5)
        assert snapshot() == incremental
        for contest_id in world.values():
            projections.rescore_contest(contests.find_contest(contest_id))
        db.session.commit()
        assert snapshot() == incremental
        db.session.remove()


def test_concurrent_sales_and_cancellations_crediting_one_colleague_lose_nothing(app, make, api, at_now):
    """Twenty sellers post at once, all naming the same colleague; then half are cancelled at once. On PostgreSQL
    the races are real: the colleague's standing must hold exactly what the surviving sales give."""
    site = make.site("acc", "Europe/Paris")
    helper = "acc-ops"
    with app.app_context():
        people.upsert_agent(auth.SYSTEM, helper, AgentIn(name="Ops", site=site, sells=False))
    sellers = [make.agent(site=site) for _ in range(20)]
    product = make.product("ACC", points=9)
    window = {"starts_at": (NOW - timedelta(days=2)).isoformat(), "ends_at": (NOW + timedelta(days=2)).isoformat()}
    race = api.contest(name="Assists race", kind="race", sites=[site], rules={"assists": True}, **window)["id"]

    def sale(number: int):
        def call():
            return app.test_client().post("/api/v1/sales", headers=api.integration, json={
                "id": f"acc-{number}", "agent": sellers[number], "product": product, "assists": [helper],
                "occurred_at": (NOW - timedelta(minutes=number + 1)).isoformat()}).status_code
        return call

    def cancel(number: int):
        def call():
            return app.test_client().post(
                f"/api/v1/sales/acc-{number}/cancel", headers=api.integration, json={"reason": "x"}).status_code
        return call

    assert run_together([sale(n) for n in range(20)]) == [201] * 20
    assert run_together([cancel(n) for n in range(0, 20, 2)]) == [200] * 10
    with app.app_context():
        standing = stored_standings(race)[helper]
        assert standing == ((9 // 2) * 10, 0, 0, 10)
        incremental = snapshot()
        projections.rebuild()
        assert snapshot() == incremental
        db.session.remove()
