"""Kudos tied to values: who may give what to whom, and the kudos board (pure rules)."""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

DAILY_LIMIT = 10  # kudos one person may give per day


@dataclass(frozen=True)
class Refusal:
    field: str
    message: str


def refusals(giver_agent_id: int | None, recipient_id: int, value: str, values: Sequence[str]) -> list[Refusal]:
    """Why these kudos cannot be given (empty when they can)."""
    found = []
    if giver_agent_id is not None and giver_agent_id == recipient_id:
        found.append(Refusal("to", "kudos go to someone else, not to yourself"))
    if value not in values:
        found.append(Refusal("value", f"must be one of the company's values: {', '.join(values)}"))
    return found


@dataclass(frozen=True)
class Received:
    """One kudos as the board counts it: the recipient and the value."""

    key: str
    name: str
    value: str


@dataclass(frozen=True)
class BoardRow:
    rank: int
    key: str
    name: str
    kudos: int
    by_value: dict[str, int] = field(default_factory=dict)


def board(received: Iterable[Received], values: Sequence[str]) -> list[BoardRow]:
    """Recipients by kudos received, most first. Ties share a rank (1, 1, 3) and are listed by name,
    then key; `by_value` lists every company value, in the configured order."""
    counts: Counter[str] = Counter()
    names: dict[str, str] = {}
    per_value: dict[str, Counter[str]] = defaultdict(Counter)
    for item in received:
        counts[item.key] += 1
        names[item.key] = item.name
        per_value[item.key][item.value] += 1
    ordered = sorted(counts, key=lambda key: (-counts[key], names[key].casefold(), key))
    rows: list[BoardRow] = []
    for position, key in enumerate(ordered, 1):
        rank = rows[-1].rank if rows and rows[-1].kudos == counts[key] else position
        extra = sorted(v for v in per_value[key] if v not in values)  # a value since removed from the list
        rows.append(BoardRow(rank, key, names[key], counts[key],
                             {v: per_value[key][v] for v in [*values, *extra]}))
    return rows
