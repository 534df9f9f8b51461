"""A lucky draw's public state: the commitment made at launch, and what the API shows of it."""
from __future__ import annotations

from typing import Any

from leaderboard.domain import draws as protocol
from leaderboard.extensions import db
from leaderboard.models.contests import Contest
from leaderboard.models.draws import Draw


def open_draw(contest: Contest) -> Draw:
    """At launch: draw the secret seed with a CSPRNG and publish only its commitment."""
    seed = protocol.new_seed()
    draw = Draw(contest_id=contest.id, seed_hex=seed.hex(), commitment=protocol.commitment_of(seed), status="open")
    db.session.add(draw)
    return draw


def draw_summary(draw: Draw) -> dict[str, Any]:
    return {"status": draw.status, "commitment": draw.commitment, "tickets_digest": draw.tickets_digest,
            "tickets_count": draw.tickets_count}


def draw_for(contest_id: int) -> Draw | None:
    """The contest's draw, or None when it has none (not a lucky draw)."""
    return db.session.get(Draw, contest_id)


def summary_for(contest: Contest) -> dict[str, Any] | None:
    draw = draw_for(contest.id)
    return draw_summary(draw) if draw is not None else None


def frozen_lines(draw: Draw | None) -> list[str] | None:
    if draw is None or draw.frozen_lines is None:
        return None
    return draw.frozen_lines.split("\n") if draw.frozen_lines else []


def frozen_lines_for(contest_id: int) -> list[str] | None:
    """The contest's frozen ticket lines; None while not frozen or without a draw."""
    return frozen_lines(draw_for(contest_id))
