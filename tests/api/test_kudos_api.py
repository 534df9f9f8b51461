"""Kudos tied to values: POST /api/v1/kudos (422 self or unknown value, 429 past 10 a day), lists, the board."""
from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
import time_machine

from leaderboard.extensions import db
from leaderboard.models.people import Kudos
from leaderboard.services.boards.live_snapshots import channel_snapshot
from tests.conftest import NOW, POSTGRES_URL, bearer
from tests.people_support import agent_headers


@pytest.fixture()
def team(make):
    make.site("paris", "Europe/Paris")
    make.site("lyon", "Europe/Paris")
    for key in ("ana", "bob", "cleo"):
        make.agent("paris", key, name=key.title())
    make.agent("lyon", "dan", name="Dan")


def give(client, headers, to, value="respect", message="Thanks for the handover!"):
    return client.post("/api/v1/kudos", json={"to": to, "value": value, "message": message}, headers=headers)


def test_an_agent_gives_kudos_and_everyone_of_the_site_lists_them(app, client, team, at_now):
    ana = agent_headers(app, "ana")
    given = give(client, ana, "bob", "teamwork")
    assert given.status_code == 201, given.get_json()
    body = given.get_json()
    assert (body["to"]["key"], body["from"]["key"], body["value"], body["message"]) == (
        "bob", "ana", "teamwork", "Thanks for the handover!")
    listed = client.get("/api/v1/kudos", headers=agent_headers(app, "cleo")).get_json()["kudos"]
    assert [(k["from"]["key"], k["to"]["key"], k["value"]) for k in listed] == [("ana", "bob", "teamwork")]
    # Lyon's agent sees Lyon's kudos only.
    assert client.get("/api/v1/kudos", headers=agent_headers(app, "dan")).get_json()["kudos"] == []


def test_self_unknown_value_and_unknown_person_are_422(app, client, team):
    ana = agent_headers(app, "ana")
    own = give(client, ana, "ana")
    assert own.status_code == 422 and own.get_json()["errors"][0]["field"] == "to"
    odd = give(client, ana, "bob", "greed")
    assert odd.status_code == 422 and odd.get_json()["errors"][0]["field"] == "value"
    nobody = give(client, ana, "ghost")
    assert nobody.status_code == 422 and nobody.get_json()["errors"][0]["field"] == "to"


def test_a_lead_gives_kudos_other_roles_may_not(app, client, make, api, team):
    lead = bearer(make.lead_token("paris"))
    given = give(client, lead, "cleo", "empathy")
    assert given.status_code == 201
    assert given.get_json()["from"] == {"key": None, "name": None, "role": "lead"}
    assert give(client, api.integration, "cleo").status_code == 403
    assert give(client, api.admin, "cleo").status_code == 403


def test_at_most_ten_a_day_per_giver_then_429_until_the_next_local_day(app, client, team):
    ana, bob = agent_headers(app, "ana"), agent_headers(app, "bob")
    with time_machine.travel(NOW, tick=False) as clock:  # 13:00 in Paris
        statuses = [give(client, ana, "bob" if i % 2 else "cleo").status_code for i in range(12)]
        assert statuses == [201] * 10 + [429] * 2
        assert give(client, bob, "ana").status_code == 201  # another giver has their own ten
        clock.move_to(NOW + timedelta(hours=11))  # 00:00 in Paris: a new local day
        assert give(client, ana, "bob").status_code == 201
    with app.app_context():
        assert db.session.query(Kudos).filter(Kudos.giver_agent_id.isnot(None)).count() == 12


def test_concurrent_gifts_never_pass_the_daily_limit(app, team):
    headers = agent_headers(app, "ana")
    statuses: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def worker():
        client = app.test_client()
        start.wait()
        for _ in range(3):
            status = give(client, headers, "bob").status_code
            with lock:
                statuses.append(status)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert Counter(statuses) == {201: 10, 429: 14}, (statuses, bool(POSTGRES_URL))


def test_filters_and_board(app, client, team):
    ana, bob, cleo = (agent_headers(app, k) for k in ("ana", "bob", "cleo"))
    with time_machine.travel(NOW - timedelta(days=3), tick=False):  # Sunday 15 November: last week
        give(client, ana, "cleo", "honesty")
    with time_machine.travel(NOW, tick=False):
        give(client, ana, "bob", "respect")
        give(client, cleo, "bob", "teamwork")
        give(client, bob, "cleo", "respect")
        give(client, bob, "ana", "empathy")
        only_bob = client.get("/api/v1/kudos", query_string={"to": "bob"}, headers=ana).get_json()["kudos"]
        assert sorted(k["value"] for k in only_bob) == ["respect", "teamwork"]
        respect = client.get("/api/v1/kudos", query_string={"value": "respect"}, headers=ana).get_json()["kudos"]
        assert sorted(k["to"]["key"] for k in respect) == ["bob", "cleo"]
        since = client.get("/api/v1/kudos", query_string={"since": (NOW - timedelta(days=1)).isoformat()},
                           headers=ana).get_json()["kudos"]
        assert len(since) == 4
        today = client.get("/api/v1/kudos/board", query_string={"period": "today"}, headers=ana).get_json()
        month = client.get("/api/v1/kudos/board", query_string={"period": "month"}, headers=ana).get_json()
    zero = {"respect": 0, "honesty": 0, "empathy": 0, "teamwork": 0}
    # Today: Bob 2, then Ana and Cleo 1 each (a shared rank, by name).
    assert today["rows"] == [
        {"rank": 1, "key": "bob", "name": "Bob", "kudos": 2, "by_value": {**zero, "respect": 1, "teamwork": 1}},
        {"rank": 2, "key": "ana", "name": "Ana", "kudos": 1, "by_value": {**zero, "empathy": 1}},
        {"rank": 2, "key": "cleo", "name": "Cleo", "kudos": 1, "by_value": {**zero, "respect": 1}},
    ]
    # The month also holds Sunday's honesty kudos for Cleo: Bob and Cleo share the first rank.
    assert [(r["rank"], r["key"], r["kudos"]) for r in month["rows"]] == [(1, "bob", 2), (1, "cleo", 2), (3, "ana", 1)]


@pytest.mark.parametrize("query, status", [
    ({"period": "year"}, 422), ({"since": "yesterday"}, 400), ({"to": "bad key!"}, 400),
])
def test_bad_queries(app, client, team, query, status):
    path = "/api/v1/kudos/board" if "period" in query else "/api/v1/kudos"
    assert client.get(path, query_string=query, headers=agent_headers(app, "ana")).status_code == status


def test_tv_pictures_apply_hidden_agents_and_channel_name_modes(app, client, api, team):
    """The kudos and goal wall slides' picture: hidden agents unnamed (kudos) or absent (wall), names as the
    channel shows them, only the channel's sites."""
    client.put("/api/v1/agents/cleo", headers=api.admin, json={"name": "Cleo Durand", "site": "paris",
                                                                "hidden_on_screens": True})
    ana, cleo, dan = agent_headers(app, "ana"), agent_headers(app, "cleo"), agent_headers(app, "dan")
    give(client, ana, "cleo", "respect", "merci")
    assert give(client, dan, "dan", "honesty").status_code == 422  # to yourself: nothing stored
    client.put("/api/v1/agents/bob", headers=api.admin, json={"name": "Bob Martin", "site": "paris"})
    give(client, cleo, "bob", "teamwork")
    for key, headers in (("ana", ana), ("cleo", cleo)):
        client.put(f"/api/v1/agents/{key}/goal", headers=headers,
                   json={"title": f"{key} saves", "target_amount": "10.00", "currency": "EUR", "on_wall": True})
    slides = [{"type": "kudos", "seconds": 20}, {"type": "goal_wall", "seconds": 20}]
    for key, names in (("full", "full"), ("short", "first_initial"), ("anon", "none")):
        assert client.put(f"/api/v1/channels/{key}", headers=api.admin, json={
            "name": key, "sites": ["paris"], "slides": slides, "display": {"names": names}}).status_code == 201
    with app.app_context():
        full, short, anon = (channel_snapshot(k)["people"] for k in ("full", "short", "anon"))
    assert [(k["from"]["name"], k["to"]["name"], k["value"]) for k in full["kudos"]] == [
        ("—", "Bob Martin", "teamwork"), ("Ana", "—", "respect")]
    assert [p["title"] for p in full["goals"]] == ["ana saves"]  # Cleo is hidden: her poster stays off
    assert [k["to"]["name"] for k in short["kudos"]] == ["Bob M.", "—"]
    assert {k["to"]["name"] for k in anon["kudos"]} == {"—"} and anon["goals"][0]["name"] == "—"
    assert "key" not in full["kudos"][0]["to"]  # screens get names only, never roster keys


def test_colleagues_outside_sales_give_and_receive_kudos(app, client, api, team):
    client.put("/api/v1/agents/it", headers=api.admin, json={"name": "Inès (IT)", "site": "paris", "sells": False})
    assert give(client, agent_headers(app, "ana"), "it", "teamwork", "Fixed my headset").status_code == 201
    assert give(client, agent_headers(app, "it"), "ana", "empathy").status_code == 201
    board = client.get("/api/v1/kudos/board", query_string={"period": "today"}, headers=api.admin).get_json()
    assert {row["key"] for row in board["rows"]} == {"it", "ana"}
