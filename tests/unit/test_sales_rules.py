"""Sale status, clawback and replay fingerprints, without a database."""
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

from leaderboard.domain.sales import SaleBody, is_late_cancellation, sale_status

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
WINDOW = timedelta(days=14)


def body(**changes):
    values = {"id": "s1", "agent": "a1", "product": "P", "quantity": 1, "amount": None, "occurred_at": T0}
    values.update(changes)
    return SaleBody(**values)


def test_same_instant_with_another_offset_is_the_same_sale():
    paris = timezone(timedelta(hours=1))
    assert body().fingerprint() == body(occurred_at=T0.astimezone(paris)).fingerprint()


def test_amount_written_differently_is_the_same_sale():
    assert body(amount=Decimal("15")).fingerprint() == body(amount=Decimal("15.00")).fingerprint()


def test_any_changed_field_changes_the_fingerprint():
    base = body().fingerprint()
    for change in ({"agent": "a2"}, {"product": "Q"}, {"quantity": 2}, {"amount": Decimal("1.00")},
                   {"occurred_at": T0 + timedelta(seconds=1)}):
        assert body(**change).fingerprint() != base, change


def test_cancellation_is_late_from_the_end_of_the_window():
    assert not is_late_cancellation(T0, T0 + WINDOW - timedelta(microseconds=1), WINDOW)
    assert is_late_cancellation(T0, T0 + WINDOW, WINDOW)


def test_status_moves_from_pending_to_confirmed_when_the_window_ends():
    assert sale_status(T0, T0 + timedelta(days=13), WINDOW, clawed_back=False) == "pending"
    assert sale_status(T0, T0 + WINDOW, WINDOW, clawed_back=False) == "confirmed"
    assert sale_status(T0, T0 + WINDOW, WINDOW, clawed_back=True) == "cancelled"


def test_counts_in_contest_window_sites_and_confirmation():
    from datetime import datetime, timedelta

    from leaderboard.domain.sales import counts_in_contest

    start = datetime(2026, 11, 1, tzinfo=UTC)
    end = start + timedelta(days=7)
    week = timedelta(days=7)
    inside = start + timedelta(days=1)
    assert counts_in_contest(inside, 1, start, end, {1}, True, None, week)
    assert not counts_in_contest(end, 1, start, end, {1}, True, None, week)  # the end is exclusive
    assert counts_in_contest(start, 1, start, end, {1}, True, None, week)  # the start is inclusive
    assert not counts_in_contest(inside, 2, start, end, {1}, True, None, week)
    # Without pending sales, a sale counts once its clawback window ended before the confirmed mark.
    assert not counts_in_contest(inside, 1, start, end, {1}, False, None, week)
    assert not counts_in_contest(inside, 1, start, end, {1}, False, inside + week - timedelta(seconds=1), week)
    assert counts_in_contest(inside, 1, start, end, {1}, False, inside + week, week)
