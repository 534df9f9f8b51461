"""Contests: launch, read, change rules (re-scored), cancel, and their standings."""
from __future__ import annotations

from flask import Blueprint, request

from leaderboard.schemas import MAX_DB_INT, ContestIn, ContestPatch
from leaderboard.services.access import policy as access
from leaderboard.services.boards import standings
from leaderboard.services.contests import lifecycle as contests
from leaderboard.services.core.errors import FieldError
from leaderboard.services.roster import privacy
from leaderboard.web.api.http import HttpProblem, current_principal, json_body, parse

bp = Blueprint("contests", __name__)


def query_int(name: str, default: int) -> int:
    """A whole-number query parameter, within what an integer column holds."""
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        number = int(raw)
    except ValueError:
        number = -1  # refused below, with the same message
    if not 0 <= number <= MAX_DB_INT:
        message = f"must be a whole number from 0 to {MAX_DB_INT}"
        raise HttpProblem(400, "Bad query", f"{name} {message}", [FieldError(name, message)])
    return number


@bp.post("/contests")
def create_contest():
    """Launch a contest (a window in the past back-fills from the log)."""
    contest = contests.create_contest(current_principal(), parse(ContestIn, json_body()))
    return contests.contest_view(contest), 201


@bp.get("/contests")
def list_contests():
    """Contests, newest first (leads see those of their sites)."""
    return {"items": [contests.contest_view(c) for c in contests.list_contests(current_principal())]}


@bp.get("/contests/<int:contest_id>")
def get_contest(contest_id: int):
    """One contest with its derived status."""
    return contests.contest_view(contests.get_contest(contest_id))


@bp.patch("/contests/<int:contest_id>")
def patch_contest(contest_id: int):
    """Change name, rules, prizes or end; a rules change re-scores the contest from the log."""
    contest = contests.update_contest(current_principal(), contest_id, parse(ContestPatch, json_body()))
    return contests.contest_view(contest)


@bp.post("/contests/<int:contest_id>/cancel")
def cancel_contest(contest_id: int):
    """Cancel a contest (idempotent)."""
    return contests.contest_view(contests.cancel_contest(current_principal(), contest_id))


@bp.get("/contests/<int:contest_id>/standings")
def contest_standings(contest_id: int):
    """Ranked board by agent, team or site; `around` centres it on an agent."""
    contest = contests.get_contest(contest_id)
    board = standings.contest_standings(contest, request.args.get("by", "agent"), query_int("limit", 50),
                                        request.args.get("around"))
    return _as_screens_may_see(board)


@bp.get("/standings")
def calendar_standings():
    """Today / week / month boards outside contests, in each site's timezone."""
    board = standings.calendar_standings(request.args.get("by", "agent"), request.args.get("period", "today"),
                                         request.args.get("site"), query_int("limit", 50), request.args.get("around"),
                                         site_ids=access.visible_site_ids(current_principal(), "board.read"))
    return _as_screens_may_see(board)


def _as_screens_may_see(board: dict):
    """Screens and agents get the public board (hidden agents as placeholders, an agent's own row kept);
    leads, admins and integrations the full one."""
    caller = current_principal()
    if caller.role not in ("display", "agent"):
        return board
    return privacy.board_for_screens(board, caller.agent_id if caller.role == "agent" else None)
