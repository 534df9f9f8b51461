"""Anonymous values pulses: a lead opens one for some sites, their agents answer once, leads read results.

Nothing stored links an answer to its author. The ballot keeps HMAC-SHA256(pulse key, (pulse, agent)),
the pulse key derived from the app's secret key (in the instance folder or LEADERBOARD_SECRET_KEY, never
in the repository); answers get a random id and their day only, in a table with no reference to ballots.
The ballot and the answer are written in one transaction, so a refused answer leaves no ballot behind.
Nothing about an answer is written to the audit log.
"""
from __future__ import annotations

import random
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from leaderboard.domain import pulse as rules
from leaderboard.domain.access import Resource
from leaderboard.extensions import db
from leaderboard.models.people import Pulse, PulseAnswer, PulseBallot, pulse_site
from leaderboard.models.roster import Agent, Site
from leaderboard.schemas_people import PulseAnswerIn, PulseIn
from leaderboard.services.access import policy
from leaderboard.services.access.auth import Principal
from leaderboard.services.core import audit
from leaderboard.services.core.clock import utcnow
from leaderboard.services.core.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound
from leaderboard.services.core.publishing import publish
from leaderboard.services.core.settings import configured
from leaderboard.services.people.notices import people_changed

_shuffler = random.SystemRandom()


def pulse_key() -> bytes:
    """The ballots' HMAC key: derived from the app's secret, so it is never stored beside the ballots."""
    return configured().ballot_key


def _sites_of(pulse_id: int) -> list[Site]:
    return list(db.session.scalars(select(Site).join(pulse_site, pulse_site.c.site_id == Site.id)
                                   .where(pulse_site.c.pulse_id == pulse_id).order_by(Site.key)))


def pulse_resource(pulse_id: int) -> Resource:
    """A pulse as the access policy sees it: its sites (unknown pulses: no site; the view answers 404)."""
    ids = db.session.scalars(select(pulse_site.c.site_id).where(pulse_site.c.pulse_id == pulse_id)).all()
    return Resource(site_ids=frozenset(ids)) if ids else Resource()


def _answers(pulse_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(PulseAnswer).where(PulseAnswer.pulse_id == pulse_id)) or 0


def pulse_view(pulse: Pulse, now: datetime | None = None) -> dict[str, Any]:
    now = now or utcnow()
    return {"id": pulse.id, "action": pulse.action, "values": list(pulse.values),
            "sites": [s.key for s in _sites_of(pulse.id)], "opened_at": pulse.opened_at.isoformat(),
            "closes_at": pulse.closes_at.isoformat(), "open": now < pulse.closes_at, "answers": _answers(pulse.id)}


def open_pulse(actor: Principal, data: PulseIn) -> dict[str, Any]:
    values = configured().values
    errors = [FieldError(f"values[{i}]", f"must be one of the company's values: {', '.join(values)}")
              for i, v in enumerate(data.values) if v not in values]
    found = {s.key: s for s in db.session.scalars(select(Site).where(Site.key.in_(data.sites)))}
    errors += [FieldError(f"sites[{i}]", f"unknown site {k!r}") for i, k in enumerate(data.sites) if k not in found]
    now = utcnow()
    if data.closes_at <= now:
        errors.append(FieldError("closes_at", "must be in the future"))
    if errors:
        raise InvalidInput("the pulse was refused", errors)
    sites = [found[k] for k in dict.fromkeys(data.sites)]
    policy.require(actor, "pulse.open", Resource(site_ids=frozenset(s.id for s in sites)),
                   f"sites {[s.key for s in sites]}")
    pulse = Pulse(action=data.action, values=list(dict.fromkeys(data.values)), opened_at=now,
                  opened_by=actor.name, closes_at=data.closes_at)
    db.session.add(pulse)
    db.session.flush()
    db.session.execute(pulse_site.insert(), [{"pulse_id": pulse.id, "site_id": s.id} for s in sites])
    audit.record(actor.name, "pulse.open", "pulse", str(pulse.id),
                 after={"action": pulse.action, "values": pulse.values, "sites": [s.key for s in sites],
                        "closes_at": pulse.closes_at.isoformat()})
    db.session.commit()
    publish([people_changed(site, "pulse") for site in sites])
    return pulse_view(pulse, now)


def _pulse(pulse_id: int) -> Pulse:
    pulse = db.session.get(Pulse, pulse_id)
    if pulse is None:
        raise NotFound(f"no pulse {pulse_id}")
    return pulse


def answer(actor: Principal, pulse_id: int, data: PulseAnswerIn) -> dict[str, Any]:
    """One answer per agent: a second one (same keyed hash) is a 409, whoever asks and however fast."""
    pulse = _pulse(pulse_id)
    agent = db.session.get(Agent, actor.agent_id) if actor.role == "agent" and actor.agent_id else None
    if agent is None:
        raise Forbidden("agents answer pulses, with their own token or phone")
    if agent.site_id not in {s.id for s in _sites_of(pulse.id)}:
        raise Forbidden("this pulse asks another site's agents")
    now = utcnow()
    if now >= pulse.closes_at:
        raise Conflict("this pulse is closed")
    wrong = rules.conflict_refusals(data.conflicts, pulse.values)
    if wrong:
        raise InvalidInput("the answer was refused", [FieldError(
            "conflicts", f"name each at most once, among the pulse's values: {', '.join(pulse.values)}")])
    voter = rules.voter_token(pulse_key(), pulse.id, agent.id)
    if db.session.get(PulseBallot, (pulse.id, voter)) is not None:
        raise Conflict("you already answered this pulse")
    db.session.add(PulseBallot(pulse_id=pulse.id, voter=voter))
    db.session.add(PulseAnswer(id=secrets.token_hex(16), pulse_id=pulse.id, score=data.score,
                               conflicts=list(data.conflicts), comment=data.comment, day=now.date()))
    try:
        db.session.commit()
    except IntegrityError:  # the same agent's concurrent answer won the ballot's primary key
        db.session.rollback()
        raise Conflict("you already answered this pulse") from None
    return {"pulse": pulse.id, "answered": True}


def results(pulse_id: int) -> dict[str, Any]:
    pulse = _pulse(pulse_id)
    stored = db.session.execute(select(PulseAnswer.score, PulseAnswer.conflicts, PulseAnswer.comment)
                                .where(PulseAnswer.pulse_id == pulse.id)).all()
    found = rules.results([rules.Answer(s, tuple(c or ()), m or "") for s, c, m in stored], pulse.values, _shuffler)
    if found.hidden:
        return {"answers": found.answers, "hidden": True}
    return {"answers": found.answers, "mean": found.mean, "distribution": found.distribution,
            "conflicts": found.conflicts, "comments": found.comments}


def visible_pulses(actor: Principal) -> list[dict[str, Any]]:
    """The pulses a lead (their sites') or an admin may read, newest first: the console's list."""
    pulses = list(db.session.scalars(select(Pulse).order_by(Pulse.opened_at.desc(), Pulse.id.desc())))
    now = utcnow()
    return [pulse_view(p, now) for p in pulses if policy.allows(actor, "pulse.read", pulse_resource(p.id))]


def open_for(agent: Agent) -> list[dict[str, Any]]:
    """The pulses this agent may still answer: their site's, open, not answered yet (their phone)."""
    now = utcnow()
    pulses = db.session.scalars(select(Pulse).join(pulse_site, pulse_site.c.pulse_id == Pulse.id)
                                .where(pulse_site.c.site_id == agent.site_id, Pulse.closes_at > now)
                                .order_by(Pulse.closes_at, Pulse.id))
    key = pulse_key()
    return [{"id": p.id, "action": p.action, "values": list(p.values), "closes_at": p.closes_at.isoformat()}
            for p in pulses
            if db.session.get(PulseBallot, (p.id, rules.voter_token(key, p.id, agent.id))) is None]


def pulses_for(actor: Principal) -> list[dict[str, Any]]:
    """The API's list: an agent's open, unanswered pulses; the pulses a lead or an admin may read."""
    if actor.role == "agent":
        agent = db.session.get(Agent, actor.agent_id) if actor.agent_id is not None else None
        return open_for(agent) if agent is not None else []
    return visible_pulses(actor)
