"""Contest standings as a projection of the log: incremental updates and per-contest re-scoring."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select, update

from leaderboard.domain.changes import ProductRef, Ref, SaleCounted, StandingsChanged
from leaderboard.domain.sales import SALE, SAVE
from leaderboard.domain.scoring import ContestRules, agent_score, is_qualified, json_number
from leaderboard.extensions import db
from leaderboard.models.contests import Contest
from leaderboard.models.events import KpiSample, Sale, SaleAssist
from leaderboard.models.projections import ContestKpi, ContestStanding
from leaderboard.models.roster import Agent
from leaderboard.services.contests.counting import not_clawed_back, sales_in_window
from leaderboard.services.contests.credits import (
    ASSIST,
    Credit,
    add_bulk_credit,
    assists_counted,
    assists_of,
    standing_row,
)
from leaderboard.services.contests.rules import (
    confirmed_through,
    contests_overlapping,
    counts_sale,
    kpi_catalogue,
    rules_of,
)
from leaderboard.services.core.aggregates import add_rows, bump_standings_versions
from leaderboard.services.core.bulk_rebuild import CountedIn, LogContext, Rows
from leaderboard.services.core.clock import clawback_window
from leaderboard.services.core.publishing import Notice


def sale_notice(contest_id: int, sale: Sale, points: Decimal) -> Notice:
    return SaleCounted(contest_id=contest_id, sale=sale.id, agent=Ref(sale.agent.key, sale.agent.name),
                       site=Ref(sale.agent.site.key, sale.agent.site.name),
                       product=ProductRef(sale.product.code, sale.product.name, sale.kind), points=json_number(points))


def standings_notice(contest_id: int) -> Notice:
    return StandingsChanged(contest_id)


def kpi_window_days(contest: Contest) -> tuple[date, date]:
    """KPI samples are dated: they count when their date is a local day of the contest window."""
    zone = ZoneInfo(contest.timezone)
    last_instant = contest.ends_at - timedelta(microseconds=1)
    return contest.starts_at.astimezone(zone).date(), last_instant.astimezone(zone).date()


STANDING_KEY = ("contest_id", "agent_id")
COUNTED = ("points", "sales", "saves", "assists")


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
            if take_back_sale(contest, sale):
                notices.append(standings_notice(contest.id))
        return notices

    def rescore_contest(self, contest: Contest) -> None:
        rescore_contest(contest)

    def bulk_part(self, log: LogContext) -> StandingsBulk:
        return StandingsBulk(log)

    def kpis_added(self, samples: Sequence[KpiSample]) -> list[Notice]:
        if not samples:
            return []
        first, last = min(s.day for s in samples), max(s.day for s in samples)
        # Widen by a day each side: the contest's local days may straddle UTC days.
        window_start = datetime.combine(first - timedelta(days=1), time.min, tzinfo=UTC)
        window_end = datetime.combine(last + timedelta(days=2), time.min, tzinfo=UTC)
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
    per_agent: dict[int, list[Credit]] = defaultdict(list)
    notices: list[Notice] = []
    for sale in sales:
        if not counts_sale(contest, rules, sale, site_ids, confirmed_until, clawback):
            continue
        points = rules.sale_points(sale.product.code, sale.points, sale.quantity)
        if points is not None:
            per_agent[sale.agent_id].append(Credit(sale, points, sale.kind))
            notices.append(sale_notice(contest.id, sale, points))
            for agent_id, assist_points in assists_counted(rules, sale, site_ids):
                per_agent[agent_id].append(Credit(sale, assist_points, ASSIST))
    if not per_agent:
        return []
    qualified_without_kpis = is_qualified(rules, {}, kpi_catalogue())
    rows = [standing_row(contest.id, agent_id, credits, qualified_without_kpis)
            for agent_id, credits in per_agent.items()]
    totals = add_rows(ContestStanding, rows, STANDING_KEY, COUNTED, track_latest=True,
                      returning=("agent_id", "points"))
    _set_scores(contest, rules, {agent_id: Decimal(points) for agent_id, points in totals})
    bump_standings_versions([contest.id])
    notices.append(standings_notice(contest.id))
    return notices


def add_kpis_to_contest(contest: Contest, samples: Iterable[KpiSample]) -> bool:
    rules = rules_of(contest)
    used = rules.kpis_used
    if not used:
        return False
    first_day, last_day = kpi_window_days(contest)
    site_ids = {s.id for s in contest.sites}
    counted = [s for s in samples if s.kpi in used and first_day <= s.day <= last_day]
    agent_sites = {row.id: row.site_id for row in db.session.execute(select(Agent.id, Agent.site_id).where(
        Agent.id.in_({s.agent_id for s in counted})))} if counted else {}
    sums: dict[tuple[int, str], list[float]] = defaultdict(list)
    for sample in counted:
        if agent_sites[sample.agent_id] in site_ids:
            sums[(sample.agent_id, sample.kpi)].append(sample.value)
    if not sums:
        return False
    add_rows(ContestKpi, [{"contest_id": contest.id, "agent_id": agent_id, "kpi": kpi, "total": sum(values),
                           "samples": len(values)} for (agent_id, kpi), values in sums.items()],
             ("contest_id", "agent_id", "kpi"), ("total", "samples"))
    # Adding zero locks (or creates) each standing, so the score below is computed from current points.
    zero = is_qualified(rules, {}, kpi_catalogue())
    totals = add_rows(ContestStanding, [{"contest_id": contest.id, "agent_id": agent_id, "points": Decimal(0),
                                         "sales": 0, "saves": 0, "assists": 0, "score": Decimal(0),
                                         "qualified": zero}
                                        for agent_id in {agent_id for agent_id, _ in sums}],
                      STANDING_KEY, COUNTED, returning=("agent_id", "points"))
    _set_scores(contest, rules, {agent_id: Decimal(points) for agent_id, points in totals})
    bump_standings_versions([contest.id])
    return True


def take_back_sale(contest: Contest, sale: Sale) -> bool:
    """Remove a clawed-back sale from one contest, from its seller and every credited assist; only a
    person's 'reached' sale may need the log."""
    rules = rules_of(contest)
    confirmed_until = None if rules.count_pending else confirmed_through()
    site_ids = {s.id for s in contest.sites}
    points = rules.sale_points(sale.product.code, sale.points, sale.quantity)
    if points is None or not counts_sale(contest, rules, sale, site_ids, confirmed_until, clawback_window()):
        return False
    # In agent id order, like the upserts: concurrent writers lock standings in one order.
    credits = sorted([(sale.agent_id, Credit(sale, points, sale.kind))]
                     + [(agent_id, Credit(sale, p, ASSIST)) for agent_id, p in assists_counted(rules, sale, site_ids)],
                     key=lambda pair: pair[0])
    taken = False
    for agent_id, credit in credits:
        taken = _take_back_credit(contest, rules, agent_id, credit, confirmed_until) or taken
    if taken:
        bump_standings_versions([contest.id])
    return taken


def _take_back_credit(contest: Contest, rules: ContestRules, agent_id: int, credit: Credit,
                      confirmed_until: datetime | None) -> bool:
    key = (ContestStanding.contest_id == contest.id) & (ContestStanding.agent_id == agent_id)
    counter = {SALE: ContestStanding.sales, SAVE: ContestStanding.saves, ASSIST: ContestStanding.assists}[credit.role]
    row = db.session.execute(update(ContestStanding).where(key).values(
        {ContestStanding.points: ContestStanding.points - credit.points, counter: counter - 1})
        .returning(ContestStanding.points, ContestStanding.sales, ContestStanding.saves, ContestStanding.assists,
                   ContestStanding.reached_sale_id)
        .execution_options(synchronize_session=False)).one_or_none()
    if row is None:
        return False
    has_kpis = db.session.scalar(select(ContestKpi.agent_id).where(
        ContestKpi.contest_id == contest.id, ContestKpi.agent_id == agent_id).limit(1)) is not None
    if row.sales + row.saves + row.assists <= 0 and not has_kpis:
        db.session.execute(delete(ContestStanding).where(key).execution_options(synchronize_session=False))
    else:
        if row.reached_sale_id == credit.sale.id:
            latest = _latest_counted(contest, rules, agent_id, confirmed_until)
            db.session.execute(update(ContestStanding).where(key).values(
                reached_at=latest.occurred_at if latest else None, reached_sale_id=latest.id if latest else None)
                .execution_options(synchronize_session=False))
        _set_scores(contest, rules, {agent_id: Decimal(row.points)})
    return True


def _latest_counted(contest: Contest, rules: ContestRules, agent_id: int,
                    confirmed_until: datetime | None) -> Sale | None:
    """The person's newest sale that still counts here, as seller or (when the contest credits assists)
    as an assisting colleague."""
    site_ids = {s.id for s in contest.sites}
    credited = Sale.agent_id == agent_id
    if rules.assists:
        credited = credited | Sale.id.in_(select(SaleAssist.sale_id).where(SaleAssist.agent_id == agent_id))
    newest_first = db.session.scalars(select(Sale).where(
        credited, Sale.occurred_at >= contest.starts_at, Sale.occurred_at < contest.ends_at,
        not_clawed_back()).order_by(Sale.occurred_at.desc(), Sale.id.desc()).execution_options(yield_per=50))
    for sale in newest_first:
        if rules.sale_points(sale.product.code, sale.points, sale.quantity) is None or not counts_sale(
                contest, rules, sale, site_ids, confirmed_until, clawback_window()):
            continue
        if sale.agent_id == agent_id or any(a == agent_id for a, _ in assists_counted(rules, sale, site_ids)):
            return sale
    return None


def kpi_means(contest_id: int, agent_id: int) -> dict[str, float]:
    return _kpi_means(contest_id, {agent_id}).get(agent_id, {})


def _kpi_means(contest_id: int, agent_ids: set[int]) -> dict[int, dict[str, float]]:
    means: dict[int, dict[str, float]] = defaultdict(dict)
    for row in db.session.execute(select(ContestKpi.agent_id, ContestKpi.kpi, ContestKpi.total, ContestKpi.samples)
                                  .where(ContestKpi.contest_id == contest_id, ContestKpi.agent_id.in_(agent_ids))):
        if row.samples:
            means[row.agent_id][row.kpi] = row.total / row.samples
    return means


def _set_scores(contest: Contest, rules: ContestRules, points: dict[int, Decimal]) -> None:
    """Score and gate from the locked rows' points and the KPI means (the formula is the domain's)."""
    if not points:
        return
    catalogue = kpi_catalogue()
    means = _kpi_means(contest.id, set(points)) if rules.kpis_used else {}
    values = []
    for agent_id in sorted(points):
        score, qualified = score_and_gate(rules, points[agent_id], means.get(agent_id, {}), catalogue)
        values.append({"contest_id": contest.id, "agent_id": agent_id, "score": score, "qualified": qualified})
    db.session.execute(update(ContestStanding), values, execution_options={"synchronize_session": False})


def score_and_gate(rules: ContestRules, points: Decimal, means: dict[str, float],
                   catalogue: dict[str, bool]) -> tuple[Decimal, bool]:
    """A standing's score and quality gate (the domain's formula), for the incremental and the bulk path."""
    score, _ = agent_score(rules, points, means, catalogue)
    return score, is_qualified(rules, means, catalogue)


def rescore_contest(contest: Contest, chunk_size: int = 20_000) -> None:
    """Rebuild one contest from the log: after launch (backfill) and after a rules change."""
    db.session.execute(delete(ContestStanding).where(ContestStanding.contest_id == contest.id))
    db.session.execute(delete(ContestKpi).where(ContestKpi.contest_id == contest.id))
    db.session.flush()
    if contest.cancelled_at is not None:
        return
    site_ids = [s.id for s in contest.sites]
    statement = sales_in_window(contest.starts_at, contest.ends_at, site_ids)
    last: tuple[datetime, str] | None = None
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
    bump_standings_versions([contest.id])


class StandingsBulk:
    """The bulk rebuild's share: every contest's standings and KPI totals summed over the whole log, then
    scored once per standing with `score_and_gate`, from the same totals the incremental path would store."""

    def __init__(self, log: LogContext) -> None:
        self.log = log
        # contest id -> agent id -> [points, sales, saves, assists, (reached_at, reached_sale_id)]
        self.standings: dict[int, dict[int, list[Any]]] = {c.id: {} for c in log.contests}
        self.with_assists = any(c.rules.assists for c in log.contests)
        # contest id -> (agent id, kpi) -> values in the order recorded
        self.kpis: dict[int, dict[tuple[int, str], list[float]]] = {c.id: {} for c in log.contests}

    def add_sales(self, sales: Sequence[Any], counted: Sequence[Any]) -> None:
        assisted = assists_of([s.id for s in counted]) if self.with_assists else {}
        for contest in self.log.contests:
            standings, points_of, rules = self.standings[contest.id], contest.points, contest.rules
            for sale in contest.among(counted):
                points = points_of(sale)
                if points is None:
                    continue
                reached = (sale.occurred_at, sale.id)
                add_bulk_credit(standings, sale.agent_id, points, 1 if sale.kind == SAVE else 0, reached)
                for agent_id, site_id, base in assisted.get(sale.id, ()) if rules.assists else ():
                    assist_points = rules.assist_points(sale.product_code, base, sale.quantity)
                    if assist_points is not None and site_id in contest.site_ids:
                        add_bulk_credit(standings, agent_id, assist_points, 2, reached)

    def add_kpis(self, samples: Sequence[Any]) -> None:
        for contest in self.log.contests:
            used = contest.rules.kpis_used
            if not used:
                continue
            first_day, last_day = kpi_window_days(contest.contest)
            sums = self.kpis[contest.id]
            for sample in samples:
                if sample.kpi in used and first_day <= sample.day <= last_day and sample.site_id in contest.site_ids:
                    sums.setdefault((sample.agent_id, sample.kpi), []).append(sample.value)

    def rows(self) -> list[Rows]:
        standings: list[dict[str, Any]] = []
        kpis: list[dict[str, Any]] = []
        for contest in self.log.contests:
            sums = {key: sum(values) for key, values in self.kpis[contest.id].items()}
            kpis += [{"contest_id": contest.id, "agent_id": agent_id, "kpi": kpi, "total": total,
                      "samples": len(self.kpis[contest.id][(agent_id, kpi)])}
                     for (agent_id, kpi), total in sorted(sums.items())]
            standings += self._standings(contest, sums)
        return [Rows(ContestStanding, len(standings), standings), Rows(ContestKpi, len(kpis), kpis)]

    def _standings(self, contest: CountedIn, sums: dict[tuple[int, str], float]) -> list[dict[str, Any]]:
        means: dict[int, dict[str, float]] = defaultdict(dict)
        for (agent_id, kpi), total in sums.items():
            means[agent_id][kpi] = total / len(self.kpis[contest.id][(agent_id, kpi)])
        counted = self.standings[contest.id]
        rows = []
        for agent_id in sorted(set(counted) | set(means)):
            points, sales, saves, assists, reached = counted.get(agent_id, (Decimal(0), 0, 0, 0, (None, None)))
            score, qualified = score_and_gate(contest.rules, points, means.get(agent_id, {}), self.log.catalogue)
            rows.append({"contest_id": contest.id, "agent_id": agent_id, "points": points, "sales": sales,
                         "saves": saves, "assists": assists, "score": score, "qualified": qualified,
                         "reached_at": reached[0], "reached_sale_id": reached[1]})
        return rows

