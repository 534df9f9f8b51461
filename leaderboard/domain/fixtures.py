"""Site-league scheduling: match windows, round-robin fixtures and cup brackets.

Pure stdlib; every datetime returned is timezone-aware UTC.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

_MATCH_LENGTH = re.compile(r"P([1-9][0-9]*)D")
# A match longer than a (leap) year is no match, and unbounded days overflow datetime arithmetic.
MAX_MATCH_DAYS = 366


def parse_match_length(value: object) -> int:
    """Return the day count of an ISO 8601 days-only duration such as "P1D" or "P7D", at most 366."""
    # Hours or weeks would break the "local midnight to local midnight" promise.
    match = _MATCH_LENGTH.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f"match_length must be a day duration like 'P1D', got {value!r}")
    # Checked on the digits first, so a length of a thousand digits never becomes an int.
    digits = match.group(1)
    if len(digits) > len(str(MAX_MATCH_DAYS)) or int(digits) > MAX_MATCH_DAYS:
        raise ValueError(f"match_length must be at most P{MAX_MATCH_DAYS}D, got {value!r}")
    return int(digits)


def match_windows(
    starts_at: datetime, tz: str, length_days: int, count: int
) -> list[tuple[datetime, datetime]]:
    """Return `count` consecutive [start, end) windows in UTC, each `length_days` local days long."""
    if starts_at.tzinfo is None or starts_at.utcoffset() is None:
        raise ValueError("starts_at must be timezone-aware")
    if length_days < 1:
        raise ValueError("length_days must be at least 1")
    if count < 0:
        raise ValueError("count must not be negative")
    zone = ZoneInfo(tz)
    # Wall-clock arithmetic on a naive local time, so a DST day lasts 23 or 25 hours.
    wall = starts_at.astimezone(zone).replace(tzinfo=None)

    def at(days: int) -> datetime:
        return (wall + timedelta(days=days)).replace(tzinfo=zone).astimezone(UTC)

    return [(at(r * length_days), at((r + 1) * length_days)) for r in range(count)]


def league_end(starts_at: datetime, tz: str, length_days: int, rounds: int) -> datetime:
    """Return the UTC end of the last of `rounds` windows starting at `starts_at`."""
    if rounds < 1:
        raise ValueError("rounds must be at least 1")
    return match_windows(starts_at, tz, length_days, rounds)[-1][1]


@dataclass(frozen=True)
class Fixture:
    """One league match; `round` is 1-based and round r is played in window r."""

    round: int
    home: str
    away: str


def league_round_count(site_count: int, legs: int) -> int:
    """Rounds needed for a round-robin of `site_count` sites over `legs` legs."""
    if site_count < 2:
        raise ValueError("a league needs at least 2 sites")
    return (site_count - 1 + site_count % 2) * legs


def league_fixtures(site_keys: Sequence[str], legs: int) -> list[list[Fixture]]:
    """Round-robin rounds by the circle method; a site with a bye is absent from its round."""
    keys: list[str | None] = list(site_keys)
    if len(keys) < 2:
        raise ValueError("a league needs at least 2 sites")
    if len(set(keys)) != len(keys):
        raise ValueError("site keys must be unique")
    if legs not in (1, 2):
        raise ValueError("legs must be 1 or 2")
    if len(keys) % 2:
        # Fixing the dummy in the pivot seat makes the bye rotate through every site.
        keys.insert(0, None)
    n = len(keys)
    first_leg: list[list[Fixture]] = []
    for k in range(n - 1):
        fixtures = []
        for i in range(n // 2):
            a, b = keys[i], keys[n - 1 - i]
            if a is None or b is None:
                continue
            # Pivot alternates by round, other pairs by seat parity: this keeps every
            # site's home/away counts within one of each other and avoids long runs.
            a_home = k % 2 == 0 if i == 0 else i % 2 == 1
            home, away = (a, b) if a_home else (b, a)
            fixtures.append(Fixture(k + 1, home, away))
        first_leg.append(fixtures)
        keys = [keys[0], keys[-1], *keys[1:-1]]
    rounds = first_leg
    if legs == 2:
        offset = len(first_leg)
        rounds = first_leg + [
            [Fixture(f.round + offset, f.away, f.home) for f in fixtures] for fixtures in first_leg
        ]
    return rounds


def byes(rounds: Sequence[Sequence[Fixture]], site_keys: Sequence[str]) -> list[list[str]]:
    """For each round, the sites (in `site_keys` order) that do not play in it."""
    resting = []
    for fixtures in rounds:
        playing = {f.home for f in fixtures} | {f.away for f in fixtures}
        resting.append([key for key in site_keys if key not in playing])
    return resting


# --- Cup -----------------------------------------------------------------------


def cup_round_count(site_count: int) -> int:
    """Knockout rounds for `site_count` sites: ceil(log2(n))."""
    if site_count < 2:
        raise ValueError("a cup needs at least 2 sites")
    return math.ceil(math.log2(site_count))


@dataclass(frozen=True)
class CupSlot:
    """A bracket slot: `home` is the higher seed; `away` None means `home` has a bye."""

    home: str
    away: str | None

    @property
    def is_bye(self) -> bool:
        return self.away is None


@dataclass(frozen=True)
class CupRound:
    """One knockout round (1-based `number`, played in window `number`), slots in bracket order."""

    number: int
    slots: tuple[CupSlot, ...]
    seeds: tuple[str, ...]

    @property
    def matches(self) -> list[CupSlot]:
        return [slot for slot in self.slots if not slot.is_bye]

    @property
    def byes(self) -> list[str]:
        return [slot.home for slot in self.slots if slot.is_bye]

    @property
    def is_final(self) -> bool:
        return len(self.slots) == 1


@dataclass(frozen=True)
class CupMatchResult:
    """What decides a cup match; first-sale times are None when a site made no sale."""

    home: str
    away: str
    home_goals: int
    away_goals: int
    home_sales: int = 0
    away_sales: int = 0
    home_first_sale_at: datetime | None = None
    away_first_sale_at: datetime | None = None


def _bracket_order(size: int) -> list[int]:
    # Standard seeding (1v8, 4v5, 2v7, 3v6): top seeds meet as late as possible
    # and, with byes, the missing seeds are always paired with the best ones.
    order = [1]
    while len(order) < size:
        total = 2 * len(order) + 1
        order = [s for seed in order for s in (seed, total - seed)]
    return order


def cup_bracket(site_keys: Sequence[str]) -> CupRound:
    """First cup round for sites in seeded order, padded with byes to a power of two."""
    seeds = tuple(site_keys)
    rounds = cup_round_count(len(seeds))
    if len(set(seeds)) != len(seeds):
        raise ValueError("site keys must be unique")
    order = _bracket_order(2**rounds)
    slots = []
    for top, bottom in zip(order[::2], order[1::2], strict=False):
        away = seeds[bottom - 1] if bottom <= len(seeds) else None
        slots.append(CupSlot(seeds[top - 1], away))
    return CupRound(1, tuple(slots), seeds)


def cup_winner(result: CupMatchResult) -> str:
    """Winner of a cup match; a draw goes to a "penalty shoot-out".

    Shoot-out: more counted sales wins, then the earlier first sale in the window;
    if still level (e.g. no sales at all) the home site, i.e. the higher seed, wins,
    because rewarding the better seed is the least arbitrary deterministic choice.
    """
    if result.home_goals != result.away_goals:
        return result.home if result.home_goals > result.away_goals else result.away
    if result.home_sales != result.away_sales:
        return result.home if result.home_sales > result.away_sales else result.away
    home_first, away_first = result.home_first_sale_at, result.away_first_sale_at
    if away_first is not None and (home_first is None or away_first < home_first):
        return result.away
    return result.home


def cup_winners(current: CupRound, results: Iterable[CupMatchResult]) -> list[str]:
    """Sites advancing from `current`, in slot order; byes advance automatically."""
    by_pair = {frozenset((r.home, r.away)): r for r in results}
    winners = []
    for slot in current.slots:
        if slot.away is None:
            winners.append(slot.home)
            continue
        result = by_pair.get(frozenset((slot.home, slot.away)))
        if result is None:
            raise ValueError(f"missing result for {slot.home} v {slot.away}")
        winners.append(cup_winner(result))
    return winners


def next_cup_round(current: CupRound, results: Iterable[CupMatchResult]) -> CupRound:
    """Pair the winners of adjacent slots; the higher original seed plays at home."""
    if current.is_final:
        raise ValueError("the final has no next round; use cup_winners for the champion")
    winners = cup_winners(current, results)
    rank = {key: i for i, key in enumerate(current.seeds)}
    slots = []
    for a, b in zip(winners[::2], winners[1::2], strict=False):
        home, away = (a, b) if rank[a] < rank[b] else (b, a)
        slots.append(CupSlot(home, away))
    return CupRound(current.number + 1, tuple(slots), current.seeds)


# --- VAR corrections after a round was decided -------------------------------------------


@dataclass(frozen=True)
class TieCorrection:
    """A decided tie whose corrected result sends `winner` through, while `advanced` already played on."""

    round: int
    slot: int
    advanced: str
    winner: str


@dataclass(frozen=True)
class SettledRound:
    """The next round as it stands, the created fixtures to re-pair, and the corrections that stand."""

    round: CupRound
    repairings: dict[int, CupSlot]
    corrections: tuple[TieCorrection, ...]


def settle_next_cup_round(
    current: CupRound,
    results: Iterable[CupMatchResult],
    fixtures: Mapping[int, CupSlot],
    decided: Collection[int],
) -> SettledRound:
    """The round after `current`, reconciled with the fixtures already created for it (by slot index).

    A fixture not yet decided follows the results, so a VAR correction re-pairs it; a decided one
    stands, because its result has been played out, and each tie it contradicts is reported.
    """
    results = list(results)
    computed = next_cup_round(current, results)
    winners = cup_winners(current, results)
    slots: list[CupSlot] = []
    repairings: dict[int, CupSlot] = {}
    corrections: list[TieCorrection] = []
    for index, slot in enumerate(computed.slots):
        existing = fixtures.get(index)
        if existing is None or index not in decided:
            if existing is not None and existing != slot:
                repairings[index] = slot
            slots.append(slot)
            continue
        slots.append(existing)
        for feeder_index in (2 * index, 2 * index + 1):
            feeder = current.slots[feeder_index]
            advanced = next((side for side in (feeder.home, feeder.away) if side in (existing.home, existing.away)),
                            None)
            if advanced is not None and advanced != winners[feeder_index]:
                corrections.append(TieCorrection(current.number, feeder_index, advanced, winners[feeder_index]))
    return SettledRound(CupRound(computed.number, tuple(slots), computed.seeds), repairings, tuple(corrections))
