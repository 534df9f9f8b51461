"""The phone page's numbers as plain JSON data (the browser formats them in the page's language)."""
from __future__ import annotations

from typing import Any


def _card(card: dict[str, Any]) -> dict[str, Any]:
    me = card["me"] or {"rank": None, "points": None, "qualified": True, "gap_to_next": None}
    tickets: dict[str, Any] | None = card.get("tickets")
    return {
        "id": card["contest"]["id"], "name": card["contest"]["name"], "kind": card["contest"]["kind"],
        "opt_in": card["opt_in"], "invited": card["invited"],
        "rank": me["rank"], "points": me["points"], "qualified": bool(me["qualified"]), "gap": me["gap_to_next"],
        "tickets": None if tickets is None else tickets["count"],
        "tickets_total": None if tickets is None else tickets["total"],
        "commitment": (card["contest"].get("draw") or {}).get("commitment") or "",
        "match": card.get("match"),
        "table": (card.get("table") or []),
        "nearby": [{"rank": row["rank"], "key": row["key"], "name": row["name"], "points": row["points"]}
                   for row in card["nearby"]],
    }


def phone_snapshot(view: dict[str, Any]) -> dict[str, Any]:
    """Everything on /me that changes while the page is open: the agent topic's snapshot."""
    earnings = view["earnings"]
    return {
        "agent": {"key": view["agent"]["key"], "site": view["agent"]["site"]},
        "cards": [_card(card) for card in view["contests"]],
        "next_change_at": view.get("next_change_at"),
        "earnings": {field: earnings[field] for field in ("currency", "pending", "confirmed", "clawed_back",
                                                           "donated")},
        "celebrations": [{"agent": c["agent"], "product": c["product"], "points": c["points"]}
                         for c in view["celebrations"]],
    }
