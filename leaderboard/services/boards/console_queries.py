"""Read-only queries for the team leads' console: roster lists, sales log, audit log and CSV rows.

Nothing here writes. Every query is limited to what the principal may manage: admins see every
site, leads only theirs (Principal.can_manage_site / site_ids), other roles nothing.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import String, and_, cast, false, func, or_, select, true
from sqlalchemy.sql.elements import ColumnElement

from leaderboard.domain.scoring import json_number
from leaderboard.extensions import db
from leaderboard.models.audit import AuditEntry
from leaderboard.models.auth import AgentLink
from leaderboard.models.contests import Contest, contest_site
from leaderboard.models.events import Cancellation, Sale
from leaderboard.models.roster import Agent, Product, Site, Team
from leaderboard.services.access.auth import Principal
from leaderboard.services.boards.standings import contest_agent_entries, group_entries
from leaderboard.services.contests.rules import rules_of
from leaderboard.services.core.clock import clawback_window, utcnow
from leaderboard.services.earnings.bonuses import safe_cell
from leaderboard.services.roster.queries import names_by_key

PER_PAGE = 50
SALE_STATUSES = ("pending", "confirmed", "cancelled", "late-cancelled")
AGENT_CSV_COLUMNS = ["key", "name", "site", "team", "fte"]
STANDINGS_CSV_COLUMNS = ["rank", "key", "name", "points", "sales", "qualified"]


def _site_ids(actor: Principal) -> frozenset[int] | None:
    """None when every site is visible, else the visible site ids (possibly none)."""
    if actor.role == "admin":
        return None
    if actor.role == "lead":
        return actor.site_ids or frozenset()
    return frozenset()


def _in_sites(actor: Principal, column: Any) -> ColumnElement[bool]:
    ids = _site_ids(actor)
    if ids is None:
        return true()
    return column.in_(sorted(ids)) if ids else false()


def visible_sites(actor: Principal) -> list[Site]:
    return list(db.session.scalars(select(Site).where(_in_sites(actor, Site.id)).order_by(Site.key)))


def visible_teams(actor: Principal) -> list[Team]:
    return list(db.session.scalars(select(Team).where(_in_sites(actor, Team.site_id)).order_by(Team.key)))


def visible_agents(actor: Principal) -> list[Agent]:
    return list(db.session.scalars(select(Agent).where(_in_sites(actor, Agent.site_id)).order_by(Agent.key)))


def fte_text(agent: Agent) -> str:
    return format(agent.fte.normalize(), "f")


def agents_csv(actor: Principal) -> str:
    """The visible agents as the import format (key,name,site,team,fte), formula-safe."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(AGENT_CSV_COLUMNS)
    for agent in visible_agents(actor):
        writer.writerow([safe_cell(v) for v in (agent.key, agent.name, agent.site.key,
                                                 agent.team.key if agent.team else "", fte_text(agent))])
    return out.getvalue()


def agent_links(agent_id: int) -> list[AgentLink]:
    return list(db.session.scalars(select(AgentLink).where(AgentLink.agent_id == agent_id)
                                   .order_by(AgentLink.created_at.desc(), AgentLink.id.desc())))


def sale_exists(sale_id: str) -> bool:
    """Whether a sale with this id has been received (whatever its site)."""
    return db.session.get(Sale, sale_id) is not None


@dataclass
class Page:
    items: list[Any]
    total: int
    number: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _page(statement: Any, count_statement: Any, number: int, per_page: int) -> Page:
    total = db.session.scalar(count_statement) or 0
    number = min(max(1, number), max(1, -(-total // per_page)))
    rows = db.session.execute(statement.limit(per_page).offset((number - 1) * per_page)).unique().all()
    return Page([tuple(row) if len(row) > 1 else row[0] for row in rows], total, number, per_page)


@dataclass
class SaleQuery:
    site: str | None = None
    agent: str | None = None
    product: str | None = None
    status: str | None = None
    date_from: date | None = None  # inclusive, a day in the view's time zone
    date_to: date | None = None  # inclusive
    timezone: str = "UTC"  # the one time zone the log is read in


def view_timezone(actor: Principal) -> str:
    """The time zone a lead reads the sales log in unless they choose another: their first site's (by key).
    Admins, and leads without a site, read it in UTC."""
    if actor.role != "lead":
        return "UTC"
    sites = visible_sites(actor)
    return sites[0].timezone if sites else "UTC"


def _sale_conditions(actor: Principal, query: SaleQuery, now: datetime) -> list[ColumnElement[bool]]:
    sites = [s for s in visible_sites(actor) if query.site in (None, s.key)]
    where: list[ColumnElement[bool]] = [Agent.site_id.in_([s.id for s in sites]) if sites else false()]
    zone = ZoneInfo(query.timezone)
    if query.date_from is not None:
        where.append(Sale.occurred_at >= datetime.combine(query.date_from, time(), zone))
    if query.date_to is not None:
        where.append(Sale.occurred_at < datetime.combine(query.date_to + timedelta(days=1), time(), zone))
    if query.agent:
        where.append(Agent.key == query.agent)
    if query.product:
        where.append(Product.code == query.product)
    clawed = and_(Cancellation.id.is_not(None), Cancellation.late.is_(False))
    kept = or_(Cancellation.id.is_(None), Cancellation.late.is_(None), Cancellation.late.is_(True))
    cutoff = now - clawback_window()
    if query.status == "cancelled":
        where.append(clawed)
    elif query.status == "late-cancelled":
        where.append(Cancellation.late.is_(True))
    elif query.status == "pending":
        where += [kept, Sale.occurred_at > cutoff]
    elif query.status == "confirmed":
        where += [kept, Sale.occurred_at <= cutoff]
    return where


def search_sales(actor: Principal, query: SaleQuery, number: int = 1, per_page: int = PER_PAGE,
                 now: datetime | None = None) -> Page:
    """Sales of the actor's sites, newest instant first (occurred_at in UTC, then id); items are
    (Sale, Cancellation or None)."""
    where = _sale_conditions(actor, query, now or utcnow())

    def joined(statement: Any) -> Any:
        return (statement.select_from(Sale).join(Agent, Sale.agent_id == Agent.id)
                .join(Product, Sale.product_id == Product.id)
                .outerjoin(Cancellation, Cancellation.sale_id == Sale.id).where(*where))

    rows = joined(select(Sale, Cancellation)).order_by(Sale.occurred_at.desc(), Sale.id.desc())
    return _page(rows, joined(select(func.count(Sale.id))), number, per_page)


@dataclass
class AuditQuery:
    actor: str | None = None
    action: str | None = None
    object_type: str | None = None
    object_key: str | None = None
    date_from: date | None = None  # inclusive, a day in the view's time zone
    date_to: date | None = None  # inclusive
    timezone: str = "UTC"


def _audit_scope(actor: Principal) -> ColumnElement[bool]:
    """Entries about objects of the actor's sites: the site itself, its teams and agents (as they
    are now), cancellations of its sales and contests that include it."""
    ids = _site_ids(actor)
    if ids is None:
        return true()
    if not ids:
        return false()
    ids_list = sorted(ids)
    kinds = {
        "site": select(Site.key).where(Site.id.in_(ids_list)),
        "team": select(Team.key).where(Team.site_id.in_(ids_list)),
        "agent": select(Agent.key).where(Agent.site_id.in_(ids_list)),
        "sale": select(Sale.id).join(Agent, Sale.agent_id == Agent.id).where(Agent.site_id.in_(ids_list)),
        "contest": select(cast(contest_site.c.contest_id, String)).where(contest_site.c.site_id.in_(ids_list)),
    }
    return or_(*[and_(AuditEntry.object_type == kind, AuditEntry.object_key.in_(keys))
                 for kind, keys in kinds.items()])


def audit_object_types(actor: Principal) -> list[str]:
    types = db.session.scalars(select(AuditEntry.object_type).where(_audit_scope(actor)).distinct())
    return sorted(types)


def audit_actions(actor: Principal) -> list[str]:
    """The actions recorded about objects the actor may see (for the action filter)."""
    return sorted(db.session.scalars(select(AuditEntry.action).where(_audit_scope(actor)).distinct()))


def search_audit(actor: Principal, query: AuditQuery, number: int = 1, per_page: int = PER_PAGE) -> Page:
    """Audit entries the actor may see, newest first."""
    where = [_audit_scope(actor)]
    if query.actor:
        where.append(func.lower(AuditEntry.actor) == query.actor.strip().lower())
    if query.action:
        where.append(AuditEntry.action == query.action)
    if query.object_type:
        where.append(AuditEntry.object_type == query.object_type)
    if query.object_key:
        where.append(AuditEntry.object_key == query.object_key.strip())
    zone = ZoneInfo(query.timezone)
    if query.date_from:
        where.append(AuditEntry.at >= datetime.combine(query.date_from, time(), zone))
    if query.date_to:
        where.append(AuditEntry.at < datetime.combine(query.date_to + timedelta(days=1), time(), zone))
    rows = select(AuditEntry).where(*where).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    return _page(rows, select(func.count(AuditEntry.id)).where(*where), number, per_page)


def standings_rows(contest: Contest, by: str) -> list[list[str]]:
    """Every row of a contest's board (agent, team or site), as CSV cells."""
    entries = contest_agent_entries(contest)
    if by != "agent":
        names = names_by_key(by)
        entries = group_entries(entries, by, rules_of(contest).normalize == "fte", names)
    return [[str(e.rank), e.key, e.name, str(json_number(e.score)), str(e.sales),
             "true" if e.qualified or by != "agent" else "false"] for e in entries]


def standings_csv(contest: Contest, by: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(STANDINGS_CSV_COLUMNS)
    for row in standings_rows(contest, by):
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()

