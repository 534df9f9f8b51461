"""Race contests through the API: launch, backfill, ties, zero rows, around, groups, KPIs, gates, re-scoring."""
from datetime import timedelta

import pytest

from tests.conftest import NOW, bearer


@pytest.fixture()
def company(make, at_now):
    paris, manila = make.site("paris", "Europe/Paris"), make.site("manila", "Asia/Manila")
    teams = {"p1": make.team(paris, "p-red"), "p2": make.team(paris, "p-blue"), "m1": make.team(manila, "m-red")}
    agents = {
        "ana": make.agent(paris, "ana", team=teams["p1"]),
        "bob": make.agent(paris, "bob", team=teams["p1"], fte="0.5"),
        "cy": make.agent(paris, "cy", team=teams["p2"]),
        "dee": make.agent(manila, "dee", team=teams["m1"]),
        "eve": make.agent(manila, "eve", team=teams["m1"]),
        "zed": make.agent(paris, "zed", team=teams["p2"]),
    }
    products = {"GOLD": make.product("GOLD", points=30, bonus="15.00"),
                "TIN": make.product("TIN", points=10, bonus="0")}
    return {"agents": agents, "products": products}


def rows_by_key(board):
    return {row["key"]: row for row in board["rows"]}


def test_launch_backfills_sales_already_in_the_log(api, company):
    api.sale("s1", "ana", "GOLD", NOW - timedelta(days=1))
    api.sale("s2", "ana", "TIN", NOW - timedelta(days=1), quantity=3)
    api.sale("before", "ana", "GOLD", NOW - timedelta(days=10))  # before the window
    contest = api.contest()
    assert contest["status"] == "live" and contest["sites"] == ["manila", "paris"]
    ana = rows_by_key(api.standings(contest["id"]))["ana"]
    assert (ana["points"], ana["sales"], ana["rank"]) == (30 + 10 * 3, 2, 1)


def test_window_is_half_open_in_utc_instants(api, company):
    contest = api.contest()
    start = NOW.replace(day=15, hour=23)  # 2026-11-16T00:00+01:00
    api.sale("at-start", "ana", "TIN", start)
    api.sale("just-before", "bob", "TIN", start - timedelta(seconds=1))
    board = rows_by_key(api.standings(contest["id"]))
    assert board["ana"]["points"] == 10 and board["bob"]["points"] == 0


def test_ties_share_rank_earliest_first_and_zero_rows_in_key_order(api, company):
    contest = api.contest()
    api.sale("a", "cy", "GOLD", NOW - timedelta(hours=5))
    api.sale("b", "ana", "GOLD", NOW - timedelta(hours=3))
    api.sale("c", "dee", "GOLD", NOW - timedelta(hours=4))
    api.sale("d", "dee", "TIN", NOW - timedelta(hours=2))
    rows = api.standings(contest["id"])["rows"]
    assert [(r["key"], r["rank"], r["points"]) for r in rows] == [
        ("dee", 1, 40), ("cy", 2, 30), ("ana", 2, 30), ("bob", 4, 0), ("eve", 4, 0), ("zed", 4, 0)]


def test_around_returns_limit_rows_centred_on_the_agent(api, company):
    contest = api.contest()
    for n, agent in enumerate(["ana", "bob", "cy", "dee", "eve", "zed"]):
        api.sale(f"s{n}", agent, "TIN", NOW - timedelta(hours=1), quantity=6 - n)
    keys = [r["key"] for r in api.standings(contest["id"], around="dee", limit=3)["rows"]]
    assert keys == ["cy", "dee", "eve"]
    assert [r["key"] for r in api.standings(contest["id"], around="ana", limit=3)["rows"]] == ["ana", "bob", "cy"]
    assert len(api.standings(contest["id"], around="zed", limit=50)["rows"]) == 6


def test_team_and_site_boards_sum_and_normalise_by_active_fte(api, company, make):
    contest = api.contest(rules={"normalize": "fte"})
    api.sale("s1", "ana", "GOLD", NOW - timedelta(hours=1))  # paris, p-red
    api.sale("s2", "bob", "GOLD", NOW - timedelta(hours=1))  # paris, p-red, fte 0.5
    api.sale("s3", "dee", "TIN", NOW - timedelta(hours=1))   # manila
    sites = rows_by_key(api.standings(contest["id"], by="site"))
    paris_fte = 1 + 0.5 + 1 + 1  # ana, bob, cy, zed
    assert sites["paris"]["points"] == pytest.approx(60 / paris_fte, rel=1e-4)
    assert sites["manila"]["points"] == pytest.approx(10 / 2)
    teams = rows_by_key(api.standings(contest["id"], by="team"))
    assert teams["p-red"]["points"] == pytest.approx(60 / 1.5)
    assert teams["p-blue"]["points"] == 0
    # An inactive agent's FTE no longer dilutes the site.
    make.agent("paris", "zed", team="p-blue", active=False)
    sites = rows_by_key(api.standings(contest["id"], by="site"))
    assert sites["paris"]["points"] == pytest.approx(60 / 2.5, rel=1e-4)


def test_kpis_are_weighted_and_broken_down(api, company, client):
    rules = {"score": {"sales": 1, "kpis": {"referral_rate": {"weight": 50, "target": 0.10},
                                            "aht_seconds": {"weight": 20, "target": 300}}}}
    contest = api.contest(rules=rules)
    api.sale("s1", "ana", "GOLD", NOW - timedelta(hours=1))
    samples = [{"agent": "ana", "kpi": "referral_rate", "value": v, "date": "2026-11-17"} for v in (0.04, 0.08)]
    samples += [{"agent": "ana", "kpi": "aht_seconds", "value": 400, "date": "2026-11-18"},
                {"agent": "ana", "kpi": "aht_seconds", "value": 400, "date": "2026-11-30"}]  # outside
    assert client.post("/api/v1/kpis", json={"samples": samples}, headers=api.integration).status_code == 201
    ana = rows_by_key(api.standings(contest["id"]))["ana"]
    expected = 30 + 50 * (0.06 / 0.10) + 20 * (300 / 400)
    assert ana["points"] == pytest.approx(expected, rel=1e-4)
    assert ana["breakdown"]["kpis"]["referral_rate"]["actual"] == pytest.approx(0.06)
    assert ana["breakdown"]["kpis"]["aht_seconds"]["attainment"] == pytest.approx(0.75)


def test_quality_gate_flags_but_keeps_ranking(api, company, client):
    contest = api.contest(rules={"gate": {"kpi": "quality_score", "min": 80}})
    api.sale("s1", "ana", "GOLD", NOW - timedelta(hours=1))
    api.sale("s2", "bob", "TIN", NOW - timedelta(hours=1))
    samples = [{"agent": "ana", "kpi": "quality_score", "value": 70, "date": "2026-11-17"},
               {"agent": "bob", "kpi": "quality_score", "value": 90, "date": "2026-11-17"}]
    client.post("/api/v1/kpis", json={"samples": samples}, headers=api.integration)
    board = rows_by_key(api.standings(contest["id"]))
    assert board["ana"]["rank"] == 1 and board["ana"]["qualified"] is False
    assert board["bob"]["qualified"] is True
    assert board["cy"]["qualified"] is False  # no quality samples at all


def test_cancellation_inside_window_removes_points(api, company):
    contest = api.contest()
    api.sale("s1", "ana", "GOLD", NOW - timedelta(hours=2))
    api.sale("s2", "ana", "TIN", NOW - timedelta(hours=1))
    assert api.cancel("s1").status_code == 200
    ana = rows_by_key(api.standings(contest["id"]))["ana"]
    assert (ana["points"], ana["sales"]) == (10, 1)


def test_rule_change_rescores_like_rules_from_the_start(api, company, client, app):
    contest = api.contest()
    api.sale("s1", "ana", "GOLD", NOW - timedelta(hours=2), quantity=2)
    api.sale("s2", "bob", "TIN", NOW - timedelta(hours=1))
    new_rules = {"products": {"GOLD": {"points": 100}}}
    patched = client.patch(f"/api/v1/contests/{contest['id']}", json={"rules": new_rules}, headers=api.admin)
    assert patched.status_code == 200
    fresh = api.contest(rules=new_rules, name="same rules from the start")
    assert api.standings(contest["id"])["rows"] == api.standings(fresh["id"])["rows"]
    assert rows_by_key(api.standings(contest["id"]))["ana"]["points"] == 200
    with app.app_context():
        from leaderboard.extensions import db
        from leaderboard.models.audit import AuditEntry
        actions = db.session.scalars(db.select(AuditEntry.action).where(AuditEntry.object_key == str(contest["id"])))
        assert "contest.rescore" in list(actions)


def test_count_pending_false_waits_for_confirmation(api, company, app, at_now):
    contest = api.contest(starts_at="2026-10-01T00:00:00+02:00", rules={"count_pending": False})
    api.sale("old", "ana", "GOLD", NOW - timedelta(days=20))
    api.sale("new", "ana", "TIN", NOW - timedelta(days=1))
    from leaderboard.services.sales import confirmations
    with app.app_context():
        confirmations.advance()
    assert rows_by_key(api.standings(contest["id"]))["ana"]["points"] == 30
    at_now.shift(timedelta(days=14))
    with app.app_context():
        confirmations.advance()
    assert rows_by_key(api.standings(contest["id"]))["ana"]["points"] == 40


def test_validation_errors_name_each_field(api, company, client):
    problem = api.contest(expect=422, kind="race", ends_at="2026-11-01T00:00:00Z", sites=["nowhere"])
    assert {e["field"] for e in problem["errors"]} >= {"sites[0]"}
    problem = api.contest(expect=422, ends_at="2026-11-01T00:00:00Z", rules={"normalize": "x"})
    assert {e["field"] for e in problem["errors"]} == {"ends_at", "rules.normalize"}
    problem = api.contest(expect=422, timezone="Paris")
    assert problem["errors"][0]["field"] == "timezone"


def test_status_moves_through_scheduled_live_ended_final(api, company, at_now, client):
    contest = api.contest(starts_at="2026-11-19T00:00:00+01:00", ends_at="2026-11-20T00:00:00+01:00")
    assert contest["status"] == "scheduled"
    at_now.shift(timedelta(days=1))
    api.sale("s1", "ana", "TIN", NOW + timedelta(days=1) - timedelta(hours=1))
    get = lambda: client.get(f"/api/v1/contests/{contest['id']}", headers=api.admin).get_json()["status"]  # noqa: E731
    assert get() == "live"
    at_now.shift(timedelta(days=1))
    assert get() == "ended"
    at_now.shift(timedelta(days=14))
    assert get() == "final"
    client.post(f"/api/v1/contests/{contest['id']}/cancel", headers=api.admin)
    assert get() == "cancelled"


def test_lead_launches_only_for_own_sites(client, make, company):
    lead = bearer(make.lead_token("paris"))
    body = {"name": "Paris race", "kind": "race", "starts_at": "2026-11-16T00:00:00+01:00",
            "ends_at": "2026-11-23T00:00:00+01:00"}
    mine = client.post("/api/v1/contests", json=body, headers=lead)
    assert mine.status_code == 201 and mine.get_json()["sites"] == ["paris"]
    assert client.post("/api/v1/contests", json={**body, "sites": ["manila"]}, headers=lead).status_code == 403
    agent_token = bearer(make.token("display"))
    assert client.post("/api/v1/contests", json=body, headers=agent_token).status_code == 403
