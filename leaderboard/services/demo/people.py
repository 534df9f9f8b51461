"""The demo's people side, through its own services: a few agents' goal posters on the office wall and kudos
between colleagues, so the goal wall and kudos slides have something to show from the first minute."""
from __future__ import annotations

from sqlalchemy import func, select

from leaderboard.extensions import db
from leaderboard.models.people import Kudos
from leaderboard.models.roster import Agent
from leaderboard.schemas_people import GoalIn, KudosIn
from leaderboard.services.access.auth import Principal
from leaderboard.services.people import goals, kudos

# (agent, what they save for, target in USD): agents in every site, so every office wall has posters.
GOAL_POSTERS = [
    ("paris-02", "Weekend in Lisbon", "450"), ("paris-05", "A road bike", "1200"),
    ("lisbon-03", "Driving lessons", "900"), ("lisbon-07", "Concert tickets for two", "240"),
    ("montreal-01", "Ski pass for the winter", "700"), ("montreal-06", "New laptop", "1100"),
    ("manila-02", "Flight home for the holidays", "650"), ("manila-09", "Cooking course", "300")]
# (from, to, value, message): between colleagues of a site, and one across the ocean.
KUDOS = [
    ("paris-03", "paris-01", "teamwork", "Thanks for taking my calls during the lunch rush!"),
    ("paris-06", "paris-08", "empathy", "You calmed down a very upset customer. Textbook."),
    ("lisbon-02", "lisbon-05", "honesty", "Told the customer the upgrade was not for them. Respect."),
    ("lisbon-09", "lisbon-01", "teamwork", "Obrigado for sharing your card-sale script."),
    ("montreal-04", "montreal-02", "respect", "Merci for the patience with the new starters."),
    ("manila-05", "manila-01", "empathy", "Stayed late to finish a customer's claim. Salamat!"),
    ("manila-10", "manila-03", "teamwork", "Best buddy on the night shift."),
    ("montreal-09", "paris-05", "teamwork", "Great cross-site handover this morning."),
]


def acting_as(agent: Agent) -> Principal:
    """The agent acting for themself, as their phone link signs them in."""
    return Principal(name=f"agent:{agent.key}", role="agent", agent_id=agent.id, site_ids=frozenset({agent.site_id}))


def seed_people() -> int:
    """Posters (idempotent: the same title is the same goal) and, once, the kudos; returns kudos given now."""
    agents = {a.key: a for a in db.session.scalars(select(Agent))}
    for key, title, target in GOAL_POSTERS:
        if key in agents:
            goals.set_goal(acting_as(agents[key]), key, GoalIn.model_validate(
                {"title": title, "target_amount": target, "currency": "USD", "on_wall": True}))
    values = set(kudos.company_values())
    if db.session.scalar(select(func.count()).select_from(Kudos)):
        return 0
    given = 0
    for giver, to, value, message in KUDOS:
        if giver in agents and to in agents and value in values:
            kudos.give(acting_as(agents[giver]), KudosIn(to=to, value=value, message=message))
            given += 1
    return given
