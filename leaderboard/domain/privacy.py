"""What public screens may show of people: channel display modes and hidden agents, as a pure transform
of a contest's shared picture (one transform per display variant, never per screen)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

NameMode = Literal["full", "first_initial", "none"]
PLACEHOLDER = "—"  # a neutral row: no name, no key, no team, no photo
HIDDEN_KEY = "_hidden"  # agent keys the builder marks as hidden; never leaves the server


@dataclass(frozen=True)
class ChannelDisplay:
    names: NameMode = "full"
    top: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"names": self.names, "top": self.top}

    @property
    def variant(self) -> str:
        """A short, stable name for the room and cache entry of this display."""
        return f"{self.names}.{self.top or 'all'}"


PUBLIC_DEFAULT = ChannelDisplay()


def first_initial(name: str) -> str:
    """"Zoë Martin-Durand" → "Zoë M."; a single word stays as it is."""
    words = name.split()
    if len(words) < 2:
        return name
    return f"{words[0]} {words[-1][0]}."


def shown_name(name: str, mode: NameMode) -> str:
    return first_initial(name) if mode == "first_initial" else name


def public_picture(picture: dict[str, Any], display: ChannelDisplay) -> dict[str, Any]:
    """The picture a public screen gets: hidden agents as placeholders, names as the channel shows them,
    at most `top` rows per board. The input is not changed (it is shared)."""
    hidden = set(picture.get(HIDDEN_KEY, ()))
    out = {key: value for key, value in picture.items() if key != HIDDEN_KEY}
    out["display"] = display.as_dict()  # so a slide can say why its agent board is empty ("none")
    boards = picture.get("standings")
    if isinstance(boards, dict):
        out["standings"] = {by: _board(rows, by, hidden, display) for by, rows in boards.items()}
    roster = picture.get("roster")
    if isinstance(roster, dict) and "photos" in roster:
        photos = roster["photos"] if display.names == "full" else {}
        out["roster"] = {**roster, "photos": {k: v for k, v in photos.items() if k not in hidden}}
    tickets = picture.get("tickets")
    if isinstance(tickets, dict) and isinstance(tickets.get("agents"), list):
        out["tickets"] = {**tickets, "agents": [_ticket_row(row, i, hidden, display)
                                                for i, row in enumerate(tickets["agents"], 1)]}
    proof = picture.get("proof")
    if isinstance(proof, dict):
        out["proof"] = _public_proof(proof, hidden, display)
    prizes = picture.get("prizes")
    if isinstance(prizes, dict) and isinstance(prizes.get("wins"), list):
        out["prizes"] = {**prizes, "wins": [_prize_win(win, hidden, display) for win in prizes["wins"]]}
    return out


def _prize_win(win: dict[str, Any], hidden: set[str], display: ChannelDisplay) -> dict[str, Any]:
    """An instant prize's winner on a public screen: the prize shows, a hidden winner's name does not."""
    agent = win.get("agent") or {}
    if agent.get("key") in hidden or display.names == "none":
        return {**win, "agent": {"key": "hidden", "name": PLACEHOLDER}}
    return {**win, "agent": {**agent, "name": shown_name(str(agent.get("name", "")), display.names)}}


def _public_proof(proof: dict[str, Any], hidden: set[str], display: ChannelDisplay) -> dict[str, Any]:
    """A draw's proof as a screen shows its winners: without the ticket lines (every agent's key; anyone
    verifies the full proof from the API) and with hidden winners as placeholders."""
    anonymous = display.names == "none"
    winners = [{**w, "agent": PLACEHOLDER} if w.get("agent") and (anonymous or w["agent"] in hidden) else w
               for w in proof.get("winners", [])]
    return {**{k: v for k, v in proof.items() if k != "tickets"}, "winners": winners}


def public_board(rows: list[dict[str, Any]], by: str, hidden: set[str],
                 display: ChannelDisplay = PUBLIC_DEFAULT) -> list[dict[str, Any]]:
    """One board's rows as a public screen may show them (the API's answer to a display token)."""
    return _board(rows, by, hidden, display)


def _board(rows: list[dict[str, Any]], by: str, hidden: set[str], display: ChannelDisplay) -> list[dict[str, Any]]:
    if by == "agent" and display.names == "none":
        return []
    rows = rows[:display.top] if display.top else rows
    if by != "agent":
        return rows
    return [_agent_row(row, position, hidden, display) for position, row in enumerate(rows, 1)]


def _agent_row(row: dict[str, Any], position: int, hidden: set[str], display: ChannelDisplay) -> dict[str, Any]:
    if row.get("key") in hidden:
        return {"rank": row.get("rank"), "key": f"hidden-{position}", "name": PLACEHOLDER, "hidden": True,
                "points": row.get("points"), "sales": row.get("sales"), "qualified": row.get("qualified"),
                "site": row.get("site"), "team": None, "breakdown": {}}
    return {**row, "name": shown_name(str(row.get("name", "")), display.names)}


def _ticket_row(row: dict[str, Any], position: int, hidden: set[str], display: ChannelDisplay) -> dict[str, Any]:
    if row.get("agent") in hidden or display.names == "none":
        return {"agent": f"hidden-{position}", "name": PLACEHOLDER, "count": row.get("count"), "hidden": True}
    return {**row, "name": shown_name(str(row.get("name", "")), display.names)}


def agent_notice(payload: dict[str, Any], hidden: bool, display: ChannelDisplay) -> dict[str, Any]:
    """A delta naming an agent (a sale, a goal's scorer, a draw's winner) as a public screen may show it."""
    agent = payload.get("agent")
    anonymous = hidden or display.names == "none"
    if isinstance(agent, dict):
        if anonymous:
            return {**payload, "agent": {"key": "hidden", "name": PLACEHOLDER}}
        return {**payload, "agent": {**agent, "name": shown_name(str(agent.get("name", "")), display.names)}}
    if isinstance(agent, str) and "agent_name" in payload:
        if anonymous:
            return {**payload, "agent": "hidden", "agent_name": PLACEHOLDER}
        return {**payload, "agent_name": shown_name(str(payload["agent_name"] or ""), display.names)}
    return payload
