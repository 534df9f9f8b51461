"""The phone's people section: the signed-in person and the site colleagues they can thank."""
from __future__ import annotations

from sqlalchemy import select

from leaderboard.extensions import db
from leaderboard.models.roster import Agent

Person = Agent  # adapters name the type without importing the models


def person(agent_id: int) -> Person | None:
    return db.session.get(Agent, agent_id)


def site_colleagues(agent: Person) -> list[tuple[str, str]]:
    """(key, name) of the active, not erased colleagues of the agent's site, by name."""
    rows = db.session.execute(select(Agent.key, Agent.name).where(
        Agent.site_id == agent.site_id, Agent.id != agent.id, Agent.active.is_(True), Agent.erased.is_(False))
        .order_by(Agent.name, Agent.key)).all()
    return [(key, name) for key, name in rows]
