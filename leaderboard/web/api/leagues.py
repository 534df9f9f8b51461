"""League and cup read models: matches with goals, the table and the bracket."""
from __future__ import annotations

from flask import Blueprint, request

from leaderboard.services.contests.lifecycle import get_contest
from leaderboard.services.league import cup
from leaderboard.services.league import views as league_views
from leaderboard.web.api.contests import query_int

bp = Blueprint("leagues", __name__)


@bp.get("/contests/<int:contest_id>/matches")
def matches(contest_id: int):
    """Matches (optionally one round) with status, clock, score and every goal, disallowed ones too."""
    round_number = query_int("round", 0) if "round" in request.args else None
    return league_views.matches_view(get_contest(contest_id), round_number)


@bp.get("/contests/<int:contest_id>/table")
def table(contest_id: int):
    """League table from provisional and final matches; live matches listed beside it."""
    return league_views.table_view(get_contest(contest_id))


@bp.get("/contests/<int:contest_id>/bracket")
def bracket(contest_id: int):
    """Cup bracket: rounds, byes, results and the champion once decided."""
    return cup.bracket_view(get_contest(contest_id))
