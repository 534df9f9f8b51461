"""League and cup rules that once answered 500 or stored unbounded numbers: each answers a 4xx problem+json."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import bearer

SITES = ["home", "away"]
TIMEZONE = "America/New_York"
# The last instant a league may reach, written out here rather than read from the product.
END_OF_RANGE = datetime(2100, 1, 1, tzinfo=UTC)


def league(rules: dict[str, Any] | None = None, starts_at: str = "2026-11-02T00:00:00-05:00",
           tz: str = TIMEZONE) -> dict[str, Any]:
    """Two sites, one round: a league whose rules are the defaults with `rules` on top."""
    return {"name": "League", "kind": "league", "timezone": tz, "sites": SITES, "starts_at": starts_at,
            "rules": {"format": "league", "legs": 1, "match_length": "P1D", "points_per_goal": 10,
                      "normalize": "none", **(rules or {})}}


def match_points(**points: Any) -> dict[str, Any]:
    return {"match_points": {"win": 3, "draw": 1, "loss": 0, **points}}


REFUSED = [
    # (name, rules, field the problem names)
    ("match length of 99,999,999 days", {"match_length": "P99999999D"}, "rules.match_length"),
    ("match length of a thousand digits", {"match_length": "P" + "9" * 1000 + "D"}, "rules.match_length"),
    ("match length of 367 days", {"match_length": "P367D"}, "rules.match_length"),
    ("points per goal 1e308", {"points_per_goal": 1e308}, "rules.points_per_goal"),
    ("points per goal just over a million", {"points_per_goal": 1_000_000.5}, "rules.points_per_goal"),
    ("points per goal with 5 decimals", {"points_per_goal": 0.00001}, "rules.points_per_goal"),
    ("points per goal 1.23456", {"points_per_goal": 1.23456}, "rules.points_per_goal"),
    ("points per goal negative", {"points_per_goal": -10}, "rules.points_per_goal"),
    ("points per goal true", {"points_per_goal": True}, "rules.points_per_goal"),
    ("win points 1e308", match_points(win=1e308), "rules.match_points.win"),
    ("win points 101", match_points(win=101), "rules.match_points.win"),
    ("win points 3.5", match_points(win=3.5), "rules.match_points.win"),
    ("draw points 2**70", match_points(draw=2**70, win=2**71), "rules.match_points.draw"),
    ("loss points -1", match_points(loss=-1), "rules.match_points.loss"),
    ("loss points false", match_points(loss=False), "rules.match_points.loss"),
    ("draw points as text", match_points(draw="1"), "rules.match_points.draw"),
]


@pytest.fixture()
def admin(make):
    for key in SITES:
        make.site(key, tz=TIMEZONE)
    return bearer(make.token("admin"))


def assert_refused(response, field: str) -> None:
    assert 400 <= response.status_code < 500, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["status"] == response.status_code and problem["title"]
    assert field in [error["field"] for error in problem["errors"]], problem


@pytest.mark.parametrize("rules, field", [(r, f) for _, r, f in REFUSED], ids=[n for n, _, _ in REFUSED])
@pytest.mark.parametrize("fmt", ["league", "cup"])
def test_unbounded_rules_are_refused(client, admin, rules, field, fmt):
    body = league({**rules, "format": fmt})
    if fmt == "cup":
        del body["rules"]["legs"]
    assert_refused(client.post("/api/v1/contests", headers=admin, json=body), field)


ACCEPTED = [
    ("match length of 366 days", {"match_length": "P366D"}),
    ("points per goal of a million", {"points_per_goal": 1_000_000}),
    ("points per goal with 4 decimals", {"points_per_goal": 0.0001}),
    ("points per goal 12.5", {"points_per_goal": 12.5}),
    ("match points at their bounds", match_points(win=100, draw=0, loss=0)),
]


@pytest.mark.parametrize("rules", [r for _, r in ACCEPTED], ids=[n for n, _ in ACCEPTED])
def test_rules_at_the_bounds_are_accepted(client, admin, rules):
    response = client.post("/api/v1/contests", headers=admin, json=league(rules))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["rules"] | rules == response.get_json()["rules"]


def local_midnight_after(day: str, days: int, tz: str) -> datetime:
    """Local midnight `days` days after `day` in `tz`, as UTC."""
    start = datetime.fromisoformat(day).replace(tzinfo=ZoneInfo(tz))
    return (start + timedelta(days=days)).astimezone(UTC)


def test_a_year_long_match_starting_in_2099_is_refused(client, admin):
    assert local_midnight_after("2099-06-01", 366, TIMEZONE) > END_OF_RANGE
    response = client.post("/api/v1/contests", headers=admin,
                           json=league({"match_length": "P366D"}, starts_at="2099-06-01T00:00:00-04:00"))
    assert_refused(response, "rules.match_length")
    assert "2100-01-01" in response.get_json()["errors"][0]["message"]


@pytest.mark.parametrize("tz, accepted", [("Europe/Paris", True), (TIMEZONE, False)])
def test_fixtures_ending_at_local_new_year_2100(client, make, tz, accepted):
    """Midnight of 1 January 2100 in Paris is still 2099 in UTC; in New York it is already 2100."""
    for key in SITES:
        make.site(key, tz=tz)
    headers = bearer(make.token("admin"))
    ends = local_midnight_after("2099-12-31", 1, tz)
    assert (ends < END_OF_RANGE) is accepted
    starts_at = datetime.fromisoformat("2099-12-31").replace(tzinfo=ZoneInfo(tz)).isoformat()
    response = client.post("/api/v1/contests", headers=headers, json=league(starts_at=starts_at, tz=tz))
    if accepted:
        assert response.status_code == 201, response.get_json()
        assert datetime.fromisoformat(response.get_json()["ends_at"]) == ends
    else:
        assert_refused(response, "rules.match_length")
