"""Contest standings as a projection of the log: incremental updates and per-contest re-scoring."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Iterable, Optional, Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select, update

from leaderboard.domain.scoring import ContestRules, agent_score, is_qualified, json_number
from leaderboard.extensions import db
from leaderboard.models.contests import Contest
from leaderboard.models.events import Cancellation, KpiSample, Sale
from leaderboard.models.projections import ContestKpi, ContestStanding
from leaderboard.models.roster import Agent
from leaderboard.services.clock import clawback_window
from leaderboard.services.contest_rules import (confirmed_through, contests_overlapping, counts_sale, kpi_catalogue,
                                                rules_of)
from leaderboard.services.publishing import Notice


def sale_notice(contest_id: int, sale: Sale, points: Decimal) -> Notice:
    return {"event": "sale", "topic": f"contest:{contest_id}", "sale": sale.id,
            "agent": {"key": sale.agent.key, "name": sale.agent.name},
            "site": {"key": sale.agent.site.key, "name": sale.agent.site.name},
            "product": {"code": sale.product.code, "name": sale.product.name}, "points": json_number(points)}


def standings_notice(contest_id: int) -> Notice:
    return {"event": "standings", "topic": f"contest:{contest_id}"}


def kpi_window_days(contest: Contest) -> tuple[date, date]:
    """KPI samples are dated: they count when their date is a local day of the contest window."""
    zone = ZoneInfo(contest.timezone)
    last_instant = contest.ends_at - timedelta(microseconds=1)
    return contest.starts_at.astimezone(zone).date(), last_instant.astimezone(zone).date()


class ContestProjection:
    """Keeps ContestStanding and ContestKpi in step with the log for every open contest."""

    def clear(self) -> None:
        db.session.execute(delete(ContestStanding))
        db.session.execute(delete(ContestKpi))
        db.session.execute(update(Contest).values(standings_version=Contest.standings_version + 1))

    def sales_added(self, sales: Sequence[Sale], clawed_back: set[str]) -> list[Notice]:
        counted = [s for s in sales if s.id not in clawed_back]
        if not counted:
            return []
        notices: list[Notice] = []
        start = min(s.occurred_at for s in counted)
        end = max(s.occurred_at for s in counted)
        for contest in contests_overlapping(start, end):
            notices += add_sales_to_contest(contest, counted)
        return notices

    def sale_clawed_back(self, sale: Sale) -> list[Notice]:
        notices: list[Notice] = []
        for contest in contests_overlapping(sale.occurred_at, sale.occurred_at):
            if sale.agent.site_id in {s.id for s in contest.sites}:
                recompute_agent(contest, sale.agent_id)
                notices.append(standings_notice(contest.id))
        return notices

    def rescore_contest(self, contest: Contest) -> None:
        rescore_contest(contest)

    def kpis_added(self, samples: Sequence[KpiSample]) -> list[Notice]:
        if not samples:
            return []
        first, last = min(s.day for s in samples), max(s.day for s in samples)
        # Widen by a day each side: the contest's local days may straddle UTC days.
        window_start = datetime.combine(first - timedelta(days=1), time.min, tzinfo=timezone.utc)
        window_end = datetime.combine(last + timedelta(days=2), time.min, tzinfo=timezone.utc)
        notices: list[Notice] = []
        for contest in contests_overlapping(window_start, window_end):
            if add_kpis_to_contest(contest, samples):
                notices.append(standings_notice(contest.id))
        return notices


def add_sales_to_contest(contest: Contest, sales: Iterable[Sale]) -> list[Notice]:
    rules = rules_of(contest)
    site_ids = {s.id for s in contest.sites}
    confirmed_until = None if rules.count_pending else confirmed_through()
    clawback = clawback_window()
    per_agent: dict[int, list[tuple[Sale, Decimal]]] = defaultdict(list)
    for sale in sales:
        if not counts_sale(contest, rules, sale, site_ids, confirmed_until, clawback):
            continue
        points = rules.sale_points(sale.product.code, sale.points, sale.quantity)
        if points is not None:
            per_agent[sale.agent_id].append((sale, points))
    if not per_agent:
        return []
    notices: list[Notice] = []
    standings = _standings(contest.id, set(per_agent))
    for agent_id, scored in per_agent.items():
        standing = standings[agent_id]
        standing.points += sum(p for _, p in scored)
        standing.sales += len(scored)
        latest = max((s for s, _ in scored), key=lambda s: (s.occurred_at, s.id))
        if standing.reached_at is None or (latest.occurred_at, latest.id) > (standing.reached_at,
                                                                             standing.reached_sale_id):
            standing.reached_at, standing.reached_sale_id = latest.occurred_at, latest.id
        _rescore(contest, rules, standing)
        notices += [sale_notice(contest.id, sale, points) for sale, points in scored]
    contest.standings_version += 1
    notices.append(standings_notice(contest.id))
    return notices


def add_kpis_to_contest(contest: Contest, samples: Iterable[KpiSample]) -> bool:
    rules = rules_of(contest)
    used = rules.kpis_used
    if not used:
        return False
    first_day, last_day = kpi_window_days(contest)
    site_ids = {s.id for s in contest.sites}
    agents = {}
    changed = set()
    for sample in samples:
        if sample.kpi not in used or not first_day <= sample.day <= last_day:
            continue
        if sample.agent_id not in agents:
            agents[sample.agent_id] = db.session.get(Agent, sample.agent_id)
        if agents[sample.agent_id].site_id not in site_ids:
            continue
        row = db.session.get(ContestKpi, (contest.id, sample.agent_id, sample.kpi))
        if row is None:
            row = ContestKpi(contest_id=contest.id, agent_id=sample.agent_id, kpi=sample.kpi, total=0.0, samples=0)
            db.session.add(row)
        row.total += sample.value
        row.samples += 1
        changed.add(sample.agent_id)
    for agent_id in changed:
        _rescore(contest, rules, _standing(contest.id, agent_id))
    if changed:
        contest.standings_version += 1
    return bool(changed)


def recompute_agent(contest: Contest, agent_id: int) -> None:
    """Re-derive one agent's standing from the log (after a clawback), never a contest-wide scan."""
    rules = rules_of(contest)
    clawed = select(Cancellation.sale_id).where(Cancellation.late.is_(False))
    sales = db.session.scalars(select(Sale).where(
        Sale.agent_id == agent_id, Sale.occurred_at >= contest.starts_at, Sale.occurred_at < contest.ends_at,
        Sale.id.not_in(clawed)))
    site_ids = {s.id for s in contest.sites}
    confirmed_until = None if rules.count_pending else confirmed_through()
    standing = _standing(contest.id, agent_id)
    standing.points, standing.sales = Decimal(0), 0
    standing.reached_at = standing.reached_sale_id = None
    for sale in sales:
        points = rules.sale_points(sale.product.code, sale.points, sale.quantity)
        if points is None or not counts_sale(contest, rules, sale, site_ids, confirmed_until, clawback_window()):
            continue
        standing.points += points
        standing.sales += 1
        if standing.reached_at is None or (sale.occurred_at, sale.id) > (standing.reached_at,
                                                                         standing.reached_sale_id):
            standing.reached_at, standing.reached_sale_id = sale.occurred_at, sale.id
    _rescore(contest, rules, standing)
    contest.standings_version += 1


def kpi_means(contest_id: int, agent_id: int) -> dict[str, float]:
    rows = db.session.scalars(select(ContestKpi).where(ContestKpi.contest_id == contest_id,
                                                       ContestKpi.agent_id == agent_id))
    return {row.kpi: row.total / row.samples for row in rows if row.samples}


def _standings(contest_id: int, agent_ids: set[int]) -> dict[int, ContestStanding]:
    """Standings of these agents in one query; new zero rows for agents not yet on the board."""
    found = {s.agent_id: s for s in db.session.scalars(select(ContestStanding).where(
        ContestStanding.contest_id == contest_id, ContestStanding.agent_id.in_(agent_ids)))}
    for agent_id in agent_ids - set(found):
        found[agent_id] = ContestStanding(contest_id=contest_id, agent_id=agent_id, points=Decimal(0), sales=0,
                                          score=Decimal(0), qualified=True)
        db.session.add(found[agent_id])
    return found


def _standing(contest_id: int, agent_id: int) -> ContestStanding:
    standing = db.session.get(ContestStanding, (contest_id, agent_id))
    if standing is None:
        standing = ContestStanding(contest_id=contest_id, agent_id=agent_id, points=Decimal(0), sales=0,
                                   score=Decimal(0), qualified=True)
        db.session.add(standing)
    return standing


def _rescore(contest: Contest, rules: ContestRules, standing: ContestStanding) -> None:
    catalogue = kpi_catalogue()
    means = kpi_means(contest.id, standing.agent_id) if rules.kpis_used else {}
    standing.score, _ = agent_score(rules, Decimal(standing.points), means, catalogue)
    standing.qualified = is_qualified(rules, means, catalogue)


def rescore_contest(contest: Contest, chunk_size: int = 20_000) -> None:
    """Rebuild one contest from the log: after launch (backfill) and after a rules change."""
    db.session.execute(delete(ContestStanding).where(ContestStanding.contest_id == contest.id))
    db.session.execute(delete(ContestKpi).where(ContestKpi.contest_id == contest.id))
    db.session.flush()
    if contest.cancelled_at is not None:
        return
    site_ids = [s.id for s in contest.sites]
    clawed = select(Cancellation.sale_id).where(Cancellation.late.is_(False))
    statement = (select(Sale).join(Agent, Sale.agent_id == Agent.id)
                 .where(Sale.occurred_at >= contest.starts_at, Sale.occurred_at < contest.ends_at,
                        Agent.site_id.in_(site_ids), Sale.id.not_in(clawed))
                 .order_by(Sale.occurred_at, Sale.id))
    last: Optional[tuple[datetime, str]] = None
    while True:
        page = statement if last is None else statement.where(
            (Sale.occurred_at > last[0]) | ((Sale.occurred_at == last[0]) & (Sale.id > last[1])))
        chunk = list(db.session.scalars(page.limit(chunk_size)))
        if not chunk:
            break
        add_sales_to_contest(contest, chunk)
        last = (chunk[-1].occurred_at, chunk[-1].id)
    first_day, last_day = kpi_window_days(contest)
    samples = list(db.session.scalars(select(KpiSample).join(Agent, KpiSample.agent_id == Agent.id).where(
        KpiSample.day >= first_day, KpiSample.day <= last_day, Agent.site_id.in_(site_ids))))
    add_kpis_to_contest(contest, samples)
    contest.standings_version += 1
