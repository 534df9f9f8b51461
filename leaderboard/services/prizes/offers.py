"""Instant prizes still on offer: what running contests give, and how much of each is left."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from leaderboard.domain import instant_prizes as rule
from leaderboard.extensions import db
from leaderboard.models.contests import Contest, contest_site
from leaderboard.models.prizes import PrizeStock
from leaderboard.models.roster import Agent
from leaderboard.services.contests.rules import rules_of
from leaderboard.services.core.clock import utcnow


@dataclass(frozen=True)
class Offer:
    contest_id: int
    contest: str
    prize: str
    when: rule.When
    stock: int
    left: int


def on_offer(site_ids: frozenset[int] | None, now: datetime | None = None) -> list[Offer]:
    """Prizes of the contests running now at these sites (None: every site), in contest then rule order."""
    now = now or utcnow()
    statement = select(Contest).where(Contest.cancelled_at.is_(None), Contest.starts_at <= now,
                                      Contest.ends_at > now).order_by(Contest.ends_at, Contest.id)
    if site_ids is not None:
        statement = statement.where(Contest.id.in_(select(contest_site.c.contest_id)
                                                   .where(contest_site.c.site_id.in_(site_ids))))
    contests = [(c, rules_of(c).instant_prizes) for c in db.session.scalars(statement)]
    contests = [(c, prizes) for c, prizes in contests if prizes]
    if not contests:
        return []
    left = {(row.contest_id, row.prize): row.remaining for row in db.session.scalars(
        select(PrizeStock).where(PrizeStock.contest_id.in_([c.id for c, _ in contests])))}
    return [Offer(contest.id, contest.name, prize.name, prize.when, prize.stock,
                  left.get((contest.id, prize.name), prize.stock))
            for contest, prizes in contests for prize in prizes]


def on_offer_to(agent_id: int) -> list[Offer]:
    """What the agent can still win: prizes with stock left in the contests running at their site."""
    site_id = db.session.scalar(select(Agent.site_id).where(Agent.id == agent_id))
    if site_id is None:
        return []
    return [offer for offer in on_offer(frozenset({site_id})) if offer.left > 0]
