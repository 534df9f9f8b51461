"""The form guide: last five outcomes per side, oldest first, from both sides of each match."""
from leaderboard.domain.form_guide import form_guide
from leaderboard.domain.league import MatchResult


def result(home, away, home_goals, away_goals):
    return MatchResult(home, away, home_goals, away_goals, "final")


def test_each_side_gets_its_own_outcome_of_a_match():
    assert form_guide([result("lisbon", "paris", 3, 2)]) == {"lisbon": ["W"], "paris": ["L"]}
    assert form_guide([result("lisbon", "paris", 1, 1)]) == {"lisbon": ["D"], "paris": ["D"]}


def test_only_the_last_five_are_kept_oldest_first():
    # lisbon: W L D W W L (six matches, home and away alternating) → the last five: L D W W L
    matches = [result("lisbon", "paris", 2, 0), result("paris", "lisbon", 1, 0), result("lisbon", "paris", 0, 0),
               result("paris", "lisbon", 0, 4), result("lisbon", "paris", 1, 0), result("paris", "lisbon", 2, 1)]
    assert form_guide(matches)["lisbon"] == ["L", "D", "W", "W", "L"]
    assert form_guide(matches)["paris"] == ["W", "D", "L", "L", "W"]


def test_no_results_no_form():
    assert form_guide([]) == {}
