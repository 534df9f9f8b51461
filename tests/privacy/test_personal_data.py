"""Agent keys, access requests (export), erasure that keeps the log, totals and proofs, retention, consent, audit."""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from leaderboard.extensions import db
from leaderboard.models.audit import AuditEntry
from leaderboard.services.access import auth
from leaderboard.services.core.settings import EXTENSION_KEY
from leaderboard.services.roster import personal_data
from leaderboard.services.roster.people import agent_by_key
from leaderboard.worker import DUTIES
from tests.api.test_lucky_draw_api import third_party_verify
from tests.conftest import NOW, bearer
from tests.console.conftest import sign_in
from tests.projection_snapshot import snapshot


@pytest.fixture()
def people(make, app, at_now):
    make.site("paris", "Europe/Paris")
    make.site("oslo", "Europe/Oslo")
    make.agent("paris", "zoe", name="Zoë Quintessa")
    make.agent("paris", "bob", name="Bob Stone")
    make.agent("oslo", "ola", name="Ola Nordmann")
    make.product("GOLD", points=50)


def _agent_token(app, key: str) -> dict[str, str]:
    with app.app_context():
        _, secret = auth.create_api_key(f"{key}'s plugin", "agent", agent_key=key)
    return bearer(secret)


def test_an_agent_key_acts_as_that_agent_only(app, client, people, api):
    zoe = _agent_token(app, "zoe")
    assert client.get("/api/v1/agents/zoe/earnings?month=2026-11", headers=zoe).status_code == 200
    assert client.get("/api/v1/agents/bob/earnings?month=2026-11", headers=zoe).status_code == 403
    assert client.get("/api/v1/agents", headers=zoe).status_code == 403
    with app.app_context(), pytest.raises(Exception, match="--agent"):
        auth.create_api_key("no agent", "agent")


def test_the_cli_issues_an_agent_key(app, runner, people, client):
    result = runner.invoke(args=["apikey", "create", "crm-plugin", "--role", "agent", "--agent", "zoe"])
    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]
    assert client.get("/api/v1/agents/zoe/earnings?month=2026-11", headers=bearer(secret)).status_code == 200
    refused = runner.invoke(args=["apikey", "create", "x", "--role", "agent", "--agent", "nobody"])
    assert refused.exit_code != 0


def test_export_holds_everything_about_the_agent_and_is_audited(app, client, api, people):
    api.sale("s1", "zoe", "GOLD", NOW - timedelta(hours=2), quantity=2)
    api.sale("s2", "bob", "GOLD", NOW - timedelta(hours=1))
    api.cancel("s1")
    lead = bearer(make_lead(app))
    assert client.get("/api/v1/agents/zoe/export", headers=lead).status_code == 403  # admins only
    export = client.get("/api/v1/agents/zoe/export", headers=api.admin)
    assert export.status_code == 200
    data = export.get_json()
    assert data["agent"]["name"] == "Zoë Quintessa" and data["agent"]["erased"] is False
    assert [s["id"] for s in data["sales"]] == ["s1"] and data["sales"][0]["quantity"] == 2
    assert [c["sale"] for c in data["cancellations"]] == ["s1"]
    assert "Bob" not in json.dumps(data)
    with app.app_context():
        actions = list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_key == "zoe")))
    assert "agent.export" in actions


def make_lead(app) -> str:
    with app.app_context():
        auth.create_user("lead@example.test", "lead", "correct horse battery", ["paris"])
        _, secret = auth.create_api_key("lead key", "lead", "lead@example.test")
    return secret


def test_a_leads_look_at_one_person_is_audited(app, client, people):
    lead = bearer(make_lead(app))
    assert client.get("/api/v1/agents/zoe", headers=lead).status_code == 200
    assert client.get("/api/v1/agents/zoe/earnings?month=2026-11", headers=lead).status_code == 200
    with app.app_context():
        views = list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "agent.view")))
        assert [(v.actor, v.object_key, v.after["what"]) for v in views] == [
            ("lead@example.test", "zoe", "details"), ("lead@example.test", "zoe", "earnings 2026-11")]


def _draw(client, api, at_now) -> dict:
    contest = api.contest(kind="lucky_draw", name="Jackpot", ends_at="2026-11-19T00:00:00+01:00",
                          prizes=[{"name": "Mug", "quantity": 2}])
    api.sale("d1", "zoe", "GOLD", NOW - timedelta(hours=3))
    api.sale("d2", "bob", "GOLD", NOW - timedelta(hours=2))
    at_now.shift(timedelta(days=1))
    assert client.post(f"/api/v1/contests/{contest['id']}/freeze", headers=api.admin).status_code == 200
    proof = client.post(f"/api/v1/contests/{contest['id']}/draw", json={"public_entropy": "42"}, headers=api.admin)
    assert proof.status_code == 200
    return {"contest": contest, "proof": proof.get_json()}


def test_erasure_keeps_log_totals_and_proofs_and_the_name_goes_everywhere(app, client, api, people, at_now, runner,
                                                                          tmp_path):
    race = api.contest(name="Race")
    api.sale("r1", "zoe", "GOLD", NOW - timedelta(hours=5), quantity=3)
    drawn = _draw(client, api, at_now)
    zoe_token = _agent_token(app, "zoe")
    with app.app_context():
        before = snapshot()
    standings_before = client.get(f"/api/v1/contests/{race['id']}/standings", headers=api.admin).get_json()["rows"]
    assert "Zoë" in json.dumps(standings_before, ensure_ascii=False)

    erased = client.post("/api/v1/agents/zoe/erase", headers=api.admin)
    assert erased.status_code == 200
    with app.app_context():
        agent_id = agent_by_key("zoe").id
    assert erased.get_json()["name"] == f"Erased agent {agent_id}" and erased.get_json()["hidden_on_screens"]

    # The name is gone from the API, boards, exports and the audit log; the agent's key no longer signs in.
    seen = [client.get(path, headers=api.admin).get_data(as_text=True) for path in (
        "/api/v1/agents", "/api/v1/agents/zoe", f"/api/v1/contests/{race['id']}/standings",
        f"/api/v1/contests/{drawn['contest']['id']}/tickets", "/api/v1/agents/zoe/export",
        "/api/v1/exports/payroll.csv?month=2026-11")]
    with app.app_context():
        audit_text = json.dumps([[e.before, e.after] for e in db.session.scalars(select(AuditEntry))],
                                ensure_ascii=False)
    for text in [*seen, audit_text]:
        assert "Zoë" not in text and "Quintessa" not in text and "Zo\\u00eb" not in text
    assert client.get("/api/v1/agents/zoe/earnings?month=2026-11", headers=zoe_token).status_code == 401

    # Totals unchanged, and a rebuild from the log gives them again; the old proof still verifies.
    standings_after = client.get(f"/api/v1/contests/{race['id']}/standings", headers=api.admin).get_json()["rows"]
    assert [(r["key"], r["points"], r["sales"]) for r in standings_after] == [
        (r["key"], r["points"], r["sales"]) for r in standings_before]
    with app.app_context():
        assert snapshot() == before
    assert runner.invoke(args=["rebuild"]).exit_code == 0
    with app.app_context():
        assert snapshot() == before
    proof = client.get(f"/api/v1/contests/{drawn['contest']['id']}/draw", headers=api.admin).get_json()
    assert proof == drawn["proof"]
    third_party_verify(proof)
    path = tmp_path / "proof.json"
    path.write_text(json.dumps(proof))
    assert runner.invoke(args=["verify-draw", str(path)]).exit_code == 0


def test_retention_pseudonymises_deactivated_agents_without_recent_sales(app, api, client, people, make, at_now):
    api.sale("old", "bob", "GOLD", NOW - timedelta(days=5))
    make.agent("paris", "bob", name="Bob Stone", active=False)
    make.agent("paris", "zoe", name="Zoë Quintessa", active=False)  # never sold
    make.agent("oslo", "ola", name="Ola Nordmann")  # active: kept
    with app.app_context():
        assert personal_data.erase_inactive(NOW, 0) == 0  # the default keeps everyone
        assert personal_data.erase_inactive(NOW, 1) == 1  # zoe: no sale ever; bob sold 5 days ago
        assert personal_data.erase_inactive(NOW + timedelta(days=70), 1) == 1  # now bob too
        names = {a["key"]: a["name"] for a in _agents(client, api)}
    assert names["ola"] == "Ola Nordmann"
    assert names["zoe"].startswith("Erased agent") and names["bob"].startswith("Erased agent")


def _agents(client, api) -> list[dict]:
    return client.get("/api/v1/agents", headers=api.admin).get_json()["items"]


def test_an_opt_in_race_shows_only_those_who_accepted(app, client, api, people):
    race = api.contest(name="Opt-in race", sites=["paris"], rules={"opt_in": True})
    api.sale("o1", "zoe", "GOLD", NOW - timedelta(hours=1))
    api.sale("o2", "bob", "GOLD", NOW - timedelta(hours=2))

    def board() -> list[str]:
        response = client.get(f"/api/v1/contests/{race['id']}/standings", headers=api.admin)
        return [row["key"] for row in response.get_json()["rows"]]

    assert board() == []
    zoe, ola = _agent_token(app, "zoe"), _agent_token(app, "ola")
    assert client.post(f"/api/v1/contests/{race['id']}/consent", headers=zoe).status_code == 201
    assert client.post(f"/api/v1/contests/{race['id']}/consent", headers=zoe).status_code == 200
    assert board() == ["zoe"]
    teams = client.get(f"/api/v1/contests/{race['id']}/standings?by=site", headers=api.admin).get_json()["rows"]
    assert [(row["key"], row["points"]) for row in teams] == [("paris", 50)]  # bob's sale stays off the boards
    assert client.post(f"/api/v1/contests/{race['id']}/consent", headers=ola).status_code == 403  # not oslo's
    assert client.post(f"/api/v1/contests/{race['id']}/consent", headers=api.admin).status_code == 403
    assert client.delete(f"/api/v1/contests/{race['id']}/consent", headers=zoe).status_code == 204
    assert board() == []
    plain = api.contest(name="Everyone", sites=["paris"])
    assert client.post(f"/api/v1/contests/{plain['id']}/consent", headers=zoe).status_code == 409
    bad = client.post("/api/v1/contests", headers=api.admin, json={
        "name": "x", "kind": "race", "starts_at": "2026-11-16T00:00:00+01:00",
        "ends_at": "2026-11-23T00:00:00+01:00", "rules": {"opt_in": "yes"}})
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "rules.opt_in"


def test_a_leads_look_at_an_agent_in_the_console_is_audited(app, make, people):
    client = app.test_client()
    sign_in(client, make.user("lead", ("paris",), email="looker@example.test"))
    assert client.get("/console/roster/agents/zoe/edit").status_code == 200
    with app.app_context():
        views = [(v.actor, v.object_key) for v in db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "agent.view"))]
    assert views == [("looker@example.test", "zoe")]


def test_the_worker_runs_retention_with_the_configured_months(app, make, people, monkeypatch):
    make.agent("paris", "bob", name="Bob Stone", active=False)
    duty = next(d for d in DUTIES if d.name == "privacy-retention")
    with app.app_context():
        assert duty.run(NOW) == 0  # retention_months = 0 by default: nobody
        monkeypatch.setitem(app.extensions, EXTENSION_KEY, replace(app.extensions[EXTENSION_KEY], retention_months=6))
        assert duty.run(NOW) == 1
        assert agent_by_key("bob").name.startswith("Erased agent")


def test_export_and_erasure_cover_goal_posters_kudos_and_instant_prizes(app, client, api, people):
    api.contest(name="Race", rules={"instant_prizes": [
        {"name": "Champagne", "stock": 1, "when": {"kind": "first_sale_of_day"}}]})
    api.sale("p1", "zoe", "GOLD", NOW - timedelta(hours=1))
    zoe, bob = _agent_token(app, "zoe"), _agent_token(app, "bob")
    goal = {"title": "A trip to Lisbon", "target_amount": "300.00", "currency": "EUR"}
    assert client.put("/api/v1/agents/zoe/goal", json=goal, headers=zoe).status_code in (200, 201)
    thanks = {"to": "zoe", "value": "respect", "message": "Thanks for covering my calls"}
    assert client.post("/api/v1/kudos", json=thanks, headers=bob).status_code == 201

    data = client.get("/api/v1/agents/zoe/export", headers=api.admin).get_json()
    assert data["goal"]["title"] == "A trip to Lisbon"
    assert [(k["given"], k["message"]) for k in data["kudos"]] == [(False, "Thanks for covering my calls")]
    assert [(w["prize"], w["sale"]) for w in data["instant_prizes"]] == [("Champagne", "p1")]

    assert client.post("/api/v1/agents/zoe/erase", headers=api.admin).status_code == 200
    after = client.get("/api/v1/agents/zoe/export", headers=api.admin).get_json()
    assert after["goal"] is None
    assert [k["message"] for k in after["kudos"]] == [""]  # the kudos still counts, its words are gone
    assert client.get("/api/v1/agents/zoe/goal", headers=api.admin).status_code == 404
