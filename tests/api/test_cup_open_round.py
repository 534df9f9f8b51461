"""A cup launched after its first round has already been played shows the open round's ties at once."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from leaderboard.services.boards import live_snapshots

PARIS = ZoneInfo("Europe/Paris")
FOUR = ["c1", "c2", "c3", "c4"]


@pytest.fixture()
def sites(make, at_now):
    for key in FOUR:
        make.site(key, "Europe/Paris")
        make.agent(key, f"{key}-a")
    make.product("P", points=10)
    return FOUR


def launch_cup(api, starts_at, points_per_goal=10):
    return api.contest(name="Cup", kind="league", timezone="Europe/Paris", sites=FOUR, ends_at=None,
                       starts_at=starts_at, rules={"format": "cup", "match_length": "P1D",
                                                   "points_per_goal": points_per_goal, "normalize": "none"})


def test_a_cup_whose_second_round_is_open_lists_its_final_at_once(api, client, sites, at_now):
    # Semi-finals on 2 Nov: c1 beats c4 and c2 beats c3 on goals; the final (3 Nov) is live at launch.
    api.sale("s1", "c1-a", "P", datetime(2026, 11, 2, 9, 0, tzinfo=PARIS), quantity=2)
    api.sale("s2", "c2-a", "P", datetime(2026, 11, 2, 10, 0, tzinfo=PARIS), quantity=3)
    at_now.move_to(datetime(2026, 11, 3, 12, 0, tzinfo=PARIS))
    cup = launch_cup(api, "2026-11-02T00:00:00+01:00")
    items = client.get(f"/api/v1/contests/{cup['id']}/matches", headers=api.admin).get_json()["items"]
    final = [m for m in items if m["round"] == 2]
    assert [(m["home"], m["away"], m["status"]) for m in final] == [("c1", "c2", "live")]


def test_a_cup_whose_first_round_ended_goalless_lists_its_final_at_once(api, client, sites, at_now):
    # No goal in either semi-final (a goal is 1,000 points): more sales send c1 and c2 through.
    api.sale("s1", "c1-a", "P", datetime(2026, 11, 2, 9, 0, tzinfo=PARIS))
    api.sale("s2", "c2-a", "P", datetime(2026, 11, 2, 10, 0, tzinfo=PARIS))
    at_now.move_to(datetime(2026, 11, 3, 12, 0, tzinfo=PARIS))
    cup = launch_cup(api, "2026-11-02T00:00:00+01:00", points_per_goal=1000)
    items = client.get(f"/api/v1/contests/{cup['id']}/matches", headers=api.admin).get_json()["items"]
    assert [m["round"] for m in items] == [1, 1, 2]


def test_the_tv_picture_of_a_cup_launched_late_shows_the_open_round(app, api, client, sites, at_now):
    api.sale("s1", "c1-a", "P", datetime(2026, 11, 2, 9, 0, tzinfo=PARIS))
    api.sale("s2", "c2-a", "P", datetime(2026, 11, 2, 10, 0, tzinfo=PARIS))
    at_now.move_to(datetime(2026, 11, 3, 12, 0, tzinfo=PARIS))
    cup = launch_cup(api, "2026-11-02T00:00:00+01:00", points_per_goal=1000)
    with app.app_context():
        picture = live_snapshots.contest_snapshot(cup["id"])
    assert [(m["round"], m["home"], m["away"], m["status"]) for m in picture["matches"]] == [(2, "c1", "c2", "live")]
    final = picture["bracket"]["rounds"][1]["slots"]
    assert [(s["home"], s["away"], s["status"]) for s in final] == [("c1", "c2", "live")]
