"""Who may be shown on public screens, and how: hidden agents and the channels' display variants."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from leaderboard.domain.privacy import ChannelDisplay, public_board
from leaderboard.extensions import db
from leaderboard.models.contests import Contest, contest_site
from leaderboard.models.roster import Agent
from leaderboard.models.screens import Channel


def hidden_agent_keys(keys: Iterable[str]) -> list[str]:
    """Those of the given agents whom public screens show as a placeholder (hidden or erased)."""
    wanted = list(dict.fromkeys(keys))
    if not wanted:
        return []
    return sorted(db.session.scalars(select(Agent.key).where(
        Agent.key.in_(wanted), (Agent.hidden_on_screens.is_(True)) | (Agent.erased.is_(True)))))


def all_hidden_agent_keys() -> set[str]:
    """Every agent public screens show as a placeholder: a short list, read without naming the board's agents."""
    return set(db.session.scalars(select(Agent.key).where(
        (Agent.hidden_on_screens.is_(True)) | (Agent.erased.is_(True)))))


def board_for_screens(board: dict[str, Any], own_agent_id: int | None = None) -> dict[str, Any]:
    """A standings answer (`by`, `rows`) with hidden agents as placeholders, for screens' and agents'
    tokens; an agent still sees their own row."""
    by = board.get("by", "agent")
    hidden = set(hidden_agent_keys([row["key"] for row in board.get("rows", [])])) if by == "agent" else set()
    if own_agent_id is not None:
        hidden.discard(db.session.scalar(select(Agent.key).where(Agent.id == own_agent_id)))
    return {**board, "rows": public_board(board.get("rows", []), by, hidden)}


def is_hidden(key: str) -> bool:
    return bool(hidden_agent_keys([key]))


def channel_display(key: str) -> ChannelDisplay:
    """How the channel's screens show people (the default when it was never set)."""
    stored = db.session.scalar(select(Channel.display).where(Channel.key == key)) or {}
    return ChannelDisplay(names=stored.get("names", "full"), top=stored.get("top"))


def contests_of_site(site_id: int) -> list[int]:
    """The contests (not cancelled) whose boards show the site's agents."""
    return list(db.session.scalars(select(Contest.id).join(contest_site, contest_site.c.contest_id == Contest.id)
                                   .where(contest_site.c.site_id == site_id, Contest.cancelled_at.is_(None))))


def display_variants() -> list[ChannelDisplay]:
    """The distinct ways channels show people (a handful at most)."""
    variants = []
    for stored in db.session.scalars(select(Channel.display)):
        stored = stored or {}
        variants.append(ChannelDisplay(names=stored.get("names", "full"), top=stored.get("top")))
    return list(dict.fromkeys(variants))
