"""Languages (English, French, German): chosen from the browser, with a manual switch kept in the session."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import Blueprint, Flask, redirect, request, session
from flask_babel import format_currency, format_datetime, format_decimal, get_locale

from leaderboard.extensions import babel
from leaderboard.web.security import safe_next

LANGUAGES = {"en": "English", "fr": "Français", "de": "Deutsch"}
bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    chosen = request.args.get("lang") or session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(list(LANGUAGES)) or "en"


@bp.get("/lang/<code>")
def switch(code: str):
    if code in LANGUAGES:
        session["lang"] = code
    return redirect(safe_next(request.args.get("next")))


def local_time(value: datetime | str | None, tz: str = "UTC", fmt: str = "medium") -> str:
    """A timestamp in a site's timezone, formatted for the reader's language."""
    if value is None:
        return "—"
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return format_datetime(value.astimezone(ZoneInfo(tz)), fmt, rebase=False)


def money(amount: Decimal | str | float, currency: str | None) -> str:
    return format_currency(Decimal(str(amount)), currency or "USD")


def number(value: float | int | Decimal) -> str:
    return format_decimal(value, format="#,##0.##")


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.register_blueprint(bp)
    app.jinja_env.globals.update(languages=LANGUAGES, current_locale=lambda: str(get_locale()))
    app.jinja_env.filters.update(local_time=local_time, money=money, number=number)
