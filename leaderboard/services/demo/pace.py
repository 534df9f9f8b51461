"""How fast the demo centre sells: a local time-of-day shape per site, each site's form of the day, and the
expected rate that sets the leagues' points per goal. Pure Python: the seed and the simulator share it."""
from __future__ import annotations

import random
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from leaderboard.domain import league as rules_of_play

# A busy inbound centre where most calls can add a product: an average agent sells about four an hour at peak.
PEAK_SALES_PER_AGENT_HOUR = 4.0
# Relative rate by local hour: doors open at 08:00, a lunch dip from 12:00 to 14:00, an evening tail to 21:00.
HOURLY_SHAPE: tuple[float, ...] = ((0.0,) * 8 + (0.45, 0.85, 1.0, 1.0, 0.5, 0.6, 0.9, 1.0, 1.0, 0.85, 0.55, 0.35, 0.2)
                                   + (0.0,) * 3)
WEEKDAY_FACTOR = (1.0, 1.0, 1.0, 1.0, 1.0, 0.6, 0.35)  # Monday first: a lighter Saturday and Sunday shift
SITE_STRENGTH = {"paris": 1.0, "lisbon": 1.08, "montreal": 0.92, "manila": 1.04}
PRODUCT_MIX = {"REWARDS": 0.35, "UPGRADE": 0.30, "INSURE": 0.20, "CARD": 0.15}
DOUBLE_SHARE = 0.1  # one sale in ten is two units
FORM_RANGE = (0.5, 1.6)  # a site's good or bad day: what makes 1–0 and 4–2 rather than 2–2 every day
GOALS_PER_TYPICAL_DAY = Decimal("2.5")  # the domain's "auto" target: a typical site-day scores 2–3 goals
assert len(HOURLY_SHAPE) == 24


@dataclass(frozen=True)
class Seller:
    """An agent as the simulator sees them: how much of the site's rate they take (skill × FTE)."""

    key: str
    site: str
    weight: float


@dataclass(frozen=True)
class SimulatedSale:
    at: datetime
    agent: str
    product: str
    quantity: int


def agent_skill(key: str) -> float:
    """Some agents sell more than others, the same ones every run (0.6–1.4)."""
    return 0.6 + (zlib.crc32(key.encode()) % 801) / 1000


def seller(key: str, site: str, fte: Decimal | float) -> Seller:
    return Seller(key, site, agent_skill(key) * float(fte))


def form(site: str, day: date) -> float:
    """The site's form on a local day, fixed by (site, day) so the history and the live stream agree."""
    low, high = FORM_RANGE
    return low + (high - low) * random.Random(f"{site}:{day.isoformat()}").betavariate(2, 2)


def hourly_rate(site: str, tz: str, at: datetime) -> float:
    """Sales per hour per unit of seller weight at this instant (local hour, weekday and form of the day)."""
    local = at.astimezone(ZoneInfo(tz))
    return (PEAK_SALES_PER_AGENT_HOUR * HOURLY_SHAPE[local.hour] * WEEKDAY_FACTOR[local.weekday()]
            * SITE_STRENGTH.get(site, 1.0) * form(site, local.date()))


def sales_between(site: str, tz: str, sellers: Sequence[Seller], start: datetime, end: datetime,
                  rng: random.Random) -> list[SimulatedSale]:
    """A Poisson stream of the site's sales in [start, end): constant rate within each clock hour."""
    out: list[SimulatedSale] = []
    weight = sum(s.weight for s in sellers)
    if weight <= 0 or end <= start:
        return out
    cursor = start
    while cursor < end:
        piece_end = min(end, cursor.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1))
        rate = hourly_rate(site, tz, cursor) * weight / 3600  # per second
        t = cursor
        while rate > 0:
            t += timedelta(seconds=rng.expovariate(rate))
            if t >= piece_end:
                break
            out.append(SimulatedSale(t, rng.choices(sellers, [s.weight for s in sellers])[0].key,
                                     rng.choices(list(PRODUCT_MIX), list(PRODUCT_MIX.values()))[0],
                                     2 if rng.random() < DOUBLE_SHARE else 1))
        cursor = piece_end
    return out


def mean_points_per_sale(product_points: Mapping[str, int]) -> float:
    return sum(share * product_points[code] for code, share in PRODUCT_MIX.items()) * (1 + DOUBLE_SHARE)


def typical_day_points_per_fte(site: str, sellers: Iterable[Seller], fte: Decimal,
                               product_points: Mapping[str, int]) -> Decimal:
    """What a site sells per FTE on a weekday of ordinary form: the rate integrated over a local day."""
    weight = sum(s.weight for s in sellers)
    if fte <= 0:
        return Decimal(0)
    per_day = (PEAK_SALES_PER_AGENT_HOUR * sum(HOURLY_SHAPE) * SITE_STRENGTH.get(site, 1.0) * weight
               * mean_points_per_sale(product_points))
    return Decimal(repr(round(per_day, 2))) / fte


def points_per_goal(typical_days: Sequence[Decimal]) -> Decimal:
    """The domain's own rule (median site-day ÷ 2.5, two significant digits) on the expected rate, not on a
    history that the demo's pace would outrun."""
    return rules_of_play.auto_points_per_goal(typical_days)
