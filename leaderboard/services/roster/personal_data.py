"""One person's data: everything stored about an agent (access request), and erasure by pseudonym.

Erasure keeps the event log, every total and every draw proof as they were: sales, projections and
proofs refer to the agent by id and key, never by name. What names a person goes: the name (in the
roster and in audit entries), the photo, the personal links and agent keys.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select, update

from leaderboard.domain.access import Resource
from leaderboard.extensions import db
from leaderboard.models.audit import AuditEntry
from leaderboard.models.auth import AgentLink, ApiKey
from leaderboard.models.events import Cancellation, CharityChoice, KpiSample, Sale, SaleAssist
from leaderboard.models.photos import AgentPhoto
from leaderboard.models.privacy import ContestConsent
from leaderboard.models.projections import ContestStanding, Earning, TicketGrant
from leaderboard.models.roster import Agent
from leaderboard.services.access import policy
from leaderboard.services.access.auth import Principal
from leaderboard.services.contests.projection import standings_notice
from leaderboard.services.core import audit
from leaderboard.services.core.clock import utcnow
from leaderboard.services.core.errors import NotFound
from leaderboard.services.core.publishing import publish
from leaderboard.services.core.settings import configured
from leaderboard.services.people import personal as people_side
from leaderboard.services.prizes.wins import agent_wins, win_view
from leaderboard.services.roster import people, privacy


def _agent(actor: Principal, key: str, action: str) -> Agent:
    agent = people.agent_by_key(key)
    if agent is None:
        raise NotFound(f"no agent {key!r}")
    policy.require(actor, action, Resource(site_ids=frozenset({agent.site_id}), agent_id=agent.id), f"agent {key!r}")
    return agent


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def export_agent(actor: Principal, key: str) -> dict[str, Any]:
    """Everything stored about the agent, as JSON-ready data; the export itself is audited."""
    agent = _agent(actor, key, "agent.export")
    sales = list(db.session.scalars(select(Sale).where(Sale.agent_id == agent.id).order_by(Sale.occurred_at)))
    sale_ids = [s.id for s in sales]
    cancellations = list(db.session.scalars(select(Cancellation).where(Cancellation.sale_id.in_(sale_ids))))
    photo = db.session.get(AgentPhoto, agent.id)
    data = {
        "agent": {**people.agent_state(agent), "erased": bool(agent.erased)},
        "sales": [{"id": s.id, "product": s.product.code, "quantity": s.quantity, "points": s.points,
                   "amount": str(s.amount) if s.amount is not None else None, "bonus": str(s.bonus),
                   "currency": s.currency, "occurred_at": _when(s.occurred_at), "received_at": _when(s.received_at),
                   "kind": s.kind}
                  for s in sales],
        "assists": [{"sale": a.sale_id, "points": a.points} for a in db.session.scalars(
            select(SaleAssist).where(SaleAssist.agent_id == agent.id).order_by(SaleAssist.sale_id))],
        "cancellations": [{"sale": c.sale_id, "reason": c.reason, "cancelled_at": _when(c.cancelled_at),
                           "late": c.late} for c in cancellations],
        "kpi_samples": [{"kpi": k.kpi, "value": k.value, "day": k.day.isoformat()} for k in db.session.scalars(
            select(KpiSample).where(KpiSample.agent_id == agent.id).order_by(KpiSample.day, KpiSample.id))],
        "charity_choices": [{"charity": c.charity, "effective_from": _when(c.effective_from)}
                            for c in db.session.scalars(
            select(CharityChoice).where(CharityChoice.agent_id == agent.id).order_by(CharityChoice.effective_from))],
        "earnings": [{"sale": e.sale_id, "month": e.month, "amount": str(e.amount), "currency": e.currency,
                      "clawed_back": e.clawed_back, "charity": e.charity} for e in db.session.scalars(
            select(Earning).where(Earning.agent_id == agent.id).order_by(Earning.occurred_at))],
        "contest_standings": [{"contest": s.contest_id, "points": str(s.points), "sales": s.sales,
                               "saves": s.saves, "assists": s.assists, "score": str(s.score),
                               "qualified": s.qualified} for s in db.session.scalars(
            select(ContestStanding).where(ContestStanding.agent_id == agent.id).order_by(ContestStanding.contest_id))],
        "tickets": [{"contest": contest, "tickets": int(total)} for contest, total in db.session.execute(
            select(TicketGrant.contest_id, func.sum(TicketGrant.tickets)).where(TicketGrant.agent_id == agent.id)
            .group_by(TicketGrant.contest_id).order_by(TicketGrant.contest_id))],
        "consents": [{"contest": c.contest_id, "given_at": _when(c.given_at)} for c in db.session.scalars(
            select(ContestConsent).where(ContestConsent.agent_id == agent.id))],
        "personal_links": [{"created_at": _when(link.created_at), "created_by": link.created_by,
                            "revoked_at": _when(link.revoked_at)} for link in db.session.scalars(
            select(AgentLink).where(AgentLink.agent_id == agent.id).order_by(AgentLink.id))],
        "api_keys": [{"name": k.name, "prefix": k.prefix, "created_at": _when(k.created_at),
                      "revoked_at": _when(k.revoked_at)} for k in db.session.scalars(
            select(ApiKey).where(ApiKey.agent_id == agent.id).order_by(ApiKey.id))],
        "photo": {"content_type": photo.content_type, "size": photo.size} if photo is not None else None,
        "instant_prizes": [win_view(row) for row in agent_wins(agent.id, limit=None)],
        **people_side.export_of(agent.id),
        "audit": [{"at": _when(e.at), "actor": e.actor, "action": e.action, "before": e.before, "after": e.after}
                  for e in db.session.scalars(select(AuditEntry).where(
                      AuditEntry.object_type == "agent", AuditEntry.object_key == agent.key).order_by(AuditEntry.id))],
    }
    audit.record(actor.name, "agent.export", "agent", agent.key)
    db.session.commit()
    return data


def record_view(actor: Principal, agent_key: str, what: str) -> None:
    """A lead looking at one person's data (details, earnings, an export) leaves a trace in the audit log."""
    if actor.role != "lead":
        return
    audit.record(actor.name, "agent.view", "agent", agent_key, after={"what": what})
    db.session.commit()


def pseudonym(agent_id: int) -> str:
    """What an erased agent is called from then on: derived from nothing personal."""
    return f"Erased agent {agent_id}"


def erase_agent(actor: Principal, key: str, reason: str = "request") -> dict[str, Any]:
    """Pseudonymise the agent: their name goes from the roster and the audit log, their photo, links and
    keys go; the sales, totals and draw proofs stay (they never held the name)."""
    agent = _agent(actor, key, "agent.erase")
    _erase(agent, actor.name, reason)
    db.session.commit()
    publish([standings_notice(contest_id) for contest_id in privacy.contests_of_site(agent.site_id)])
    return {**people.agent_state(agent), "erased": True}


def _erase(agent: Agent, actor_name: str, reason: str) -> None:
    old_name, new_name = agent.name, pseudonym(agent.id)
    if not agent.erased:
        for entry in db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "agent",
                                                                 AuditEntry.object_key == agent.key)):
            entry.before, entry.after = _without(entry.before, old_name, new_name), _without(entry.after, old_name,
                                                                                              new_name)
    agent.name, agent.erased, agent.hidden_on_screens = new_name, True, True
    db.session.execute(update(AgentLink).where(AgentLink.agent_id == agent.id, AgentLink.revoked_at.is_(None))
                       .values(revoked_at=utcnow()))
    db.session.execute(update(ApiKey).where(ApiKey.agent_id == agent.id, ApiKey.revoked_at.is_(None))
                       .values(revoked_at=utcnow()))
    photo = db.session.get(AgentPhoto, agent.id)
    if photo is not None:
        db.session.delete(photo)
    people_side.erase(agent.id)
    audit.record(actor_name, "agent.erase", "agent", agent.key, after={"reason": reason})


def _without(value: Any, name: str, replacement: str) -> Any:
    """A JSON value with every string equal to the old name replaced (audit snapshots of the agent)."""
    if isinstance(value, dict):
        return {k: _without(v, name, replacement) for k, v in value.items()}
    if isinstance(value, list):
        return [_without(v, name, replacement) for v in value]
    return replacement if value == name else value


def erase_inactive(now: datetime, months: int, actor_name: str = "retention") -> int:
    """Retention: pseudonymise agents with no sale received for `months` months (0: keep everyone)."""
    if months <= 0:
        return 0
    cutoff = _months_before(now, months)
    last_sale = select(Sale.agent_id, func.max(Sale.received_at).label("last")).group_by(Sale.agent_id).subquery()
    stale = list(db.session.scalars(
        select(Agent).outerjoin(last_sale, last_sale.c.agent_id == Agent.id)
        .where(Agent.erased.is_(False), Agent.active.is_(False),
               or_(last_sale.c.last.is_(None), last_sale.c.last < cutoff))))
    for agent in stale:
        _erase(agent, actor_name, f"inactive for {months} months")
    db.session.commit()
    publish([standings_notice(cid) for site in {a.site_id for a in stale} for cid in privacy.contests_of_site(site)])
    return len(stale)


def apply_retention(now: datetime) -> int:
    """The worker's retention duty: the configured number of months."""
    return erase_inactive(now, configured().retention_months)


def _months_before(now: datetime, months: int) -> datetime:
    month_index = now.year * 12 + now.month - 1 - months
    return now.replace(year=month_index // 12, month=month_index % 12 + 1, day=1, hour=0, minute=0, second=0,
                       microsecond=0)
