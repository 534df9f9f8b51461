"""The phone page's live numbers as JSON, formatted in the viewer's language exactly as the page renders them."""
from __future__ import annotations

from typing import Any, Optional

from leaderboard.web.i18n import money, number


def _card(card: dict[str, Any], me_key: str) -> dict[str, Any]:
    me = card["me"]
    tickets: Optional[dict[str, Any]] = card.get("tickets")
    match: Optional[dict[str, Any]] = card.get("match")
    return {
        "id": card["contest"]["id"], "name": card["contest"]["name"], "rank": str(me["rank"]),
        "points": number(me["points"]), "qualified": bool(me["qualified"]),
        "gap": None if me["gap_to_next"] is None else number(me["gap_to_next"]),
        "tickets": None if not tickets else {
            "count": str(tickets["count"]), "odds": f"{tickets['odds'] * 100:.1f} %",
            "commitment": (card["contest"].get("draw") or {}).get("commitment") or ""},
        "match": None if not match else {
            "minute": f"{match['minute']}'", "my_goals": str(len(match["my_goals"])),
            "score": f"{match['home_name']} {match['score']['home']} – {match['score']['away']} {match['away_name']}"},
        "table": [[str(row["rank"]), row["name"], str(row["played"]), str(row["goal_difference"]), str(row["points"])]
                  for row in card.get("table") or []],
        "nearby": [{"text": f"{row['rank']}. {row['name']}", "points": number(row["points"]),
                    "me": row["key"] == me_key} for row in card["nearby"]],
    }


def phone_numbers(view: dict[str, Any]) -> dict[str, Any]:
    """Everything on /me that changes with sales, as text ready to put in place."""
    earnings = view["earnings"]
    return {
        "cards": [_card(card, view["agent"]["key"]) for card in view["contests"]],
        "earnings": {field: money(earnings[field], earnings["currency"])
                     for field in ("pending", "confirmed", "clawed_back", "donated")},
        "celebrations": [f"{c['agent']} · {c['product']} · +{c['points']}" for c in view["celebrations"]],
    }
