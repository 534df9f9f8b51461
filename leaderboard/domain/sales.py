"""Rules about a single sale: its status over time and whether a cancellation claws it back."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Optional

PENDING, CONFIRMED, CANCELLED = "pending", "confirmed", "cancelled"


@dataclass(frozen=True)
class SaleBody:
    """A sale request after defaults are applied: what "the same sale" compares."""

    id: str
    agent: str
    product: str
    quantity: int
    amount: Optional[Decimal]
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
