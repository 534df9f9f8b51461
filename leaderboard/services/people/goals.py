"""Personal goal posters: set by the agent (phone) or a lead, progress read from the earnings projection."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

from leaderboard.domain.goals import GoalProgress, Saving, goal_progress
from leaderboard.extensions import db
from leaderboard.models.people import Goal, GoalPicture
from leaderboard.models.projections import Earning
from leaderboard.models.roster import Agent
from leaderboard.schemas_people import GoalIn
from leaderboard.services.access import policy
from leaderboard.services.access.auth import Principal
from leaderboard.services.core import audit
from leaderboard.services.core.clock import clawback_window, utcnow
from leaderboard.services.core.errors import FieldError, InvalidInput, NotFound
from leaderboard.services.core.publishing import publish
from leaderboard.services.people.notices import people_changed
from leaderboard.services.roster.people import agent_by_key
from leaderboard.services.roster.photos import STORED_TYPE, square_jpeg


@dataclass(frozen=True)
class GoalView:
    agent: str
    title: str
    target_amount: Decimal
    currency: str
    set_at: datetime
    on_wall: bool
    picture: str | None
    progress: GoalProgress

    def as_dict(self) -> dict[str, object]:
        p = self.progress
        return {"agent": self.agent, "title": self.title, "target_amount": f"{self.target_amount:.2f}",
                "currency": self.currency, "saved_confirmed": f"{p.saved_confirmed:.2f}",
                "saved_pending": f"{p.saved_pending:.2f}", "progress": p.progress,
                "reached_at": p.reached_at.isoformat() if p.reached_at else None,
                "set_at": self.set_at.isoformat(), "on_wall": self.on_wall, "picture": self.picture}


def picture_url(name: str) -> str:
    return f"/posters/{name}.jpg"


def _agent(key: str) -> Agent:
    agent = agent_by_key(key)
    if agent is None or agent.erased:
        raise NotFound(f"no agent {key!r}")
    return agent


def _may_change(actor: Principal, agent: Agent) -> None:
    policy.require(actor, "goal.write", policy.agent_resource(agent.key), f"agent {agent.key!r}")


def savings_of(agent_id: int, since: datetime) -> list[Saving]:
    """The agent's bonuses from sales made since `since`, as the earnings projection holds them."""
    rows = db.session.execute(select(Earning.occurred_at, Earning.amount, Earning.currency, Earning.clawed_back,
                                     Earning.charity)
                              .where(Earning.agent_id == agent_id, Earning.occurred_at >= since))
    return [Saving(at, amount, currency, bool(clawed), charity is not None)
            for at, amount, currency, clawed, charity in rows]


def view_of(agent: Agent, goal: Goal, now: datetime | None = None) -> GoalView:
    progress = goal_progress(goal.target_amount, goal.currency, goal.set_at, savings_of(agent.id, goal.set_at),
                             clawback_window(), now or utcnow())
    name = db.session.scalar(select(GoalPicture.name).where(GoalPicture.agent_id == agent.id))
    return GoalView(agent.key, goal.title, goal.target_amount, goal.currency, goal.set_at, goal.on_wall,
                    picture_url(name) if name else None, progress)


def views_of(pairs: list[tuple[Agent, Goal]], now: datetime | None = None) -> list[GoalView]:
    """Several posters at once (the goal wall): one query for their savings, one for their pictures."""
    if not pairs:
        return []
    ids = [agent.id for agent, _ in pairs]
    savings: dict[int, list[Saving]] = {agent_id: [] for agent_id in ids}
    rows = db.session.execute(select(Earning.agent_id, Earning.occurred_at, Earning.amount, Earning.currency,
                                     Earning.clawed_back, Earning.charity)
                              .join(Goal, Goal.agent_id == Earning.agent_id)
                              .where(Earning.agent_id.in_(ids), Earning.occurred_at >= Goal.set_at))
    for agent_id, at, amount, currency, clawed, charity in rows:
        savings[agent_id].append(Saving(at, amount, currency, bool(clawed), charity is not None))
    picture_rows = db.session.execute(select(GoalPicture.agent_id, GoalPicture.name)
                                      .where(GoalPicture.agent_id.in_(ids))).all()
    pictures = {row.agent_id: row.name for row in picture_rows}
    now, window = now or utcnow(), clawback_window()
    return [GoalView(agent.key, goal.title, goal.target_amount, goal.currency, goal.set_at, goal.on_wall,
                     picture_url(pictures[agent.id]) if agent.id in pictures else None,
                     goal_progress(goal.target_amount, goal.currency, goal.set_at, savings[agent.id], window, now))
            for agent, goal in pairs]


def get_goal(agent_key: str) -> GoalView:
    agent = _agent(agent_key)
    goal = db.session.get(Goal, agent.id)
    if goal is None:
        raise NotFound(f"agent {agent_key!r} has no goal yet")
    return view_of(agent, goal)


def goal_of(agent_id: int) -> GoalView | None:
    """The agent's poster, or None (the phone page)."""
    goal = db.session.get(Goal, agent_id)
    agent = db.session.get(Agent, agent_id)
    return view_of(agent, goal) if goal is not None and agent is not None else None


def set_goal(actor: Principal, agent_key: str, data: GoalIn) -> tuple[GoalView, bool]:
    """Create or change the goal. A new title is a new goal: its savings start now; a new target or
    currency keeps the date. Only the agent opts in to the goal wall (a lead may take a poster off it)."""
    agent = _agent(agent_key)
    _may_change(actor, agent)
    if data.target_amount <= 0:
        raise InvalidInput("the goal was refused", [FieldError("target_amount", "must be more than zero")])
    if data.on_wall and actor.agent_id != agent.id:
        raise InvalidInput("the goal was refused",
                           [FieldError("on_wall", "only the agent puts their own poster on the goal wall")])
    goal = db.session.get(Goal, agent.id)
    created = goal is None
    before = None if goal is None else {"title": goal.title, "target_amount": f"{goal.target_amount:.2f}",
                                        "currency": goal.currency, "on_wall": goal.on_wall}
    now = utcnow()
    if goal is None:
        goal = Goal(agent_id=agent.id, on_wall=False, set_at=now)
        db.session.add(goal)
    elif goal.title != data.title:
        goal.set_at = now
    was_on_wall = goal.on_wall
    goal.title, goal.target_amount, goal.currency, goal.set_by = data.title, data.target_amount, data.currency, \
        actor.name
    if data.on_wall is not None:
        goal.on_wall = data.on_wall
    audit.record(actor.name, "agent.goal", "agent", agent.key, before=before,
                 after={"title": goal.title, "target_amount": f"{goal.target_amount:.2f}",
                        "currency": goal.currency, "on_wall": goal.on_wall})
    db.session.commit()
    if goal.on_wall or was_on_wall:
        publish([people_changed(agent.site, "goal")])
    return view_of(agent, goal, now), created


def set_on_wall(actor: Principal, agent_key: str, on_wall: bool) -> GoalView:
    """The phone's switch: show my poster on the goal wall, or take it off."""
    agent = _agent(agent_key)
    _may_change(actor, agent)
    goal = db.session.get(Goal, agent.id)
    if goal is None:
        raise NotFound(f"agent {agent_key!r} has no goal yet")
    if on_wall and actor.agent_id != agent.id:
        raise InvalidInput("refused", [FieldError("on_wall", "only the agent puts their own poster on the wall")])
    changed = goal.on_wall != on_wall
    goal.on_wall = on_wall
    audit.record(actor.name, "agent.goal.wall", "agent", agent.key, after={"on_wall": on_wall})
    db.session.commit()
    if changed:
        publish([people_changed(agent.site, "goal")])
    return view_of(agent, goal)


def set_picture(actor: Principal, agent_key: str, data: bytes) -> GoalView:
    """The poster's picture: the photo pipeline's checks (size, type, pixels) and square resizing."""
    agent = _agent(agent_key)
    _may_change(actor, agent)
    goal = db.session.get(Goal, agent.id)
    if goal is None:
        raise NotFound(f"agent {agent_key!r} has no goal yet: set one first")
    content = square_jpeg(data)
    picture = db.session.get(GoalPicture, agent.id)
    if picture is None:
        picture = GoalPicture(agent_id=agent.id)
        db.session.add(picture)
    picture.name = secrets.token_urlsafe(18)
    picture.content, picture.content_type, picture.size = content, STORED_TYPE, len(content)
    picture.uploaded_at = utcnow()
    audit.record(actor.name, "agent.goal.picture", "agent", agent.key, after={"size": len(content)})
    db.session.commit()
    if goal.on_wall:
        publish([people_changed(agent.site, "goal")])
    return view_of(agent, goal)


def picture_by_name(name: str) -> tuple[bytes, str] | None:
    row = db.session.execute(select(GoalPicture.content, GoalPicture.content_type)
                             .where(GoalPicture.name == name)).first()
    return (row[0], row[1]) if row else None
