"""Competition ranking with the documented tie rule, and the phone's 'nearby ranks' window."""
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from leaderboard.domain.ranking import BoardEntry, rank_entries, window_around

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


def entry(key, score, minutes=None, sale=None):
    reached = None if minutes is None else T0 + timedelta(minutes=minutes)
    return BoardEntry(key=key, name=key, score=Decimal(score), reached_at=reached, reached_sale_id=sale)


def test_ties_share_a_rank_and_the_next_rank_skips():
    ranked = rank_entries([entry("a", 50, 1, "s1"), entry("b", 30, 2, "s2"), entry("c", 30, 3, "s3"),
                           entry("d", 10, 4, "s4")])
    assert [(e.key, e.rank) for e in ranked] == [("a", 1), ("b", 2), ("c", 2), ("d", 4)]


def test_inside_a_tie_who_reached_the_score_first_is_listed_first():
    ranked = rank_entries([entry("late", 30, 9, "s9"), entry("early", 30, 1, "s1")])
    assert [e.key for e in ranked] == ["early", "late"]


def test_same_instant_falls_back_to_sale_id():
    ranked = rank_entries([entry("x", 30, 5, "s-b"), entry("y", 30, 5, "s-a")])
    assert [e.key for e in ranked] == ["y", "x"]


def test_zero_point_rows_tie_in_key_order_after_scorers():
    ranked = rank_entries([entry("zed", 0), entry("amy", 0), entry("bob", 5, 1, "s1")])
    assert [(e.key, e.rank) for e in ranked] == [("bob", 1), ("amy", 2), ("zed", 2)]


def test_window_is_centred_and_shifted_at_the_edges():
    assert window_around(100, 50, 5) == (48, 53)
    assert window_around(100, 0, 5) == (0, 5)
    assert window_around(100, 99, 5) == (95, 100)
    assert window_around(3, 1, 10) == (0, 3)
    start, stop = window_around(10, 4, 4)
    assert stop - start == 4 and start <= 4 < stop
