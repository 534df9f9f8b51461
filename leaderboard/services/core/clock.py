"""The service layer's notion of now (patched in tests with time-machine)."""
from datetime import datetime, timedelta, timezone

from flask import current_app


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def clawback_window() -> timedelta:
    return timedelta(days=current_app.config["SALES_CLAWBACK_DAYS"])
