"""Privacy: an agent's data on request (export), erasure by pseudonym, and consent to opt-in contests."""
from __future__ import annotations

from flask import Blueprint

from leaderboard.services.contests import consent
from leaderboard.services.roster import personal_data
from leaderboard.web.api.http import current_principal

bp = Blueprint("privacy", __name__)


@bp.get("/agents/<key>/export")
def export_agent(key: str):
    """Everything stored about the agent, as JSON (an access request; the export is audited)."""
    return personal_data.export_agent(current_principal(), key)


@bp.post("/agents/<key>/erase")
def erase_agent(key: str):
    """Pseudonymise the agent: name, photo, links and keys go; the event log, totals and draw proofs stay."""
    return personal_data.erase_agent(current_principal(), key)


@bp.post("/contests/<int:contest_id>/consent")
def give_consent(contest_id: int):
    """With the agent's own token: appear on this opt-in contest's boards (201; 200 when already given)."""
    added = consent.give(current_principal(), contest_id)
    return {"contest": contest_id, "consent": True}, (201 if added else 200)


@bp.delete("/contests/<int:contest_id>/consent")
def withdraw_consent(contest_id: int):
    """With the agent's own token: leave this opt-in contest's boards (204, also when not on them)."""
    consent.withdraw(current_principal(), contest_id)
    return "", 204
