"""Agents' bonus earnings, their charity choice, and the payroll export."""
from __future__ import annotations

from flask import Blueprint, Response, request

from leaderboard.schemas import CharityIn
from leaderboard.services.core.clock import utcnow
from leaderboard.services.core.errors import NotFound
from leaderboard.services.earnings import bonuses as earnings
from leaderboard.services.roster import people as roster
from leaderboard.services.roster import personal_data
from leaderboard.web.api.http import current_principal, json_body, parse

bp = Blueprint("earnings", __name__)


def _visible_agent(key: str):
    """The agent the path names (who may see whose is the access policy's agent.private)."""
    agent = roster.agent_by_key(key)
    if agent is None:
        raise NotFound(f"no agent {key!r}")
    return agent


@bp.get("/agents/<key>/earnings")
def agent_earnings(key: str):
    """Pending, confirmed, clawed back, donated and matched bonuses for a month."""
    month = earnings.validate_month(request.args.get("month"))
    found = earnings.agent_earnings(_visible_agent(key), month)
    personal_data.record_view(current_principal(), key, f"earnings {month}")
    return found


@bp.put("/agents/<key>/charity")
def choose_charity(key: str):
    """Give future bonuses to a configured charity (null stops)."""
    agent = _visible_agent(key)
    earnings.choose_charity(current_principal(), agent, parse(CharityIn, json_body()).charity)
    return {"agent": agent.key, "charity": earnings.charity_at(agent.id, utcnow())}


@bp.get("/exports/payroll.csv")
def payroll():
    """Payroll CSV for a month (cells that could run as formulas are escaped)."""
    month = earnings.validate_month(request.args.get("month"))
    body = earnings.payroll_csv(current_principal(), month)
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="payroll-{month}.csv"'})
