"""Phones get personal deltas only when their own numbers moved, and hear when a contest starts."""
from datetime import timedelta

import pytest

from leaderboard.extensions import socketio
from leaderboard.services.access import auth
from leaderboard.services.roster.people import agent_by_key
from tests.conftest import NOW

AGENTS = [f"a{n}" for n in range(8)]


@pytest.fixture()
def board_world(api, make, at_now):
    make.site("paris", "Europe/Paris", name="Paris")
    for key in AGENTS:
        make.agent("paris", key, name=key.upper())
    make.product("ONE", points=10, bonus="2.00")
    race = api.contest(name="Race", starts_at=(NOW - timedelta(days=1)).isoformat(),
                       ends_at=(NOW + timedelta(days=5)).isoformat())
    # a0 leads with 8 sales, a7 is last with 1: all different.
    for n, key in enumerate(AGENTS):
        for s in range(8 - n):
            api.sale(f"{key}-{s}", key, "ONE", NOW - timedelta(hours=1, minutes=s))
    return race


def phone_socket(app, agent_key):
    with app.app_context():
        _, token = auth.issue_agent_link(auth.SYSTEM, agent_by_key(agent_key))
    browser = app.test_client()
    assert browser.get(f"/me/link/{token}").status_code == 302
    socket = socketio.test_client(app, namespace="/live", flask_test_client=browser)
    socket.emit("subscribe", {"me": True}, namespace="/live")
    socket.get_received("/live")  # the snapshots
    return socket


def personal(socket):
    return [m["args"][0] for m in socket.get_received("/live") if m["name"] == "me.card"]


def test_a_sale_reaches_the_phones_whose_numbers_moved_and_no_other(app, api, board_world):
    seller, neighbour, far = phone_socket(app, "a0"), phone_socket(app, "a2"), phone_socket(app, "a7")
    api.sale("a0-extra", "a0", "ONE", NOW - timedelta(minutes=5))
    mine, theirs, nothing = personal(seller), personal(neighbour), personal(far)
    assert [m["card"]["points"] for m in mine] == [90]
    assert mine[0]["earnings"]["pending"] == "18.00"  # nine sales of 2.00
    assert theirs[0]["card"]["nearby"][0] == {"rank": 1, "key": "a0", "name": "A0", "points": 90}
    assert theirs[0]["earnings"] is None  # a2 sold nothing
    assert nothing == []  # a7's rank, gap and neighbours (a3..a7) did not move


def test_a_launched_contest_tells_the_sites_phones(app, api, board_world):
    phone = phone_socket(app, "a3")
    api.contest(name="Sprint", starts_at=(NOW - timedelta(minutes=1)).isoformat(),
                ends_at=(NOW + timedelta(hours=2)).isoformat())
    told = [m for m in phone.get_received("/live") if m["name"] == "contests"]
    assert [m["args"][0]["topic"] for m in told] == ["site:paris"]
    phone.emit("snapshot", {"topic": f"agent:{_agent_id(app, 'a3')}"}, namespace="/live")
    snapshot = next(m["args"][0]["data"] for m in phone.get_received("/live") if m["name"] == "snapshot")
    assert sorted(card["name"] for card in snapshot["cards"]) == ["Race", "Sprint"]


def _agent_id(app, key):
    with app.app_context():
        return agent_by_key(key).id


def test_a_hidden_colleague_is_a_placeholder_on_phones_but_sees_their_own_name(app, api, client, board_world):
    hidden = client.put("/api/v1/agents/a1", headers=api.admin,
                        json={"name": "A1", "site": "paris", "hidden_on_screens": True})
    assert hidden.status_code == 200
    leader, hidden_one = phone_socket(app, "a0"), phone_socket(app, "a1")
    leader.emit("subscribe", {"phone": board_world["id"]}, namespace="/live")
    leader.get_received("/live")
    api.sale("a1-extra", "a1", "ONE", NOW - timedelta(minutes=5))
    received = leader.get_received("/live")
    card = [m["args"][0]["card"] for m in received if m["name"] == "me.card"][-1]
    assert [row["name"] for row in card["nearby"]][:2] == ["A0", "—"]
    sales = [m["args"][0] for m in received if m["name"] == "sale"]
    assert [s["agent"]["name"] for s in sales] == ["—"]  # the celebration names nobody
    own = [m["args"][0]["card"] for m in hidden_one.get_received("/live") if m["name"] == "me.card"][-1]
    assert "A1" in [row["name"] for row in own["nearby"]]
