"""Goal posters: PUT/GET /api/v1/agents/<key>/goal, savings from the agent's own bonuses since the goal."""
from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from tests.conftest import NOW, bearer
from tests.people_support import agent_headers

T0 = NOW - timedelta(days=30)  # when the goal is set
WINDOW = timedelta(days=14)    # config.toml's clawback_days


@pytest.fixture()
def shop(make):
    make.site("paris", "Europe/Paris")
    make.site("lyon", "Europe/Paris")
    make.agent("paris", "ana")
    make.agent("paris", "bob")
    make.agent("lyon", "cleo")
    make.product("EURO", points=10, bonus="5.00", currency="EUR")
    make.product("DOLLAR", points=10, bonus="7.00", currency="USD")


def put_goal(client, headers, agent="ana", **fields):
    body = {"title": "A road bike", "target_amount": "20.00", "currency": "EUR", **fields}
    return client.put(f"/api/v1/agents/{agent}/goal", json=body, headers=headers)


def sale_then(api, clock, sale_id, agent, product, when, quantity=1):
    """Sales are refused from the future: the clock moves to the sale, which is then posted."""
    clock.move_to(when)
    api.sale(sale_id, agent, product, when, quantity)


def test_savings_count_own_bonuses_since_the_goal_without_donated_or_clawed_back(app, client, api, shop):
    ana = agent_headers(app, "ana")
    with time_machine.travel(T0 - timedelta(days=1), tick=False) as clock:
        sale_then(api, clock, "before", "ana", "EURO", T0 - timedelta(days=1))   # before the goal: not counted
        clock.move_to(T0)
        assert put_goal(client, ana).status_code == 201
        sale_then(api, clock, "s1", "ana", "EURO", T0 + timedelta(days=1))       # 5.00
        sale_then(api, clock, "usd", "ana", "DOLLAR", T0 + timedelta(days=2))    # another currency
        sale_then(api, clock, "bob1", "bob", "EURO", T0 + timedelta(days=2))     # someone else's
        clock.move_to(T0 + timedelta(days=2, hours=12))
        assert client.put("/api/v1/agents/ana/charity", json={"charity": "Red Cross"}, headers=ana).status_code == 200
        sale_then(api, clock, "given", "ana", "EURO", T0 + timedelta(days=3))    # donated: not counted
        clock.move_to(T0 + timedelta(days=3, hours=12))
        assert client.put("/api/v1/agents/ana/charity", json={"charity": None}, headers=ana).status_code == 200
        sale_then(api, clock, "cancelled", "ana", "EURO", T0 + timedelta(days=4))
        clock.move_to(T0 + timedelta(days=4, hours=2))
        assert api.cancel("cancelled").status_code == 200                        # clawed back
        sale_then(api, clock, "two", "ana", "EURO", T0 + timedelta(days=5), 2)   # 10.00
        sale_then(api, clock, "s3", "ana", "EURO", T0 + timedelta(days=6))       # 5.00: reaches 20.00
        sale_then(api, clock, "s4", "ana", "EURO", T0 + timedelta(days=7))       # 5.00 beyond the target
        sale_then(api, clock, "late1", "ana", "EURO", NOW - timedelta(days=10))  # pending: 5.00
        sale_then(api, clock, "late2", "ana", "EURO", NOW - timedelta(hours=1), 3)  # pending: 15.00
        clock.move_to(NOW)
        got = client.get("/api/v1/agents/ana/goal", headers=ana)
    assert got.status_code == 200, got.get_json()
    body = got.get_json()
    # Confirmed: s1 5 + two 10 + s3 5 + s4 5 = 25; the target 20 was crossed by s3, confirmed 14 days later.
    assert {k: body[k] for k in ("title", "target_amount", "currency", "saved_confirmed", "saved_pending",
                                 "progress")} == {
        "title": "A road bike", "target_amount": "20.00", "currency": "EUR", "saved_confirmed": "25.00",
        "saved_pending": "20.00", "progress": 1.0}
    assert body["reached_at"] == (T0 + timedelta(days=6) + WINDOW).isoformat()


def test_progress_is_confirmed_over_target_and_not_reached_before_confirmation(app, client, api, shop):
    ana = agent_headers(app, "ana")
    with time_machine.travel(T0, tick=False) as clock:
        assert put_goal(client, ana, target_amount="40.00").status_code == 201
        sale_then(api, clock, "a", "ana", "EURO", T0 + timedelta(days=1), 3)    # 15.00
        sale_then(api, clock, "b", "ana", "EURO", T0 + timedelta(days=25), 6)   # 30.00, pending at NOW
        clock.move_to(NOW)
        body = client.get("/api/v1/agents/ana/goal", headers=ana).get_json()
    assert (body["saved_confirmed"], body["saved_pending"]) == ("15.00", "30.00")
    assert body["progress"] == round(15 / 40, 4)
    assert body["reached_at"] is None
    with time_machine.travel(NOW + timedelta(days=10), tick=False):
        later = client.get("/api/v1/agents/ana/goal", headers=ana).get_json()
    assert later["reached_at"] == (T0 + timedelta(days=25) + WINDOW).isoformat()
    assert later["progress"] == 1.0


def test_a_new_title_starts_a_new_goal_a_new_target_keeps_the_savings(app, client, api, shop):
    ana = agent_headers(app, "ana")
    with time_machine.travel(T0, tick=False) as clock:
        put_goal(client, ana)
        sale_then(api, clock, "a", "ana", "EURO", T0 + timedelta(days=1))
        clock.move_to(T0 + timedelta(days=2))
        assert put_goal(client, ana, target_amount="10.00").status_code == 200
        clock.move_to(NOW)
        assert client.get("/api/v1/agents/ana/goal", headers=ana).get_json()["saved_confirmed"] == "5.00"
        put_goal(client, ana, title="A trip to Lisbon")
        assert client.get("/api/v1/agents/ana/goal", headers=ana).get_json()["saved_confirmed"] == "0.00"


def test_who_may_read_and_set_a_goal(app, client, make, api, shop):
    ana, bob = agent_headers(app, "ana"), agent_headers(app, "bob")
    lead_paris, lead_lyon = bearer(make.lead_token("paris")), bearer(make.lead_token("lyon"))
    assert client.get("/api/v1/agents/ana/goal", headers=ana).status_code == 404  # none yet
    assert put_goal(client, bob).status_code == 403
    assert put_goal(client, lead_lyon).status_code == 403
    assert put_goal(client, lead_paris).status_code == 201
    assert client.get("/api/v1/agents/ana/goal", headers=bob).status_code == 403
    assert client.get("/api/v1/agents/ana/goal", headers=lead_lyon).status_code == 403
    assert client.get("/api/v1/agents/ana/goal", headers=lead_paris).status_code == 200
    assert client.get("/api/v1/agents/ana/goal", headers=api.admin).status_code == 200
    # Only the agent puts their poster on the goal wall.
    refused = put_goal(client, lead_paris, on_wall=True)
    assert refused.status_code == 422 and refused.get_json()["errors"][0]["field"] == "on_wall"
    assert put_goal(client, ana, on_wall=True).get_json()["on_wall"] is True
    assert put_goal(client, lead_paris, on_wall=False).get_json()["on_wall"] is False


@pytest.mark.parametrize("fields, field", [
    ({"target_amount": "0"}, "target_amount"),
    ({"target_amount": "-5"}, "target_amount"),
    ({"target_amount": "1.001"}, "target_amount"),
    ({"currency": "euro"}, "currency"),
    ({"title": ""}, "title"),
    ({"title": "x" * 121}, "title"),
])
def test_bad_goals_are_field_errors(app, client, shop, fields, field):
    response = put_goal(client, agent_headers(app, "ana"), **fields)
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == field


def test_unknown_agent_is_404(client, api, shop):
    assert put_goal(client, api.admin, agent="nobody").status_code == 404
    assert client.get("/api/v1/agents/nobody/goal", headers=api.admin).status_code == 404
