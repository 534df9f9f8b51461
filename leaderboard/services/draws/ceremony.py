"""The lucky-draw ceremony: commitment at launch, freeze, one deterministic draw, and its proof."""
from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, select, update

from leaderboard.domain import draws as protocol
from leaderboard.domain.changes import DrawFrozen, WinnerDrawn
from leaderboard.extensions import db
from leaderboard.models.contests import Contest
from leaderboard.models.draws import Draw
from leaderboard.models.events import Cancellation
from leaderboard.services.access.auth import Principal
from leaderboard.services.contests.lifecycle import get_contest, require_manager
from leaderboard.services.core import audit
from leaderboard.services.core.clock import utcnow
from leaderboard.services.core.errors import Conflict, FieldError, InvalidInput, NotFound
from leaderboard.services.core.publishing import publish
from leaderboard.services.draws.state import draw_for, draw_summary, frozen_lines, frozen_lines_for
from leaderboard.services.draws.tickets import LUCKY_DRAW, eligible_tickets
from leaderboard.services.roster.queries import names_by_key


def draw_of(contest: Contest) -> Draw:
    if contest.kind != LUCKY_DRAW:
        raise InvalidInput("not a lucky draw", [FieldError("contest", "only lucky draw contests have a draw")])
    draw = draw_for(contest.id)
    if draw is None:
        raise NotFound(f"contest {contest.id} has no draw")
    return draw


def freeze(actor: Principal, contest_id: int) -> Draw:
    """Fix the ticket list once the contest has ended and publish its digest (idempotent).

    Its own step, so the digest is on the TVs before anyone types the entropy."""
    contest = get_contest(contest_id)
    require_manager(actor, contest)
    draw = draw_of(contest)
    if draw.status != "open":
        return draw
    if utcnow() < contest.ends_at:
        raise Conflict(f"contest {contest.id} is still running; freeze once it has ended at "
                       f"{contest.ends_at.isoformat()}")
    if not _claim(contest.id, from_status="open", to_status="frozen"):
        db.session.rollback()
        return draw_of(get_contest(contest_id))
    # A rules change may have committed while we waited for the lock: count with what is stored now.
    db.session.refresh(contest)
    db.session.refresh(draw)
    lines = protocol.ticket_lines(eligible_tickets(contest))
    draw.frozen_lines = "\n".join(lines)
    draw.tickets_digest = protocol.tickets_digest(lines)
    draw.tickets_count = len(lines)
    draw.frozen_at = utcnow()
    audit.record(actor.name, "draw.freeze", "contest", str(contest.id),
                 after={"tickets_digest": draw.tickets_digest, "tickets_count": draw.tickets_count})
    db.session.commit()
    publish([DrawFrozen(contest_id=contest.id, tickets_digest=draw.tickets_digest, tickets_count=draw.tickets_count)])
    return draw


def _claim(contest_id: int, from_status: str | tuple[str, ...], to_status: str) -> bool:
    """Move the draw's status with a guarded UPDATE: it takes the row (PostgreSQL) or database (SQLite)
    write lock first, so of two racing requests exactly one wins and the other sees the new status."""
    allowed = (from_status,) if isinstance(from_status, str) else from_status
    result = cast(CursorResult[Any], db.session.execute(
        update(Draw).where(Draw.contest_id == contest_id, Draw.status.in_(allowed)).values(status=to_status)))
    return result.rowcount == 1


def run_draw(actor: Principal, contest_id: int, public_entropy: str) -> dict[str, Any]:
    """Draw once. A second or concurrent request gets Conflict carrying the stored proof."""
    contest = get_contest(contest_id)
    require_manager(actor, contest)
    draw = draw_of(contest)
    if not public_entropy.strip():
        raise InvalidInput("public entropy is required", [FieldError("public_entropy", "must not be empty")])
    if draw.status == "open":
        raise Conflict(f"the tickets of contest {contest.id} are not frozen yet: freeze them first "
                       f"(POST /api/v1/contests/{contest.id}/freeze) so their digest is public before the "
                       "entropy is given", draw=draw_summary(draw))
    if draw.status == "drawn" or not _claim(contest.id, "frozen", "drawn"):
        db.session.rollback()
        raise Conflict("this contest has already been drawn", proof=draw_of(contest).proof)
    db.session.refresh(draw)
    slots = protocol.expand_slots(contest.prizes)
    proof = protocol.build_proof(bytes.fromhex(draw.seed_hex), frozen_lines(draw) or [], public_entropy, slots,
                                 bool(contest.rules.get("one_prize_per_agent", True)))
    draw.proof, draw.drawn_at = proof, utcnow()
    audit.record(actor.name, "draw.run", "contest", str(contest.id),
                 after={"public_entropy": public_entropy, "winners": proof["winners"]})
    db.session.commit()
    names = names_by_key("agent")
    publish([WinnerDrawn(contest_id=contest.id, **winner, agent_name=names.get(winner["agent"]))
             for winner in proof["winners"]])
    return proof


def stored_proof(contest_id: int) -> dict[str, Any]:
    draw = draw_of(get_contest(contest_id))
    if draw.status != "drawn" or draw.proof is None:
        raise NotFound(f"contest {contest_id} has not been drawn yet", draw=draw_summary(draw))
    return draw.proof


def cancelled_after_freeze(contest_id: int) -> list[str]:
    """Frozen tickets whose sale was cancelled later: they stay in the draw, flagged for leads."""
    lines = frozen_lines_for(contest_id)
    if not lines:
        return []
    sale_ids = {line.split(" ", 1)[0].rsplit("#", 1)[0] for line in lines}
    cancelled = set(db.session.scalars(select(Cancellation.sale_id).where(
        Cancellation.sale_id.in_(sale_ids), Cancellation.late.is_(False))))
    return sorted(line.split(" ", 1)[0] for line in lines if line.split(" ", 1)[0].rsplit("#", 1)[0] in cancelled)
