"""Languages (English, French, German) chosen from the browser or a switch kept in the session, and the
locale's formats: dates day-first for en-GB, month-first for en-US; numbers with the locale's separators."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from flask import Blueprint, Flask, redirect, request, session
from flask_babel import format_currency, format_datetime, format_decimal, get_locale

from leaderboard.extensions import babel
from leaderboard.web.labels import kpi_label, label
from leaderboard.web.messages import translate
from leaderboard.web.security import safe_next

LANGUAGES = {"en": "English", "fr": "Français", "de": "Deutsch"}
bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    """The page's language (en, fr or de): the switch, else the browser's best match."""
    chosen = request.args.get("lang") or session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(list(LANGUAGES)) or "en"


def select_formats_locale() -> str:
    """The language with the browser's region when it names one for that language (en-GB, fr-CA, de-AT):
    translations come from the language, dates and numbers from the region."""
    language = select_locale()
    for tag, _quality in request.accept_languages:
        parts = tag.replace("_", "-").split("-")
        if parts[0].lower() != language or len(parts) < 2:
            continue
        try:
            return str(Locale.parse(f"{language}_{parts[-1].upper()}"))
        except (ValueError, UnknownLocaleError):
            continue
    return language


@bp.get("/lang/<code>")
def switch(code: str):
    if code in LANGUAGES:
        session["lang"] = code
    return redirect(safe_next(request.args.get("next")))


def local_time(value: datetime | str | None, tz: str = "UTC", fmt: str = "medium") -> str:
    """A timestamp in a time zone, formatted for the reader's locale (en-GB: day first)."""
    if value is None:
        return "—"
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return format_datetime(value.astimezone(ZoneInfo(tz)), fmt, rebase=False)


def current_language() -> str:
    locale = get_locale()
    return locale.language if locale is not None else "en"


def zone_name(tz: str) -> str:
    """A time zone as pages state it: its IANA name, which every reader can look up."""
    return tz.replace("_", " ")


def money(amount: Decimal | str | float, currency: str | None) -> str:
    return format_currency(Decimal(str(amount)), currency or "USD")


def number(value: float | int | Decimal) -> str:
    return format_decimal(value, format="#,##0.##")


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_formats_locale)
    app.register_blueprint(bp)
    app.jinja_env.globals.update(languages=LANGUAGES, current_locale=current_language,
                                 label=label, kpi_label=kpi_label)
    app.jinja_env.filters.update(local_time=local_time, money=money, number=number, zone_name=zone_name,
                                 label=label, translate_message=translate)
