"""Calendar periods follow each site's own timezone, including DST days."""
from datetime import UTC, date, datetime

import pytest

from leaderboard.domain.periods import local_day, local_midnight, period_bounds, period_days


def test_week_starts_on_monday():
    assert period_days("week", date(2026, 11, 26)) == (date(2026, 11, 23), date(2026, 11, 30))


def test_month_wraps_into_next_year():
    assert period_days("month", date(2026, 12, 31)) == (date(2026, 12, 1), date(2027, 1, 1))


def test_a_paris_day_starts_at_paris_midnight():
    # 23:30 UTC on 22 Nov is already 23 Nov in Paris (UTC+1) but still 22 Nov in Montreal.
    instant = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)
    assert local_day(instant, "Europe/Paris") == date(2026, 11, 23)
    assert local_day(instant, "America/Toronto") == date(2026, 11, 22)
    _, _, start, end = period_bounds("today", instant, "Europe/Paris")
    assert start.astimezone(UTC) == datetime(2026, 11, 22, 23, 0, tzinfo=UTC)
    assert (end - start).total_seconds() == 24 * 3600


def test_dst_change_day_is_25_hours_long():
    start = local_midnight(date(2026, 10, 25), "Europe/Paris")
    end = local_midnight(date(2026, 10, 26), "Europe/Paris")
    assert (end.astimezone(UTC) - start.astimezone(UTC)).total_seconds() == 25 * 3600


def test_unknown_period_is_refused():
    with pytest.raises(ValueError):
        period_days("year", date(2026, 1, 1))
