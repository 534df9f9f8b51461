"""What the goal wall and kudos TV slides show, per channel, with the screens' privacy rules applied.

A channel shows the people of its sites (a channel with no sites, the admins', shows every site's).
Hidden or erased agents never appear by name: their posters stay off the wall and their kudos name a
placeholder. The channel's display mode shortens or removes names, as on every other slide.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from leaderboard.domain.privacy import PLACEHOLDER, ChannelDisplay, shown_name
from leaderboard.extensions import db
from leaderboard.models.people import Goal, Kudos
from leaderboard.models.roster import Agent
from leaderboard.models.screens import Channel
from leaderboard.services.people.goals import views_of
from leaderboard.services.people.notices import PEOPLE_SLIDES, slide_types
from leaderboard.services.screens.channels import display_of

KUDOS_SHOWN = 8
POSTERS_SHOWN = 60


def _visible(agent: Agent | None) -> bool:
    return agent is not None and not agent.hidden_on_screens and not agent.erased


def _name(agent: Agent | None, display: ChannelDisplay) -> str:
    if not _visible(agent) or display.names == "none":
        return PLACEHOLDER
    assert agent is not None
    return shown_name(agent.name, display.names)


def kudos_picture(site_ids: list[int] | None, display: ChannelDisplay, limit: int = KUDOS_SHOWN
                  ) -> list[dict[str, Any]]:
    """The latest kudos given to people of these sites (None: every site), newest first."""
    giver, recipient = aliased(Agent), aliased(Agent)
    statement = (select(Kudos, giver, recipient).join(recipient, Kudos.recipient_id == recipient.id)
                 .outerjoin(giver, Kudos.giver_agent_id == giver.id)
                 .order_by(Kudos.given_at.desc(), Kudos.id.desc()).limit(limit))
    if site_ids is not None:
        statement = statement.where(Kudos.site_id.in_(site_ids))
    rows = []
    for kudos, given_by, given_to in db.session.execute(statement):
        rows.append({"id": kudos.id, "value": kudos.value, "message": kudos.message,
                     "given_at": kudos.given_at.isoformat(),
                     "to": {"name": _name(given_to, display)},
                     "from": {"name": _name(given_by, display) if given_by is not None else None,
                              "role": kudos.giver_role}})
    return rows


def goal_wall_picture(site_ids: list[int] | None, display: ChannelDisplay) -> list[dict[str, Any]]:
    """The posters of the agents of these sites who opted in; hidden agents' posters stay off the wall."""
    statement = (select(Agent, Goal).join(Goal, Goal.agent_id == Agent.id)
                 .where(Goal.on_wall.is_(True), Agent.active.is_(True), Agent.erased.is_(False),
                        Agent.hidden_on_screens.is_(False))
                 .order_by(Goal.set_at, Agent.key).limit(POSTERS_SHOWN))
    if site_ids is not None:
        statement = statement.where(Agent.site_id.in_(site_ids))
    pairs = [(agent, goal) for agent, goal in db.session.execute(statement)]
    return [{"key": f"poster-{position}", "name": _name(agent, display), "title": view.title,
             "target_amount": f"{view.target_amount:.2f}", "currency": view.currency,
             "progress": view.progress.progress, "reached": view.progress.reached_at is not None,
             "picture": view.picture if display.names == "full" else None}
            for position, ((agent, _goal), view) in enumerate(zip(pairs, views_of(pairs), strict=True), 1)]


def channel_people(channel: Channel) -> dict[str, Any] | None:
    """The people pictures a channel's slides need (None when it has no goal wall or kudos slide)."""
    types = slide_types(channel) & set(PEOPLE_SLIDES)
    if not types:
        return None
    site_ids = [s.id for s in channel.sites] or None
    display = display_of(channel)
    picture: dict[str, Any] = {}
    if "kudos" in types:
        picture["kudos"] = kudos_picture(site_ids, display)
    if "goal_wall" in types:
        picture["goals"] = goal_wall_picture(site_ids, display)
    return picture
