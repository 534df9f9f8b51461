"""The lucky-draw ceremony: commitment at launch, freeze, one deterministic draw, and its proof."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from leaderboard.domain import draws as protocol
from leaderboard.extensions import db
from leaderboard.models.contests import Contest
from leaderboard.models.draws import Draw
from leaderboard.models.events import Cancellation
from leaderboard.services import audit
from leaderboard.services.auth import Principal
from leaderboard.services.clock import utcnow
from leaderboard.services.contests import get_contest, require_manager
from leaderboard.services.draw_state import draw_summary, frozen_lines
from leaderboard.services.errors import Conflict, FieldError, InvalidInput, NotFound
from leaderboard.services.publishing import Notice, publish
from leaderboard.services.tickets import LUCKY_DRAW, eligible_tickets


def draw_of(contest: Contest) -> Draw:
    if contest.kind != LUCKY_DRAW:
        raise InvalidInput("not a lucky draw", [FieldError("contest", "only lucky draw contests have a draw")])
    draw = db.session.get(Draw, contest.id)
    if draw is None:
        raise NotFound(f"contest {contest.id} has no draw")
    return draw


def _freeze(actor: Principal, contest: Contest, draw: Draw) -> list[Notice]:
    if utcnow() < contest.ends_at:
        raise Conflict(f"contest {contest.id} is still running; freeze once it has ended at "
                       f"{contest.ends_at.isoformat()}")
    lines = protocol.ticket_lines(eligible_tickets(contest))
    draw.frozen_lines = "\n".join(lines)
    draw.tickets_digest = protocol.tickets_digest(lines)
    draw.tickets_count = len(lines)
    draw.frozen_at = utcnow()
    draw.status = "frozen"
    audit.record(actor.name, "draw.freeze", "contest", str(contest.id),
                 after={"tickets_digest": draw.tickets_digest, "tickets_count": draw.tickets_count})
    return [{"event": "draw.frozen", "topic": f"contest:{contest.id}", "tickets_digest": draw.tickets_digest,
             "tickets_count": draw.tickets_count}]


def freeze(actor: Principal, contest_id: int) -> Draw:
    contest = get_contest(contest_id)
    require_manager(actor, contest)
    draw = draw_of(contest)
    if draw.status != "open":
        return draw
    notices = _freeze(actor, contest, draw)
    db.session.commit()
    publish(notices)
    return draw


def run_draw(actor: Principal, contest_id: int, public_entropy: str) -> dict[str, Any]:
    """Draw once. A second or concurrent request gets Conflict carrying the stored proof."""
    contest = get_contest(contest_id)
    require_manager(actor, contest)
    draw = draw_of(contest)
    if draw.status == "drawn":
        raise Conflict("this contest has already been drawn", proof=draw.proof)
    if not public_entropy.strip():
        raise InvalidInput("public entropy is required", [FieldError("public_entropy", "must not be empty")])
    notices = _freeze(actor, contest, draw) if draw.status == "open" else []
    db.session.flush()
    lines = frozen_lines(draw) or []
    slots = protocol.expand_slots(contest.prizes)
    proof = protocol.build_proof(bytes.fromhex(draw.seed_hex), lines, public_entropy, slots,
                                 bool(contest.rules.get("one_prize_per_agent", True)))
    # The status guard makes the draw happen once even when two requests race.
    claimed = db.session.execute(update(Draw).where(Draw.contest_id == contest.id, Draw.status != "drawn")
                                 .values(status="drawn", proof=proof, drawn_at=utcnow()))
    if claimed.rowcount != 1:
        db.session.rollback()
        stored = db.session.get(Draw, contest.id)
        raise Conflict("this contest has already been drawn", proof=stored.proof if stored else None)
    audit.record(actor.name, "draw.run", "contest", str(contest.id),
                 after={"public_entropy": public_entropy, "winners": proof["winners"]})
    db.session.commit()
    notices += [{"event": "draw.winner", "topic": f"contest:{contest.id}", **winner} for winner in proof["winners"]]
    publish(notices)
    return proof


def stored_proof(contest_id: int) -> dict[str, Any]:
    draw = draw_of(get_contest(contest_id))
    if draw.status != "drawn" or draw.proof is None:
        raise NotFound(f"contest {contest_id} has not been drawn yet", draw=draw_summary(draw))
    return draw.proof


def cancelled_after_freeze(contest_id: int) -> list[str]:
    """Frozen tickets whose sale was cancelled later: they stay in the draw, flagged for leads."""
    draw = db.session.get(Draw, contest_id)
    lines = frozen_lines(draw)
    if not lines:
        return []
    sale_ids = {line.split(" ", 1)[0].rsplit("#", 1)[0] for line in lines}
    cancelled = set(db.session.scalars(select(Cancellation.sale_id).where(
        Cancellation.sale_id.in_(sale_ids), Cancellation.late.is_(False))))
    return sorted(line.split(" ", 1)[0] for line in lines if line.split(" ", 1)[0].rsplit("#", 1)[0] in cancelled)
