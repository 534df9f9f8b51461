"""Lucky-draw tickets as a projection: every counted sale in the window earns its tickets."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Select, delete, func, select

from leaderboard.domain.draws import ticket_ids
from leaderboard.extensions import db
from leaderboard.models.contests import Contest
from leaderboard.models.events import Cancellation, KpiSample, Sale
from leaderboard.models.projections import ContestStanding, TicketGrant
from leaderboard.models.roster import Agent
from leaderboard.services.contests.rules import confirmed_through, contests_overlapping, counts_sale, rules_of
from leaderboard.services.core.aggregates import insert_missing
from leaderboard.services.core.bulk_rebuild import LogContext, Rows
from leaderboard.services.core.clock import clawback_window
from leaderboard.services.core.errors import FieldError, InvalidInput
from leaderboard.services.core.publishing import Notice
from leaderboard.services.roster.queries import names_by_key

LUCKY_DRAW = "lucky_draw"


def grant_tickets(contest: Contest, sales: Iterable[Sale]) -> int:
    rules = rules_of(contest)
    site_ids = {s.id for s in contest.sites}
    confirmed_until = None if rules.count_pending else confirmed_through()
    grants: list[dict[str, int | str]] = []
    granted = 0
    for sale in sales:
        if counts_sale(contest, rules, sale, site_ids, confirmed_until, clawback_window()):
            count = rules.sale_tickets(sale.product.code, sale.points, sale.quantity)
            if count > 0:
                grants.append({"contest_id": contest.id, "sale_id": sale.id, "agent_id": sale.agent_id,
                               "tickets": count})
                granted += count
    # A sale confirmed again by the ticker, or replayed, keeps its one grant.
    insert_missing(TicketGrant, grants, ("contest_id", "sale_id"))
    return granted


class TicketProjection:
    def clear(self) -> None:
        db.session.execute(delete(TicketGrant))

    def sales_added(self, sales: Sequence[Sale], clawed_back: set[str]) -> list[Notice]:
        counted = [s for s in sales if s.id not in clawed_back]
        if counted:
            start, end = min(s.occurred_at for s in counted), max(s.occurred_at for s in counted)
            for contest in contests_overlapping(start, end):
                if contest.kind == LUCKY_DRAW:
                    grant_tickets(contest, counted)
        return []

    def sale_clawed_back(self, sale: Sale) -> list[Notice]:
        db.session.execute(delete(TicketGrant).where(TicketGrant.sale_id == sale.id))
        return []

    def kpis_added(self, samples: Sequence[KpiSample]) -> list[Notice]:
        return []

    def bulk_part(self, log: LogContext) -> TicketsBulk:
        return TicketsBulk(log)

    def rescore_contest(self, contest: Contest) -> None:
        db.session.execute(delete(TicketGrant).where(TicketGrant.contest_id == contest.id))
        if contest.kind != LUCKY_DRAW or contest.cancelled_at is not None:
            return
        clawed = select(Cancellation.sale_id).where(Cancellation.late.is_(False))
        sales = db.session.scalars(select(Sale).join(Agent, Sale.agent_id == Agent.id).where(
            Sale.occurred_at >= contest.starts_at, Sale.occurred_at < contest.ends_at,
            Agent.site_id.in_([s.id for s in contest.sites]), Sale.id.not_in(clawed)))
        grant_tickets(contest, sales)


class TicketsBulk:
    """The bulk rebuild's share: one grant per (lucky draw, counted sale) with tickets, as `grant_tickets`."""

    def __init__(self, log: LogContext) -> None:
        self.draws = log.of_kind(LUCKY_DRAW)
        self.grants: list[tuple[int, str, int, int]] = []

    def add_sales(self, sales: Sequence[Any], counted: Sequence[Any]) -> None:
        for draw in self.draws:
            tickets_of = draw.tickets
            for sale in draw.among(counted):
                if (count := tickets_of(sale)) > 0:
                    self.grants.append((draw.id, sale.id, sale.agent_id, count))

    def add_kpis(self, samples: Sequence[Any]) -> None:
        pass

    def rows(self) -> list[Rows]:
        self.grants.sort()
        return [Rows(TicketGrant, len(self.grants), ({"contest_id": contest_id, "sale_id": sale_id,
                                                      "agent_id": agent_id, "tickets": tickets}
                                                     for contest_id, sale_id, agent_id, tickets in self.grants))]


def _eligible_grants(contest: Contest) -> Select:
    """Live grants (sale id, tickets, agent key) whose agent passes the quality gate."""
    rules = rules_of(contest)
    statement = (select(TicketGrant.sale_id, TicketGrant.tickets, Agent.key)
                 .join(Agent, TicketGrant.agent_id == Agent.id).where(TicketGrant.contest_id == contest.id))
    if rules.gate is not None:
        statement = statement.join(ContestStanding, (ContestStanding.contest_id == contest.id)
                                   & (ContestStanding.agent_id == TicketGrant.agent_id)
                                   ).where(ContestStanding.qualified.is_(True))
    return statement


def eligible_tickets(contest: Contest) -> list[tuple[str, str]]:
    """(ticket id, agent key) of every live ticket whose agent passes the quality gate."""
    return [(tid, agent) for sale_id, count, agent in db.session.execute(_eligible_grants(contest))
            for tid in ticket_ids(sale_id, count)]


def _live_counts(contest: Contest) -> dict[str, int]:
    """Tickets per agent, summed by the database: a picture must not expand every ticket at each push."""
    grants = _eligible_grants(contest).subquery()
    rows = db.session.execute(select(grants.c.key, func.sum(grants.c.tickets))
                              .group_by(grants.c.key).having(func.sum(grants.c.tickets) > 0))
    return {agent: int(count) for agent, count in rows}


def _frozen_counts(frozen_lines: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for line in frozen_lines:
        agent = line.split(" ", 1)[1]
        counts[agent] = counts.get(agent, 0) + 1
    return counts


def _mine(contest: Contest, frozen_lines: list[str] | None, agent_key: str) -> list[str]:
    if frozen_lines is not None:
        return [tid for tid, agent in (line.split(" ", 1) for line in frozen_lines) if agent == agent_key]
    grants = db.session.execute(_eligible_grants(contest).where(Agent.key == agent_key))
    return sorted(tid for sale_id, count, _ in grants for tid in ticket_ids(sale_id, count))


def tickets_view(contest: Contest, frozen_lines: list[str] | None, agent_key: str | None) -> dict[str, Any]:
    """Live tickets, or the frozen list once frozen (what the draw will use)."""
    if contest.kind != LUCKY_DRAW:
        raise InvalidInput("not a lucky draw", [FieldError("contest", "only lucky draw contests have tickets")])
    counts = _frozen_counts(frozen_lines) if frozen_lines is not None else _live_counts(contest)
    total = sum(counts.values())
    if agent_key is None:
        names = names_by_key("agent", counts)
        return {"total": total, "frozen": frozen_lines is not None,
                "agents": [{"agent": a, "name": names.get(a, a), "count": n}
                           for a, n in sorted(counts.items(), key=lambda i: (-i[1], i[0]))]}
    mine = _mine(contest, frozen_lines, agent_key)
    return {"agent": agent_key, "tickets": mine, "count": len(mine), "total": total,
            "odds": len(mine) / total if total else 0.0, "frozen": frozen_lines is not None}
