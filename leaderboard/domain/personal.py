"""Each agent's own numbers on one contest board (rank, points, gap, neighbours, tickets), and which changed.

Computed from the ranked board every screen already shares, so a push costs one pass over the board,
not one query per phone; only agents whose numbers differ from the previous push get a personal delta.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from decimal import Decimal

from leaderboard.domain.privacy import PLACEHOLDER
from leaderboard.domain.ranking import BoardEntry, window_around
from leaderboard.domain.scoring import json_number

NEARBY = 5
Number = int | float


@dataclass(frozen=True)
class NearbyRow:
    rank: int
    key: str
    name: str
    points: Number


@dataclass(frozen=True)
class PersonalCard:
    """One agent's line on one contest, as the phone shows it."""

    contest_id: int
    rank: int
    points: Number
    qualified: bool
    gap: Number | None  # points to the next better rank; None when leading
    nearby: tuple[NearbyRow, ...]
    tickets: int | None  # lucky draws only
    sales: int = 0  # counted sales of kind "sale"
    saves: int = 0  # counted retention saves
    assists: int = 0  # counted assists on colleagues' sales (contests crediting assists)


def gaps_to_next_rank(entries: Sequence[BoardEntry]) -> list[Decimal | None]:
    """For a board ranked best first: the lowest score above each entry's, minus its own (None on top)."""
    gaps: list[Decimal | None] = []
    better: Decimal | None = None  # lowest score strictly above the current one
    previous: Decimal | None = None
    for entry in entries:
        if previous is not None and entry.score < previous:
            better = previous
        gaps.append(None if better is None else better - entry.score)
        previous = entry.score
    return gaps


def personal_cards(contest_id: int, entries: Sequence[BoardEntry], tickets: Mapping[str, int] | None = None,
                   nearby: int = NEARBY, hidden: AbstractSet[str] = frozenset()) -> dict[str, PersonalCard]:
    """Every agent's card on a ranked board; `tickets` (agent key -> count) for lucky draws. Neighbours
    in `hidden` (hidden on screens, erased) show as a placeholder on colleagues' cards, never on their own."""
    rows = [NearbyRow(e.rank, e.key, e.name, json_number(e.score)) for e in entries]
    masked = [NearbyRow(row.rank, f"hidden-{i}", PLACEHOLDER, row.points) if row.key in hidden else row
              for i, row in enumerate(rows, 1)]
    cards: dict[str, PersonalCard] = {}
    for index, (entry, gap) in enumerate(zip(entries, gaps_to_next_rank(entries), strict=False)):
        start, stop = window_around(len(entries), index, nearby)
        window = tuple(rows[i] if i == index else masked[i] for i in range(start, stop))
        cards[entry.key] = PersonalCard(
            contest_id=contest_id, rank=entry.rank, points=rows[index].points, qualified=entry.qualified,
            gap=None if gap is None else json_number(gap), nearby=window,
            tickets=None if tickets is None else tickets.get(entry.key, 0),
            sales=entry.sales, saves=entry.saves, assists=entry.assists)
    return cards


def changed_agents(before: Mapping[str, PersonalCard], after: Mapping[str, PersonalCard]) -> list[str]:
    """Agents whose card differs (or is new) since the previous push."""
    return [key for key, card in after.items() if before.get(key) != card]
