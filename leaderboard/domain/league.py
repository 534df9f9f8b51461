"""Virtual soccer between sites: goals from sales, VAR, match clock/status and the table.

Scheduling (windows, fixtures, cup) lives in `fixtures` and is re-exported here.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction
from typing import TypeGuard

from leaderboard.domain.fixtures import (  # noqa: F401  (re-exported for callers)
    CupMatchResult,
    CupRound,
    CupSlot,
    Fixture,
    byes,
    cup_bracket,
    cup_round_count,
    cup_winner,
    cup_winners,
    league_end,
    league_fixtures,
    league_round_count,
    match_windows,
    next_cup_round,
    parse_match_length,
)

Number = int | float | Decimal
GoalIdentity = tuple[str, Hashable, int]

FORMATS = ("league", "cup")
NORMALIZE_MODES = ("fte", "none")
# Used when there is no positive history to calibrate "auto" from.
DEFAULT_POINTS_PER_GOAL = Decimal(10)


def _exact(value: Number) -> Fraction:
    # Floats go through their shortest repr so 0.1 means one tenth, not 0.1000000000000000055.
    if isinstance(value, float):
        return Fraction(Decimal(repr(value)))
    return Fraction(value)


# --- Goals and VAR -------------------------------------------------------------


@dataclass(frozen=True)
class SaleInput:
    """A counted sale of one site inside the match window."""

    sale_id: Hashable
    agent: str
    occurred_at: datetime
    points: Number


@dataclass(frozen=True)
class Goal:
    """A goal; (site, sale_id, nth) identifies it within a match."""

    site: str
    sale_id: Hashable
    nth: int
    agent: str
    at: datetime

    @property
    def identity(self) -> GoalIdentity:
        return (self.site, self.sale_id, self.nth)


def goals_for_site(
    sales: Iterable[SaleInput], fte: Number, points_per_goal: Number, *, site: str = ""
) -> list[Goal]:
    """Goals scored by a site: one each time floor(P(t) / fte / points_per_goal) goes up.

    Pass fte=1 when the contest does not normalise. Exact rational arithmetic is used so
    a goal lands on exactly the sale that reaches the threshold.
    """
    ordered = sorted(sales, key=lambda s: (s.occurred_at, s.sale_id))
    return goals_on_running_total(0, 0, ordered, fte, points_per_goal, site=site)[0]


def goals_on_running_total(
    points_before: Number, scored_before: int, sales: Iterable[SaleInput], fte: Number,
    points_per_goal: Number, *, site: str = ""
) -> tuple[list[Goal], int]:
    """The goals these sales score on top of a side's running total, in the order given, and the
    new count of goals scored. Constant work per sale, whatever the match already holds."""
    h, ppg = _exact(fte), _exact(points_per_goal)
    if h <= 0:
        raise ValueError("fte must be positive")
    if ppg <= 0:
        raise ValueError("points_per_goal must be positive")
    goals: list[Goal] = []
    cumulative = _exact(points_before)
    scored = scored_before
    for sale in sales:
        cumulative += _exact(sale.points)
        # A negative adjustment lowers P but never takes back a goal already scored;
        # later sales have to climb back above the old mark first.
        reached = math.floor(cumulative / h / ppg)
        for nth in range(1, reached - scored + 1):
            goals.append(Goal(site, sale.sale_id, nth, sale.agent, sale.occurred_at))
        scored = max(scored, reached)
    return goals, scored


def goals_allowed(points: Number, fte: Number, points_per_goal: Number) -> int:
    """How many goals a side's total is worth once a sale is taken back (VAR)."""
    return max(0, math.floor(_exact(points) / _exact(fte) / _exact(points_per_goal)))


def diff_goals(
    announced: set[GoalIdentity], current: Iterable[Goal]
) -> tuple[list[Goal], set[GoalIdentity]]:
    """(goals not yet announced, announced identities the current log no longer produces)."""
    current = list(current)
    new_goals = [goal for goal in current if goal.identity not in announced]
    disallowed = set(announced) - {goal.identity for goal in current}
    return new_goals, disallowed


# --- Clock and status ----------------------------------------------------------


class MatchStatus(StrEnum):
    SCHEDULED = "scheduled"
    LIVE = "live"
    PROVISIONAL = "provisional"
    FINAL = "final"


COUNTED_STATUSES = frozenset({MatchStatus.PROVISIONAL, MatchStatus.FINAL})


def match_minute(now: datetime, start: datetime, end: datetime) -> int:
    """Minute 0..90 of a match played over [start, end): floor(90 * elapsed / length)."""
    if end <= start:
        raise ValueError("end must be after start")
    if now <= start:
        return 0
    if now >= end:
        return 90
    # Integer microseconds keep the floor exact on long windows.
    elapsed = (now - start) // timedelta(microseconds=1)
    length = (end - start) // timedelta(microseconds=1)
    return 90 * elapsed // length


def match_status(
    now: datetime,
    start: datetime,
    end: datetime,
    latest_counted_sale_at: datetime | None,
    clawback: timedelta,
) -> MatchStatus:
    """Scheduled before start, live in the window, then provisional until the
    latest counted sale is past its clawback period, then final."""
    if now < start:
        return MatchStatus.SCHEDULED
    if now < end:
        return MatchStatus.LIVE
    if latest_counted_sale_at is not None and now < latest_counted_sale_at + clawback:
        return MatchStatus.PROVISIONAL
    return MatchStatus.FINAL


# --- Table ---------------------------------------------------------------------


@dataclass(frozen=True)
class MatchResult:
    home: str
    away: str
    home_goals: int
    away_goals: int
    status: str


@dataclass
class TableRow:
    site: str
    rank: int = 0
    played: int = 0
    won: int = 0
    drawn: int = 0
    lost: int = 0
    goals_for: int = 0
    goals_against: int = 0
    goal_difference: int = 0
    points: Number = 0

    def as_dict(self) -> dict:
        return asdict(self)


def _tally(
    site_keys: Sequence[str], results: Sequence[MatchResult], match_points: Mapping
) -> dict[str, TableRow]:
    rows = {key: TableRow(key) for key in site_keys}
    win, draw, loss = match_points["win"], match_points["draw"], match_points["loss"]
    for r in results:
        sides = ((r.home, r.home_goals, r.away_goals), (r.away, r.away_goals, r.home_goals))
        for site, scored, conceded in sides:
            row = rows[site]
            row.played += 1
            row.goals_for += scored
            row.goals_against += conceded
            row.goal_difference = row.goals_for - row.goals_against
            if scored > conceded:
                row.won += 1
                row.points += win
            elif scored == conceded:
                row.drawn += 1
                row.points += draw
            else:
                row.lost += 1
                row.points += loss
    return rows


def league_table(
    site_keys: Sequence[str], results: Iterable[MatchResult], match_points: Mapping
) -> list[TableRow]:
    """Standings from provisional and final matches (live and scheduled ones are ignored).

    Order: points, goal difference, goals for, head-to-head points within exactly the
    tied group, then site key.
    """
    counted = [r for r in results if r.status in COUNTED_STATUSES]
    for r in counted:
        if r.home not in site_keys or r.away not in site_keys:
            raise ValueError(f"result {r.home} v {r.away} names a site outside the league")
    rows = _tally(site_keys, counted, match_points)

    def primary(row: TableRow) -> tuple:
        return (-row.points, -row.goal_difference, -row.goals_for)

    ordered = sorted(rows.values(), key=primary)
    table: list[TableRow] = []
    i = 0
    while i < len(ordered):
        j = i
        while j < len(ordered) and primary(ordered[j]) == primary(ordered[i]):
            j += 1
        group = ordered[i:j]
        if len(group) > 1:
            tied = {row.site for row in group}
            among = [r for r in counted if r.home in tied and r.away in tied]
            mini = _tally(sorted(tied), among, match_points)
            group.sort(key=lambda row: (-mini[row.site].points, row.site))
        table.extend(group)
        i = j
    for rank, row in enumerate(table, start=1):
        row.rank = rank
    return table


# --- Rules ---------------------------------------------------------------------


def auto_points_per_goal(daily_points_per_fte: Sequence[Number]) -> Decimal:
    """Points per goal so a median site-day scores about 2.5 goals, to 2 significant digits.

    Non-positive site-days (closed days, no trading) are ignored so they do not drag the
    typical day to zero; with no positive history DEFAULT_POINTS_PER_GOAL (10) is used.
    """
    # repr() keeps a float such as 123.4 from turning into 123.400000000000005684...
    decimals = (
        Decimal(repr(v)) if isinstance(v, float) else Decimal(v) for v in daily_points_per_fte
    )
    values = sorted(d for d in decimals if d.is_finite() and d > 0)
    if not values:
        return DEFAULT_POINTS_PER_GOAL
    mid = len(values) // 2
    median = values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2
    raw = median / Decimal("2.5")
    nice = raw.quantize(Decimal(1).scaleb(raw.adjusted() - 1), rounding=ROUND_HALF_UP)
    # Integral values come back as plain integers ("490", not "4.9E+2") for display.
    return Decimal(int(nice)) if nice == nice.to_integral_value() else nice


def _is_number(value: object) -> TypeGuard[Number]:
    # bool is an int subclass, but `true` in a JSON form is not a number of points.
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return False
    return value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)


def validate_league_rules(rules: Mapping, site_count: int) -> list[tuple[str, str]]:
    """(field path, message) for each problem in league/cup rules; empty when valid."""
    errors: list[tuple[str, str]] = []
    if site_count < 2:
        errors.append(("sites", "Choose at least 2 sites."))
    fmt = rules.get("format")
    if fmt not in FORMATS:
        errors.append(("rules.format", "Format must be 'league' or 'cup'."))
    if fmt == "league" or "legs" in rules:
        legs = rules.get("legs")
        if isinstance(legs, bool) or legs not in (1, 2):
            errors.append(("rules.legs", "Legs must be 1 or 2."))
    try:
        parse_match_length(rules.get("match_length"))
    except ValueError:
        errors.append(("rules.match_length", "Match length must be whole days from 'P1D' to 'P366D'."))
    # Bounds keep goals (points ÷ points per goal) and table points within what the columns store.
    most_points_per_goal, ppg_places, most_match_points = 1_000_000, 4, 100
    ppg = rules.get("points_per_goal")
    if ppg != "auto" and not (_is_number(ppg) and 0 < ppg <= most_points_per_goal
                              and (_exact(ppg) * 10**ppg_places).denominator == 1):
        message = (f"Points per goal must be 'auto' or a positive number up to {most_points_per_goal:,} "
                   f"with at most {ppg_places} decimals.")
        errors.append(("rules.points_per_goal", message))
    if rules.get("normalize") not in NORMALIZE_MODES:
        errors.append(("rules.normalize", "Normalize must be 'fte' or 'none'."))
    mp = rules.get("match_points")
    if not isinstance(mp, Mapping):
        errors.append(("rules.match_points", "Match points need win, draw and loss values."))
        return errors
    valid = True
    for outcome in ("win", "draw", "loss"):
        value = mp.get(outcome)
        # Whole numbers only: the table adds them up and shows them as integers.
        if not (isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= most_match_points):
            errors.append((f"rules.match_points.{outcome}", f"Must be a whole number from 0 to {most_match_points}."))
            valid = False
    if valid and not mp["win"] >= mp["draw"] >= mp["loss"]:
        errors.append(("rules.match_points", "Points must satisfy win ≥ draw ≥ loss."))
    return errors
