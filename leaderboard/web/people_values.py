"""The company values' names as people read them: the one place they are translated (pages and TV strings)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

# config.toml's [values] list holds keys; these are the names of the usual ones. Another key shows as written.
VALUE_LABELS = {
    "respect": _l("Respect"),
    "honesty": _l("Honesty"),
    "empathy": _l("Empathy"),
    "teamwork": _l("Teamwork"),
    "service": _l("Service"),
    "integrity": _l("Integrity"),
    "trust": _l("Trust"),
    "care": _l("Care"),
}


def value_label(value: str) -> str:
    label = VALUE_LABELS.get(value)
    return str(label) if label is not None else value.replace("_", " ").replace("-", " ").capitalize()

