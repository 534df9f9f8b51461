"""Leagues and cups through the API: fixtures, goals by FTE, braces, VAR, table, bracket, rebuild."""
from datetime import datetime, timedelta
from itertools import combinations
from zoneinfo import ZoneInfo

import pytest

from leaderboard.extensions import db
from leaderboard.services.core import projections
from leaderboard.services.league import upkeep as league_upkeep
from tests.conftest import NOW

PARIS = ZoneInfo("Europe/Paris")
SIX = ["s1", "s2", "s3", "s4", "s5", "s6"]


@pytest.fixture()
def sites(make, at_now):
    for key in SIX:
        make.site(key, "Europe/Paris")
        make.agent(key, f"{key}-a")
        make.agent(key, f"{key}-b")
    make.agent("s1", "s1-c", fte="0.5")  # s1 has H = 2.5
    make.product("P", points=10)
    return SIX


def league(api, **fields):
    body = {"name": "Site league", "kind": "league", "timezone": "Europe/Paris", "sites": SIX, "ends_at": None,
            "starts_at": "2026-11-02T00:00:00+01:00",
            "rules": {"format": "league", "legs": 2, "match_length": "P2D", "points_per_goal": 10,
                      "normalize": "fte", "match_points": {"win": 3, "draw": 1, "loss": 0}}}
    body.update(fields)
    return api.contest(**body)


def matches(client, api, contest_id, **query):
    response = client.get(f"/api/v1/contests/{contest_id}/matches", query_string=query, headers=api.admin)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def test_six_site_double_round_robin_fixtures(api, client, sites):
    contest = league(api)
    assert contest["league"]["rounds"] == 10
    # 10 rounds of two days from 2 Nov (Paris) end on 22 Nov, Paris midnight.
    assert datetime.fromisoformat(contest["ends_at"]) == datetime(2026, 11, 22, tzinfo=PARIS)
    items = matches(client, api, contest["id"])
    assert len(items) == 30
    first_leg = [(m["home"], m["away"]) for m in items if m["round"] <= 5]
    second_leg = [(m["home"], m["away"]) for m in items if m["round"] > 5]
    assert sorted(tuple(sorted(p)) for p in first_leg) == sorted(combinations(SIX, 2))
    assert second_leg == [(away, home) for home, away in first_leg]
    for round_number in range(1, 11):
        playing = [s for m in items if m["round"] == round_number for s in (m["home"], m["away"])]
        assert sorted(playing) == sorted(SIX)
    round_three = matches(client, api, contest["id"], round=3)
    assert {m["round"] for m in round_three} == {3} and len(round_three) == 3
    assert datetime.fromisoformat(round_three[0]["starts_at"]) == datetime(2026, 11, 6, tzinfo=PARIS)


def test_contradicting_end_is_rejected(api, sites):
    problem = league(api, expect=422, ends_at="2026-11-30T00:00:00+01:00")
    assert problem["errors"][0]["field"] == "ends_at"
    problem = league(api, expect=422, sites=["s1"])
    assert "sites" in {e["field"] for e in problem["errors"]}


def s1_match(client, api, contest_id):
    return next(m for m in matches(client, api, contest_id, round=1) if "s1" in (m["home"], m["away"]))


def test_goals_follow_cumulative_points_per_fte_with_a_brace(api, client, sites, at_now):
    at_now.move_to(datetime(2026, 11, 2, 20, 0, tzinfo=PARIS))
    contest = league(api)
    kick_off = datetime(2026, 11, 2, tzinfo=PARIS)
    # s1: H = 2.5, 10 points per goal → a goal every 25 raw points.
    api.sale("a", "s1-a", "P", kick_off + timedelta(hours=1), quantity=2)   # 20 → 8 per FTE: none
    api.sale("b", "s1-b", "P", kick_off + timedelta(hours=2), quantity=1)   # 30 → 12: goal 1
    api.sale("c", "s1-c", "P", kick_off + timedelta(hours=3), quantity=7)   # 100 → 40: goals 2, 3, 4
    match = s1_match(client, api, contest["id"])
    mine = [g for g in match["goals"] if g["site"] == "s1"]
    assert [(g["sale"], g["agent"]) for g in mine] == [("b", "s1-b"), ("c", "s1-c"), ("c", "s1-c"), ("c", "s1-c")]
    assert mine[0]["minute"] == 90 * 2 // 48  # two hours into a 48-hour match
    side = "home" if match["home"] == "s1" else "away"
    assert match["score"][side] == 4
    assert match["status"] == "live" and match["minute"] == 90 * 20 // 48


def test_cancellation_disallows_an_announced_goal_and_changes_the_table(api, client, sites, at_now):
    at_now.move_to(datetime(2026, 11, 2, 23, 0, tzinfo=PARIS))
    contest = league(api)
    match = s1_match(client, api, contest["id"])
    rival = match["away"] if match["home"] == "s1" else match["home"]
    kick_off = datetime(2026, 11, 2, tzinfo=PARIS)
    api.sale("x1", "s1-a", "P", kick_off + timedelta(hours=1), quantity=3)   # 30/2.5 = 12 → 1 goal
    api.sale("y1", f"{rival}-a", "P", kick_off + timedelta(hours=2), quantity=2)  # 20/2 = 10 → 1 goal
    at_now.move_to(datetime(2026, 11, 4, 1, 0, tzinfo=PARIS))  # window over
    api.cancel("x1")
    match = s1_match(client, api, contest["id"])
    var = [g for g in match["goals"] if g["disallowed"]]
    assert [(g["sale"], g["reason"]) for g in var] == [("x1", "sale cancelled inside the clawback window")]
    side = "home" if match["home"] == "s1" else "away"
    assert match["score"][side] == 0 and match["status"] == "provisional"
    table = client.get(f"/api/v1/contests/{contest['id']}/table", headers=api.admin).get_json()["rows"]
    by_site = {row["site"]: row for row in table}
    assert by_site[rival]["points"] == 3 and by_site["s1"]["points"] == 0
    assert table[0]["site"] == rival and table[0]["rank"] == 1
    drawn = [row for row in table if row["played"] == 1 and row["drawn"] == 1]
    assert all(row["points"] == 1 for row in drawn)


def test_status_becomes_final_after_the_clawback_window_and_tick_announces(app, api, client, sites, at_now):
    at_now.move_to(datetime(2026, 11, 2, 12, 0, tzinfo=PARIS))
    contest = league(api)
    round_one = matches(client, api, contest["id"], round=1)
    assert {m["status"] for m in round_one} == {"live"}
    assert {m["status"] for m in matches(client, api, contest["id"], round=2)} == {"scheduled"}
    api.sale("z", "s1-a", "P", datetime(2026, 11, 2, 9, 0, tzinfo=PARIS), quantity=5)
    at_now.move_to(datetime(2026, 11, 20, 12, 0, tzinfo=PARIS))
    with app.app_context():
        assert league_upkeep.tick() > 0
    round_one = matches(client, api, contest["id"], round=1)
    assert {m["status"] for m in round_one} == {"final"}
    assert all(m["minute"] == 90 for m in round_one)
    last_round = matches(client, api, contest["id"], round=10)  # 20–22 Nov: 12 hours in
    assert {m["status"] for m in last_round} == {"live"} and {m["minute"] for m in last_round} == {90 * 12 // 48}


def test_auto_points_per_goal_is_reported(api, sites, at_now):
    for day in range(1, 8):
        api.sale(f"h{day}", "s1-a", "P", NOW - timedelta(days=day), quantity=10)
    contest = league(api, rules={"format": "league", "legs": 1, "points_per_goal": "auto"})
    assert contest["league"]["points_per_goal_auto"] is True
    # Only s1 has history: 100 points a day over H = 2.5 → 40 per FTE; 40 / 2.5 goals = 16.
    assert contest["league"]["points_per_goal"] == 16


def test_rebuild_reproduces_every_match(app, api, client, sites, at_now):
    at_now.move_to(datetime(2026, 11, 9, 12, 0, tzinfo=PARIS))
    contest = league(api)
    for n in range(40):
        at = datetime(2026, 11, 2, tzinfo=PARIS) + timedelta(hours=3 * n + 1)
        api.sale(f"r{n}", f"{SIX[n % 6]}-{'ab'[n % 2]}", "P", at, quantity=1 + n % 4)
    api.cancel("r7")
    before = matches(client, api, contest["id"])
    with app.app_context():
        projections.rebuild()
        db.session.remove()
    assert matches(client, api, contest["id"]) == before


def test_five_site_cup_with_byes_and_a_shoot_out(app, api, client, make, sites, at_now):
    at_now.move_to(datetime(2026, 11, 2, 12, 0, tzinfo=PARIS))
    cup = api.contest(name="Cup", kind="league", timezone="Europe/Paris", sites=SIX[:5], ends_at=None,
                      starts_at="2026-11-02T00:00:00+01:00",
                      rules={"format": "cup", "match_length": "P1D", "points_per_goal": 1000, "normalize": "none"})
    assert cup["league"]["rounds"] == 3
    bracket = client.get(f"/api/v1/contests/{cup['id']}/bracket", headers=api.admin).get_json()
    first = bracket["rounds"][0]["slots"]
    assert sum(slot["bye"] for slot in first) == 3
    assert [(s["home"], s["away"]) for s in first if not s["bye"]] == [("s4", "s5")]
    # 0–0 on goals; s5 makes more sales, so s5 wins the shoot-out.
    api.sale("c1", "s4-a", "P", datetime(2026, 11, 2, 9, 0, tzinfo=PARIS), quantity=50)
    api.sale("c2", "s5-a", "P", datetime(2026, 11, 2, 10, 0, tzinfo=PARIS))
    api.sale("c3", "s5-b", "P", datetime(2026, 11, 2, 11, 0, tzinfo=PARIS))
    at_now.move_to(datetime(2026, 11, 3, 1, 0, tzinfo=PARIS))
    with app.app_context():
        league_upkeep.tick()
    bracket = client.get(f"/api/v1/contests/{cup['id']}/bracket", headers=api.admin).get_json()
    decided = next(s for s in bracket["rounds"][0]["slots"] if not s["bye"])
    assert decided["score"] == {"home": 0, "away": 0} and decided["winner"] == "s5"
    second = bracket["rounds"][1]["slots"]
    assert [side for s in second for side in (s["home"], s["away"]) if side == "s5"] == ["s5"]
    round_two = matches(client, api, cup["id"], round=2)
    assert len(round_two) == 2
    assert client.get(f"/api/v1/contests/{cup['id']}/table", headers=api.admin).status_code == 200
    race = api.contest(name="race")
    assert client.get(f"/api/v1/contests/{race['id']}/matches", headers=api.admin).status_code == 422
