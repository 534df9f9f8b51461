"""The SQL side of "does this sale count": the clawed-back rule and a contest's candidate sales, written once.

Each candidate is then decided by `contests.rules.counts_sale`, which applies the domain's rule.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import ColumnElement, Select, select

from leaderboard.models.events import Cancellation, Sale
from leaderboard.models.roster import Agent

# A cancellation inside the clawback window takes the sale out of every game; a late one does not.
CANCELLED_IN_TIME = Cancellation.late.is_(False)


def clawed_back_ids() -> Select:
    """The ids of every clawed-back sale, as a subquery."""
    return select(Cancellation.sale_id).where(CANCELLED_IN_TIME)


def not_clawed_back() -> ColumnElement[bool]:
    return Sale.id.not_in(clawed_back_ids())


def sales_in_window(starts_at: datetime, ends_at: datetime, site_ids: Iterable[int]) -> Select:
    """Sales of these sites in [starts_at, ends_at) that were not clawed back, oldest first."""
    return (select(Sale).join(Agent, Sale.agent_id == Agent.id)
            .where(Sale.occurred_at >= starts_at, Sale.occurred_at < ends_at, Agent.site_id.in_(list(site_ids)),
                   not_clawed_back())
            .order_by(Sale.occurred_at, Sale.id))
