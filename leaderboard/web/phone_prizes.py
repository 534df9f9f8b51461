"""The agent's instant prizes on the phone: the list the `_prizes.html` partial shows, and its JSON refresh."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from leaderboard.services.prizes import offers, wins
from leaderboard.web.prize_text import when_text

bp = Blueprint("phone_prizes", __name__)
# The winner's side of a win's status (the console words it for the lead: "to hand over").
MY_STATUS = {"won": _l("to collect from your team lead"), "handed_over": _l("received"),
             "revoked": _l("taken back: the sale was cancelled")}


def prize_items(agent_id: int) -> list[dict[str, Any]]:
    """The agent's own wins, newest first, with the words the phone shows for their status."""
    return [{"id": row.id, "prize": row.prize, "contest": row.contest, "won_at": row.won_at.isoformat(),
             "status": row.status, "status_label": str(MY_STATUS.get(row.status, row.status))}
            for row in wins.agent_wins(agent_id)]


def offer_items(agent_id: int) -> list[dict[str, Any]]:
    """What the agent can still win at their site, worded for the phone."""
    return [{"prize": offer.prize, "contest": offer.contest, "when": when_text(offer.when), "left": offer.left}
            for offer in offers.on_offer_to(agent_id)]


def for_agent(agent_id: int) -> dict[str, list[dict[str, Any]]]:
    """The phone's prize section: the agent's wins and what they can still win."""
    return {"items": prize_items(agent_id), "offers": offer_items(agent_id)}


@bp.get("/me/prizes.json")
def my_prizes():
    """Refreshed by phone_prizes.js when a `me.prize` delta arrives (the signed-in agent's own only)."""
    if not (current_user.is_authenticated and current_user.role == "agent"):
        abort(401)
    return for_agent(current_user.principal.agent_id)
