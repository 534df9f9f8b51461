"""Site-league scheduling: match lengths, DST-aware windows, round-robin fixtures, cup brackets."""

from datetime import UTC, datetime, timedelta
from itertools import combinations
from zoneinfo import ZoneInfo

import pytest

from leaderboard.domain.fixtures import (
    CupMatchResult,
    CupSlot,
    byes,
    cup_bracket,
    cup_round_count,
    cup_winner,
    cup_winners,
    league_end,
    league_fixtures,
    league_round_count,
    match_windows,
    next_cup_round,
    parse_match_length,
)

PARIS = ZoneInfo("Europe/Paris")
UTC = UTC
HOUR = timedelta(hours=1)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(("text", "days"), [("P1D", 1), ("P2D", 2), ("P7D", 7), ("P14D", 14)])
def test_parse_match_length_accepts_day_durations(text, days):
    assert parse_match_length(text) == days


@pytest.mark.parametrize("text", ["P0D", "PT24H", "P1W", "P1DT1H", "1D", "p1d", "", None, 1])
def test_parse_match_length_rejects_everything_else(text):
    with pytest.raises(ValueError):
        parse_match_length(text)


def test_spring_forward_day_is_23_hours_in_paris():
    # Paris is UTC+1 until 02:00 on Sunday 29 March 2026, UTC+2 afterwards.
    start = datetime(2026, 3, 28, tzinfo=PARIS)
    windows = match_windows(start, "Europe/Paris", 1, 3)
    assert windows == [
        (utc(2026, 3, 27, 23), utc(2026, 3, 28, 23)),
        (utc(2026, 3, 28, 23), utc(2026, 3, 29, 22)),
        (utc(2026, 3, 29, 22), utc(2026, 3, 30, 22)),
    ]
    assert [end - begin for begin, end in windows] == [24 * HOUR, 23 * HOUR, 24 * HOUR]
    assert all(begin.tzinfo == UTC for begin, _ in windows)


def test_fall_back_day_is_25_hours_in_paris():
    # Paris is UTC+2 until 03:00 on Sunday 25 October 2026, UTC+1 afterwards.
    start = datetime(2026, 10, 24, tzinfo=PARIS)
    windows = match_windows(start, "Europe/Paris", 1, 3)
    assert windows == [
        (utc(2026, 10, 23, 22), utc(2026, 10, 24, 22)),
        (utc(2026, 10, 24, 22), utc(2026, 10, 25, 23)),
        (utc(2026, 10, 25, 23), utc(2026, 10, 26, 23)),
    ]
    assert [end - begin for begin, end in windows] == [24 * HOUR, 25 * HOUR, 24 * HOUR]


def test_windows_start_from_local_time_even_if_given_in_utc():
    # Same instant as local midnight 28 March, expressed in UTC; two-day windows.
    windows = match_windows(utc(2026, 3, 27, 23), "Europe/Paris", 2, 2)
    assert windows == [
        (utc(2026, 3, 27, 23), utc(2026, 3, 29, 22)),
        (utc(2026, 3, 29, 22), utc(2026, 3, 31, 22)),
    ]
    assert windows[0][1] - windows[0][0] == 47 * HOUR


def test_league_end_is_end_of_last_window():
    start = datetime(2026, 10, 24, tzinfo=PARIS)
    assert league_end(start, "Europe/Paris", 1, 3) == utc(2026, 10, 26, 23)
    assert league_end(start, "Europe/Paris", 7, 1) == datetime(2026, 10, 31, tzinfo=PARIS)


def test_windows_reject_bad_input():
    with pytest.raises(ValueError):
        match_windows(datetime(2026, 3, 28), "Europe/Paris", 1, 1)
    with pytest.raises(ValueError):
        match_windows(utc(2026, 3, 28), "Europe/Paris", 0, 1)
    with pytest.raises(ValueError):
        league_end(utc(2026, 3, 28), "Europe/Paris", 1, 0)


def _sites(n: int) -> list[str]:
    return [f"site-{i}" for i in range(n)]


@pytest.mark.parametrize("n", range(2, 10))
def test_round_robin_properties(n):
    sites = _sites(n)
    rounds = league_fixtures(sites, legs=2)
    per_leg = n - 1 if n % 2 == 0 else n
    assert len(rounds) == 2 * per_leg == league_round_count(n, 2)
    first, second = rounds[:per_leg], rounds[per_leg:]

    for number, fixtures in enumerate(rounds, start=1):
        assert all(f.round == number for f in fixtures)
        playing = [s for f in fixtures for s in (f.home, f.away)]
        assert len(playing) == len(set(playing)), "a site plays twice in one round"
        assert len(fixtures) == n // 2

    every_pair = {frozenset(p) for p in combinations(sites, 2)}
    for leg in (first, second):
        met = [frozenset((f.home, f.away)) for fixtures in leg for f in fixtures]
        assert len(met) == len(every_pair) and set(met) == every_pair

    for a, b in zip(first, second, strict=False):
        assert [(f.away, f.home) for f in a] == [(f.home, f.away) for f in b]

    resting = byes(rounds, sites)
    if n % 2:
        assert all(len(r) == 1 for r in resting)
        assert sorted(r[0] for r in resting[:per_leg]) == sorted(sites)
    else:
        assert resting == [[]] * len(rounds)

    for site in sites:
        home = sum(f.home == site for fixtures in first for f in fixtures)
        away = sum(f.away == site for fixtures in first for f in fixtures)
        assert abs(home - away) <= 1


def test_single_leg_and_invalid_leagues():
    assert len(league_fixtures(["a", "b", "c", "d"], legs=1)) == 3
    for sites, legs in ((["a"], 1), (["a", "b"], 3), (["a", "a"], 1)):
        with pytest.raises(ValueError):
            league_fixtures(sites, legs)


def test_cup_round_count_is_ceil_log2():
    for n in range(2, 20):
        rounds, capacity = 0, 1
        while capacity < n:
            rounds, capacity = rounds + 1, capacity * 2
        assert cup_round_count(n) == rounds


def test_cup_with_five_sites_has_eight_slots_and_three_byes():
    first = cup_bracket(["s1", "s2", "s3", "s4", "s5"])
    # Seeding 1v8, 4v5, 2v7, 3v6 with seeds 6-8 missing.
    assert first.number == 1
    assert first.slots == (
        CupSlot("s1", None),
        CupSlot("s4", "s5"),
        CupSlot("s2", None),
        CupSlot("s3", None),
    )
    assert first.byes == ["s1", "s2", "s3"]
    assert first.matches == [CupSlot("s4", "s5")]
    assert cup_round_count(5) == 3

    second = next_cup_round(first, [CupMatchResult("s4", "s5", 1, 2)])
    assert second.number == 2
    assert second.slots == (CupSlot("s1", "s5"), CupSlot("s2", "s3"))
    assert second.byes == []

    final = next_cup_round(
        second, [CupMatchResult("s1", "s5", 0, 1), CupMatchResult("s2", "s3", 3, 3, 4, 5)]
    )
    # In the final the better original seed (s3) is at home.
    assert final.number == 3 and final.is_final
    assert final.slots == (CupSlot("s3", "s5"),)
    assert cup_winners(final, [CupMatchResult("s3", "s5", 2, 0)]) == ["s3"]
    with pytest.raises(ValueError):
        next_cup_round(final, [CupMatchResult("s3", "s5", 2, 0)])


def test_cup_with_power_of_two_has_no_byes():
    first = cup_bracket([f"s{i}" for i in range(1, 9)])
    assert first.byes == []
    assert [(s.home, s.away) for s in first.slots] == [
        ("s1", "s8"), ("s4", "s5"), ("s2", "s7"), ("s3", "s6"),
    ]


def test_missing_cup_result_is_an_error():
    first = cup_bracket(["a", "b", "c"])
    with pytest.raises(ValueError):
        next_cup_round(first, [])


T0 = utc(2026, 5, 1, 9)


@pytest.mark.parametrize(
    ("result", "winner"),
    [
        (CupMatchResult("h", "a", 2, 1), "h"),
        (CupMatchResult("h", "a", 0, 1, 9, 1), "a"),
        # Level on goals: more counted sales wins the shoot-out.
        (CupMatchResult("h", "a", 1, 1, 3, 4, T0, T0 + HOUR), "a"),
        (CupMatchResult("h", "a", 1, 1, 5, 4, T0 + HOUR, T0), "h"),
        # Level on sales too: the earlier first sale wins.
        (CupMatchResult("h", "a", 1, 1, 4, 4, T0 + HOUR, T0), "a"),
        (CupMatchResult("h", "a", 1, 1, 4, 4, T0, T0 + HOUR), "h"),
        (CupMatchResult("h", "a", 0, 0, 0, 1, None, T0), "a"),
        # Nothing separates them (no sales at all, or identical): home/higher seed.
        (CupMatchResult("h", "a", 0, 0, 0, 0, None, None), "h"),
        (CupMatchResult("h", "a", 2, 2, 3, 3, T0, T0), "h"),
    ],
)
def test_cup_penalty_shoot_out(result, winner):
    assert cup_winner(result) == winner


def test_cup_results_may_name_sides_in_either_order():
    first = cup_bracket(["a", "b"])
    assert cup_winners(first, [CupMatchResult("b", "a", 1, 0)]) == ["b"]
