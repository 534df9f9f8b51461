"""What a counted sale credits in a contest: its seller (a sale or a save) and each assisting colleague."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from leaderboard.domain.sales import SALE, SAVE
from leaderboard.domain.scoring import ContestRules
from leaderboard.extensions import db
from leaderboard.models.events import Sale, SaleAssist
from leaderboard.models.roster import Agent

ASSIST = "assist"


@dataclass(frozen=True)
class Credit:
    """What one counted sale gives one person in a contest: as seller (role = the sale's kind) or assist."""

    sale: Sale
    points: Decimal
    role: str


def assists_counted(rules: ContestRules, sale: Sale, site_ids: Collection[int]) -> list[tuple[int, Decimal]]:
    """(agent id, points) of each colleague credited on a counted sale here: only when the contest credits
    assists, and only people of the contest's sites (a board shows its sites' people)."""
    if not rules.assists:
        return []
    credited = []
    for assist in sale.assists:
        points = rules.assist_points(sale.product.code, assist.points, sale.quantity)
        if points is not None and assist.agent.site_id in site_ids:
            credited.append((assist.agent_id, points))
    return credited


def standing_row(contest_id: int, agent_id: int, credits: Sequence[Credit], qualified: bool) -> dict[str, Any]:
    """One agent's share of a batch: points, sales and saves apart, assists; the latest credit 'reached'."""
    latest = max(credits, key=lambda c: (c.sale.occurred_at, c.sale.id)).sale
    return {"contest_id": contest_id, "agent_id": agent_id, "points": sum(c.points for c in credits),
            "sales": sum(1 for c in credits if c.role == SALE), "saves": sum(1 for c in credits if c.role == SAVE),
            "assists": sum(1 for c in credits if c.role == ASSIST), "score": Decimal(0), "qualified": qualified,
            "reached_at": latest.occurred_at, "reached_sale_id": latest.id}


def add_bulk_credit(standings: dict[int, list[Any]], agent_id: int, points: Decimal, counter: int,
                    reached: tuple[datetime, str]) -> None:
    """Add one credit to a bulk standing: `counter` 0 a sale, 1 a save, 2 an assist."""
    row = standings.get(agent_id)
    if row is None:
        row = standings[agent_id] = [Decimal(0), 0, 0, 0, reached]
    row[0] += points
    row[1 + counter] += 1
    if reached > row[4]:
        row[4] = reached


def assists_of(sale_ids: Sequence[str], chunk: int = 5_000) -> dict[str, list[tuple[int, int, int]]]:
    """sale id -> (agent id, agent's site id, stored assist points) of its assisting colleagues."""
    found: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    for start in range(0, len(sale_ids), chunk):
        for row in db.session.execute(
                select(SaleAssist.sale_id, SaleAssist.agent_id, Agent.site_id, SaleAssist.points)
                .join(Agent, SaleAssist.agent_id == Agent.id)
                .where(SaleAssist.sale_id.in_(sale_ids[start:start + chunk]))):
            found[row.sale_id].append((row.agent_id, row.site_id, row.points))
    return found
