"""Every projection table as plain tuples, to compare the incremental path with a rebuild."""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from leaderboard.extensions import db
from leaderboard.models.league import MatchGoal, MatchSide
from leaderboard.models.projections import AgentDay, ContestKpi, ContestStanding, Earning, SiteHour, TicketGrant


def _rows(model: Any, *order: Any) -> list[tuple]:
    return [tuple(getattr(r, c.key) for c in model.__table__.columns)
            for r in db.session.scalars(select(model).order_by(*order))]


def snapshot() -> dict[str, list[tuple]]:
    db.session.expire_all()
    return {
        "days": _rows(AgentDay, AgentDay.agent_id, AgentDay.day),
        "standings": _rows(ContestStanding, ContestStanding.contest_id, ContestStanding.agent_id),
        "kpis": _rows(ContestKpi, ContestKpi.contest_id, ContestKpi.agent_id, ContestKpi.kpi),
        "earnings": _rows(Earning, Earning.sale_id),
        "hours": _rows(SiteHour, SiteHour.site_id, SiteHour.hour),
        "tickets": _rows(TicketGrant, TicketGrant.contest_id, TicketGrant.sale_id),
        "match_sides": _rows(MatchSide, MatchSide.match_id, MatchSide.site_id),
        "goals_allowed": allowed_goals(),
    }


def allowed_goals() -> list[tuple]:
    """Goals standing per match side: who scored may differ by arrival order, how many may not."""
    return [tuple(row) for row in db.session.execute(select(MatchGoal.match_id, MatchGoal.site_id, func.count())
                                   .where(MatchGoal.disallowed_at.is_(None))
                                   .group_by(MatchGoal.match_id, MatchGoal.site_id)
                                   .order_by(MatchGoal.match_id, MatchGoal.site_id))]
