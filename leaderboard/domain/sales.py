"""Rules about a single sale: its status over time, whether a cancellation claws it back, whether it counts."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

PENDING, CONFIRMED, CANCELLED = "pending", "confirmed", "cancelled"


@dataclass(frozen=True)
class SaleBody:
    """A sale request after defaults are applied: what "the same sale" compares."""

    id: str
    agent: str
    product: str
    quantity: int
    amount: Decimal | None
    occurred_at: datetime

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
        return hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()


def is_late_cancellation(occurred_at: datetime, cancelled_at: datetime, clawback: timedelta) -> bool:
    """A cancellation at or after the end of the clawback window changes no confirmed result."""
    return cancelled_at >= occurred_at + clawback


def sale_status(occurred_at: datetime, now: datetime, clawback: timedelta, clawed_back: bool) -> str:
    if clawed_back:
        return CANCELLED
    return CONFIRMED if now >= occurred_at + clawback else PENDING


def counts_in_contest(occurred_at: datetime, site_id: int, starts_at: datetime, ends_at: datetime,
                      site_ids: Collection[int], count_pending: bool, confirmed_until: datetime | None,
                      clawback: timedelta) -> bool:
    """The one rule for "does this (not clawed back) sale count in a contest": inside the window
    [starts_at, ends_at), from one of its sites, and confirmed unless the contest counts pending sales."""
    if not (starts_at <= occurred_at < ends_at) or site_id not in site_ids:
        return False
    if count_pending:
        return True
    return confirmed_until is not None and occurred_at + clawback <= confirmed_until
