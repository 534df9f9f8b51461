"""Instant prizes on offer: what running contests give, how much is left, and the TV slide's picture."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from leaderboard.domain import instant_prizes as rule
from leaderboard.extensions import db
from leaderboard.models.contests import Contest, contest_site
from leaderboard.models.prizes import PrizeStock, PrizeWin
from leaderboard.models.roster import Agent, Product, Site
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


LATEST_WINS = 12


def slide_picture(contest: Contest) -> dict[str, Any] | None:
    """The TV's instant prizes slide: each prize, how it is won and what is left, and the latest winners
    (agents by key and name; the screens' privacy transform hides whom it must)."""
    prizes = rules_of(contest).instant_prizes
    if not prizes:
        return None
    left = {row.prize: row.remaining for row in db.session.scalars(
        select(PrizeStock).where(PrizeStock.contest_id == contest.id))}
    codes = {p.when.product for p in prizes if isinstance(p.when, rule.ProductSale)}
    names = dict(db.session.execute(select(Product.code, Product.name).where(Product.code.in_(codes))).all())
    offers = [{"prize": p.name, "when": _when_view(p.when, names), "stock": p.stock, "left": left.get(p.name, p.stock)}
              for p in prizes]
    latest = db.session.execute(
        select(PrizeWin.id, PrizeWin.prize, PrizeWin.won_at, Agent.key, Agent.name, Site.name.label("site"))
        .join(Agent, Agent.id == PrizeWin.agent_id).join(Site, Site.id == Agent.site_id)
        .where(PrizeWin.contest_id == contest.id, PrizeWin.status != rule.REVOKED)
        .order_by(PrizeWin.won_at.desc(), PrizeWin.id).limit(LATEST_WINS))
    wins = [{"id": row.id, "prize": row.prize, "agent": {"key": row.key, "name": row.name}, "site": row.site,
             "won_at": row.won_at.isoformat()} for row in latest]
    return {"offers": offers, "wins": wins}


def _when_view(when: rule.When, product_names: dict[str, str]) -> dict[str, Any]:
    if isinstance(when, rule.EveryNth):
        return {"kind": when.kind, "n": when.n, "scope": when.scope}
    if isinstance(when, rule.ProductSale):
        return {"kind": when.kind, "product": product_names.get(when.product, when.product),
                "min_amount": None if when.min_amount is None else f"{when.min_amount:.2f}"}
    if isinstance(when, rule.Chance):
        return {"kind": when.kind, "probability": when.probability}
    return {"kind": when.kind}
