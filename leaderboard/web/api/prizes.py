"""Instant prizes: a contest's wins, and handing a prize over to its winner."""
from __future__ import annotations

from flask import Blueprint, request

from leaderboard.services.contests.lifecycle import get_contest
from leaderboard.services.prizes import wins
from leaderboard.web.api.http import current_principal

bp = Blueprint("prizes", __name__)


@bp.get("/contests/<int:contest_id>/prizes")
def contest_prizes(contest_id: int):
    """The contest's instant prize wins, newest first; `status` narrows to won, handed_over or revoked."""
    contest = get_contest(contest_id)
    return wins.contest_wins(current_principal(), contest, request.args.get("status"))


@bp.post("/prize-wins/<win_id>/hand-over")
def hand_over(win_id: str):
    """Mark a win handed over (admins, or a lead of the winner's site). Idempotent; 409 once revoked."""
    return wins.win_view(wins.hand_over(current_principal(), win_id))
