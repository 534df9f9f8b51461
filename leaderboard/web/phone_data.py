"""The phone page's numbers as plain JSON data (the browser formats them in the page's language)."""
from __future__ import annotations

from typing import Any

# What the counts line under a race card may show, when the scoring rules provide them.
COUNTS = ("sales", "saves", "assists")


def _card(card: dict[str, Any]) -> dict[str, Any]:
    contest = card["contest"]
    is_draw = contest["kind"] == "lucky_draw"
    # A draw has no ranking worth showing: tickets and odds only.
    me = card["me"] if card["me"] and not is_draw else {"rank": None, "points": None, "qualified": True,
                                                        "gap_to_next": None}
    tickets: dict[str, Any] | None = card.get("tickets")
    league = contest.get("league") or {}
    return {
        "id": contest["id"], "name": contest["name"], "kind": contest["kind"],
        "format": league.get("format"), "rounds": league.get("rounds"),
        "ends_at": contest["ends_at"], "opt_in": card["opt_in"], "invited": card["invited"],
        "rank": me["rank"], "points": me["points"], "qualified": bool(me["qualified"]), "gap": me["gap_to_next"],
        "counts": {name: me[name] for name in COUNTS if me.get(name) is not None},
        "tickets": None if tickets is None else tickets["count"],
        "tickets_total": None if tickets is None else tickets["total"],
        "frozen": bool(tickets and tickets.get("frozen")),
        "prizes": [{"name": p["name"], "quantity": int(p.get("quantity", 1))} for p in contest.get("prizes") or []]
        if is_draw else [],
        "one_prize_per_agent": bool((contest.get("rules") or {}).get("one_prize_per_agent", True)),
        "commitment": (contest.get("draw") or {}).get("commitment") or "",
        "match": card.get("match"),
        "next_match": card.get("next_match"),
        # Cups show their tie, not a league table.
        "table": (card.get("table") or []) if league.get("format") != "cup" else [],
        "nearby": [] if is_draw else [{"rank": row["rank"], "key": row["key"], "name": row["name"],
                                       "points": row["points"]} for row in card["nearby"]],
    }


def best_contest(cards: list[dict[str, Any]]) -> int | None:
    """The race the agent ranks best in (first screen); ties go to the contest ending first (listed first).
    Without a race, the first lucky draw: my tickets and odds are then my best contest."""
    ranked = [c for c in cards if c["kind"] == "race" and not c["invited"] and c["rank"] is not None]
    if ranked:
        return min(ranked, key=lambda c: c["rank"])["id"]
    return next((c["id"] for c in cards if c["kind"] == "lucky_draw" and not c["invited"]), None)


def match_contest(cards: list[dict[str, Any]]) -> int | None:
    """The league or cup whose match of my site is live, else the first with a fixture coming."""
    leagues = [c for c in cards if c["kind"] == "league" and not c["invited"]]
    for card in leagues:
        if card["match"]:
            return card["id"]
    return next((c["id"] for c in leagues if c["next_match"]), None)


def phone_cards(view: dict[str, Any]) -> list[dict[str, Any]]:
    """The cards in the order the page shows them: best race, my match, then the rest as listed."""
    cards = sorted((_card(card) for card in view["contests"]), key=lambda c: (c["ends_at"], c["id"]))
    first = [best_contest(cards), match_contest(cards)]
    order = {cid: i for i, cid in enumerate(first) if cid is not None}
    return sorted(cards, key=lambda c: order.get(c["id"], len(first)))


def phone_snapshot(view: dict[str, Any]) -> dict[str, Any]:
    """Everything on /me that changes while the page is open: the agent topic's snapshot."""
    earnings = view["earnings"]
    cards = phone_cards(view)
    return {
        "agent": {"key": view["agent"]["key"], "site": view["agent"]["site"]},
        "cards": cards,
        "featured": [cid for cid in (best_contest(cards), match_contest(cards)) if cid is not None],
        "next_change_at": view.get("next_change_at"),
        "earnings": {field: earnings[field] for field in ("currency", "pending", "confirmed", "clawed_back",
                                                           "donated")},
        "celebrations": [{"agent": c["agent"], "product": c["product"], "points": c["points"]}
                         for c in view["celebrations"]],
    }
