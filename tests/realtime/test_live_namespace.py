"""The /live namespace through Flask-SocketIO's test client: auth, subscribe, snapshot, deltas."""
import threading
from datetime import timedelta

import pytest

from leaderboard.extensions import socketio
from tests.conftest import NOW, bearer


@pytest.fixture()
def race(api, make, at_now):
    make.site("paris", "Europe/Paris")
    make.site("oslo", "Europe/Oslo")
    make.agent("paris", "ana", name="Ana")
    make.agent("oslo", "ola", name="Ola")
    make.product("CARD", points=50)
    return api.contest(name="Live race")


def connect(app, token=None, **kwargs):
    return socketio.test_client(app, namespace="/live", auth={"token": token} if token else None, **kwargs)


def received(client, name):
    return [m["args"][0] for m in client.get_received("/live") if m["name"] == name]


def test_no_token_is_refused_at_connect(app, race):
    client = connect(app)
    assert not client.is_connected("/live")
    assert not connect(app, token="lb_wrong").is_connected("/live")


def test_integration_tokens_cannot_watch(app, race, make):
    assert not connect(app, token=make.token("integration")).is_connected("/live")


def test_public_boards_allow_anonymous_viewers(app, race):
    app.config["REALTIME_PUBLIC_BOARDS"] = True
    try:
        assert connect(app).is_connected("/live")
    finally:
        app.config["REALTIME_PUBLIC_BOARDS"] = False


def test_subscribe_gives_a_snapshot_then_consecutive_deltas(app, api, race, make):
    client = connect(app, token=make.token("display"))
    client.emit("subscribe", {"contest": race["id"]}, namespace="/live")
    snapshot = received(client, "snapshot")[0]
    assert snapshot["topic"] == f"contest:{race['id']}"
    assert [row["key"] for row in snapshot["data"]["standings"]["agent"]] == ["ana", "ola"]
    api.sale("s1", "ola", "CARD", NOW - timedelta(minutes=5))
    deltas = [m for m in client.get_received("/live") if m["name"] != "heartbeat"]
    assert [m["name"] for m in deltas] == ["sale", "standings"]
    sale = deltas[0]["args"][0]
    assert sale == {"topic": f"contest:{race['id']}", "epoch": snapshot["epoch"], "seq": snapshot["seq"] + 1,
                    "sale": "s1", "agent": {"key": "ola", "name": "Ola"}, "site": {"key": "oslo", "name": "Oslo"},
                    "product": {"code": "CARD", "name": "Product CARD", "kind": "sale"}, "points": 50}
    assert deltas[1]["args"][0]["seq"] == snapshot["seq"] + 2
    client.emit("snapshot", {"topic": f"contest:{race['id']}"}, namespace="/live")
    fresh = received(client, "snapshot")[0]
    assert fresh["seq"] == snapshot["seq"] + 2
    assert fresh["data"]["standings"]["agent"][0]["key"] == "ola"


def test_lead_cannot_join_another_sites_contest(app, api, race, make):
    oslo_only = api.contest(name="Oslo only", sites=["oslo"])
    client = connect(app, token=make.lead_token("paris"))
    assert client.is_connected("/live")
    client.emit("subscribe", {"contest": oslo_only["id"]}, namespace="/live")
    messages = client.get_received("/live")
    assert [m["name"] for m in messages] == ["error"]
    assert "not one of your sites" in messages[0]["args"][0]["message"]
    client.emit("subscribe", {"contest": race["id"]}, namespace="/live")
    assert len(received(client, "snapshot")) == 1


def test_channel_subscription_covers_its_contests(app, api, client, race, make):
    admin = bearer(make.token("admin"))
    body = {"name": "Lobby", "slides": [{"type": "standings", "contest": race["id"], "seconds": 10},
                                        {"type": "message", "text": "Hello", "seconds": 5}]}
    assert client.put("/api/v1/channels/lobby", json=body, headers=admin).status_code == 201
    viewer = connect(app, token=make.token("display"))
    viewer.emit("subscribe", {"channel": "lobby"}, namespace="/live")
    topics = [s["topic"] for s in received(viewer, "snapshot")]
    assert topics == ["channel:lobby", f"contest:{race['id']}"]
    bad = client.put("/api/v1/channels/lobby", json={"name": "x", "slides": [{"type": "match_centre",
                                                                                "contest": race["id"]}]},
                     headers=admin)
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "slides[0].contest"


def test_pairing_turns_the_screen_secret_into_a_display_token(app, client, race, make):
    registered = client.post("/api/v1/screens").get_json()
    assert len(registered["code"]) == 6
    status = client.get("/api/v1/screens/me", headers=bearer(registered["secret"])).get_json()
    assert status == {"code": registered["code"], "paired": False, "channel": None}
    assert not connect(app, token=registered["secret"]).is_connected("/live")
    admin = bearer(make.token("admin"))
    client.put("/api/v1/channels/lobby", json={"name": "Lobby", "slides": [{"type": "message", "text": "Hi"}]},
               headers=admin)
    paired = client.post("/api/v1/screens/pair", json={"code": registered["code"], "channel": "lobby"},
                         headers=admin)
    assert paired.status_code == 200
    assert client.get("/api/v1/screens/me", headers=bearer(registered["secret"])).get_json()["paired"] is True
    assert connect(app, token=registered["secret"]).is_connected("/live")
    wrong = client.post("/api/v1/screens/pair", json={"code": "ZZZZZZ", "channel": "lobby"}, headers=admin)
    assert wrong.status_code == 422 and wrong.get_json()["errors"][0]["field"] == "code"


def test_a_channel_edit_reaches_the_screen_and_joins_the_new_contest(app, api, client, race, make):
    admin = bearer(make.token("admin"))
    client.put("/api/v1/channels/lobby", json={"name": "Lobby", "slides": [
        {"type": "message", "text": "Hello", "seconds": 5}]}, headers=admin)
    viewer = connect(app, token=make.token("display"))
    viewer.emit("subscribe", {"channel": "lobby"}, namespace="/live")
    assert [s["topic"] for s in received(viewer, "snapshot")] == ["channel:lobby"]
    slides = [{"type": "standings", "contest": race["id"], "seconds": 10}]
    assert client.put("/api/v1/channels/lobby", json={"name": "Lobby", "slides": slides},
                      headers=admin).status_code == 200
    delta = received(viewer, "channel")[0]
    assert [s["contest"] for s in delta["channel"]["slides"]] == [race["id"]]
    viewer.emit("snapshot", {"topic": "channel:lobby"}, namespace="/live")
    assert [s["topic"] for s in received(viewer, "snapshot")] == ["channel:lobby", f"contest:{race['id']}"]
    api.sale("after-edit", "ana", "CARD", NOW - timedelta(minutes=1))
    assert [d["sale"] for d in received(viewer, "sale")] == ["after-edit"]
    # Asking again joins nothing twice.
    viewer.emit("snapshot", {"topic": "channel:lobby"}, namespace="/live")
    assert [s["topic"] for s in received(viewer, "snapshot")] == ["channel:lobby"]


def test_many_screens_share_one_snapshot_per_change(app, api, race, make):
    cache = app.extensions["leaderboard.snapshot_cache"]
    screens = [connect(app, token=make.token("display")) for _ in range(5)]
    for screen in screens:
        screen.emit("subscribe", {"contest": race["id"]}, namespace="/live")
    before = cache.computed
    api.sale("shared-1", "ana", "CARD", NOW - timedelta(minutes=1))
    # The standings push carries the new picture, built once for every screen of the room (and the
    # phones' lean picture once for theirs).
    pushed = [received(screen, "standings")[-1] for screen in screens]
    assert cache.computed - before == 2
    rows = {row["key"]: row["points"] for row in pushed[0]["data"]["standings"]["agent"]}
    assert rows["ana"] == 50 and all(p["data"] == pushed[0]["data"] for p in pushed)
    for screen in screens:  # a screen that asks anyway gets the same picture, not a new one
        screen.emit("snapshot", {"topic": f"contest:{race['id']}"}, namespace="/live")
    fresh = [received(screen, "snapshot")[-1] for screen in screens]
    assert cache.computed - before == 2
    assert all(s["data"] == pushed[0]["data"] and s["seq"] == pushed[0]["seq"] for s in fresh)


def test_a_flusher_round_beats_for_a_contest_with_display_variants_without_breaking_it(app, api, race, make,
                                                                                      caplog):
    from leaderboard.realtime import flusher_round
    from leaderboard.realtime.publisher import PUBLISHER_KEY

    # A channel with its own display makes the display rooms read the database on every emit of the topic.
    slides = [{"type": "standings", "contest": race["id"]}]
    made = app.test_client().put("/api/v1/channels/initials", headers=api.admin, json={
        "name": "Initials", "slides": slides, "display": {"names": "first_initial"}})
    assert made.status_code == 201, made.get_json()
    screen = connect(app, token=make.token("display"))
    screen.emit("subscribe", {"contest": race["id"]}, namespace="/live")
    seq = received(screen, "snapshot")[-1]["seq"]
    api.sale("beat-1", "ana", "CARD", NOW - timedelta(minutes=1))
    publisher = app.extensions[PUBLISHER_KEY]
    topic = f"contest:{race['id']}"
    publisher._emit.forget_variants()  # as after their few seconds of caching: the next emit reads them again
    # The flusher is a background task: no request, no app context of its own.
    flusher = threading.Thread(target=flusher_round, args=(app, publisher, True))
    flusher.start()
    flusher.join(timeout=30)
    assert not publisher._topics[topic].broken
    assert not [r for r in caplog.records if r.levelname in ("WARNING", "ERROR")], caplog.text
    messages = screen.get_received("/live")
    sales = [m["args"][0] for m in messages if m["name"] == "sale"]
    beats = [m["args"][0] for m in messages if m["name"] == "heartbeat" and m["args"][0]["topic"] == topic]
    # The beat says where the topic stands: at the last delta the screen got, no skipped seq.
    last = max(m["args"][0]["seq"] for m in messages if m["name"] != "heartbeat" and m["args"][0].get("topic") == topic)
    assert sales and beats and beats[-1]["seq"] == last > seq
