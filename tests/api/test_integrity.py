"""Game integrity: the freeze is its own public step, a frozen draw is locked, VAR corrections in a cup."""
import hashlib
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from leaderboard.extensions import db
from leaderboard.models.audit import AuditEntry
from leaderboard.realtime.events import event_name, payload_of, topic_of
from leaderboard.services.core.publishing import EXTENSION_KEY
from leaderboard.services.league import upkeep as league_upkeep
from tests.conftest import NOW

PARIS = ZoneInfo("Europe/Paris")
CUP = ["s1", "s2", "s3", "s4"]  # round 1: s1 v s4 and s2 v s3; the final on the next day


@pytest.fixture()
def notices(app, monkeypatch):
    """Every change published after commit, in order, as screens receive it (event, topic and payload)."""
    seen = []

    def record(changes):
        seen.extend({"event": event_name(c), "topic": topic_of(c), **payload_of(c)} for c in changes)

    monkeypatch.setitem(app.extensions, EXTENSION_KEY, [*app.extensions.get(EXTENSION_KEY, []), record])
    return seen


@pytest.fixture()
def draw_world(make, at_now):
    make.site("paris", "Europe/Paris")
    for key in ("ana", "bob"):
        make.agent("paris", key)
    make.product("GOLD", points=50)


def launch_draw(api):
    return api.contest(kind="lucky_draw", name="Jackpot", sites=["paris"], rules={"tickets_per_sale": 1},
                       ends_at="2026-11-19T00:00:00+01:00", prizes=[{"name": "Weekend", "quantity": 1}])


def test_the_draw_needs_a_public_freeze_first(api, client, draw_world, at_now, notices):
    contest = launch_draw(api)
    api.sale("s1", "ana", "GOLD", NOW - timedelta(hours=2))
    api.sale("s2", "bob", "GOLD", NOW - timedelta(hours=1))
    at_now.shift(timedelta(days=1))
    url = f"/api/v1/contests/{contest['id']}"
    early = client.post(f"{url}/draw", json={"public_entropy": "7 12"}, headers=api.admin)
    assert early.status_code == 409 and early.mimetype == "application/problem+json"
    assert "freeze" in early.get_json()["detail"]
    assert client.get(url, headers=api.admin).get_json()["draw"]["status"] == "open"
    assert not [n for n in notices if n["event"].startswith("draw.")]

    frozen = client.post(f"{url}/freeze", headers=api.admin).get_json()
    digest = hashlib.sha256(b"s1#1 ana\ns2#1 bob").hexdigest()
    assert frozen["tickets_digest"] == digest
    assert [n for n in notices if n["event"].startswith("draw.")] == [
        {"event": "draw.frozen", "topic": f"contest:{contest['id']}", "tickets_digest": digest, "tickets_count": 2}]

    drawn = client.post(f"{url}/draw", json={"public_entropy": "7 12"}, headers=api.admin)
    assert drawn.status_code == 200 and drawn.get_json()["tickets_digest"] == digest
    events = [n["event"] for n in notices if n["event"].startswith("draw.")]
    assert events == ["draw.frozen", "draw.winner"]  # the digest was out before the entropy came in


def test_openapi_documents_the_freeze_step(api, client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "post" in paths["/api/v1/contests/{contest_id}/freeze"]
    assert "frozen" in paths["/api/v1/contests/{contest_id}/draw"]["post"]["summary"]


@pytest.mark.parametrize("stage", ["frozen", "drawn"])
def test_a_frozen_or_drawn_draw_is_locked(api, client, draw_world, at_now, stage):
    contest = launch_draw(api)
    api.sale("s1", "ana", "GOLD", NOW - timedelta(hours=2))
    url = f"/api/v1/contests/{contest['id']}"
    at_now.shift(timedelta(days=1))
    client.post(f"{url}/freeze", headers=api.admin)
    if stage == "drawn":
        assert client.post(f"{url}/draw", json={"public_entropy": "x"}, headers=api.admin).status_code == 200
    before = client.get(url, headers=api.admin).get_json()
    for change, field in (({"rules": {"tickets_per_sale": 5}}, "rules"),
                          ({"ends_at": "2026-11-20T00:00:00+01:00"}, "ends_at")):
        response = client.patch(url, json=change, headers=api.admin)
        assert response.status_code == 409, response.get_json()
        body = response.get_json()
        assert response.mimetype == "application/problem+json" and "frozen" in body["detail"]
        assert [e["field"] for e in body["errors"]] == [field]
    assert client.get(url, headers=api.admin).get_json() == before
    # What does not decide the tickets may still change; the unchanged rules may be sent back as they are.
    renamed = client.patch(url, json={"name": "Jackpot (done)", "rules": before["rules"]}, headers=api.admin)
    assert renamed.status_code == 200 and renamed.get_json()["name"] == "Jackpot (done)"


def test_an_open_draw_can_still_change_its_rules(api, client, draw_world, at_now):
    contest = launch_draw(api)
    response = client.patch(f"/api/v1/contests/{contest['id']}", json={"rules": {"tickets_per_sale": 2}},
                            headers=api.admin)
    assert response.status_code == 200 and response.get_json()["rules"] == {"tickets_per_sale": 2}


@pytest.fixture()
def cup_world(make, at_now):
    for key in CUP:
        make.site(key, "Europe/Paris")
        make.agent(key, f"{key}-a")
    make.product("P", points=10)  # one sale of P is one goal (points_per_goal 10, no FTE scaling)


def paris(day, hour):
    return datetime(2026, 11, day, hour, 0, tzinfo=PARIS)


def play_round_one(app, api, client, at_now):
    """s4 beats s1 2–1 and s2 beats s3 1–0 on 2 November; the final s2 v s4 opens on the 3rd."""
    at_now.move_to(paris(2, 8))
    cup = api.contest(name="Cup", kind="league", timezone="Europe/Paris", sites=CUP, ends_at=None,
                      starts_at="2026-11-02T00:00:00+01:00",
                      rules={"format": "cup", "match_length": "P1D", "points_per_goal": 10, "normalize": "none"})
    api.sale("a1", "s1-a", "P", paris(2, 7))
    api.sale("d1", "s4-a", "P", paris(2, 5))
    api.sale("d2", "s4-a", "P", paris(2, 6))
    api.sale("b1", "s2-a", "P", paris(2, 7))
    at_now.move_to(paris(3, 1))
    with app.app_context():
        league_upkeep.tick()
    final = matches(client, api, cup["id"], 2)
    assert [(m["home"], m["away"]) for m in final] == [("s2", "s4")]
    return cup, final[0]


def matches(client, api, contest_id, round_number):
    return client.get(f"/api/v1/contests/{contest_id}/matches", query_string={"round": round_number},
                      headers=api.admin).get_json()["items"]


def audited(action):
    return db.session.scalar(select(func.count()).where(AuditEntry.action == action))


def bracket(client, api, contest_id):
    return client.get(f"/api/v1/contests/{contest_id}/bracket", headers=api.admin).get_json()


def test_var_correction_re_pairs_an_undecided_next_round(app, api, client, cup_world, at_now, notices):
    cup, final = play_round_one(app, api, client, at_now)
    at_now.move_to(paris(3, 12))
    api.sale("b2", "s2-a", "P", paris(3, 9))
    api.sale("a2", "s1-a", "P", paris(3, 10))  # s1 is out, so this is no goal yet
    api.sale("d3", "s4-a", "P", paris(3, 11))
    assert matches(client, api, cup["id"], 2)[0]["score"] == {"home": 1, "away": 1}
    notices.clear()
    # VAR: both of s4's round-one sales are cancelled inside the clawback window; s1 wins 1–0.
    assert api.cancel("d1").status_code == 200
    assert api.cancel("d2").status_code == 200
    corrected = [n for n in notices if n["event"] == "cup.corrected"]
    assert len(corrected) == 1 and corrected[0]["bracket_changed"] is True
    assert corrected[0]["before"] == {"home": "s2", "away": "s4"}
    assert corrected[0]["after"] == {"home": "s1", "away": "s2"}  # s1 is the higher seed
    assert corrected[0]["topic"] == f"contest:{cup['id']}" and corrected[0]["match"] == final["id"]

    [now_final] = matches(client, api, cup["id"], 2)
    assert now_final["id"] == final["id"] and (now_final["home"], now_final["away"]) == ("s1", "s2")
    assert now_final["status"] == "live" and now_final["score"] == {"home": 1, "away": 1}  # a2 v b2
    assert corrected[0]["score"] == {"home": 1, "away": 1}
    shown = bracket(client, api, cup["id"])
    assert shown["rounds"][0]["slots"][0]["winner"] == "s1" and shown["rounds"][0]["slots"][0]["correction"] is None
    assert [(s["home"], s["away"], s["match"]) for s in shown["rounds"][1]["slots"]] == [("s1", "s2", final["id"])]
    with app.app_context():
        assert audited("cup.repair") == 1


def test_var_correction_after_the_next_round_is_decided_is_recorded(app, api, client, cup_world, at_now,
                                                                   notices):
    cup, final = play_round_one(app, api, client, at_now)
    at_now.move_to(paris(4, 9))
    api.sale("d3", "s4-a", "P", paris(3, 11))  # s4 wins the final 1–0
    with app.app_context():
        league_upkeep.tick()
    assert bracket(client, api, cup["id"])["champion"] == "s4"
    notices.clear()
    assert api.cancel("d1").status_code == 200  # 1–1, one sale each, s4's came first: s4 still through
    assert api.cancel("d2").status_code == 200  # now s1 wins round one 1–0
    corrected = [n for n in notices if n["event"] == "cup.corrected"]
    assert [(n["bracket_changed"], n["round"], n["slot"], n["advanced"], n["winner"]) for n in corrected] == [
        (False, 1, 0, "s4", "s1")]

    [same_final] = matches(client, api, cup["id"], 2)
    assert (same_final["id"], same_final["home"], same_final["away"]) == (final["id"], "s2", "s4")
    shown = bracket(client, api, cup["id"])
    tie = shown["rounds"][0]["slots"][0]
    assert tie["score"] == {"home": 1, "away": 0} and tie["winner"] == "s4"
    assert tie["correction"]["winner"] == "s1" and tie["correction"]["advanced"] == "s4"
    assert tie["correction"]["at"] == paris(4, 9).astimezone(ZoneInfo("UTC")).isoformat()
    assert shown["champion"] == "s4"
    assert [(s["home"], s["away"]) for s in shown["rounds"][1]["slots"]] == [("s2", "s4")]
    with app.app_context():
        assert audited("cup.correction") == 1
        league_upkeep.tick()  # recorded once, not again on every upkeep
        assert audited("cup.correction") == 1
