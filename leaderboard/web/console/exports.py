"""Console exports: standings CSV per contest and the payroll CSV of a month.

Every cell that a spreadsheet could read as a formula (= + - @ …) is prefixed with a quote
(earnings.safe_cell). Bad query values re-render the exports page with the error next to the field.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms import Form, SelectField, StringField

from leaderboard.services.boards import console_queries as queries
from leaderboard.services.boards.standings import SCOPES
from leaderboard.services.contests import lifecycle as contests
from leaderboard.services.core.clock import utcnow
from leaderboard.services.core.errors import InvalidInput
from leaderboard.services.earnings import bonuses as earnings
from leaderboard.web.console.common import apply_errors, principal
from leaderboard.web.labels import LABELS

bp = Blueprint("console_exports", __name__, url_prefix="/console/exports")


class StandingsForm(Form):
    contest = SelectField(_l("Contest"), choices=[], validate_choice=False)
    by = SelectField(_l("Board"), choices=list(LABELS["board"].items()), default="agent")


class PayrollForm(Form):
    month = StringField(_l("Month"), render_kw={"type": "month", "placeholder": "YYYY-MM"})


def _standings_form(args: MultiDict | None = None) -> StandingsForm:
    form = StandingsForm(args)
    form.contest.choices = [(str(c.id), f"{c.name} (#{c.id})") for c in contests.list_contests(principal())]
    return form


def _page(standings: StandingsForm, payroll: PayrollForm, status: int = 200):
    return render_template("console/exports.html", standings=standings, payroll=payroll), status


def _csv(text: str, filename: str) -> Response:
    return Response(text, mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={filename}",
                             "Cache-Control": "no-store"})


@bp.get("/")
def index():
    return _page(_standings_form(), PayrollForm(data={"month": utcnow().strftime("%Y-%m")}))


@bp.get("/standings.csv")
def standings_csv():
    form = _standings_form(request.args)
    raw = (form.contest.data or "").strip()
    contest = contests.find_contest(int(raw)) if raw.isdigit() and len(raw) < 10 else None
    if contest is None:
        form.contest.errors = [_("Choose one of your contests.")]
    elif raw not in {value for value, _label in form.contest.choices}:
        abort(403)  # a contest of someone else's sites
    if form.by.data not in SCOPES:
        form.by.errors = [_("Choose agents, teams or sites.")]
    if form.contest.errors or form.by.errors:
        return _page(form, PayrollForm(data={"month": utcnow().strftime("%Y-%m")}), 422)
    return _csv(queries.standings_csv(contest, form.by.data), f"standings-{contest.id}-{form.by.data}.csv")


@bp.get("/payroll.csv")
def payroll_csv():
    form = PayrollForm(request.args)
    try:
        month = earnings.validate_month((form.month.data or "").strip())
    except InvalidInput as exc:
        apply_errors(form, exc)
        return _page(_standings_form(), form, 422)
    return _csv(earnings.payroll_csv(principal(), month), f"payroll-{month}.csv")
