"""Lucky draws: tickets and odds, freeze, the one-time draw and its public proof."""
from __future__ import annotations

from flask import Blueprint, request

from leaderboard.schemas import DrawIn
from leaderboard.services.contests.lifecycle import get_contest
from leaderboard.services.draws import ceremony as draws
from leaderboard.services.draws import tickets
from leaderboard.services.draws.state import frozen_lines_for
from leaderboard.web.api.http import current_principal, json_body, parse

bp = Blueprint("draws", __name__)


@bp.get("/contests/<int:contest_id>/tickets")
def list_tickets(contest_id: int):
    """Tickets per agent, or one agent's ticket ids and odds (the frozen list once frozen)."""
    contest = get_contest(contest_id)
    frozen = frozen_lines_for(contest.id)
    return tickets.tickets_view(contest, frozen, request.args.get("agent"))


@bp.post("/contests/<int:contest_id>/freeze")
def freeze(contest_id: int):
    """Freeze the eligible tickets (once ended) and publish their digest; required before the draw.

    Idempotent: a second call answers the same digest and lists frozen tickets cancelled since."""
    draw = draws.freeze(current_principal(), contest_id)
    return {"tickets_digest": draw.tickets_digest, "tickets_count": draw.tickets_count,
            "cancelled_after_freeze": draws.cancelled_after_freeze(contest_id)}


@bp.post("/contests/<int:contest_id>/draw")
def run_draw(contest_id: int):
    """Run the draw once on the frozen tickets with the room's public entropy; answers the proof.

    409 when the tickets are not frozen yet (freeze first) or when the contest has already been drawn."""
    data = parse(DrawIn, json_body())
    return draws.run_draw(current_principal(), contest_id, data.public_entropy)


@bp.get("/contests/<int:contest_id>/draw")
def get_proof(contest_id: int):
    """The self-contained proof of a finished draw."""
    return draws.stored_proof(contest_id)
