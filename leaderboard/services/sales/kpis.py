"""Support KPI samples (handling time, referral rate, quality) for the KPIs declared in config."""
from __future__ import annotations

from sqlalchemy import select

from leaderboard.extensions import db
from leaderboard.models.events import KpiSample
from leaderboard.models.roster import Agent
from leaderboard.schemas import KpiBatchIn
from leaderboard.services.access.auth import Principal
from leaderboard.services.core import projections
from leaderboard.services.core.clock import utcnow
from leaderboard.services.core.errors import FieldError, Forbidden, InvalidInput
from leaderboard.services.core.publishing import publish
from leaderboard.services.core.settings import configured
from leaderboard.services.core.transactions import retrying


def record_samples(actor: Principal, batch: KpiBatchIn) -> int:
    """Store all samples or none: a KPI batch is small and a partial one would skew averages."""
    if actor.role not in ("admin", "integration"):
        raise Forbidden(f"role {actor.role!r} may not post KPI samples")
    catalogue = configured().kpi_directions
    keys = {s.agent for s in batch.samples}
    agents = {a.key: a for a in db.session.scalars(select(Agent).where(Agent.key.in_(keys)))}
    errors = []
    for index, sample in enumerate(batch.samples):
        if sample.agent not in agents:
            errors.append(FieldError(f"samples[{index}].agent", f"unknown agent {sample.agent!r}"))
        if sample.kpi not in catalogue:
            errors.append(FieldError(f"samples[{index}].kpi",
                                     f"unknown KPI {sample.kpi!r}; declared: {', '.join(sorted(catalogue))}"))
    if errors:
        raise InvalidInput("some samples are invalid; none were stored", errors)
    now = utcnow()
    agent_ids = {key: agent.id for key, agent in agents.items()}

    def store() -> int:
        rows = [KpiSample(agent_id=agent_ids[s.agent], kpi=s.kpi, value=s.value, day=s.date, received_at=now)
                for s in batch.samples]
        db.session.add_all(rows)
        db.session.flush()
        notices = projections.kpis_added(rows)
        db.session.commit()
        publish(notices)
        return len(rows)

    return retrying(store)
