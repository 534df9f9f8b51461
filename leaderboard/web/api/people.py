"""Goal posters, kudos tied to values and anonymous values pulses: thin adapters over services/people."""
from __future__ import annotations

import re

from flask import Blueprint, request

from leaderboard.schemas import KEY_PATTERN, parse_rfc3339
from leaderboard.schemas_people import GoalIn, KudosIn, PulseAnswerIn, PulseIn
from leaderboard.services.core.errors import FieldError
from leaderboard.services.people import goals, kudos, pulses
from leaderboard.web.api.http import HttpProblem, current_principal, json_body, parse

bp = Blueprint("people", __name__)


def _bad_query(name: str, message: str) -> HttpProblem:
    return HttpProblem(400, "Bad query", f"{name} {message}", [FieldError(name, message)])


@bp.get("/agents/<key>/goal")
def get_goal(key: str):
    """The agent's goal poster: savings confirmed and pending, progress (capped at 1) and when it was reached."""
    return goals.get_goal(key).as_dict()


@bp.put("/agents/<key>/goal")
def put_goal(key: str):
    """Set or change the goal (the agent, a lead of the agent's site, or an admin)."""
    view, created = goals.set_goal(current_principal(), key, parse(GoalIn, json_body()))
    return view.as_dict(), 201 if created else 200


@bp.post("/kudos")
def give_kudos():
    """Kudos from the token's agent or lead: 422 to yourself or for an unknown value, 429 past 10 a day."""
    return kudos.give(current_principal(), parse(KudosIn, json_body())), 201


@bp.get("/kudos")
def list_kudos():
    """Kudos given to people of the caller's sites, newest first; filter by `to`, `value`, `since`."""
    to, value, since = request.args.get("to"), request.args.get("value"), request.args.get("since")
    if to is not None and not re.fullmatch(KEY_PATTERN, to):
        raise _bad_query("to", "must be a roster key")
    if value is not None and not 0 < len(value) <= 64:
        raise _bad_query("value", "must be one of the company's values")
    try:
        since_at = parse_rfc3339(since) if since is not None else None
    except ValueError as exc:
        raise _bad_query("since", str(exc)) from None
    return {"kudos": kudos.list_kudos(current_principal(), to, value, since_at)}


@bp.get("/kudos/board")
def kudos_board():
    """Kudos received per person today, this week or this month (each site's calendar)."""
    site = request.args.get("site")
    if site is not None and not re.fullmatch(KEY_PATTERN, site):
        raise _bad_query("site", "must be a site key")
    return kudos.board(current_principal(), request.args.get("period", "today"), site)


@bp.post("/pulses")
def open_pulse():
    """A lead asks the agents of some sites, anonymously, about a sales action."""
    return pulses.open_pulse(current_principal(), parse(PulseIn, json_body())), 201


@bp.get("/pulses")
def list_pulses():
    """Leads and admins: the pulses of their sites, with answer counts. Agents: those still open to them."""
    return {"pulses": pulses.pulses_for(current_principal())}


@bp.post("/pulses/<int:pulse_id>/answers")
def answer_pulse(pulse_id: int):
    """An agent answers once (409 after): nothing stored says who."""
    return pulses.answer(current_principal(), pulse_id, parse(PulseAnswerIn, json_body())), 201


@bp.get("/pulses/<int:pulse_id>/results")
def pulse_results(pulse_id: int):
    """Mean, distribution, conflicts and shuffled comments from 5 answers on; below, the count only."""
    return pulses.results(pulse_id)
