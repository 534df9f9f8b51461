"""Calendar periods (today, ISO week, month) in a site's own timezone."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

PERIODS = ("today", "week", "month")


def local_day(instant: datetime, tz: str) -> date:
    return instant.astimezone(ZoneInfo(tz)).date()


def period_days(period: str, today: date) -> tuple[date, date]:
    """First and last-exclusive local day of the period containing `today`."""
    if period == "today":
        return today, today + timedelta(days=1)
    if period == "week":
        monday = today - timedelta(days=today.weekday())
        return monday, monday + timedelta(days=7)
    if period == "month":
        first = today.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return first, following
    raise ValueError(f"unknown period {period!r}; expected one of {', '.join(PERIODS)}")


def local_midnight(day: date, tz: str) -> datetime:
    """The instant a local day starts (handles DST: a day may be 23 or 25 hours)."""
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(tz))


def period_bounds(period: str, now: datetime, tz: str) -> tuple[date, date, datetime, datetime]:
    first, stop = period_days(period, local_day(now, tz))
    return first, stop, local_midnight(first, tz), local_midnight(stop, tz)
