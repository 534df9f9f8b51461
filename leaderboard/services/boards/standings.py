"""Reading boards: contest standings (agent, team, site) and calendar boards, from projections only."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import and_, func, or_, select

from leaderboard.domain.periods import period_bounds
from leaderboard.domain.ranking import BoardEntry, rank_entries, window_around
from leaderboard.domain.scoring import agent_score, json_number
from leaderboard.extensions import db
from leaderboard.models.audit import AuditEntry
from leaderboard.models.contests import Contest
from leaderboard.models.projections import AgentDay, ContestStanding
from leaderboard.models.roster import Agent, Site, Team
from leaderboard.services.contests.consent import consenting_agents
from leaderboard.services.contests.projection import kpi_means
from leaderboard.services.contests.rules import kpi_catalogue, rules_of
from leaderboard.services.core.clock import utcnow
from leaderboard.services.core.errors import FieldError, InvalidInput

SCOPES = ("agent", "team", "site")
CACHE_KEY = "leaderboard.board_cache"


def _cache() -> dict:
    return current_app.extensions.setdefault(CACHE_KEY, {})


def forget_board(contest_id: int) -> None:
    """Drop this process's cached board of the contest (a rolled-back preview's id may be handed out again)."""
    _cache().pop(contest_id, None)


def contest_agent_entries(contest: Contest) -> list[BoardEntry]:
    """Ranked agent board, cached per process. The key is the contest's standings version plus the
    latest audit entry, since every roster change (name, team, FTE, active) is audited."""
    version = (db.session.scalar(select(Contest.standings_version).where(Contest.id == contest.id)),
               db.session.scalar(select(func.max(AuditEntry.id))))
    cached = _cache().get(contest.id)
    if cached and cached[0] == version:
        return cached[1]
    site_ids = [s.id for s in contest.sites]
    # Plain columns, not ORM objects: this runs after every write on a board of thousands of agents.
    standing = ContestStanding
    rows = db.session.execute(
        select(Agent.id, Agent.key, Agent.name, Agent.fte, Agent.active, Site.key, Team.key, standing.score,
               standing.sales, standing.reached_at, standing.reached_sale_id, standing.qualified, standing.points,
               standing.saves, standing.assists, Agent.sells)
        .join(Site, Agent.site_id == Site.id).outerjoin(Team, Agent.team_id == Team.id)
        .outerjoin(standing, (standing.agent_id == Agent.id) & (standing.contest_id == contest.id))
        # Sellers in the roster; anyone (inactive, or outside sales) once something of theirs counts here.
        .where(Agent.site_id.in_(site_ids),
               or_(and_(Agent.active.is_(True), Agent.sells.is_(True)),
                   standing.sales > 0, standing.saves > 0, standing.assists > 0),
               *([Agent.id.in_(consenting_agents(contest.id))] if rules_of(contest).opt_in else []))).all()
    unscored_qualified = rules_of(contest).gate is None
    entries = [
        BoardEntry(key=key, name=name, score=Decimal(score) if score is not None else Decimal(0),
                   sales=sales or 0, saves=saves or 0, assists=assists or 0, reached_at=reached_at,
                   reached_sale_id=reached_sale,
                   qualified=qualified if qualified is not None else unscored_qualified,
                   breakdown={"agent_id": agent_id, "site": site_key, "team": team_key, "fte": fte, "active": active,
                              "points": Decimal(points) if points is not None else Decimal(0), "sells": sells})
        for (agent_id, key, name, fte, active, site_key, team_key, score, sales, reached_at, reached_sale,
             qualified, points, saves, assists, sells) in rows]
    ranked = rank_entries(entries)
    _cache()[contest.id] = (version, ranked)
    return ranked


def group_entries(agent_entries: list[BoardEntry], by: str, normalize: bool,
                  names: dict[str, str]) -> list[BoardEntry]:
    """Team or site board: sum members' points; with FTE normalisation divide by the active sellers' FTE
    (a colleague outside sales adds assist points to the group, not selling time)."""
    groups: dict[str, list[BoardEntry]] = defaultdict(list)
    for entry in agent_entries:
        key = entry.breakdown[by]
        if key is not None:
            groups[key].append(entry)
    out = []
    for key, members in groups.items():
        total = sum((m.score for m in members), Decimal(0))
        fte = sum((Decimal(m.breakdown["fte"]) for m in members
                   if m.breakdown["active"] and m.breakdown.get("sells", True)), Decimal(0))
        score = total / fte if normalize and fte > 0 else total
        scorers = [m for m in members if m.reached_at is not None]
        latest = max(scorers, key=lambda m: (m.reached_at, m.reached_sale_id or "")) if scorers else None
        out.append(BoardEntry(key=key, name=names.get(key, key), score=score, sales=sum(m.sales for m in members),
                              saves=sum(m.saves for m in members), assists=sum(m.assists for m in members),
                              reached_at=latest.reached_at if latest else None,
                              reached_sale_id=latest.reached_sale_id if latest else None,
                              breakdown={"agents": len(members), "fte": json_number(fte),
                                         "total_points": json_number(total), "normalized": normalize}))
    return rank_entries(out)


def page(entries: list[BoardEntry], limit: int, around: str | None) -> list[BoardEntry]:
    if around is None:
        return entries[:limit]
    index = next((i for i, e in enumerate(entries) if e.key == around), None)
    if index is None:
        raise InvalidInput("not on this board", [_error("around", f"{around!r} is not on this board")])
    start, stop = window_around(len(entries), index, limit)
    return entries[start:stop]


def _check_query(by: str, limit: int) -> None:
    if by not in SCOPES:
        raise InvalidInput("bad query", [_error("by", f"must be one of {', '.join(SCOPES)}")])
    if not 1 <= limit <= 500:
        raise InvalidInput("bad query", [_error("limit", "must be from 1 to 500")])


def _error(field: str, message: str) -> FieldError:
    return FieldError(field, message)


def contest_standings(contest: Contest, by: str = "agent", limit: int = 50,
                      around: str | None = None) -> dict[str, Any]:
    _check_query(by, limit)
    entries = contest_agent_entries(contest)
    rules = rules_of(contest)
    if by == "agent":
        rows = [_agent_row(contest, e) for e in page(entries, limit, around)]
    else:
        grouped = group_entries(entries, by, rules.normalize == "fte", _group_names(by))
        rows = [_group_row(e) for e in page(grouped, limit, _group_of(entries, by, around))]
    return {"contest": contest.id, "by": by, "as_of": utcnow().isoformat(), "rows": rows}


def screen_rows(contest: Contest, by: str, limit: int) -> list[dict[str, Any]]:
    """A board as TVs draw it: the rows of `contest_standings` without the score breakdown, which screens
    never show and which costs a KPI read per row; pushed to every TV at every change."""
    _check_query(by, limit)
    entries = contest_agent_entries(contest)
    if by == "agent":
        return [{"rank": e.rank, "key": e.key, "name": e.name, "points": json_number(e.score), "sales": e.sales,
                 "saves": e.saves, "assists": e.assists, "qualified": e.qualified, "site": e.breakdown["site"],
                 "team": e.breakdown["team"]}
                for e in entries[:limit]]
    grouped = group_entries(entries, by, rules_of(contest).normalize == "fte", _group_names(by))
    return [{**_group_row(e), "breakdown": {}} for e in grouped[:limit]]


def _group_of(entries: list[BoardEntry], by: str, around: str | None) -> str | None:
    """`around` names an agent; on a team or site board it means that agent's group."""
    if around is None:
        return None
    for entry in entries:
        if entry.key == around:
            return entry.breakdown[by]
    raise InvalidInput("not on this board", [_error("around", f"{around!r} is not on this board")])


def _group_names(by: str) -> dict[str, str]:
    from_model = Site if by == "site" else Team
    return dict(db.session.execute(select(from_model.key, from_model.name)).all())


def _agent_row(contest: Contest, entry: BoardEntry) -> dict[str, Any]:
    rules = rules_of(contest)
    means = kpi_means(contest.id, entry.breakdown["agent_id"]) if rules.kpis_used else {}
    _, terms = agent_score(rules, entry.breakdown["points"], means, kpi_catalogue())
    breakdown: dict[str, Any] = {
        "sales_points": json_number(terms["sales_points"]),
        "sales_weight": json_number(terms["sales_weight"]),
        "kpis": {name: {"actual": t["actual"], "target": json_number(t["target"]),
                        "weight": json_number(t["weight"]), "attainment": json_number(t["attainment"]),
                        "points": json_number(t["points"])} for name, t in terms["kpis"].items()},
    }
    if rules.gate is not None:
        breakdown["gate"] = {"kpi": rules.gate.kpi, "min": json_number(rules.gate.minimum),
                             "actual": means.get(rules.gate.kpi)}
    return {"rank": entry.rank, "key": entry.key, "name": entry.name, "points": json_number(entry.score),
            "sales": entry.sales, "saves": entry.saves, "assists": entry.assists, "qualified": entry.qualified,
            "site": entry.breakdown["site"], "team": entry.breakdown["team"], "breakdown": breakdown}


def _group_row(entry: BoardEntry) -> dict[str, Any]:
    return {"rank": entry.rank, "key": entry.key, "name": entry.name, "points": json_number(entry.score),
            "sales": entry.sales, "saves": entry.saves, "assists": entry.assists, "qualified": True,
            "breakdown": entry.breakdown}


def calendar_standings(by: str, period: str, site_key: str | None = None, limit: int = 50,
                       around: str | None = None, now: datetime | None = None,
                       site_ids: frozenset[int] | None = None) -> dict[str, Any]:
    """Today / ISO week / month boards, each site's period taken in its own timezone;
    `site_ids` narrows them to the sites the reader may see (None: every site)."""
    _check_query(by, limit)
    if period not in ("today", "week", "month"):
        raise InvalidInput("bad query", [_error("period", "must be today, week or month")])
    now = now or utcnow()
    sites = [s for s in db.session.scalars(select(Site).order_by(Site.key)) if site_ids is None or s.id in site_ids]
    if site_key is not None:
        sites = [s for s in sites if s.key == site_key]
        if not sites:
            raise InvalidInput("bad query", [_error("site", f"unknown site {site_key!r}")])
    entries: list[BoardEntry] = []
    starts, ends = [], []
    for site in sites:
        first, stop, start, end = period_bounds(period, now, site.timezone)
        starts.append(start)
        ends.append(end)
        entries += _site_period_entries(site, first, stop)
    ranked = rank_entries(entries)
    if by == "agent":
        rows = [_calendar_agent_row(e) for e in page(ranked, limit, around)]
    else:
        grouped = group_entries(ranked, by, False, _group_names(by))
        rows = [_group_row(e) for e in page(grouped, limit, _group_of(ranked, by, around))]
    return {"by": by, "period": period, "site": site_key, "as_of": now.isoformat(),
            "from": min(starts).isoformat() if starts else None, "to": max(ends).isoformat() if ends else None,
            "rows": rows}


def _site_period_entries(site: Site, first, stop) -> list[BoardEntry]:
    totals: dict[int, list] = {}
    for day in db.session.scalars(select(AgentDay).join(Agent, AgentDay.agent_id == Agent.id).where(
            Agent.site_id == site.id, AgentDay.day >= first, AgentDay.day < stop)):
        total = totals.setdefault(day.agent_id, [0, 0, None, None, 0])
        total[0] += day.points
        total[1] += day.sales
        total[4] += day.saves
        if total[2] is None or (day.reached_at, day.reached_sale_id) > (total[2], total[3]):
            total[2], total[3] = day.reached_at, day.reached_sale_id
    agents = db.session.scalars(select(Agent).where(Agent.site_id == site.id, or_(
        and_(Agent.active.is_(True), Agent.sells.is_(True)), Agent.id.in_(totals))))
    entries = []
    for agent in agents:
        points, sales, reached_at, reached_sale, saves = totals.get(agent.id, [0, 0, None, None, 0])
        entries.append(BoardEntry(key=agent.key, name=agent.name, score=Decimal(points), sales=sales, saves=saves,
                                  reached_at=reached_at, reached_sale_id=reached_sale,
                                  breakdown={"site": site.key, "team": agent.team.key if agent.team else None,
                                             "fte": agent.fte, "active": agent.active}))
    return entries


def _calendar_agent_row(entry: BoardEntry) -> dict[str, Any]:
    return {"rank": entry.rank, "key": entry.key, "name": entry.name, "points": json_number(entry.score),
            "sales": entry.sales, "saves": entry.saves, "qualified": True, "site": entry.breakdown["site"],
            "team": entry.breakdown["team"], "breakdown": {"sales_points": json_number(entry.score)}}
