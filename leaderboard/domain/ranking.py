"""Ranking boards with ties, and the "nearby ranks" window used on phones.

Tie rule: rows are ordered by score, highest first. Equal scores share a rank
("1, 2, 2, 4"). Inside a tie, whoever reached the score first is listed first:
earlier `reached_at`, then smaller `reached_sale_id`. Rows that never scored
(no `reached_at`) come after those that did, in key order.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class BoardEntry:
    key: str
    name: str
    score: Decimal
    sales: int = 0
    saves: int = 0
    assists: int = 0
    reached_at: datetime | None = None
    reached_sale_id: str | None = None
    qualified: bool = True
    breakdown: dict[str, Any] = field(default_factory=dict)
    rank: int = 0


def order_key(entry: BoardEntry) -> tuple:
    never_scored = entry.reached_at is None
    return (
        -entry.score,
        never_scored,
        entry.reached_at.timestamp() if entry.reached_at else 0.0,
        entry.reached_sale_id or "",
        entry.key,
    )


def rank_entries(entries: Sequence[BoardEntry]) -> list[BoardEntry]:
    """Sort by the tie rule above and assign competition ranks (1, 2, 2, 4)."""
    ordered = sorted(entries, key=order_key)
    ranked: list[BoardEntry] = []
    for position, entry in enumerate(ordered, start=1):
        if ranked and ranked[-1].score == entry.score:
            rank = ranked[-1].rank
        else:
            rank = position
        ranked.append(replace(entry, rank=rank))
    return ranked


def window_around(length: int, index: int, limit: int) -> tuple[int, int]:
    """Slice [start, stop) of `limit` rows containing `index`, centred where the board allows."""
    if limit >= length:
        return 0, length
    start = index - (limit - 1) // 2
    start = max(0, min(start, length - limit))
    return start, start + limit
