"""Site-league play: goals from sales, VAR, match clock and status, table, rules."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from leaderboard.domain.league import (
    DEFAULT_POINTS_PER_GOAL,
    Goal,
    MatchResult,
    MatchStatus,
    SaleInput,
    auto_points_per_goal,
    diff_goals,
    goals_for_site,
    league_table,
    match_minute,
    match_status,
    validate_league_rules,
)

UTC = UTC
T0 = datetime(2026, 5, 1, tzinfo=UTC)
POINTS = {"win": 3, "draw": 1, "loss": 0}


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def sale(sale_id, agent, hours, points) -> SaleInput:
    return SaleInput(sale_id, agent, at(hours), points)


def test_goals_follow_fte_normalised_points():
    # H = 2.5 FTE and 10 points per goal: a goal for every 2.5 * 10 = 25 raw points.
    # Cumulative points 10, 30, 45, 50, 130 -> goal counts 0, 1, 1, 2, 5.
    sales = [
        sale(5, "dee", 12, 80),
        sale(1, "ann", 9, 10),
        sale(3, "cy", 10, 15),
        sale(2, "bob", 9.5, 20),
        sale(4, "ann", 11, 5),
    ]
    goals = goals_for_site(sales, Decimal("2.5"), Decimal(10), site="lyon")
    assert goals == [
        Goal("lyon", 2, 1, "bob", at(9.5)),
        Goal("lyon", 4, 1, "ann", at(11)),
        Goal("lyon", 5, 1, "dee", at(12)),
        Goal("lyon", 5, 2, "dee", at(12)),
        Goal("lyon", 5, 3, "dee", at(12)),
    ]
    assert goals[0].identity == ("lyon", 2, 1)


def test_one_big_sale_scores_a_brace():
    goals = goals_for_site([sale("s1", "ann", 1, 20)], 1, 10, site="x")
    assert [(g.sale_id, g.nth, g.agent) for g in goals] == [("s1", 1, "ann"), ("s1", 2, "ann")]


def test_threshold_is_exact_where_floats_would_fall_short():
    # 0.09 / 0.3 / 0.1 is exactly 3, but float division gives 2.9999999999999996.
    assert 0.09 / 0.3 / 0.1 < 3
    exact_sale = sale(1, "a", 1, Decimal("0.09"))
    decimal_goals = goals_for_site([exact_sale], Decimal("0.3"), Decimal("0.1"))
    float_goals = goals_for_site([sale(1, "a", 1, 0.09)], 0.3, 0.1)
    assert len(decimal_goals) == len(float_goals) == 3


def test_sales_at_the_same_instant_are_ordered_by_sale_id():
    # Each sale is worth half a goal; the one ordered second scores.
    goals = goals_for_site([sale(2, "late", 1, 5), sale(1, "early", 1, 5)], 1, 10)
    assert [(g.sale_id, g.agent) for g in goals] == [(2, "late")]


def test_negative_adjustment_does_not_unscore_a_goal():
    # Cumulative 10, 5, 10, 20: goals at counts 1 (sale 1) and 2 (sale 4) only.
    sales = [sale(1, "a", 1, 10), sale(2, "a", 2, -5), sale(3, "b", 3, 5), sale(4, "c", 4, 10)]
    assert [g.sale_id for g in goals_for_site(sales, 1, 10)] == [1, 4]


def test_non_positive_fte_or_points_per_goal_is_rejected():
    with pytest.raises(ValueError):
        goals_for_site([], 0, 10)
    with pytest.raises(ValueError):
        goals_for_site([], 1, 0)


def test_var_disallows_a_vanished_goal_and_announces_its_replacement():
    # 15 points per goal. With sale b: cumulative 10, 20, 24, 28 -> one goal on b.
    a, b = sale("a", "ann", 1, 10), sale("b", "bob", 2, 10)
    c, d = sale("c", "cy", 3, 4), sale("d", "dee", 4, 4)
    before = goals_for_site([a, b, c, d], 1, 15, site="x")
    new, disallowed = diff_goals(set(), before)
    assert [g.identity for g in new] == [("x", "b", 1)] and disallowed == set()

    # Sale b is clawed back: cumulative 10, 14, 18 -> the goal now falls on d.
    after = goals_for_site([a, c, d], 1, 15, site="x")
    new, disallowed = diff_goals({("x", "b", 1)}, after)
    assert new == [Goal("x", "d", 1, "dee", at(4))]
    assert disallowed == {("x", "b", 1)}

    assert diff_goals({("x", "d", 1)}, after) == ([], set())


def test_match_minute():
    start, end = T0, T0 + timedelta(hours=24)
    assert match_minute(start - timedelta(seconds=1), start, end) == 0
    assert match_minute(start, start, end) == 0
    # 16 minutes is 1/90 of a day; 15:59 is just short of it.
    assert match_minute(start + timedelta(minutes=15, seconds=59), start, end) == 0
    assert match_minute(start + timedelta(minutes=16), start, end) == 1
    assert match_minute(start + timedelta(hours=8), start, end) == 30
    assert match_minute(end - timedelta(microseconds=1), start, end) == 89
    assert match_minute(end, start, end) == 90
    assert match_minute(end + timedelta(days=3), start, end) == 90


def test_match_minute_on_a_23_hour_day():
    start = datetime(2026, 3, 28, 23, tzinfo=UTC)
    end = start + timedelta(hours=23)
    assert match_minute(start + timedelta(hours=11, minutes=30), start, end) == 45


def test_match_status_transitions():
    start, end = T0, T0 + timedelta(days=1)
    clawback = timedelta(days=7)
    last_sale = end - timedelta(hours=1)

    def status(now, latest=last_sale):
        return match_status(now, start, end, latest, clawback)

    assert status(start - timedelta(seconds=1)) == MatchStatus.SCHEDULED == "scheduled"
    assert status(start) == "live"
    assert status(end - timedelta(seconds=1)) == "live"
    assert status(end) == "provisional"
    assert status(last_sale + clawback - timedelta(seconds=1)) == "provisional"
    assert status(last_sale + clawback) == "final"
    # A goalless match with no sales has nothing to claw back.
    assert status(end, latest=None) == "final"
    # Sales old enough at the whistle: final straight away.
    assert status(end, latest=end - clawback - timedelta(hours=1)) == "final"


def test_three_way_tie_is_split_by_head_to_head_within_the_group():
    results = [
        MatchResult("zulu", "mike", 1, 0, "final"),
        MatchResult("mike", "alpha", 1, 0, "final"),
        MatchResult("alpha", "zulu", 0, 0, "provisional"),
        MatchResult("delta", "zulu", 2, 1, "final"),
        MatchResult("mike", "delta", 1, 1, "final"),
        MatchResult("alpha", "delta", 2, 1, "provisional"),
        MatchResult("alpha", "zulu", 5, 0, "live"),
        MatchResult("mike", "zulu", 0, 0, "scheduled"),
    ]
    table = league_table(["alpha", "delta", "mike", "zulu"], results, POINTS)
    # All four have 4 points and GD 0; delta has more goals for (4 v 2).
    # Head-to-head among alpha, mike, zulu only: zulu 3+1=4, mike 3, alpha 1.
    # (Counting delta's games too would put alpha first, so the group must be exact.)
    assert [(r.rank, r.site) for r in table] == [
        (1, "delta"), (2, "zulu"), (3, "mike"), (4, "alpha"),
    ]
    assert table[0].as_dict() == {
        "site": "delta", "rank": 1, "played": 3, "won": 1, "drawn": 1, "lost": 1,
        "goals_for": 4, "goals_against": 4, "goal_difference": 0, "points": 4,
    }
    zulu = table[1]
    assert (zulu.played, zulu.won, zulu.drawn, zulu.lost) == (3, 1, 1, 1)
    assert (zulu.goals_for, zulu.goals_against, zulu.points) == (2, 2, 4)


def test_goal_difference_then_custom_match_points():
    results = [
        MatchResult("a", "b", 3, 0, "final"),
        MatchResult("b", "c", 1, 0, "provisional"),
        MatchResult("c", "a", 2, 1, "final"),
    ]
    # Everyone won once (2 points each here); GD a +2, c 0, b -2.
    table = league_table(["a", "b", "c"], results, {"win": 2, "draw": 1, "loss": 0})
    assert [(r.site, r.points, r.goal_difference) for r in table] == [
        ("a", 2, 2), ("c", 2, 0), ("b", 2, -2),
    ]


def test_unresolved_ties_fall_back_to_site_key():
    # b and c drew each other, so head-to-head cannot split them.
    results = [MatchResult("c", "b", 1, 1, "final")]
    table = league_table(["c", "b", "a"], results, POINTS)
    assert [(r.rank, r.site, r.points) for r in table] == [(1, "b", 1), (2, "c", 1), (3, "a", 0)]
    assert table[2].played == 0


def test_table_rejects_unknown_sites():
    with pytest.raises(ValueError):
        league_table(["a", "b"], [MatchResult("a", "zz", 1, 0, "final")], POINTS)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([100, 50, 150], Decimal(40)),  # median 100 / 2.5
        ([10, 20, 30, 41], Decimal(10)),  # median (20 + 30) / 2 = 25
        ([123.4], Decimal(49)),  # 49.36 -> 2 significant digits
        ([1234], Decimal(490)),  # 493.6
        ([Decimal("0.0321")], Decimal("0.013")),  # 0.01284
        ([Decimal("10.625")], Decimal("4.3")),  # 4.25 rounds half up
        ([0, 0, 0, 100], Decimal(40)),  # closed days are ignored
    ],
)
def test_auto_points_per_goal(values, expected):
    result = auto_points_per_goal(values)
    assert result == expected and str(result) == str(expected)


def test_auto_points_per_goal_without_history_falls_back_to_ten():
    assert auto_points_per_goal([]) == auto_points_per_goal([0, 0]) == DEFAULT_POINTS_PER_GOAL == 10


VALID = {
    "format": "league", "legs": 2, "match_length": "P1D", "points_per_goal": "auto",
    "normalize": "fte", "match_points": {"win": 3, "draw": 1, "loss": 0},
}


def test_valid_rules_have_no_errors():
    assert validate_league_rules(VALID, 2) == []
    cup = {k: v for k, v in VALID.items() if k != "legs"} | {"format": "cup", "points_per_goal": 12.5}
    assert validate_league_rules(cup, 5) == []


@pytest.mark.parametrize(
    ("change", "sites", "path"),
    [
        ({}, 1, "sites"),
        ({"format": "ladder"}, 4, "rules.format"),
        ({"legs": 3}, 4, "rules.legs"),
        ({"legs": True}, 4, "rules.legs"),
        ({"match_length": "PT12H"}, 4, "rules.match_length"),
        ({"points_per_goal": 0}, 4, "rules.points_per_goal"),
        ({"points_per_goal": "10"}, 4, "rules.points_per_goal"),
        ({"points_per_goal": float("nan")}, 4, "rules.points_per_goal"),
        ({"normalize": "headcount"}, 4, "rules.normalize"),
        ({"match_points": None}, 4, "rules.match_points"),
        ({"match_points": {"win": 3, "draw": -1, "loss": 0}}, 4, "rules.match_points.draw"),
        ({"match_points": {"win": 3, "draw": 1}}, 4, "rules.match_points.loss"),
        ({"match_points": {"win": 1, "draw": 2, "loss": 0}}, 4, "rules.match_points"),
    ],
)
def test_invalid_rules_name_the_field(change, sites, path):
    assert [p for p, _ in validate_league_rules(VALID | change, sites)] == [path]


def test_league_without_legs_is_an_error():
    rules = {k: v for k, v in VALID.items() if k != "legs"}
    assert [p for p, _ in validate_league_rules(rules, 3)] == ["rules.legs"]
