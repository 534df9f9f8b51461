"""Each agent's own card from a ranked board: gaps, neighbours, and which agents a change touches."""
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from leaderboard.domain.personal import changed_agents, gaps_to_next_rank, personal_cards
from leaderboard.domain.ranking import BoardEntry, rank_entries


def board(scores: dict[str, int]) -> list[BoardEntry]:
    return rank_entries([BoardEntry(key=key, name=key.upper(), score=Decimal(score)) for key, score in scores.items()])


scores_strategy = st.dictionaries(st.sampled_from([f"a{n}" for n in range(12)]), st.integers(0, 6), min_size=1)


@given(scores_strategy)
def test_gap_is_the_lowest_better_score_minus_mine(scores):
    entries = board(scores)
    for entry, gap in zip(entries, gaps_to_next_rank(entries), strict=False):
        better = [s for s in scores.values() if s > scores[entry.key]]
        assert gap == (Decimal(min(better) - scores[entry.key]) if better else None)


@given(scores_strategy)
def test_neighbours_are_five_consecutive_rows_around_me(scores):
    entries = board(scores)
    order = [e.key for e in entries]
    for key, card in personal_cards(7, entries).items():
        keys = [row.key for row in card.nearby]
        assert key in keys and len(keys) == min(5, len(order))
        start = order.index(keys[0])
        assert order[start:start + len(keys)] == keys
        position = keys.index(key)
        # Centred (two above, two below) wherever the board has room for it.
        if 2 <= order.index(key) < len(order) - 2:
            assert position == 2


def test_a_sale_at_the_top_touches_only_the_agents_who_see_it():
    before = {f"a{n}": 100 - 10 * n for n in range(8)}  # a0 leads ... a7 last, all distinct
    after = {**before, "a0": 150}
    cards_before, cards_after = personal_cards(1, board(before)), personal_cards(1, board(after))
    # a0's points; a1's gap; a0 is in the neighbour lists of a1 and a2 (ranks 1-5 are shown around them).
    assert sorted(changed_agents(cards_before, cards_after)) == ["a0", "a1", "a2"]


def test_overtaking_moves_everyone_passed():
    before = {f"a{n}": 120 - 10 * n for n in range(12)}  # a0 120 ... a11 10
    after = {**before, "a11": 45}  # from last to ninth: a8, a9 and a10 each drop a rank
    moved = set(changed_agents(personal_cards(1, board(before)), personal_cards(1, board(after))))
    assert {"a8", "a9", "a10", "a11"} <= moved
    assert not moved & {"a0", "a1", "a2"}  # their ranks, gaps and neighbours (ranks 1-5) did not move


def test_tickets_are_part_of_the_card():
    entries = board({"a": 1, "b": 0})
    before = personal_cards(1, entries, {"a": 1})
    after = personal_cards(1, entries, {"a": 1, "b": 1})
    assert changed_agents(before, after) == ["b"]
    assert after["b"].tickets == 1 and after["a"].tickets == 1


def test_a_hidden_neighbour_is_a_placeholder_on_colleagues_cards_but_not_on_their_own():
    cards = personal_cards(1, board({"a": 30, "b": 20, "c": 10}), hidden={"b"})
    assert [row.name for row in cards["a"].nearby] == ["A", "—", "C"]
    assert "b" not in [row.key for row in cards["c"].nearby]
    assert [row.name for row in cards["b"].nearby] == ["A", "B", "C"]
