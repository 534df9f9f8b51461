"""The service layer's notion of now (patched in tests with time-machine)."""
from datetime import datetime, timedelta, timezone

from leaderboard.services.core.settings import configured


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def clawback_window() -> timedelta:
    return configured().clawback
