"""The channel editor's form: channel settings and one row per slide, turned into a ChannelIn; errors placed by path.

Which fields a slide row uses, and which contests it may name, come from leaderboard/domain/slides.py.
"""
from __future__ import annotations

import json
from typing import Any

from flask import flash
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from pydantic import ValidationError as SchemaError
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Length, NumberRange
from wtforms.validators import Optional as Blank
from wtforms.widgets import CheckboxInput, ListWidget

from leaderboard.domain import slides as slide_types
from leaderboard.schemas import MAX_DB_INT, ChannelIn, field_errors
from leaderboard.services.core.errors import FieldError
from leaderboard.web.labels import LABELS, label
from leaderboard.web.messages import translate

SLIDE_ROWS = 8
MAX_SLIDES = 30
LANGUAGE_CHOICES = [("", _l("Browser language")), ("en", "English"), ("fr", "Français"), ("de", "Deutsch")]
# Channel settings: form field name → path in ChannelIn (and in the service's field errors).
SETTING_PATHS = {"name": "name", "language": "language", "names": "display.names", "top": "display.top",
                 "big_sale_points": "big_sale_points", "sound": "sound", "sites": "sites"}


class SlideForm(Form):
    """One row of the channel editor; a row without a type is ignored."""
    type = SelectField(_l("Type"), default="",
                       choices=[("", "—"), *((kind.name, _l(kind.label)) for kind in slide_types.SLIDE_TYPES)])
    contest = SelectField(_l("Contest"), validate_choice=False, default="")
    by = SelectField(_l("Board"), default="agent", choices=list(LABELS["board"].items()))
    seconds = IntegerField(_l("Seconds"), default=15, validators=[Blank(), NumberRange(5, 600)])
    text = StringField(_l("Message"), validators=[Length(max=500)])
    chart = SelectField(_l("Chart"), default="sales_per_hour", choices=list(LABELS["chart"].items()))
    target = IntegerField(_l("Target points"), validators=[Blank(), NumberRange(min=1, max=MAX_DB_INT)])


class ChannelForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES, default="")
    names = SelectField(_l("Agents' names on the TV"), choices=list(LABELS["names"].items()), default="full")
    top = IntegerField(_l("Rows per board (empty: all)"), validators=[Blank(), NumberRange(1, 500)])
    big_sale_points = IntegerField(_l("Big sale from (points)"), validators=[Blank(), NumberRange(1, MAX_DB_INT)])
    sound = BooleanField(_l("Play a short sound with celebrations"))
    sites = SelectMultipleField(_l("Sites whose leads may change it"), choices=[], validate_choice=False,
                                widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    slides = FieldList(FormField(SlideForm), min_entries=SLIDE_ROWS, max_entries=MAX_SLIDES)


def channel_data(channel: Any) -> dict[str, Any]:
    """A saved channel as the editor's initial data."""
    display = channel.display or {}
    return {"name": channel.name, "language": channel.language or "", "names": display.get("names", "full"),
            "top": display.get("top"), "big_sale_points": channel.big_sale_points, "sound": bool(channel.sound),
            "sites": [site.key for site in channel.sites],
            "slides": [{**slide, "contest": str(slide["contest"]) if slide.get("contest") else "",
                        "text": slide.get("text", "")} for slide in channel.slides]}


def contest_choices(contests: list[Any]) -> list[tuple[str, str, dict[str, str]]]:
    """Each contest as an option that says its kind and format, so the page can offer only those a type shows."""
    options: list[tuple[str, str, dict[str, str]]] = [("", "—", {})]
    for contest in contests:
        league_format = str(contest.rules.get("format") or "") if contest.kind == "league" else ""
        kind = label(league_format, "format") if league_format else label(contest.kind, "kind")
        options.append((str(contest.id), f"#{contest.id} {contest.name} ({kind})",
                        {"data-kind": contest.kind, "data-format": league_format}))
    return options


def slide_rules_json() -> str:
    """For the page's script: each type's fields, contest kinds and required format."""
    return json.dumps({kind.name: {"fields": list(kind.fields), "kinds": list(kind.contest_kinds),
                                   "format": kind.contest_format} for kind in slide_types.SLIDE_TYPES})


def channel_body(form: ChannelForm) -> tuple[ChannelIn | None, list[int], bool]:
    """The ChannelIn of the filled rows, the form row of each slide, and whether it is valid."""
    slides, rows, valid = [], [], True
    for index, entry in enumerate(form.slides):
        row = entry.form
        kind = slide_types.slide_type(row.type.data or "")
        if kind is None:
            continue
        # Only the fields the type uses are sent: a hidden field's leftover value must not travel.
        slide: dict[str, Any] = {"type": kind.name, "seconds": row.seconds.data if row.seconds.data is not None else 15}
        if kind.uses("by"):
            slide["by"] = row.by.data
        if kind.uses("chart"):
            slide["chart"] = row.chart.data
        if kind.uses("target") and row.chart.data == "progress" and row.target.data is not None:
            slide["target"] = row.target.data
        if kind.uses("text"):
            slide["text"] = (row.text.data or "").strip()
            if not slide["text"]:
                row.text.errors = [*row.text.errors, _("Write the message.")]
                valid = False
        if kind.needs_contest:
            if row.contest.data:
                slide["contest"] = int(row.contest.data) if row.contest.data.isdigit() else 0
            else:
                row.contest.errors = [*row.contest.errors, _("Choose a contest.")]
                valid = False
        slides.append(slide)
        rows.append(index)
    body = {"name": form.name.data, "slides": slides, "language": form.language.data or None,
            "display": {"names": form.names.data, "top": form.top.data},
            "big_sale_points": form.big_sale_points.data, "sound": bool(form.sound.data),
            "sites": list(form.sites.data) or None}
    try:
        return ChannelIn.model_validate(body), rows, valid
    except SchemaError as exc:
        place_errors(form, [FieldError(f, m) for f, m in field_errors(exc)], rows)
        return None, rows, False


def refusal_text(kind: slide_types.SlideType, contest: Any) -> str | None:
    """Why this contest cannot be shown on this slide, in the page's language; None when it can."""
    if contest is None:
        return _("Choose an existing contest.")
    refusal = kind.refusal(contest.kind, contest.rules.get("format"))
    if refusal == "wrong_kind":
        kinds = ", ".join(label(k, "kind") for k in kind.contest_kinds)
        return _("A “%(slide)s” slide cannot show “%(contest)s” (%(kind)s); it shows: %(kinds)s.",
                 slide=label(kind.name, "slide"), kinds=kinds, contest=contest.name, kind=label(contest.kind, "kind"))
    if refusal == "wrong_format":
        return _("A “%(slide)s” slide cannot show “%(contest)s” (%(kind)s); it shows: %(kinds)s.",
                 slide=label(kind.name, "slide"), contest=contest.name,
                 kind=label(contest.rules.get("format") or contest.kind, "format"),
                 kinds=label(kind.contest_format, "format"))
    return None


def _setting_field(form: ChannelForm, path: str) -> Any:
    for name, prefix in SETTING_PATHS.items():
        if path == prefix or path.startswith(prefix + "[") or path.startswith(prefix + "."):
            return form[name]
    return None


def place_errors(form: ChannelForm, errors: list[FieldError], rows: list[int],
                 explain: Any = None) -> None:
    """Paths like slides[2].contest go next to that slide's field in its form row, settings next to theirs;
    `explain(index, field)` may give a better message for a slide's field than the service's English."""
    for problem in errors:
        path = problem.field
        message = translate(problem.message)
        if path.startswith("slides[") and "]" in path:
            index = int(path[7:path.index("]")])
            name = path[path.index("]") + 2:] or "type"
            row = form.slides[rows[index]].form if index < len(rows) else None
            if row is not None and name in row._fields:
                better = explain(index, name) if explain is not None else None
                row[name].errors = [*row[name].errors, better or message]
                continue
        found = _setting_field(form, path)
        if found is not None:
            found.errors = [*found.errors, message]
        elif path == "slides":
            form.slide_errors.append(message)
        else:
            flash(f"{path}: {message}", "error")
