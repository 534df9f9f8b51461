"""Rules about a single sale: its status over time, whether a cancellation claws it back, whether it counts,
and who may be credited with an assist on it."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

PENDING, CONFIRMED, CANCELLED = "pending", "confirmed", "cancelled"
SALE, SAVE = "sale", "save"
PRODUCT_KINDS = (SALE, SAVE)
MAX_ASSISTS = 3


@dataclass(frozen=True)
class SaleBody:
    """A sale request after defaults are applied: what "the same sale" compares."""

    id: str
    agent: str
    product: str
    quantity: int
    amount: Decimal | None
    occurred_at: datetime
    assists: tuple[str, ...] = ()

    def fingerprint(self) -> str:
        canonical: dict[str, Any] = {
            "id": self.id,
            "agent": self.agent,
            "product": self.product,
            "quantity": self.quantity,
            "amount": None if self.amount is None else f"{self.amount:.2f}",
            # Same instant written with another offset is the same sale.
            "occurred_at": self.occurred_at.timestamp(),
        }
        if self.assists:
            # Only when present, so sales stored before assists existed keep their fingerprint;
            # the order assists are listed in does not make another sale.
            canonical["assists"] = sorted(self.assists)
        return hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()


def assist_errors(seller: str, assists: Sequence[str]) -> list[tuple[int | None, str]]:
    """What is wrong with a sale's list of assisting people, as (index or None, message):
    at most MAX_ASSISTS, never the seller, nobody twice. Whether the keys exist is the caller's check."""
    errors: list[tuple[int | None, str]] = []
    if len(assists) > MAX_ASSISTS:
        errors.append((None, f"at most {MAX_ASSISTS} people may be credited with an assist"))
    seen: set[str] = set()
    for index, key in enumerate(assists):
        if key == seller:
            errors.append((index, "the seller cannot assist their own sale"))
        elif key in seen:
            errors.append((index, f"{key!r} is listed twice"))
        seen.add(key)
    return errors


def is_late_cancellation(occurred_at: datetime, cancelled_at: datetime, clawback: timedelta) -> bool:
    """A cancellation at or after the end of the clawback window changes no confirmed result."""
    return cancelled_at >= occurred_at + clawback


def sale_status(occurred_at: datetime, now: datetime, clawback: timedelta, clawed_back: bool) -> str:
    if clawed_back:
        return CANCELLED
    return CONFIRMED if now >= occurred_at + clawback else PENDING


def counts_in_contest(occurred_at: datetime, site_id: int, starts_at: datetime, ends_at: datetime,
                      site_ids: Collection[int], count_pending: bool, confirmed_until: datetime | None,
                      clawback: timedelta, kind: str = SALE, kinds: Collection[str] | None = None) -> bool:
    """The one rule for "does this (not clawed back) sale count in a contest": inside the window
    [starts_at, ends_at), from one of its sites, of a kind the contest counts (`kinds` None: every kind),
    and confirmed unless the contest counts pending sales."""
    if not (starts_at <= occurred_at < ends_at) or site_id not in site_ids:
        return False
    if kinds is not None and kind not in kinds:
        return False
    if count_pending:
        return True
    return confirmed_until is not None and occurred_at + clawback <= confirmed_until
