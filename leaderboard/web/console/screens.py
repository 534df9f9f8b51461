"""Console screens and channels: pair TVs, edit the slides a channel loops through."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Regexp, ValidationError

from leaderboard.domain import slides as slide_types
from leaderboard.extensions import limiter
from leaderboard.schemas import KEY_PATTERN, ChannelIn
from leaderboard.services.boards import console_queries as queries
from leaderboard.services.contests import lifecycle as contests
from leaderboard.services.core.errors import Forbidden, InvalidInput, ServiceError
from leaderboard.services.screens import channels as screens
from leaderboard.web.api.screens import PAIR_RATE
from leaderboard.web.console.channel_form import (
    MAX_SLIDES,
    SLIDE_ROWS,
    ChannelForm,
    channel_body,
    channel_data,
    contest_choices,
    place_errors,
    refusal_text,
    slide_rules_json,
)
from leaderboard.web.console.common import apply_errors, principal
from leaderboard.web.labels import label
from leaderboard.web.messages import translate

bp = Blueprint("console_screens", __name__, url_prefix="/console/screens")


class PairForm(FlaskForm):
    code = StringField(_l("Code shown on the TV"), validators=[
        DataRequired(), Regexp(r"^\s*[A-Za-z0-9]{6}\s*$", message=_l("Six letters or digits, as shown on the TV."))])
    channel = SelectField(_l("Channel"), validators=[DataRequired()])


class NewChannelForm(ChannelForm):
    key = StringField(_l("Key (used in the TV address)"), validators=[
        DataRequired(), Regexp(KEY_PATTERN, message=_l("Letters, digits and _ . : - only; at most 64."))])

    def validate_key(self, field: StringField) -> None:
        if screens.channel_by_key(field.data) is not None:
            raise ValidationError(_("A channel with this key exists; edit it instead."))


def visible_contests(extra: set[int]) -> list[Any]:
    """Contests the lead can see (not cancelled), plus any a slide already names."""
    visible = [c for c in contests.list_contests(principal()) if c.cancelled_at is None]
    known = {c.id for c in visible}
    return visible + [c for c in (contests.find_contest(i) for i in sorted(extra - known)) if c is not None]


def channel_choices() -> list[tuple[str, str]]:
    """The channels this lead or admin may pair a screen to."""
    return [(c.key, f"{c.name} ({c.key})") for c in screens.visible_channels(principal(), "screen.pair")]


def slides_summary(channel: Any, names: dict[int, str]) -> list[str]:
    out = []
    for slide in channel.slides:
        part = label(slide.get("type"), "slide")
        if slide.get("contest"):
            part += f" · {names.get(slide['contest'], '#' + str(slide['contest']))}"
        if slide.get("type") == "standings":
            part += f" · {label(slide.get('by', 'agent'), 'by')}"
        if slide.get("type") == "chart":
            part += f" · {label(slide.get('chart', 'sales_per_hour'), 'chart')}"
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
                           summaries={c.key: slides_summary(c, names) for c in channels},
                           zone=queries.view_timezone(principal())), status


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


def explain_refusal(data: ChannelIn) -> Callable[[int, str], str | None]:
    """The page's own words for a slide pointed at a contest its type cannot show."""
    def explain(index: int, field: str) -> str | None:
        kind = slide_types.slide_type(data.slides[index].type) if index < len(data.slides) else None
        contest_id = data.slides[index].contest if kind is not None else None
        if kind is None or field != "contest":
            return None
        return refusal_text(kind, contests.find_contest(contest_id) if contest_id else None)
    return explain


def render_editor(form: ChannelForm, key: str, channel: Any, status: int = 200):
    return render_template("console/channel_edit.html", form=form, key=key, channel=channel,
                           slide_rules=slide_rules_json()), status


def edit_channel(form: ChannelForm, key: str, channel: Any):
    form.slide_errors = []
    extra = {s["contest"] for s in channel.slides if s.get("contest")} if channel else set()
    extra |= {int(e.form.contest.data) for e in form.slides if (e.form.contest.data or "").isdigit()}
    choices = contest_choices(visible_contests(extra))
    for entry in form.slides:
        entry.form.contest.choices = choices
    form.sites.choices = [(s.key, s.name) for s in queries.visible_sites(principal())]
    if request.method != "POST":
        return render_editor(form, key, channel)
    if form.validate_on_submit():
        data, rows, valid = channel_body(form)
        if data is not None and valid:
            try:
                saved, _created = screens.upsert_channel(principal(), key, data)
            except Forbidden:
                offered = {value for value, _label in form.sites.choices}
                if set(form.sites.data or ()) <= offered:
                    raise  # the channel itself is out of reach: the 403 page says so
                form.sites.errors = [*form.sites.errors, _("Choose among your own sites.")]
            except InvalidInput as error:
                place_errors(form, error.errors, rows, explain_refusal(data))
                if not error.errors:
                    flash(translate(error.detail), "error")
            else:
                flash(_("Channel %(key)s saved.", key=saved.key), "success")
                return redirect(url_for(".channel", key=saved.key))
    return render_editor(form, key, channel, 422)


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
    data = channel_data(channel)
    form = ChannelForm(data=data)
    form.slides.min_entries = min(MAX_SLIDES, max(SLIDE_ROWS, len(data["slides"]) + 2))
    while len(form.slides) < form.slides.min_entries:
        form.slides.append_entry()
    return edit_channel(form, key, channel)
