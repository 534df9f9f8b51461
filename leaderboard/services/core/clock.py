"""The service layer's notion of now (patched in tests with time-machine)."""
from datetime import UTC, datetime, timedelta

from leaderboard.services.core.settings import configured


def utcnow() -> datetime:
    return datetime.now(UTC)


def clawback_window() -> timedelta:
    return configured().clawback
