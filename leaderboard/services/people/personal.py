"""The people side's share of a person's data: what an export lists and what erasure removes.

Meant for leaderboard/services/roster/personal_data.py (export_agent and _erase) to call, in their transaction.
Pulse answers are not the agent's: nothing links them to anyone, so they are neither exported nor erased.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import delete, or_, select, update

from leaderboard.extensions import db
from leaderboard.models.people import Goal, GoalPicture, Kudos


def export_of(agent_id: int) -> dict[str, Any]:
    goal = db.session.get(Goal, agent_id)
    picture = db.session.get(GoalPicture, agent_id)
    kudos = db.session.scalars(select(Kudos).where(or_(Kudos.giver_agent_id == agent_id,
                                                       Kudos.recipient_id == agent_id)).order_by(Kudos.id))
    return {
        "goal": None if goal is None else {
            "title": goal.title, "target_amount": f"{goal.target_amount:.2f}", "currency": goal.currency,
            "set_at": goal.set_at.isoformat(), "on_wall": goal.on_wall,
            "picture": {"content_type": picture.content_type, "size": picture.size} if picture else None},
        "kudos": [{"given": k.giver_agent_id == agent_id, "value": k.value, "message": k.message,
                   "given_at": k.given_at.isoformat()} for k in kudos],
    }


def erase(agent_id: int) -> None:
    """The goal poster and its picture go; kudos stay as counts (value, date) without their messages."""
    db.session.execute(delete(GoalPicture).where(GoalPicture.agent_id == agent_id))
    db.session.execute(delete(Goal).where(Goal.agent_id == agent_id))
    db.session.execute(update(Kudos).where(or_(Kudos.giver_agent_id == agent_id, Kudos.recipient_id == agent_id))
                       .values(message=""))
