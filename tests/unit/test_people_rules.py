"""Pure rules of the people side: goal progress, kudos refusals and board, pulse results and ballots."""
from __future__ import annotations

import hashlib
import hmac
import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from leaderboard.domain import kudos, pulse
from leaderboard.domain.goals import Saving, goal_progress

START = datetime(2026, 11, 1, tzinfo=UTC)
WINDOW = timedelta(days=14)
VALUES = ("respect", "honesty", "empathy", "teamwork")


def saving(day: int, amount: str, currency="EUR", clawed_back=False, donated=False) -> Saving:
    return Saving(START + timedelta(days=day), Decimal(amount), currency, clawed_back, donated)


def test_goal_progress_counts_only_own_confirmed_bonuses_since_the_goal():
    savings = [saving(-1, "50.00"), saving(1, "10.00"), saving(2, "99.00", currency="USD"),
               saving(3, "20.00", donated=True), saving(4, "30.00", clawed_back=True), saving(5, "15.00"),
               saving(20, "7.50")]
    now = START + timedelta(days=25)  # day 1 and 5 confirmed; day 20 pending
    got = goal_progress(Decimal("100.00"), "EUR", START, savings, WINDOW, now)
    assert (got.saved_confirmed, got.saved_pending) == (Decimal("25.00"), Decimal("7.50"))
    assert got.progress == 0.25
    assert got.reached_at is None


def test_reached_at_is_when_the_crossing_bonus_confirmed_and_progress_caps_at_one():
    savings = [saving(1, "10.00"), saving(2, "10.00"), saving(3, "10.00")]
    got = goal_progress(Decimal("15.00"), "EUR", START, savings, WINDOW, START + timedelta(days=40))
    assert got.progress == 1.0
    assert got.reached_at == START + timedelta(days=2) + WINDOW


@given(st.lists(st.tuples(st.integers(0, 30), st.integers(1, 5000), st.booleans(), st.booleans()), max_size=25),
       st.integers(1, 20000), st.integers(0, 60), st.randoms(use_true_random=False))
def test_goal_progress_does_not_depend_on_the_order_rows_arrive(rows, target, days_later, rnd):
    savings = [Saving(START + timedelta(days=d, minutes=i), Decimal(cents) / 100, "EUR", clawed, donated)
               for i, (d, cents, clawed, donated) in enumerate(rows)]
    now = START + timedelta(days=days_later)
    first = goal_progress(Decimal(target) / 100, "EUR", START, savings, WINDOW, now)
    shuffled = list(savings)
    rnd.shuffle(shuffled)
    assert goal_progress(Decimal(target) / 100, "EUR", START, shuffled, WINDOW, now) == first
    # Independently: confirmed is the sum of counted bonuses older than the window.
    counted = [s for s in savings if not s.clawed_back and not s.donated]
    assert first.saved_confirmed == sum((s.amount for s in counted if s.occurred_at + WINDOW <= now), Decimal("0.00"))
    # Once reached, it stays reached at the same instant as time goes on.
    if first.reached_at is not None:
        later = goal_progress(Decimal(target) / 100, "EUR", START, savings, WINDOW, now + timedelta(days=30))
        assert later.reached_at == first.reached_at


def test_kudos_refusals():
    assert kudos.refusals(1, 2, "respect", VALUES) == []
    assert [r.field for r in kudos.refusals(1, 1, "respect", VALUES)] == ["to"]
    assert [r.field for r in kudos.refusals(1, 2, "greed", VALUES)] == ["value"]
    assert kudos.refusals(None, 1, "honesty", VALUES) == []  # a lead without an agent record


def test_kudos_board_ranks_ties_together_and_lists_every_value():
    received = [kudos.Received("b", "Bea", "respect"), kudos.Received("a", "Al", "honesty"),
                kudos.Received("b", "Bea", "respect"), kudos.Received("c", "Cy", "teamwork"),
                kudos.Received("a", "Al", "kindness")]  # a value no longer configured still shows
    rows = kudos.board(received, VALUES)
    assert [(r.rank, r.key, r.kudos) for r in rows] == [(1, "a", 2), (1, "b", 2), (3, "c", 1)]
    assert rows[0].by_value == {"respect": 0, "honesty": 1, "empathy": 0, "teamwork": 0, "kindness": 1}


def test_pulse_results_hidden_below_five():
    answers = [pulse.Answer(4, (), "")] * 4
    assert pulse.results(answers, VALUES, random.Random(1)) == pulse.Results(answers=4, hidden=True)


def test_pulse_results_from_five():
    answers = [pulse.Answer(5, ("respect",), "ok"), pulse.Answer(1, ("respect", "honesty"), ""),
               pulse.Answer(3, (), "meh"), pulse.Answer(3, (), ""), pulse.Answer(2, ("honesty",), "no")]
    got = pulse.results(answers, ("respect", "honesty"), random.Random(7))
    assert (got.answers, got.hidden, got.mean) == (5, False, 2.8)
    assert got.distribution == {"1": 1, "2": 1, "3": 2, "4": 0, "5": 1}
    assert got.conflicts == {"respect": 2, "honesty": 2}
    assert sorted(got.comments or []) == ["meh", "no", "ok"]


def test_ballot_is_a_keyed_hash_of_pulse_and_agent():
    key = b"k" * 32
    token = pulse.voter_token(key, 3, 42)
    assert token == hmac.new(key, b"pulse:3:agent:42", hashlib.sha256).hexdigest()
    assert token != pulse.voter_token(key, 4, 42) != pulse.voter_token(b"other", 3, 42)


def test_conflicts_must_be_the_pulses_values_once():
    assert pulse.conflict_refusals(["respect"], ["respect", "honesty"]) == []
    assert pulse.conflict_refusals(["respect", "respect", "greed"], ["respect"]) == ["respect", "greed"]
