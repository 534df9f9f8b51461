"""The demo's contests, placed around today so something is always being played: a race of the week, a draw
named after the day it ends, a league on its second matchday and a cup on its final day."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from leaderboard.extensions import db
from leaderboard.models.contests import Contest
from leaderboard.models.roster import Agent, Site
from leaderboard.schemas import ContestIn
from leaderboard.services.access import auth
from leaderboard.services.contests import lifecycle as contests
from leaderboard.services.demo import pace
from leaderboard.services.demo.data import PRODUCTS
from leaderboard.services.demo.history import Centre

DEMO_TIMEZONE = "Europe/Paris"
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
RACE_NAME = "Race of the week"
LEAGUE_NAME = "Site league"
CUP_NAME = "Site cup"
# Won at once on the race: a coffee for each agent's first sale of the day, cinema tickets for every 100th sale
# of a site, and a golden sale by chance (committed seed). At the demo's pace (about 2,000 sales a weekday) the
# stocks last the week: about 60 coffees, 20 cinema tickets and 4 golden sales a day.
INSTANT_PRIZES = [
    {"name": "Coffee on the house", "stock": 500, "when": {"kind": "first_sale_of_day"}},
    {"name": "Cinema tickets", "stock": 150, "when": {"kind": "every_nth", "n": 100, "scope": "site"}},
    {"name": "Golden sale: dinner for two", "stock": 40, "when": {"kind": "chance", "probability": 0.002}}]
DRAW_DAY = 4  # the draw is held on a Friday evening, at least a day away
DRAW_TIME = time(18, 0)


@dataclass(frozen=True)
class DemoContests:
    race: Contest
    draw: Contest
    league: Contest
    cup: Contest

    def all(self) -> list[Contest]:
        return [self.race, self.draw, self.league, self.cup]


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(DEMO_TIMEZONE))


def draw_end(now: datetime) -> datetime:
    """The next Friday 18:00 (local) that is at least a day away, so the demo hour never ends the draw."""
    today = now.astimezone(ZoneInfo(DEMO_TIMEZONE)).date()
    day = today + timedelta(days=(DRAW_DAY - today.weekday()) % 7)
    end = datetime.combine(day, DRAW_TIME, tzinfo=ZoneInfo(DEMO_TIMEZONE))
    return end if end - now >= timedelta(days=1) else end + timedelta(days=7)


def draw_name(ends_at: datetime) -> str:
    """Named after the local weekday it really ends on."""
    return f"{WEEKDAYS[ends_at.astimezone(ZoneInfo(DEMO_TIMEZONE)).weekday()]} jackpot"


def history_start(now: datetime) -> datetime:
    """Yesterday's local midnight: the league's and the cup's first matchday, played in full."""
    return local_midnight(now.astimezone(ZoneInfo(DEMO_TIMEZONE)).date() - timedelta(days=1))


def points_per_goal(shop: Centre) -> Decimal:
    """From the simulator's expected pace per site: a typical matchday ends with about 2–3 goals a side."""
    points = {code: base for code, _, base, _ in PRODUCTS}
    fte = dict(db.session.execute(
        select(Site.key, func.sum(Agent.fte)).join(Agent, Agent.site_id == Site.id)
        .where(Agent.active.is_(True), Agent.sells.is_(True)).group_by(Site.key)).all())
    typical = [pace.typical_day_points_per_fte(site, sellers, Decimal(fte.get(site) or 0), points)
               for site, sellers in shop.sellers.items()]
    return pace.points_per_goal(typical)


def specs(now: datetime, sites: list[str], goal_points: Decimal) -> list[ContestIn]:
    today = now.astimezone(ZoneInfo(DEMO_TIMEZONE)).date()
    week = local_midnight(today - timedelta(days=today.weekday()))
    first_matchday = history_start(now)
    draw_ends = draw_end(now)
    whole = goal_points == goal_points.to_integral_value()
    league_rules = {"match_length": "P1D", "points_per_goal": int(goal_points) if whole else float(goal_points),
                    "normalize": "fte"}
    raw: list[dict[str, Any]] = [
        {"name": RACE_NAME, "kind": "race", "starts_at": week, "ends_at": week + timedelta(days=7),
         "rules": {"products": {"REWARDS": {"points": 45}}, "normalize": "fte", "instant_prizes": INSTANT_PRIZES},
         "prizes": [{"name": "Team breakfast", "quantity": 1}]},
        {"name": draw_name(draw_ends), "kind": "lucky_draw", "starts_at": first_matchday, "ends_at": draw_ends,
         "rules": {"products": {"CARD": {"tickets": 2}}},
         "prizes": [{"name": "Weekend for two", "quantity": 1}, {"name": "Theatre voucher", "quantity": 3}]},
        {"name": LEAGUE_NAME, "kind": "league", "starts_at": first_matchday, "sites": sites,
         "rules": {"format": "league", "legs": 2, **league_rules}},
        # Seeded in another order than the league, so the semi-finals are not the league's first matchday again.
        {"name": CUP_NAME, "kind": "league", "starts_at": first_matchday,
         "sites": sites[:1] + sites[-1:] + sites[1:-1],
         "rules": {"format": "cup", **league_rules}, "prizes": [{"name": "Cup trophy", "quantity": 1}]}]
    # The API's own input schema (timestamps as RFC 3339 strings), as an integration would send it.
    return [ContestIn.model_validate({**spec, "timezone": DEMO_TIMEZONE, "starts_at": spec["starts_at"].isoformat(),
                                      **({"ends_at": spec["ends_at"].isoformat()} if "ends_at" in spec else {})})
            for spec in raw]


def seed_contests(now: datetime, sites: list[str], shop: Centre) -> DemoContests:
    """Launched once; a later run finds each by name while it is still running, else launches it afresh."""
    running = {c.name: c for c in db.session.scalars(select(Contest).where(
        Contest.cancelled_at.is_(None), Contest.ends_at > now).order_by(Contest.id))}
    launched = [running.get(spec.name) or contests.create_contest(auth.SYSTEM, spec)
                for spec in specs(now, sites, points_per_goal(shop))]
    return DemoContests(*launched)
