"""Match goals as a projection: the goal rule re-applied to each side's sales, with VAR announcements."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Iterable, Optional, Sequence

from sqlalchemy import select

from leaderboard.domain import league as rules_of_play
from leaderboard.extensions import db
from leaderboard.models.contests import Contest
from leaderboard.models.events import Cancellation, KpiSample, Sale
from leaderboard.models.league import Match, MatchGoal
from leaderboard.models.roster import Agent, Site
from leaderboard.services.clock import clawback_window, utcnow
from leaderboard.services.contest_rules import confirmed_through, contests_overlapping, counts_sale, rules_of
from leaderboard.services.league_setup import capture_fte
from leaderboard.services.publishing import Notice

LEAGUE = "league"
REASON_CANCELLED = "sale cancelled inside the clawback window"
REASON_RECOUNT = "recount after a late sale or a rules change"


def counted_sales(contest: Contest, match: Match, site: Site) -> list[tuple[Sale, Decimal]]:
    """The site's sales that count in this match window, with their contest points."""
    rules = rules_of(contest)
    clawed = select(Cancellation.sale_id).where(Cancellation.late.is_(False))
    sales = db.session.scalars(select(Sale).join(Agent, Sale.agent_id == Agent.id).where(
        Agent.site_id == site.id, Sale.occurred_at >= match.starts_at, Sale.occurred_at < match.ends_at,
        Sale.id.not_in(clawed)).order_by(Sale.occurred_at, Sale.id))
    confirmed_until = None if rules.count_pending else confirmed_through()
    out = []
    for sale in sales:
        if not counts_sale(contest, rules, sale, {site.id}, confirmed_until, clawback_window()):
            continue
        points = rules.sale_points(sale.product.code, sale.points, sale.quantity)
        if points is not None:
            out.append((sale, points))
    return out


def side_goals(contest: Contest, match: Match, site: Site, fte: Decimal) -> list[rules_of_play.Goal]:
    inputs = [rules_of_play.SaleInput(sale.id, sale.agent.key, sale.occurred_at, points)
              for sale, points in counted_sales(contest, match, site)]
    if fte <= 0:
        return []
    return rules_of_play.goals_for_site(inputs, fte, Decimal(contest.derived["points_per_goal"]), site=site.key)


def score(match: Match) -> dict[str, int]:
    standing = db.session.scalars(select(MatchGoal).where(MatchGoal.match_id == match.id,
                                                          MatchGoal.disallowed_at.is_(None))).all()
    return {"home": sum(1 for g in standing if g.site_id == match.home_site_id),
            "away": sum(1 for g in standing if g.site_id == match.away_site_id)}


def sync_match(contest: Contest, match: Match, now: Optional[datetime] = None) -> list[Notice]:
    """Make the announced goals equal what the rule gives on the current log; announce the difference."""
    now = now or utcnow()
    capture_fte(contest, match, now)
    if match.home_fte is None:
        return []
    current: list[rules_of_play.Goal] = []
    for site, fte in ((match.home, match.home_fte), (match.away, match.away_fte)):
        current += side_goals(contest, match, site, Decimal(fte))
    rows = {(g.site.key, g.sale_id, g.nth): g for g in db.session.scalars(
        select(MatchGoal).where(MatchGoal.match_id == match.id))}
    standing = {identity for identity, row in rows.items() if row.disallowed_at is None}
    new, disallowed = rules_of_play.diff_goals(standing, current)
    agents = {a.key: a for a in db.session.scalars(select(Agent).where(Agent.key.in_({g.agent for g in new})))}
    sites = {match.home.key: match.home, match.away.key: match.away}
    cancelled = set(db.session.scalars(select(Cancellation.sale_id).where(
        Cancellation.sale_id.in_({i[1] for i in disallowed}), Cancellation.late.is_(False))))
    changes: list[tuple[str, MatchGoal]] = []
    for identity in sorted(disallowed, key=lambda i: rows[i].at):
        row = rows[identity]
        row.disallowed_at = now
        row.reason = REASON_CANCELLED if row.sale_id in cancelled else REASON_RECOUNT
        changes.append(("match.disallowed", row))
    for goal in sorted(new, key=lambda g: (g.at, str(g.sale_id), g.nth)):
        row = rows.get(goal.identity)
        if row is None:
            row = MatchGoal(match_id=match.id, site=sites[goal.site], sale_id=goal.sale_id, nth=goal.nth,
                            agent=agents[goal.agent], at=goal.at, announced_at=now)
            db.session.add(row)
        else:  # an identity produced again after a recount is reinstated
            row.disallowed_at, row.reason = None, None
        changes.append(("match.goal", row))
    if not changes:
        return []
    db.session.flush()
    current_score = score(match)
    notices = [_goal_notice(event, contest, match, row, current_score) for event, row in changes]
    notices.append({"event": "league.table", "topic": f"contest:{contest.id}"})
    return notices


def _goal_notice(event: str, contest: Contest, match: Match, row: MatchGoal, current: dict) -> Notice:
    notice: dict[str, Any] = {
        "event": event, "topic": f"contest:{contest.id}", "match": match.id, "site": row.site.key,
        "agent": {"key": row.agent.key, "name": row.agent.name}, "sale": row.sale_id,
        "minute": rules_of_play.match_minute(row.at, match.starts_at, match.ends_at),
        "score": current, "home": match.home.key, "away": match.away.key}
    if event == "match.disallowed":
        notice["reason"] = row.reason
    return notice


def matches_touching(contest: Contest, sales: Iterable[Sale]) -> list[Match]:
    site_ids = {s.agent.site_id for s in sales}
    instants = [s.occurred_at for s in sales]
    if not instants:
        return []
    found = db.session.scalars(select(Match).where(
        Match.contest_id == contest.id, Match.starts_at <= max(instants), Match.ends_at > min(instants)))
    return [m for m in found if {m.home_site_id, m.away_site_id} & site_ids
            and any(m.starts_at <= t < m.ends_at for t in instants)]


class MatchProjection:
    """Goals follow the log. The announced-goal history is kept across rebuilds: it is what screens
    were told, and re-syncing it against the log is idempotent."""

    def clear(self) -> None:
        return None

    def sales_added(self, sales: Sequence[Sale], clawed_back: set[str]) -> list[Notice]:
        counted = [s for s in sales if s.id not in clawed_back]
        return self._sync(counted)

    def sale_clawed_back(self, sale: Sale) -> list[Notice]:
        return self._sync([sale])

    def kpis_added(self, samples: Sequence[KpiSample]) -> list[Notice]:
        return []

    def rescore_contest(self, contest: Contest) -> None:
        if contest.kind == LEAGUE and contest.cancelled_at is None:
            for match in db.session.scalars(select(Match).where(Match.contest_id == contest.id)):
                sync_match(contest, match)

    def _sync(self, sales: list[Sale]) -> list[Notice]:
        if not sales:
            return []
        notices: list[Notice] = []
        start = min(s.occurred_at for s in sales)
        end = max(s.occurred_at for s in sales)
        for contest in contests_overlapping(start, end):
            if contest.kind == LEAGUE:
                for match in matches_touching(contest, sales):
                    notices += sync_match(contest, match)
        return notices
