"""VAR corrections of decided cup ties, decided in the pure domain: re-pair the next round or let it stand."""
from leaderboard.domain.fixtures import (
    CupMatchResult,
    CupSlot,
    SettledRound,
    TieCorrection,
    cup_bracket,
    settle_next_cup_round,
)

SEEDS = ["a", "b", "c", "d"]  # round 1 pairs a v d and b v c


def won(home, away, home_goals, away_goals):
    return CupMatchResult(home, away, home_goals, away_goals)


def test_without_fixtures_the_next_round_follows_the_results():
    first = cup_bracket(SEEDS)
    assert first.slots == (CupSlot("a", "d"), CupSlot("b", "c"))
    settled = settle_next_cup_round(first, [won("a", "d", 2, 1), won("b", "c", 0, 1)], {}, set())
    assert settled.round.slots == (CupSlot("a", "c"),)  # a is the higher seed, so at home
    assert settled.repairings == {} and settled.corrections == ()


def test_an_undecided_fixture_is_re_paired_after_a_corrected_result():
    first = cup_bracket(SEEDS)
    created = {0: CupSlot("a", "b")}  # made when a beat d 2–1 and b beat c
    # VAR: one of a's goals is disallowed, the tie ends 1–1 and d made more sales in the shoot-out.
    corrected = [CupMatchResult("a", "d", 1, 1, home_sales=1, away_sales=2), won("b", "c", 3, 0)]
    settled = settle_next_cup_round(first, corrected, created, decided=set())
    assert settled.round.slots == (CupSlot("b", "d"),)  # b (seed 2) now hosts d (seed 4)
    assert settled.repairings == {0: CupSlot("b", "d")}
    assert settled.corrections == ()


def test_a_decided_fixture_stands_and_the_correction_is_reported():
    first = cup_bracket(SEEDS)
    created = {0: CupSlot("a", "b")}
    corrected = [won("a", "d", 0, 1), won("b", "c", 3, 0)]
    settled = settle_next_cup_round(first, corrected, created, decided={0})
    assert settled == SettledRound(settled.round, {}, (TieCorrection(round=1, slot=0, advanced="a", winner="d"),))
    assert settled.round.slots == (CupSlot("a", "b"),)
    assert settled.round.number == 2 and settled.round.seeds == tuple(SEEDS)


def test_a_decided_fixture_that_agrees_with_the_results_reports_nothing():
    first = cup_bracket(SEEDS)
    settled = settle_next_cup_round(first, [won("a", "d", 2, 0), won("b", "c", 1, 0)], {0: CupSlot("a", "b")}, {0})
    assert settled.corrections == () and settled.repairings == {}


def test_byes_never_count_as_corrections_and_only_the_affected_slot_changes():
    seven = ["s1", "s2", "s3", "s4", "s5", "s6", "s7"]  # s1 has a bye
    first = cup_bracket(seven)
    assert first.slots == (CupSlot("s1", None), CupSlot("s4", "s5"), CupSlot("s2", "s7"), CupSlot("s3", "s6"))
    created = {0: CupSlot("s1", "s4"), 1: CupSlot("s2", "s3")}
    corrected = [won("s4", "s5", 0, 2), won("s2", "s7", 1, 0), won("s3", "s6", 1, 3)]
    # Slot 0 of round 2 is decided (s1 v s4 played out); slot 1 is not yet (s2 v s3 still live).
    settled = settle_next_cup_round(first, corrected, created, decided={0})
    assert settled.round.slots == (CupSlot("s1", "s4"), CupSlot("s2", "s6"))
    assert settled.repairings == {1: CupSlot("s2", "s6")}
    assert settled.corrections == (TieCorrection(1, 1, advanced="s4", winner="s5"),)
