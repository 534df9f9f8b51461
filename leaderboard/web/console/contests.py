"""Console contest wizard and contest pages: detail, rules edit, cancel, and the lucky-draw ceremony."""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from leaderboard.schemas import ContestPatch
from leaderboard.services.boards import standings
from leaderboard.services.contests import lifecycle as contests
from leaderboard.services.core.clock import utcnow
from leaderboard.services.core.errors import Conflict, Forbidden, InvalidInput, NotFound, ServiceError
from leaderboard.services.draws import ceremony as draws
from leaderboard.services.league import cup
from leaderboard.services.league import views as league_views
from leaderboard.services.roster.queries import all_products, names_by_key
from leaderboard.web.console import contest_forms as forms
from leaderboard.web.console import contest_wizard, rules_edit
from leaderboard.web.console.common import apply_errors, principal

bp = Blueprint("console_contests", __name__, url_prefix="/console/contests")
SCOPES = ("agent", "team", "site")
STATUS_LABELS = {"scheduled": _l("scheduled"), "live": _l("live"), "ended": _l("ended"), "final": _l("final"),
                 "cancelled": _l("cancelled"), "provisional": _l("provisional"), "bye": _l("bye")}


class CancelForm(FlaskForm):
    confirm = BooleanField(_l("Yes, cancel this contest: its standings are removed and it cannot be resumed."),
                           validators=[DataRequired(message=_l("Tick the box to confirm."))])
    cancel = SubmitField(_l("Cancel contest"))


class FreezeForm(FlaskForm):
    freeze = SubmitField(_l("Freeze the tickets"))


class DrawForm(FlaskForm):
    public_entropy = StringField(_l("Public entropy"), validators=[DataRequired(), Length(max=500)],
                                 description=_l("Something the room contributes now, e.g. numbers called out."))
    run = SubmitField(_l("Run the draw"))


@bp.app_template_filter("wall_time")
def wall_time(value: datetime | None) -> str:
    """A form's naive wall-clock time (read in the zone the page states), in the reader's format."""
    return format_datetime(value, "medium", rebase=False) if value is not None else "—"


@bp.get("/")
def index():
    return redirect(url_for("console.dashboard"))


@bp.route("/new/<kind>", methods=["GET", "POST"])
def new(kind: str):
    return contest_wizard.run(kind, request.method)


def visible_contest(contest_id: int) -> Any:
    """The contest if the signed-in lead manages one of its sites (admins see all), else 404/403."""
    try:
        contest = contests.get_contest(contest_id)
    except NotFound:
        abort(404)
    actor = principal()
    if actor.role != "admin" and not any(actor.can_manage_site(s.id) for s in contest.sites):
        abort(403)
    return contest


def may_manage(contest: Any) -> bool:
    try:
        contests.require_manager(principal(), contest)
    except Forbidden:
        return False
    return True


def league_context(contest: Any) -> dict[str, Any]:
    matches = [{**m, "starts_at": datetime.fromisoformat(m["starts_at"]),
                "ends_at": datetime.fromisoformat(m["ends_at"])}
               for m in league_views.matches_view(contest)["items"]]
    live = [m for m in matches if m["status"] == "live"]
    upcoming = [m for m in matches if m["status"] == "scheduled"]
    if live:
        current = live
    else:
        current = [m for m in upcoming if m["round"] == upcoming[0]["round"]] if upcoming else []
    context: dict[str, Any] = {"matches": matches, "current": current, "table": league_views.table_view(contest),
                               "site_names": {s.key: s.name for s in contest.sites}}
    if contest.rules.get("format") == "cup":
        context["bracket"] = cup.bracket_view(contest)
    return context


def draw_context(contest: Any) -> dict[str, Any]:
    summary = contests.contest_view(contest)["draw"] or {}
    try:
        proof: dict[str, Any] | None = draws.stored_proof(contest.id)
    except NotFound:
        proof = None
    flagged = draws.cancelled_after_freeze(contest.id)
    names = names_by_key("agent") if proof else {}
    return {"draw": summary, "proof": proof, "flagged": flagged, "agent_names": names,
            "running": utcnow() < contest.ends_at}


def render_detail(contest: Any, status: int = 200, **forms_in_use: FlaskForm):
    by = request.args.get("by", "agent")
    by = by if by in SCOPES else "agent"
    context: dict[str, Any] = {"contest": contest, "view": contests.contest_view(contest), "by": by,
                               "can_manage": may_manage(contest), "labels": STATUS_LABELS}
    if contest.kind in ("race", "lucky_draw"):
        context["standings"] = standings.contest_standings(contest, by, 20)
    if contest.kind == "league":
        context.update(league_context(contest))
    if contest.kind == "lucky_draw":
        context.update(draw_context(contest))
    context["edit_form"] = forms_in_use.get("edit_form") or rules_edit.json_form(contest, formdata=False)
    context["rules_form"] = forms_in_use.get("rules_form") or rules_edit.controls_form(contest, formdata=False)
    context["kpis"] = current_app.config["KPIS"]
    context["products"] = all_products()
    context["cancel_form"] = forms_in_use.get("cancel_form") or CancelForm(formdata=None)
    context["freeze_form"] = FreezeForm(formdata=None)
    context["draw_form"] = forms_in_use.get("draw_form") or DrawForm(formdata=None)
    return render_template("console/contest_detail.html", **context), status


@bp.get("/<int:contest_id>")
def detail(contest_id: int):
    return render_detail(visible_contest(contest_id))


def forbidden_to_403(error: ServiceError) -> None:
    if isinstance(error, Forbidden):
        abort(403)


@bp.post("/<int:contest_id>/edit")
def edit(contest_id: int):
    contest = visible_contest(contest_id)
    form = rules_edit.submitted_form(contest)
    which = "edit_form" if isinstance(form, rules_edit.EditForm) else "rules_form"
    if not form.validate_on_submit():
        rules_edit.check_the_rest(contest, form)  # every problem in one round: the service's checks too
        return render_detail(contest, 422, **{which: form})
    was = forms.local_input(contest.ends_at, contest.timezone)
    ends_at = form.ends_at.data if "ends_at" in form else None
    rules = rules_edit.new_rules(contest, form)
    patch = {"name": form.name.data if form.name.data != contest.name else None, "rules": rules,
             "ends_at": forms.aware(ends_at, contest.timezone) if ends_at and ends_at != was else None}
    rescored = rules != contest.rules or patch["ends_at"] is not None
    try:
        contests.update_contest(principal(), contest.id, ContestPatch.model_validate(
            {key: value for key, value in patch.items() if value is not None}))
    except Conflict:
        flash(_("The tickets of this lucky draw are frozen: its rules, window and sites can no longer "
                "change."), "error")
        return render_detail(contest, 409, **{which: form})
    except ServiceError as error:
        forbidden_to_403(error)
        apply_errors(form, error, form.aliases(error.errors))
        return render_detail(contest, 422, **{which: form})
    flash(_("Saved. The contest was re-scored from the event log.") if rescored else _("Saved."), "success")
    return redirect(url_for(".detail", contest_id=contest.id))


@bp.post("/<int:contest_id>/cancel")
def cancel(contest_id: int):
    contest = visible_contest(contest_id)
    form = CancelForm()
    if not form.validate_on_submit():
        return render_detail(contest, 422, cancel_form=form)
    try:
        contests.cancel_contest(principal(), contest.id)
    except ServiceError as error:
        forbidden_to_403(error)
        flash(error.detail, "error")
    else:
        flash(_("The contest is cancelled."), "success")
    return redirect(url_for(".detail", contest_id=contest.id))


@bp.post("/<int:contest_id>/freeze")
def freeze(contest_id: int):
    contest = visible_contest(contest_id)
    if FreezeForm().validate_on_submit():
        try:
            draw = draws.freeze(principal(), contest.id)
        except ServiceError as error:
            forbidden_to_403(error)
            flash(_("The tickets cannot be frozen yet: %(reason)s", reason=error.detail), "error")
        else:
            flash(_("%(count)d tickets are frozen.", count=draw.tickets_count or 0), "success")
    return redirect(url_for(".detail", contest_id=contest.id))


@bp.post("/<int:contest_id>/draw")
def run_draw(contest_id: int):
    contest = visible_contest(contest_id)
    form = DrawForm()
    if not form.validate_on_submit():
        return render_detail(contest, 422, draw_form=form)
    try:
        draws.run_draw(principal(), contest.id, form.public_entropy.data)
    except Conflict as error:
        if "proof" in error.extra:
            flash(_("This contest has already been drawn; the stored result is shown below."), "warning")
        elif error.extra.get("draw", {}).get("status") == "open":
            flash(_("Freeze the tickets first: the draw runs on a frozen list whose digest is already public."),
                  "error")
        else:
            flash(_("The draw cannot run yet: %(reason)s", reason=error.detail), "error")
    except ServiceError as error:
        forbidden_to_403(error)
        apply_errors(form, error)
        return render_detail(contest, 422, draw_form=form)
    else:
        flash(_("The draw is done; the TVs reveal the winners."), "success")
    return redirect(url_for(".detail", contest_id=contest.id))


@bp.get("/<int:contest_id>/proof.json")
def proof(contest_id: int):
    contest = visible_contest(contest_id)
    try:
        body = draws.stored_proof(contest.id)
    except (NotFound, InvalidInput):
        abort(404)
    response = Response(json.dumps(body, indent=2, ensure_ascii=False) + "\n", mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="contest-{contest.id}-proof.json"'
    return response
