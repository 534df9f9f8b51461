"""Planning a league or cup at launch: rules defaults, fixtures, windows, FTE snapshots, auto points."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from leaderboard.domain import league as rules_of_play
from leaderboard.extensions import db
from leaderboard.models.contests import Contest
from leaderboard.models.league import Match
from leaderboard.models.projections import AgentDay
from leaderboard.models.roster import Agent, Site
from leaderboard.schemas import LATEST
from leaderboard.services.core.errors import FieldError

DEFAULT_RULES: dict[str, Any] = {"format": "league", "legs": 1, "match_length": "P1D", "points_per_goal": "auto",
                                 "normalize": "fte", "match_points": {"win": 3, "draw": 1, "loss": 0}}
AUTO_HISTORY_DAYS = 28


@dataclass
class LeaguePlan:
    rules: dict[str, Any]
    ends_at: datetime | None = None
    windows: list[tuple[datetime, datetime]] = field(default_factory=list)
    fixtures: list[list[rules_of_play.Fixture]] = field(default_factory=list)
    first_cup_round: rules_of_play.CupRound | None = None
    derived: dict[str, Any] = field(default_factory=dict)
    errors: list[FieldError] = field(default_factory=list)


def plan(rules: dict[str, Any], sites: list[Site], starts_at: datetime, tz: str,
         ends_at: datetime | None, now: datetime) -> LeaguePlan:
    """Fill rule defaults, validate, and derive fixtures and windows (sites in seeding order)."""
    merged = {**DEFAULT_RULES, **rules}
    result = LeaguePlan(rules=merged)
    result.errors = [FieldError(path, message) for path, message in
                     rules_of_play.validate_league_rules(merged, len(sites))]
    if result.errors:
        return result
    keys = [s.key for s in sites]
    length = rules_of_play.parse_match_length(merged["match_length"])
    if merged["format"] == "league":
        result.fixtures = rules_of_play.league_fixtures(keys, merged["legs"])
        rounds = len(result.fixtures)
    else:
        result.first_cup_round = rules_of_play.cup_bracket(keys)
        rounds = rules_of_play.cup_round_count(len(keys))
    # Local days differ from 24 h only by a DST shift, so a schedule more than a day past LATEST
    # is refused before it is computed: a long one would overflow datetime arithmetic.
    if timedelta(days=length * rounds) > LATEST - starts_at + timedelta(days=1):
        result.errors.append(_too_late())
        return result
    result.windows = rules_of_play.match_windows(starts_at, tz, length, rounds)
    result.ends_at = result.windows[-1][1]
    if result.ends_at >= LATEST:
        result.errors.append(_too_late())
    if ends_at is not None and ends_at != result.ends_at:
        result.errors.append(FieldError("ends_at", f"contradicts the fixtures: {rounds} rounds of "
                                                   f"{merged['match_length']} end at {result.ends_at.isoformat()}; "
                                                   "leave it out or send that value"))
    points = merged["points_per_goal"]
    auto = points == "auto"
    chosen = auto_points_per_goal(sites, now) if auto else Decimal(str(points))
    result.derived = {"points_per_goal": str(chosen), "auto": auto, "seeds": keys, "rounds": rounds}
    return result


def _too_late() -> FieldError:
    return FieldError("rules.match_length", f"the fixtures would end after {LATEST.date().isoformat()}")


def auto_points_per_goal(sites: list[Site], now: datetime) -> Decimal:
    """From the last 28 days of per-FTE points per site per day, so a typical site scores 2–3 goals."""
    since = (now - timedelta(days=AUTO_HISTORY_DAYS)).date()
    per_day: dict[tuple[int, Any], int] = defaultdict(int)
    rows = db.session.execute(select(Agent.site_id, AgentDay.day, func.sum(AgentDay.points))
                              .join(Agent, AgentDay.agent_id == Agent.id)
                              .where(AgentDay.day >= since, AgentDay.day < now.date(),
                                     Agent.site_id.in_([s.id for s in sites]))
                              .group_by(Agent.site_id, AgentDay.day))
    for site_id, day, points in rows:
        per_day[(site_id, day)] += int(points or 0)
    fte = {s.id: site_fte(s.id) for s in sites}
    values = [Decimal(points) / fte[site_id] for (site_id, _), points in per_day.items() if fte[site_id] > 0]
    return rules_of_play.auto_points_per_goal(values)


def site_fte(site_id: int) -> Decimal:
    total = db.session.scalar(select(func.sum(Agent.fte)).where(Agent.site_id == site_id, Agent.active.is_(True)))
    return Decimal(total or 0)


def create_matches(contest: Contest, league_plan: LeaguePlan, now: datetime) -> None:
    sites = {s.key: s for s in contest.sites}
    if league_plan.first_cup_round is None:
        for index, fixtures in enumerate(league_plan.fixtures):
            start, end = league_plan.windows[index]
            for slot, fixture in enumerate(fixtures):
                add_match(contest, fixture.round, slot, sites[fixture.home], sites[fixture.away], start, end, now)
        return
    start, end = league_plan.windows[0]
    for slot, cup_slot in enumerate(league_plan.first_cup_round.slots):
        if cup_slot.away is not None:
            add_match(contest, 1, slot, sites[cup_slot.home], sites[cup_slot.away], start, end, now)


def add_match(contest: Contest, round_number: int, slot: int, home: Site, away: Site, start: datetime,
               end: datetime, now: datetime) -> Match:
    match = Match(contest_id=contest.id, round=round_number, slot=slot, home=home, away=away, starts_at=start,
                  ends_at=end, announced_status="scheduled")
    db.session.add(match)
    capture_fte(contest, match, now)
    return match


def capture_fte(contest: Contest, match: Match, now: datetime) -> bool:
    """Take H for both sides once the window is open (or at launch for windows already open)."""
    if match.home_fte is not None or now < match.starts_at:
        return False
    normalize = contest.rules.get("normalize", "fte") == "fte"
    match.home_fte = site_fte(match.home.id) if normalize else Decimal(1)
    match.away_fte = site_fte(match.away.id) if normalize else Decimal(1)
    return True


FIXED_AFTER_LAUNCH = ("format", "legs", "match_length", "normalize")


def frozen_rule_changes(contest: Contest, rules: dict[str, Any] | None,
                        ends_at: datetime | None) -> list[FieldError]:
    """Fixtures, windows and FTE snapshots are fixed at launch; points and products may change."""
    errors = []
    if ends_at is not None and ends_at != contest.ends_at:
        errors.append(FieldError("ends_at", "follows from the fixtures of a league and cannot change"))
    if rules is not None:
        merged = {**DEFAULT_RULES, **rules}
        for key in FIXED_AFTER_LAUNCH:
            if merged.get(key) != contest.rules.get(key):
                errors.append(FieldError(f"rules.{key}", "is fixed once the league has been launched"))
        errors += [FieldError(path, message) for path, message in
                   rules_of_play.validate_league_rules(merged, len(contest.sites))]
    return errors


def replan_points(contest: Contest, rules: dict[str, Any], now: datetime) -> tuple[dict[str, Any], dict[str, Any]]:
    merged = {**DEFAULT_RULES, **rules}
    derived = dict(contest.derived)
    auto = merged["points_per_goal"] == "auto"
    chosen = auto_points_per_goal(list(contest.sites), now) if auto else Decimal(str(merged["points_per_goal"]))
    derived.update(points_per_goal=str(chosen), auto=auto)
    return merged, derived
