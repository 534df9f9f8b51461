"""Match goals as a projection: the goal rule re-applied to each side's sales, with VAR announcements."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from decimal import Decimal

from flask import Flask, current_app
from sqlalchemy import delete, func, select, update

from leaderboard.domain import league as rules_of_play
from leaderboard.domain.changes import GoalDisallowed, GoalScored, LeagueTableChanged, Ref, Score
from leaderboard.extensions import db
from leaderboard.models.contests import Contest
from leaderboard.models.events import Cancellation, KpiSample, Sale
from leaderboard.models.league import Match, MatchGoal, MatchSide
from leaderboard.models.roster import Agent, Product, Site
from leaderboard.services.contests.counting import CANCELLED_IN_TIME, sales_in_window
from leaderboard.services.contests.rules import confirmed_through, contests_overlapping, counts_sale, rules_of
from leaderboard.services.core.aggregates import add_rows, dialect_insert
from leaderboard.services.core.clock import clawback_window, utcnow
from leaderboard.services.core.projections import rebuilding
from leaderboard.services.core.publishing import Notice
from leaderboard.services.league.setup import capture_fte

LEAGUE = "league"
REASON_CANCELLED = "sale cancelled inside the clawback window"
REASON_RECOUNT = "recount after a late sale or a rules change"
SIDE_KEY = ("match_id", "site_id")
GOAL_LISTENERS = "leaderboard.goal_listeners"
SCORED, DISALLOWED = "scored", "disallowed"


def counted_sales(contest: Contest, match: Match, site: Site) -> list[tuple[Sale, Decimal]]:
    """The site's sales that count in this match window, with their contest points."""
    rules = rules_of(contest)
    sales = db.session.scalars(sales_in_window(match.starts_at, match.ends_at, [site.id]))
    confirmed_until = None if rules.count_pending else confirmed_through()
    out = []
    for sale in sales:
        if not counts_sale(contest, rules, sale, {site.id}, confirmed_until, clawback_window()):
            continue
        points = rules.sale_points(sale.product.code, sale.points, sale.quantity)
        if points is not None:
            out.append((sale, points))
    return out


def shoot_out_tally(contest: Contest, match: Match, site: Site) -> tuple[int, datetime | None]:
    """How many of the site's sales count in the match and when the first was: what `counted_sales` gives,
    counted by one aggregate query (a cup reads it for level ties at every picture of its bracket)."""
    rules = rules_of(contest)
    start, end = max(match.starts_at, contest.starts_at), min(match.ends_at, contest.ends_at)
    statement = (sales_in_window(start, end, [site.id])
                 .with_only_columns(func.count(Sale.id), func.min(Sale.occurred_at)).order_by(None))
    if rules.include_products is not None:
        statement = statement.join(Product, Product.id == Sale.product_id).where(
            Product.code.in_(rules.include_products))
    if rules.kinds is not None:
        statement = statement.where(Sale.kind.in_(rules.kinds))
    if not rules.count_pending:
        confirmed_until = confirmed_through()
        if confirmed_until is None:
            return 0, None
        statement = statement.where(Sale.occurred_at <= confirmed_until - clawback_window())
    count, first = db.session.execute(statement).one()
    return int(count or 0), first


def side_goals(contest: Contest, site: Site, fte: Decimal,
               counted: list[tuple[Sale, Decimal]]) -> list[rules_of_play.Goal]:
    inputs = [rules_of_play.SaleInput(sale.id, sale.agent.key, sale.occurred_at, points) for sale, points in counted]
    if fte <= 0:
        return []
    return rules_of_play.goals_for_site(inputs, fte, Decimal(contest.derived["points_per_goal"]), site=site.key)


def latest_counted_at(contest: Contest, match: Match) -> datetime | None:
    """When the last sale that counts in the match happened: one aggregate query, not a window load."""
    statement = (sales_in_window(match.starts_at, match.ends_at, [match.home_site_id, match.away_site_id])
                 .with_only_columns(func.max(Sale.occurred_at)).order_by(None))
    included = rules_of(contest).include_products
    if included is not None:
        statement = statement.join(Product, Product.id == Sale.product_id).where(Product.code.in_(included))
    return db.session.scalar(statement)


def sides_with_fte(match: Match) -> tuple[tuple[Site, Decimal], tuple[Site, Decimal]] | None:
    """(home, its FTE) and (away, its FTE); None before the window opens (both FTEs are taken together)."""
    if match.home_fte is None or match.away_fte is None:
        return None
    return (match.home, match.home_fte), (match.away, match.away_fte)


def score(match: Match) -> dict[str, int]:
    goals = dict(db.session.execute(select(MatchGoal.site_id, func.count()).where(
        MatchGoal.match_id == match.id, MatchGoal.disallowed_at.is_(None)).group_by(MatchGoal.site_id)).all())
    return {"home": goals.get(match.home_site_id, 0), "away": goals.get(match.away_site_id, 0)}


def score_of(match: Match) -> Score:
    return Score(**score(match))


def sync_match(contest: Contest, match: Match, now: datetime | None = None) -> list[Notice]:
    """Make the announced goals equal what the rule gives on the current log; announce the difference."""
    now = now or utcnow()
    capture_fte(contest, match, now)
    sides = sides_with_fte(match)
    if sides is None:
        return []
    current: list[rules_of_play.Goal] = []
    # A cup tie re-paired by a correction leaves no total behind for the side that left.
    db.session.execute(delete(MatchSide).where(MatchSide.match_id == match.id,
                                               MatchSide.site_id.not_in([match.home_site_id, match.away_site_id])))
    for site, fte in sides:
        counted = counted_sales(contest, match, site)
        side = side_goals(contest, site, Decimal(fte), counted)
        _set_side(match, site, sum((points for _, points in counted), Decimal(0)), len(side))
        current += side
    announced = db.session.scalars(select(MatchGoal).where(MatchGoal.match_id == match.id))
    rows: dict[rules_of_play.GoalIdentity, MatchGoal] = {(g.site.key, g.sale_id, g.nth): g for g in announced}
    standing = {identity for identity, row in rows.items() if row.disallowed_at is None}
    new, disallowed = rules_of_play.diff_goals(standing, current)
    agents = {a.key: a for a in db.session.scalars(select(Agent).where(Agent.key.in_({g.agent for g in new})))}
    sites = {match.home.key: match.home, match.away.key: match.away}
    cancelled = set(db.session.scalars(select(Cancellation.sale_id).where(
        Cancellation.sale_id.in_({i[1] for i in disallowed}), CANCELLED_IN_TIME)))
    changes: list[tuple[str, MatchGoal]] = []
    for identity in sorted(disallowed, key=lambda i: rows[i].at):
        row = rows[identity]
        row.disallowed_at = now
        row.reason = REASON_CANCELLED if row.sale_id in cancelled else REASON_RECOUNT
        changes.append((DISALLOWED, row))
    for goal in sorted(new, key=lambda g: (g.at, str(g.sale_id), g.nth)):
        known = rows.get(goal.identity)
        if known is None:
            known = MatchGoal(match_id=match.id, site=sites[goal.site], sale_id=goal.sale_id, nth=goal.nth,
                              agent=agents[goal.agent], at=goal.at, announced_at=now)
            db.session.add(known)
        else:  # an identity produced again after a recount is reinstated
            known.disallowed_at, known.reason = None, None
        changes.append((SCORED, known))
    return _notices(contest, match, changes, now)


def _goal_notice(event: str, contest: Contest, match: Match, row: MatchGoal, current: Score) -> Notice:
    agent = Ref(row.agent.key, row.agent.name)
    minute = rules_of_play.match_minute(row.at, match.starts_at, match.ends_at)
    if event == DISALLOWED:
        return GoalDisallowed(contest_id=contest.id, match=match.id, site=row.site.key, agent=agent,
                              sale=row.sale_id, minute=minute, score=current, home=match.home.key,
                              away=match.away.key, reason=row.reason or "")
    return GoalScored(contest_id=contest.id, match=match.id, site=row.site.key, agent=agent, sale=row.sale_id,
                      minute=minute, score=current, home=match.home.key, away=match.away.key)


def matches_touching(contest: Contest, sales: Iterable[Sale]) -> list[Match]:
    site_ids = {s.agent.site_id for s in sales}
    instants = [s.occurred_at for s in sales]
    if not instants:
        return []
    found = db.session.scalars(select(Match).where(
        Match.contest_id == contest.id, Match.starts_at <= max(instants), Match.ends_at > min(instants)))
    return [m for m in found if {m.home_site_id, m.away_site_id} & site_ids
            and any(m.starts_at <= t < m.ends_at for t in instants)]


def recount_after_rebuild(contest: Contest, match: Match) -> None:
    """Totals from the log. Goals already announced stay as they are when the log gives each side as many:
    live goals go to the sale that arrived as the total crossed the line, which a replay in time order may
    name differently, and a rebuild must not stage a VAR storm for that."""
    sides = sides_with_fte(match)
    if sides is None:
        return
    totals = []
    for site, fte in sides:
        counted = counted_sales(contest, match, site)
        goals = len(side_goals(contest, site, Decimal(fte), counted))
        standing = db.session.scalar(select(func.count()).select_from(MatchGoal).where(
            MatchGoal.match_id == match.id, MatchGoal.site_id == site.id, MatchGoal.disallowed_at.is_(None)))
        if standing != goals:
            sync_match(contest, match)  # the count itself changed: recount and announce the difference
            return
        totals.append((site, sum((points for _, points in counted), Decimal(0)), goals))
    for site, points, goals in totals:
        _set_side(match, site, points, goals)


def _set_side(match: Match, site: Site, points: Decimal, goals: int) -> None:
    if not points and not goals:  # as a rebuild of a side with no counted sale: no row
        db.session.execute(delete(MatchSide).where(MatchSide.match_id == match.id, MatchSide.site_id == site.id))
        return
    row = {"match_id": match.id, "site_id": site.id, "points": points, "goals": goals}
    db.session.execute(dialect_insert(MatchSide).values(row).on_conflict_do_update(
        index_elements=SIDE_KEY, set_={"points": points, "goals": goals}))


def _points_per_goal(contest: Contest) -> Decimal:
    return Decimal(contest.derived["points_per_goal"])


def _counted_by_side(contest: Contest, match: Match, sales: Sequence[Sale]) -> dict[int, list[tuple[Sale, Decimal]]]:
    rules = rules_of(contest)
    confirmed_until = None if rules.count_pending else confirmed_through()
    sides: dict[int, list[tuple[Sale, Decimal]]] = {match.home_site_id: [], match.away_site_id: []}
    for sale in sorted(sales, key=lambda s: (s.occurred_at, s.id)):
        site_id = sale.agent.site_id
        if site_id not in sides or not match.starts_at <= sale.occurred_at < match.ends_at:
            continue
        if not counts_sale(contest, rules, sale, {site_id}, confirmed_until, clawback_window()):
            continue
        points = rules.sale_points(sale.product.code, sale.points, sale.quantity)
        if points is not None:
            sides[site_id].append((sale, points))
    return sides


def add_sales_to_match(contest: Contest, match: Match, sales: Sequence[Sale], now: datetime) -> list[Notice]:
    """Add counted sales to each side's running total; goals follow from the new total alone."""
    if capture_fte(contest, match, now):
        return sync_match(contest, match, now)  # the window just opened: count what it already holds
    sides = sides_with_fte(match)
    if sides is None:
        return []
    changes: list[tuple[str, MatchGoal]] = []
    for site, fte in sides:
        scored = _counted_by_side(contest, match, sales)[site.id]
        if not scored:
            continue
        added = sum((points for _, points in scored), Decimal(0))
        # The upsert locks the side's row: the total it returns includes every committed sale.
        total, goals = add_rows(MatchSide, [{"match_id": match.id, "site_id": site.id, "points": added,
                                             "goals": 0}], SIDE_KEY, ("points",), returning=("points", "goals"))[0]
        if Decimal(fte) <= 0:
            continue
        inputs = [rules_of_play.SaleInput(sale.id, sale.agent.key, sale.occurred_at, points)
                  for sale, points in scored]
        new_goals, now_scored = rules_of_play.goals_on_running_total(
            Decimal(total) - added, goals, inputs, Decimal(fte), _points_per_goal(contest), site=site.key)
        if not new_goals:
            continue
        db.session.execute(update(MatchSide).where(MatchSide.match_id == match.id, MatchSide.site_id == site.id)
                           .values(goals=now_scored).execution_options(synchronize_session=False))
        agents = {s.agent.key: s.agent for s, _ in scored}
        for goal in new_goals:
            changes.append((SCORED, _announce(match, site, goal, agents[goal.agent], now)))
    return _notices(contest, match, changes, now)


def take_back_from_match(contest: Contest, match: Match, sale: Sale, now: datetime) -> list[Notice]:
    """VAR: a clawed-back sale leaves the total; goals above what the total is worth are disallowed,
    the sale's own first, then the latest announced."""
    sides = sides_with_fte(match)
    scored = _counted_by_side(contest, match, [sale])[sale.agent.site_id] if sides is not None else []
    if sides is None or not scored:
        return []
    home, away = sides
    site, fte = home if sale.agent.site_id == match.home_site_id else away
    row = db.session.execute(update(MatchSide).where(MatchSide.match_id == match.id, MatchSide.site_id == site.id)
                             .values(points=MatchSide.points - scored[0][1])
                             .returning(MatchSide.points, MatchSide.goals)
                             .execution_options(synchronize_session=False)).one_or_none()
    if row is None or Decimal(fte) <= 0:
        return []
    allowed = min(row.goals, rules_of_play.goals_allowed(row.points, Decimal(fte), _points_per_goal(contest)))
    if allowed == row.goals:
        return []
    standing = list(db.session.scalars(select(MatchGoal).where(
        MatchGoal.match_id == match.id, MatchGoal.site_id == site.id, MatchGoal.disallowed_at.is_(None))))
    standing.sort(key=lambda g: (g.sale_id == sale.id, g.announced_at, g.at, g.nth), reverse=True)
    changes: list[tuple[str, MatchGoal]] = []
    for goal in standing[:row.goals - allowed]:
        goal.disallowed_at = now
        goal.reason = REASON_CANCELLED if goal.sale_id == sale.id else REASON_RECOUNT
        changes.append((DISALLOWED, goal))
    db.session.execute(update(MatchSide).where(MatchSide.match_id == match.id, MatchSide.site_id == site.id)
                       .values(goals=allowed).execution_options(synchronize_session=False))
    return _notices(contest, match, changes, now)


def _announce(match: Match, site: Site, goal: rules_of_play.Goal, agent: Agent, now: datetime) -> MatchGoal:
    row = db.session.scalar(select(MatchGoal).where(
        MatchGoal.match_id == match.id, MatchGoal.site_id == site.id, MatchGoal.sale_id == str(goal.sale_id),
        MatchGoal.nth == goal.nth))
    if row is None:
        row = MatchGoal(match_id=match.id, site=site, sale_id=str(goal.sale_id), nth=goal.nth, agent=agent,
                        at=goal.at, announced_at=now)
        db.session.add(row)
    else:  # the same goal scored again after a recount is reinstated
        row.disallowed_at, row.reason = None, None
    return row


def _notices(contest: Contest, match: Match, changes: list[tuple[str, MatchGoal]], now: datetime) -> list[Notice]:
    if not changes:
        return []
    db.session.flush()
    current_score = score_of(match)
    notices = [_goal_notice(event, contest, match, row, current_score) for event, row in changes]
    notices.append(LeagueTableChanged(contest.id))
    for listener in current_app.extensions.get(GOAL_LISTENERS, []):
        notices += listener(contest, match, now)
    return notices


def on_goals_changed(app: Flask, listener: Callable[[Contest, Match, datetime], list[Notice]]) -> None:
    """Register a follow-up to any goal change (the cup re-checks a decided tie); runs in the same transaction."""
    app.extensions.setdefault(GOAL_LISTENERS, []).append(listener)


class MatchProjection:
    """Goals follow the log. The announced-goal history is kept across rebuilds: it is what screens
    were told, and re-syncing it against the log is idempotent."""

    def clear(self) -> None:
        db.session.execute(delete(MatchSide))

    def sales_added(self, sales: Sequence[Sale], clawed_back: set[str]) -> list[Notice]:
        if rebuilding():
            return []  # goals are attributed in arrival order: a rebuild recounts each match once at the end
        counted = [s for s in sales if s.id not in clawed_back]
        notices: list[Notice] = []
        for contest, match in self._touched(counted):
            notices += add_sales_to_match(contest, match, counted, utcnow())
        return notices

    def sale_clawed_back(self, sale: Sale) -> list[Notice]:
        notices: list[Notice] = []
        for contest, match in self._touched([sale]):
            notices += take_back_from_match(contest, match, sale, utcnow())
        return notices

    def kpis_added(self, samples: Sequence[KpiSample]) -> list[Notice]:
        return []

    def finish_rebuild(self) -> None:
        for contest in db.session.scalars(select(Contest).where(Contest.kind == LEAGUE,
                                                                Contest.cancelled_at.is_(None))):
            for match in db.session.scalars(select(Match).where(Match.contest_id == contest.id)):
                recount_after_rebuild(contest, match)

    def rescore_contest(self, contest: Contest) -> None:
        if contest.kind != LEAGUE or contest.cancelled_at is not None:
            return
        now = utcnow()
        played = list(db.session.scalars(select(Match).where(Match.contest_id == contest.id)
                                          .order_by(Match.round, Match.slot, Match.id)))
        for match in played:
            sync_match(contest, match, now)
        if played:
            # A launch (or a recount) can decide ties without a goal changing (0–0, a shoot-out on sales):
            # the follow-ups run once, so a cup opens the rounds already due without waiting for a tick.
            for listener in current_app.extensions.get(GOAL_LISTENERS, []):
                listener(contest, played[-1], now)

    def _touched(self, sales: list[Sale]) -> list[tuple[Contest, Match]]:
        if not sales:
            return []
        start = min(s.occurred_at for s in sales)
        end = max(s.occurred_at for s in sales)
        return [(contest, match) for contest in contests_overlapping(start, end) if contest.kind == LEAGUE
                for match in matches_touching(contest, sales)]
