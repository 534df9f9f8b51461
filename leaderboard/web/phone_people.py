"""The phone's people section: my goal poster, kudos given and received, open values pulses (session routes)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import ValidationError

from leaderboard.domain.kudos import DAILY_LIMIT
from leaderboard.schemas import field_errors
from leaderboard.schemas_people import GoalIn, KudosIn, PulseAnswerIn
from leaderboard.services.access.auth import Principal
from leaderboard.services.core.errors import ServiceError
from leaderboard.services.people import goals, kudos, pulses
from leaderboard.services.people.section import Person, person, site_colleagues
from leaderboard.web.people_values import value_label

bp = Blueprint("phone_people", __name__)


def _me() -> tuple[Principal, Person]:
    if not (current_user.is_authenticated and current_user.role == "agent"):
        abort(401)
    principal: Principal = current_user.principal
    agent = person(principal.agent_id) if principal.agent_id is not None else None
    if agent is None:
        abort(401)
    return principal, agent


def _labelled(item: dict[str, Any]) -> dict[str, Any]:
    return {**item, "value_label": value_label(item["value"])}


def people_data(agent: Person) -> dict[str, Any]:
    """Everything the section shows; the page renders it once and phone_people.js refreshes it from JSON."""
    goal = goals.goal_of(agent.id)
    colleagues = site_colleagues(agent)
    return {
        "goal": goal.as_dict() if goal else None,
        "values": [{"key": v, "label": value_label(v)} for v in kudos.company_values()],
        "colleagues": [{"key": key, "name": name} for key, name in colleagues],
        "kudos_left": max(0, DAILY_LIMIT - kudos.given_today(agent)),
        "received": [_labelled(k) for k in kudos.received_by(agent.id)],
        "pulses": [{**p, "values": [{"key": v, "label": value_label(v)} for v in p["values"]]}
                   for p in pulses.open_for(agent)],
    }


@bp.app_context_processor
def people_section() -> dict[str, Any]:
    """`people_section()` in templates: the signed-in agent's people data (computed only when called)."""
    def section() -> dict[str, Any] | None:
        if not (current_user.is_authenticated and current_user.role == "agent"):
            return None
        agent = person(current_user.principal.agent_id)
        return people_data(agent) if agent is not None else None
    return {"people_section": section, "value_label": value_label}


def _refused(exc: ServiceError) -> None:
    flash(exc.errors[0].message if exc.errors else exc.detail, "error")


def _back():
    return redirect(url_for("phone.me") + "#people")


@bp.get("/me/people.json")
def people_json():
    _, agent = _me()
    return people_data(agent)


@bp.post("/me/goal")
def set_goal():
    principal, agent = _me()
    form = request.form
    try:
        data = GoalIn(title=form.get("title", ""), target_amount=form.get("target_amount", ""),
                      currency=form.get("currency", "").upper(), on_wall=form.get("on_wall") == "on")
    except ValidationError as exc:
        field, message = field_errors(exc)[0]
        flash(f"{field}: {message}", "error")
        return _back()
    try:
        goals.set_goal(principal, agent.key, data)
        picture = request.files.get("picture")
        if picture is not None and picture.filename:
            goals.set_picture(principal, agent.key, picture.read(1_000_001))
        flash(_("Your goal is on your poster."))
    except ServiceError as exc:
        _refused(exc)
    return _back()


@bp.post("/me/goal/wall")
def goal_wall():
    principal, agent = _me()
    showing = request.form.get("on_wall") == "on"
    try:
        goals.set_on_wall(principal, agent.key, showing)
        flash(_("Your poster is on the goal wall.") if showing else _("Your poster is off the goal wall."))
    except ServiceError as exc:
        _refused(exc)
    return _back()


@bp.post("/me/kudos")
def give_kudos():
    principal, _agent = _me()
    try:
        data = KudosIn(to=request.form.get("to", ""), value=request.form.get("value", ""),
                       message=request.form.get("message", ""))
        given = kudos.give(principal, data)
        flash(_("Kudos sent to %(name)s.", name=given["to"]["name"]))
    except ValidationError:
        flash(_("Choose a colleague and a value, and keep the message short."), "error")
    except kudos.TooManyKudos:
        flash(_("You gave %(count)d kudos today: more tomorrow.", count=DAILY_LIMIT), "error")
    except ServiceError as exc:
        _refused(exc)
    return _back()


@bp.post("/me/pulses/<int:pulse_id>/answer")
def answer_pulse(pulse_id: int):
    principal, _agent = _me()
    try:
        data = PulseAnswerIn(score=int(request.form.get("score", "0") or 0),
                             conflicts=request.form.getlist("conflicts"), comment=request.form.get("comment", ""))
        pulses.answer(principal, pulse_id, data)
        flash(_("Thank you: your answer is in, and nobody can tell it is yours."))
    except (ValidationError, ValueError):
        flash(_("Choose a score from 1 to 5."), "error")
    except ServiceError as exc:
        _refused(exc)
    return _back()


@bp.get("/posters/<name>.jpg")
def poster_picture(name: str):
    """A poster's picture, by its unguessable name (given only to the agent's phone and goal wall screens)."""
    found = goals.picture_by_name(name)
    if found is None:
        abort(404)
    content, content_type = found
    return Response(content, mimetype=content_type, headers={"Cache-Control": "private, max-age=86400"})
