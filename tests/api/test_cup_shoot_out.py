"""A level cup tie goes to the shoot-out on counted sales: the one aggregate query the bracket uses counts exactly
the sales the goal rule counts, whatever the rules leave out (products, kinds, pending sales, clawed-back ones)."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from leaderboard.extensions import db
from leaderboard.models.contests import Contest
from leaderboard.models.league import Match
from leaderboard.schemas import ProductIn
from leaderboard.services.access import auth
from leaderboard.services.league.matches import counted_sales, shoot_out_tally
from leaderboard.services.roster import people as roster
from leaderboard.services.sales import confirmations

PARIS = ZoneInfo("Europe/Paris")
FOUR = ["c1", "c2", "c3", "c4"]
DAY = datetime(2026, 11, 2, tzinfo=PARIS)
RULES = [{}, {"include_products": ["P"]}, {"kinds": ["save"]}, {"count_pending": False},
         {"include_products": ["S"], "count_pending": False}]


@pytest.fixture()
def world(app, make, api, at_now):
    for key in FOUR:
        make.site(key, "Europe/Paris")
        make.agent(key, f"{key}-a")
    make.product("P", points=10)
    with app.app_context():
        roster.upsert_product(auth.SYSTEM, "S", ProductIn(name="Retention save", points=10, kind="save"))
        db.session.commit()
    at_now.move_to(DAY + timedelta(days=40))  # the first day is long past its 14-day clawback window
    sales = [("a", "c1-a", "P", 9), ("b", "c1-a", "S", 10), ("c", "c1-a", "P", 11), ("d", "c4-a", "S", 8),
             ("e", "c4-a", "P", 23), ("f", "c2-a", "P", 12)]
    for sale_id, agent, product, hour in sales:
        api.sale(sale_id, agent, product, DAY + timedelta(hours=hour))
    api.sale("late", "c1-a", "P", DAY - timedelta(hours=1))  # before the window: never counted
    assert api.cancel("a", DAY + timedelta(hours=10)).status_code in (200, 201)  # inside the clawback window
    assert api.cancel("e", DAY + timedelta(days=20)).status_code in (200, 201)  # late: still counts
    return [api.contest(name=f"Cup {n}", kind="league", timezone="Europe/Paris", sites=FOUR, ends_at=None,
                        starts_at=DAY.isoformat(), rules={"format": "cup", "match_length": "P1D",
                                                          "points_per_goal": 1000, "normalize": "none", **rules})["id"]
            for n, rules in enumerate(RULES)]


def tallies(app):
    with app.app_context():
        out = []
        for contest in db.session.scalars(select(Contest).order_by(Contest.id)):
            for match in db.session.scalars(select(Match).where(Match.contest_id == contest.id, Match.round == 1)):
                for site in (match.home, match.away):
                    counted = counted_sales(contest, match, site)
                    expected = (len(counted), counted[0][0].occurred_at if counted else None)
                    out.append((contest.name, site.key, shoot_out_tally(contest, match, site), expected))
        db.session.remove()
    return out


def test_the_shoot_out_counts_what_the_goal_rule_counts_before_and_after_confirmation(app, world):
    before = tallies(app)
    assert all(got == expected for _, _, got, expected in before), before
    # Nothing is confirmed yet: the contests that wait for confirmation count nothing.
    assert {got for name, _, got, _ in before if name in ("Cup 3", "Cup 4")} == {(0, None)}
    with app.app_context():
        confirmations.advance()
        db.session.commit()
    after = tallies(app)
    assert all(got == expected for _, _, got, expected in after), after
    by_cup = {(name, site): got[0] for name, site, got, _ in after}
    # c1: a (clawed back), b (save), c; "late" is outside the window. c4: d (save), e (late cancellation).
    assert [by_cup[(f"Cup {n}", "c1")] for n in range(5)] == [2, 1, 1, 2, 1]
    assert [by_cup[(f"Cup {n}", "c4")] for n in range(5)] == [2, 1, 1, 2, 1]


def test_a_level_tie_goes_to_the_side_with_more_counted_sales(app, client, api, world):
    with time_machine.travel(DAY + timedelta(days=40), tick=False):
        bracket = client.get(f"/api/v1/contests/{world[0]}/bracket", headers=api.admin).get_json()
    semis = {(s["home"], s["away"]): s for s in bracket["rounds"][0]["slots"]}
    # No goal anywhere (a goal is 1,000 points). c1 and c4 both count two sales; c4's first (the save at 08:00)
    # came before c1's (10:00): c4 goes through.
    assert semis[("c1", "c4")]["score"] == {"home": 0, "away": 0} and semis[("c1", "c4")]["winner"] == "c4"
    assert semis[("c2", "c3")]["winner"] == "c2"  # one sale against none
