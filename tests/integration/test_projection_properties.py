"""Property: any interleaving of sales, cancellations, KPI samples and rules changes leaves every
projection equal to a rebuild from the log, and the race standings equal a sum computed here."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from leaderboard.extensions import db
from leaderboard.models.events import Cancellation, KpiSample, Sale
from leaderboard.models.league import MatchGoal
from leaderboard.models.projections import ContestStanding
from leaderboard.models.roster import Agent
from leaderboard.schemas import CancelIn, ContestIn, ContestPatch, KpiBatchIn, SaleIn
from leaderboard.services.access import auth
from leaderboard.services.contests import lifecycle as contests
from leaderboard.services.core import projections
from leaderboard.services.sales import ingest as sales
from leaderboard.services.sales import kpis
from tests.projection_snapshot import snapshot

NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)
AGENTS = ["pa", "pb", "pc", "pd"]
PRODUCTS = {"PX": 10, "PY": 3}
RACE_RULES = {"score": {"kpis": {"referral_rate": {"weight": 5, "target": 0.5}}}}

sale_op = st.tuples(st.just("sale"), st.integers(0, 39), st.sampled_from(AGENTS), st.sampled_from(sorted(PRODUCTS)),
                    st.integers(1, 3), st.integers(0, 60 * 40))
cancel_op = st.tuples(st.just("cancel"), st.integers(0, 39))
kpi_op = st.tuples(st.just("kpi"), st.sampled_from(AGENTS), st.floats(0, 1), st.integers(0, 2))
rules_op = st.tuples(st.just("rules"), st.sampled_from([None, {"PX": 4}, {"PY": 9}]))
operations = st.lists(st.one_of(sale_op, sale_op, cancel_op, kpi_op, rules_op), min_size=1, max_size=40)


@pytest.fixture()
def world(app, make):
    site = make.site("prop", "Europe/Paris")
    other = make.site("prop2", "Europe/Paris")
    for index, key in enumerate(AGENTS):
        make.agent(site if index % 2 == 0 else other, key)
    for code, points in PRODUCTS.items():
        make.product(code, points=points, bonus="1.00")
    window = {"starts_at": (NOW - timedelta(days=3)).isoformat(), "ends_at": (NOW + timedelta(days=1)).isoformat()}
    with time_machine.travel(NOW - timedelta(days=4), tick=False), app.app_context():
        race = contests.create_contest(auth.SYSTEM, ContestIn(
            name="Prop race", kind="race", rules=RACE_RULES,
            **window)).id
        contests.create_contest(auth.SYSTEM, ContestIn(name="Prop draw", kind="lucky_draw", **window))
        contests.create_contest(auth.SYSTEM, ContestIn(
            name="Prop league", kind="league", sites=["prop", "prop2"], starts_at=window["starts_at"],
            rules={"format": "league", "legs": 1, "match_length": "P2D", "points_per_goal": 7, "normalize": "none"}))
        db.session.remove()
    return race


def _wipe_log() -> None:
    """Each example starts from an empty log (the fixture's roster and contests stay)."""
    for projection in projections.registered():
        projection.clear()
    for model in (MatchGoal, Cancellation, KpiSample, Sale):
        db.session.execute(delete(model))
    db.session.commit()


def _expected_points(applied: list[tuple], cancelled: set[int], overrides: dict[str, int] | None) -> dict[str, int]:
    """Race points per agent from the operations alone: counted sales times per-unit points."""
    totals: dict[str, int] = {}
    for _, number, agent, product, quantity, _ in applied:
        if number in cancelled:
            continue
        unit = (overrides or {}).get(product, PRODUCTS[product])
        totals[agent] = totals.get(agent, 0) + unit * quantity
    return totals


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ops=operations)
def test_any_interleaving_equals_a_rebuild(app, world, ops):
    race = world
    with time_machine.travel(NOW, tick=False), app.app_context():
        _wipe_log()
        contests.update_contest(auth.SYSTEM, race, ContestPatch(rules=RACE_RULES))
        sent: dict[int, tuple] = {}
        cancelled: set[int] = set()
        overrides = None
        for op in ops:
            if op[0] == "sale":
                _, number, agent, _product, _quantity, _minutes = op
                first = sent.setdefault(number, op)  # a replay of an id keeps its first body
                at = NOW - timedelta(minutes=first[5])
                body = SaleIn(id=f"prop-{number}", agent=first[2], product=first[3], quantity=first[4],
                              occurred_at=at.isoformat())
                sales.ingest_sale(auth.SYSTEM, body)
            elif op[0] == "cancel":
                sales.cancel_sale(auth.SYSTEM, f"prop-{op[1]}", CancelIn(reason="property"))
                cancelled.add(op[1])
            elif op[0] == "kpi":
                _, agent, value, days_ago = op
                kpis.record_samples(auth.SYSTEM, KpiBatchIn(samples=[{
                    "agent": agent, "kpi": "referral_rate", "value": value,
                    "date": (NOW - timedelta(days=days_ago)).date().isoformat()}]))
            else:
                overrides = op[1]
                rules = dict(RACE_RULES)
                if overrides:
                    rules["products"] = {code: {"points": points} for code, points in overrides.items()}
                contests.update_contest(auth.SYSTEM, race, ContestPatch(rules=rules))
        incremental = snapshot()
        points = {key: int(total) for key, total in db.session.execute(
            select(Agent.key, ContestStanding.points).join(Agent, Agent.id == ContestStanding.agent_id)
            .where(ContestStanding.contest_id == race, ContestStanding.sales > 0))}
        expected = _expected_points(list(sent.values()), cancelled, overrides)
        assert points == {agent: total for agent, total in expected.items() if total}
        projections.rebuild()
        assert snapshot() == incremental
        db.session.remove()
