"""Kudos tied to values: given by an agent (their phone or API key) or a lead; listed; counted on a board."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import aliased

from leaderboard.domain import kudos as rules
from leaderboard.domain.periods import PERIODS, local_day, period_bounds
from leaderboard.extensions import db
from leaderboard.models.people import Kudos, KudosAllowance
from leaderboard.models.roster import Agent, Site
from leaderboard.schemas_people import KudosIn
from leaderboard.services.access import policy
from leaderboard.services.access.auth import Principal
from leaderboard.services.core.aggregates import dialect_insert
from leaderboard.services.core.clock import utcnow
from leaderboard.services.core.errors import FieldError, Forbidden, InvalidInput, ServiceError
from leaderboard.services.core.publishing import publish
from leaderboard.services.core.settings import configured
from leaderboard.services.people.notices import people_changed
from leaderboard.services.roster.people import agent_by_key

LIST_LIMIT = 200


class TooManyKudos(ServiceError):
    status = 429
    title = "Too many requests"


@dataclass(frozen=True)
class Giver:
    """Who gives: an agent (their own record), or a lead, counted by their account when they have no agent."""

    agent: Agent | None
    role: str
    allowance_key: str
    timezone: str


def company_values() -> tuple[str, ...]:
    return configured().values


def _giver(actor: Principal, recipient: Agent) -> Giver:
    if actor.role not in ("agent", "lead"):
        raise Forbidden("kudos come from an agent or a team lead")
    agent = db.session.get(Agent, actor.agent_id) if actor.agent_id is not None else None
    if actor.role == "agent" and agent is None:
        raise Forbidden("this key acts as no agent")
    key = f"agent:{agent.id}" if agent is not None else f"user:{actor.name}"[:80]
    # The allowance's day is the giver's local day (a lead without an agent record: the recipient's site's).
    return Giver(agent, actor.role, key, (agent or recipient).site.timezone)


def give(actor: Principal, data: KudosIn) -> dict[str, Any]:
    recipient = agent_by_key(data.to)
    if recipient is None or recipient.erased or not recipient.active:
        raise InvalidInput("the kudos were refused", [FieldError("to", f"no active person {data.to!r}")])
    giver = _giver(actor, recipient)
    refused = rules.refusals(giver.agent.id if giver.agent else None, recipient.id, data.value, company_values())
    if refused:
        raise InvalidInput("the kudos were refused", [FieldError(r.field, r.message) for r in refused])
    now = utcnow()
    day = local_day(now, giver.timezone)
    # Atomic allowance: create the day's row if missing, then one conditional increment. Concurrent gifts
    # serialise on the row; the one that would make it DAILY_LIMIT + 1 changes nothing and is refused.
    db.session.execute(dialect_insert(KudosAllowance).values(giver=giver.allowance_key, day=day, given=0)
                       .on_conflict_do_nothing(index_elements=["giver", "day"]))
    raised = db.session.execute(update(KudosAllowance)
                                .where(KudosAllowance.giver == giver.allowance_key, KudosAllowance.day == day,
                                       KudosAllowance.given < rules.DAILY_LIMIT)
                                .values(given=KudosAllowance.given + 1))
    if raised.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        raise TooManyKudos(f"at most {rules.DAILY_LIMIT} kudos a day: more tomorrow")
    kudos = Kudos(giver_agent_id=giver.agent.id if giver.agent else None, giver_role=giver.role,
                  recipient_id=recipient.id, site_id=recipient.site_id, value=data.value, message=data.message,
                  given_at=now)
    db.session.add(kudos)
    db.session.commit()
    publish([people_changed(recipient.site, "kudos")])
    return kudos_view(kudos, giver.agent, recipient)


def _person(agent: Agent | None, role: str) -> dict[str, Any]:
    if agent is None:
        return {"key": None, "name": None, "role": role}
    return {"key": agent.key, "name": agent.name if not agent.erased else None, "role": role}


def kudos_view(kudos: Kudos, giver: Agent | None, recipient: Agent) -> dict[str, Any]:
    return {"id": kudos.id, "to": _person(recipient, "agent"), "from": _person(giver, kudos.giver_role),
            "value": kudos.value, "message": kudos.message, "given_at": kudos.given_at.isoformat()}


def _site_scope(actor: Principal) -> list[int] | None:
    """The recipients' sites the caller sees kudos of: an agent their own site's, a lead theirs, admins all."""
    if actor.role == "agent":
        agent = db.session.get(Agent, actor.agent_id) if actor.agent_id is not None else None
        return [agent.site_id] if agent is not None else []
    sites = policy.visible_site_ids(actor, "kudos.read")
    return None if sites is None else sorted(sites)


def list_kudos(actor: Principal, to: str | None = None, value: str | None = None,
               since: datetime | None = None, limit: int = LIST_LIMIT) -> list[dict[str, Any]]:
    giver, recipient = aliased(Agent), aliased(Agent)
    statement = (select(Kudos, giver, recipient).join(recipient, Kudos.recipient_id == recipient.id)
                 .outerjoin(giver, Kudos.giver_agent_id == giver.id)
                 .order_by(Kudos.given_at.desc(), Kudos.id.desc()).limit(limit))
    scope = _site_scope(actor)
    if scope is not None:
        statement = statement.where(Kudos.site_id.in_(scope))
    if to is not None:
        statement = statement.where(recipient.key == to)
    if value is not None:
        statement = statement.where(Kudos.value == value)
    if since is not None:
        statement = statement.where(Kudos.given_at >= since)
    return [kudos_view(k, g, r) for k, g, r in db.session.execute(statement)]


def received_by(agent_id: int, limit: int = 20) -> list[dict[str, Any]]:
    """The kudos an agent received, newest first (their phone)."""
    giver, recipient = aliased(Agent), aliased(Agent)
    rows = db.session.execute(select(Kudos, giver, recipient).join(recipient, Kudos.recipient_id == recipient.id)
                              .outerjoin(giver, Kudos.giver_agent_id == giver.id)
                              .where(Kudos.recipient_id == agent_id)
                              .order_by(Kudos.given_at.desc(), Kudos.id.desc()).limit(limit))
    return [kudos_view(k, g, r) for k, g, r in rows]


def given_today(agent: Agent) -> int:
    day = local_day(utcnow(), agent.site.timezone)
    return db.session.scalar(select(KudosAllowance.given).where(
        KudosAllowance.giver == f"agent:{agent.id}", KudosAllowance.day == day)) or 0


def board(actor: Principal, period: str, site_key: str | None = None) -> dict[str, Any]:
    """Kudos received per person in the period (each site's own calendar), most first."""
    if period not in PERIODS:
        raise InvalidInput("bad query", [FieldError("period", f"must be one of {', '.join(PERIODS)}")])
    scope = _site_scope(actor)
    sites = list(db.session.scalars(select(Site).order_by(Site.key)))
    if site_key is not None:
        sites = [s for s in sites if s.key == site_key]
        if not sites:
            raise InvalidInput("bad query", [FieldError("site", f"no site {site_key!r}")])
    if scope is not None:
        sites = [s for s in sites if s.id in scope]
    now = utcnow()
    received: list[rules.Received] = []
    for site in sites:
        _, _, start, stop = period_bounds(period, now, site.timezone)
        rows = db.session.execute(select(Agent.key, Agent.name, Agent.erased, Kudos.value)
                                  .join(Agent, Kudos.recipient_id == Agent.id)
                                  .where(Kudos.site_id == site.id, Kudos.given_at >= start, Kudos.given_at < stop))
        received += [rules.Received(key, "" if erased else name, value) for key, name, erased, value in rows]
    rows_out = rules.board(received, company_values())
    return {"period": period, "values": list(company_values()),
            "rows": [{"rank": r.rank, "key": r.key, "name": r.name, "kudos": r.kudos, "by_value": r.by_value}
                     for r in rows_out]}
