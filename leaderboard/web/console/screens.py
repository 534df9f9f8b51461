"""Console screens and channels: pair TVs, edit the slides a channel loops through."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from pydantic import ValidationError as SchemaError
from wtforms import FieldList, Form, FormField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Regexp, ValidationError
from wtforms.validators import Optional as Blank

from leaderboard.domain import slides as slide_types
from leaderboard.extensions import limiter
from leaderboard.schemas import KEY_PATTERN, ChannelIn, field_errors
from leaderboard.services.contests import lifecycle as contests
from leaderboard.services.core.errors import FieldError, InvalidInput, ServiceError
from leaderboard.services.screens import channels as screens
from leaderboard.web.api.screens import PAIR_RATE
from leaderboard.web.console.common import apply_errors, principal

bp = Blueprint("console_screens", __name__, url_prefix="/console/screens")
SLIDE_ROWS = 8
MAX_SLIDES = 30
SLIDE_TYPES = tuple((kind.name, _l(kind.label)) for kind in slide_types.SLIDE_TYPES)


BY_LABELS = {"agent": _l("by agent"), "team": _l("by team"), "site": _l("by site")}


class PairForm(FlaskForm):
    code = StringField(_l("Code shown on the TV"), validators=[
        DataRequired(), Regexp(r"^\s*[A-Za-z0-9]{6}\s*$", message=_l("Six letters or digits, as shown on the TV."))])
    channel = SelectField(_l("Channel"), validators=[DataRequired()])


class SlideForm(Form):
    """One row of the channel editor; a row without a type is ignored."""
    type = SelectField(_l("Type"), choices=[("", "—"), *list(SLIDE_TYPES)], default="")
    contest = SelectField(_l("Contest"), validate_choice=False, default="")
    by = SelectField(_l("By"), default="agent",
                     choices=[("agent", _l("Agent")), ("team", _l("Team")), ("site", _l("Site"))])
    seconds = IntegerField(_l("Seconds"), default=15, validators=[Blank(), NumberRange(5, 600)])
    text = StringField(_l("Message"), validators=[Length(max=500)])
    chart = SelectField(_l("Chart"), default="sales_per_hour",
                        choices=[("sales_per_hour", _l("Sales per hour")), ("progress", _l("Progress to target"))])
    target = IntegerField(_l("Target points"), validators=[Blank(), NumberRange(min=1)])


class ChannelForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    slides = FieldList(FormField(SlideForm), min_entries=SLIDE_ROWS, max_entries=MAX_SLIDES)


class NewChannelForm(ChannelForm):
    key = StringField(_l("Key (used in the TV address)"), validators=[
        DataRequired(), Regexp(KEY_PATTERN, message=_l("Letters, digits and _ . : - only; at most 64."))])

    def validate_key(self, field: StringField) -> None:
        if screens.channel_by_key(field.data) is not None:
            raise ValidationError(_("A channel with this key exists; edit it instead."))


def contest_choices(extra: set[int]) -> list[tuple[str, str]]:
    """Contests the lead can see (not cancelled), plus any a slide already names."""
    visible = [c for c in contests.list_contests(principal()) if c.cancelled_at is None]
    known = {c.id for c in visible}
    visible += [c for c in (contests.find_contest(i) for i in sorted(extra - known)) if c is not None]
    return [("", "—")] + [(str(c.id), f"#{c.id} {c.name} ({c.kind})") for c in visible]


def channel_choices() -> list[tuple[str, str]]:
    """The channels this lead or admin may pair a screen to."""
    return [(c.key, f"{c.name} ({c.key})") for c in screens.visible_channels(principal(), "screen.pair")]


def slides_summary(channel: Any, names: dict[int, str]) -> list[str]:
    labels = dict(SLIDE_TYPES)
    out = []
    for slide in channel.slides:
        part = str(labels.get(slide.get("type"), slide.get("type")))
        if slide.get("contest"):
            part += f" · {names.get(slide['contest'], '#' + str(slide['contest']))}"
        if slide.get("type") == "standings":
            part += f" · {BY_LABELS.get(slide.get('by', 'agent'), slide.get('by'))}"
        if slide.get("type") == "message" and slide.get("text"):
            part += f" · “{slide['text'][:40]}”"
        out.append(_("%(slide)s · %(seconds)d s", slide=part, seconds=slide.get("seconds", 15)))
    return out


def render_index(pair_form: PairForm | None = None, status: int = 200):
    channels = screens.visible_channels(principal())
    names = contests.contest_names()
    form = pair_form or PairForm(formdata=None)
    form.channel.choices = channel_choices()
    shown = {c.id for c in channels}
    paired = [s for s in screens.paired_screens() if s.channel_id in shown]
    return render_template("console/screens.html", channels=channels, screens=paired, pair_form=form,
                           summaries={c.key: slides_summary(c, names) for c in channels}), status


@bp.get("/")
def index():
    return render_index()


@bp.post("/pair")
@limiter.limit(PAIR_RATE, error_message=lambda: _("Too many pairing attempts; wait a minute."))
def pair():
    form = PairForm()
    form.channel.choices = channel_choices()
    if form.validate_on_submit():
        try:
            screen = screens.pair(principal(), form.code.data.strip(), form.channel.data)
        except ServiceError as error:
            apply_errors(form, error)
        else:
            flash(_("Screen %(code)s now shows channel %(channel)s.", code=screen.code, channel=screen.channel.key),
                  "success")
            return redirect(url_for(".index"))
    return render_index(form, 422)


def slide_data(slide: dict[str, Any]) -> dict[str, Any]:
    return {**slide, "contest": str(slide["contest"]) if slide.get("contest") else "", "text": slide.get("text", "")}


def channel_body(form: ChannelForm) -> tuple[ChannelIn | None, list[int], bool]:
    """The ChannelIn of the filled rows, the form row of each slide, and whether it is valid."""
    slides, rows, valid = [], [], True
    for index, entry in enumerate(form.slides):
        row = entry.form
        if not row.type.data:
            continue
        slide: dict[str, Any] = {"type": row.type.data, "by": row.by.data, "chart": row.chart.data,
                                 "seconds": row.seconds.data if row.seconds.data is not None else 15,
                                 "text": (row.text.data or "").strip()}
        if row.contest.data:
            slide["contest"] = int(row.contest.data) if row.contest.data.isdigit() else 0
        if row.target.data is not None:
            slide["target"] = row.target.data
        if slide["type"] == "message" and not slide["text"]:
            row.text.errors = [*row.text.errors, _("Write the message.")]
            valid = False
        kind = slide_types.slide_type(slide["type"])
        if kind is not None and kind.needs_contest and not row.contest.data:
            row.contest.errors = [*row.contest.errors, _("Choose a contest.")]
            valid = False
        slides.append(slide)
        rows.append(index)
    try:
        return ChannelIn.model_validate({"name": form.name.data, "slides": slides}), rows, valid
    except SchemaError as exc:
        place_errors(form, [FieldError(f, m) for f, m in field_errors(exc)], rows)
        return None, rows, False


def place_errors(form: ChannelForm, errors: list[FieldError], rows: list[int]) -> None:
    """Paths like slides[2].contest go next to that slide's field in its form row."""
    for problem in errors:
        path = problem.field
        if path.startswith("slides[") and "]" in path:
            index = int(path[7:path.index("]")])
            name = path[path.index("]") + 2:] or "type"
            row = form.slides[rows[index]].form if index < len(rows) else None
            if row is not None and name in row._fields:
                row[name].errors = [*row[name].errors, problem.message]
                continue
        if path == "name":
            form.name.errors = [*form.name.errors, problem.message]
        elif path == "slides":
            form.slide_errors.append(problem.message)
        else:
            flash(f"{path}: {problem.message}", "error")


def edit_channel(form: ChannelForm, key: str, channel: Any | None):
    form.slide_errors = []
    extra = {s["contest"] for s in channel.slides if s.get("contest")} if channel else set()
    extra |= {int(e.form.contest.data) for e in form.slides if (e.form.contest.data or "").isdigit()}
    choices = contest_choices(extra)
    for entry in form.slides:
        entry.form.contest.choices = choices
    if request.method == "POST":
        if form.validate_on_submit():
            data, rows, valid = channel_body(form)
            if data is not None and valid:
                try:
                    saved, _created = screens.upsert_channel(principal(), key, data)
                except InvalidInput as error:
                    place_errors(form, error.errors, rows)
                    if not error.errors:
                        flash(error.detail, "error")
                else:
                    flash(_("Channel %(key)s saved.", key=saved.key), "success")
                    return redirect(url_for(".channel", key=saved.key))
        return render_template("console/channel_edit.html", form=form, key=key, channel=channel), 422
    return render_template("console/channel_edit.html", form=form, key=key, channel=channel)


@bp.route("/new", methods=["GET", "POST"])
def new_channel():
    form = NewChannelForm(data={"slides": [{"type": "standings"}]})
    key = (form.key.data or "").strip() if request.method == "POST" else None
    return edit_channel(form, key or "", None)


@bp.route("/channels/<key>", methods=["GET", "POST"])
def channel(key: str):
    channel = screens.channel_by_key(key)
    if channel is None:
        abort(404)
    slides = [slide_data(s) for s in channel.slides]
    form = ChannelForm(data={"name": channel.name, "slides": slides})
    form.slides.min_entries = min(MAX_SLIDES, max(SLIDE_ROWS, len(slides) + 2))
    while len(form.slides) < form.slides.min_entries:
        form.slides.append_entry()
    return edit_channel(form, key, channel)
