"""Console: values pulses (open one, read its anonymous results beside the action) and the kudos board."""
from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from pydantic import ValidationError
from wtforms import DateTimeLocalField, SelectMultipleField, TextAreaField, widgets
from wtforms.validators import DataRequired, Length

from leaderboard.domain.periods import PERIODS
from leaderboard.schemas_people import KudosIn, PulseIn
from leaderboard.services.boards import console_queries as queries
from leaderboard.services.core.errors import ServiceError
from leaderboard.services.people import kudos, pulses
from leaderboard.web.console.common import apply_errors, principal
from leaderboard.web.people_values import value_label

bp = Blueprint("console_pulses", __name__, url_prefix="/console/pulses")
PERIOD_LABELS = {"today": _l("Today"), "week": _l("This week"), "month": _l("This month")}


class Checkboxes(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class PulseForm(FlaskForm):
    action = TextAreaField(_l("Sales action"), validators=[DataRequired(), Length(max=500)])
    values = Checkboxes(_l("Values it may touch"), validators=[DataRequired()])
    sites = Checkboxes(_l("Ask the agents of"), validators=[DataRequired()])
    closes_at = DateTimeLocalField(_l("Closes at"), validators=[DataRequired()], format="%Y-%m-%dT%H:%M")


class KudosForm(FlaskForm):
    """The recipient and the value come as plain select/radio inputs; the service checks both."""

    message = TextAreaField(_l("Message"), validators=[Length(max=280)])


def _form(zone: str) -> PulseForm:
    form = PulseForm()
    form.values.choices = [(v, value_label(v)) for v in kudos.company_values()]
    form.sites.choices = [(s.key, s.name) for s in queries.visible_sites(principal())]
    form.closes_at.description = zone
    return form


def _with_results(pulse: dict[str, Any]) -> dict[str, Any]:
    found = pulses.results(pulse["id"])
    return {**pulse, "results": found, "value_labels": {v: value_label(v) for v in pulse["values"]}}


@bp.route("/", methods=["GET", "POST"])
def index():
    zone = queries.view_timezone(principal())
    form = _form(zone)
    if request.method == "POST":
        if not form.validate_on_submit():
            if form.csrf_token.errors:
                abort(400)
        else:
            closes_at = form.closes_at.data.replace(tzinfo=ZoneInfo(zone)) if form.closes_at.data else None
            try:
                data = PulseIn(action=form.action.data or "", values=form.values.data or [],
                               sites=form.sites.data or [], closes_at=_rfc3339(closes_at))
                pulses.open_pulse(principal(), data)
                flash(_("The pulse is open: the agents of those sites see it on their phones."))
                return redirect(url_for("console_pulses.index"))
            except ValidationError:
                flash(_("Check the action, the values, the sites and the closing time."), "error")
            except ServiceError as exc:
                apply_errors(form, exc)
    rows = [_with_results(p) for p in pulses.visible_pulses(principal())]
    return render_template("console/pulses.html", form=form, rows=rows, zone=zone)


def _rfc3339(moment: datetime | None) -> str:
    return moment.isoformat() if moment is not None else ""


@bp.route("/kudos", methods=["GET", "POST"])
def kudos_board():
    period = request.args.get("period", "week")
    if period not in PERIODS:
        period = "week"
    form = KudosForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            given = kudos.give(principal(), KudosIn(to=request.form.get("to", ""), value=request.form.get("value", ""),
                                                   message=form.message.data or ""))
            flash(_("Kudos sent to %(name)s.", name=given["to"]["name"]))
            return redirect(url_for("console_pulses.kudos_board", period=period))
        except ValidationError:
            flash(_("Choose a colleague and a value, and keep the message short."), "error")
        except kudos.TooManyKudos:
            flash(_("You gave %(count)d kudos today: more tomorrow.", count=kudos.rules.DAILY_LIMIT), "error")
        except ServiceError as exc:
            apply_errors(form, exc)
    board = kudos.board(principal(), period)
    latest = kudos.list_kudos(principal(), limit=30)
    people = [a for a in queries.visible_agents(principal()) if a.active and not a.erased]
    return render_template("console/pulses_kudos.html", board=board, latest=latest, period=period,
                           periods=[(p, PERIOD_LABELS[p]) for p in PERIODS],
                           form=form, people=people, values=[(v, value_label(v)) for v in kudos.company_values()],
                           zone=queries.view_timezone(principal()), may_give=principal().role == "lead")
