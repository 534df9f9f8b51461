"""Deciding instant prizes as sales are counted and taken back: atomic counters, atomic stock, win rows.

Every write here runs inside the caller's transaction (a sale's, a cancellation's, a confirmation run's).
Counters are bumped with INSERT … ON CONFLICT DO UPDATE … RETURNING and stock is taken with
UPDATE … SET remaining = remaining - 1 WHERE remaining > 0 RETURNING, so concurrent sales never win more
than the stock (on PostgreSQL the second writer re-checks the row once the first commits).
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from leaderboard.domain import instant_prizes as rule
from leaderboard.domain.changes import MyPrizeWon, PrizeWon, Ref
from leaderboard.domain.scoring import ContestRules
from leaderboard.extensions import db
from leaderboard.models.contests import Contest
from leaderboard.models.events import Cancellation, Sale
from leaderboard.models.prizes import PrizeCounter, PrizeSeed, PrizeStock, PrizeWin
from leaderboard.services.contests.rules import confirmed_through, counts_sale, rules_of
from leaderboard.services.core.aggregates import dialect_insert, insert_missing
from leaderboard.services.core.clock import clawback_window, utcnow
from leaderboard.services.core.publishing import Notice


def win_id(contest_id: int, prize: str, sale_id: str) -> str:
    """Derived from what the win is, so a rebuild gives it the same id (hand-overs refer to it)."""
    return hashlib.sha256(f"{contest_id}\n{prize}\n{sale_id}".encode()).hexdigest()[:32]


def seed_for(contest: Contest) -> bytes:
    """The contest's chance seed, drawn on first need (at launch); a racing first insert keeps one seed."""
    row = db.session.get(PrizeSeed, contest.id)
    if row is None:
        seed = rule.new_seed()
        insert_missing(PrizeSeed, [{"contest_id": contest.id, "seed_hex": seed.hex(),
                                    "commitment": rule.commitment_of(seed), "created_at": utcnow()}],
                       ("contest_id",))
        row = db.session.scalar(select(PrizeSeed).where(PrizeSeed.contest_id == contest.id)
                                .execution_options(populate_existing=True))
    assert row is not None
    return bytes.fromhex(row.seed_hex)


def sale_facts(contest: Contest, sale: Sale) -> rule.SaleFacts:
    local_day = sale.occurred_at.astimezone(ZoneInfo(sale.agent.site.timezone)).date()
    return rule.SaleFacts(sale.id, sale.agent_id, sale.agent.site_id, local_day, sale.product.code, sale.amount,
                          sale.received_at < contest.ends_at)


def decided_at(rules: ContestRules, sale: Sale, clawback: timedelta) -> datetime:
    """When a counted sale meets the prizes: on arrival, or once confirmed when pending sales do not count."""
    return sale.received_at if rules.count_pending else sale.occurred_at + clawback


def decision_order(rules: ContestRules, sale: Sale, clawback: timedelta) -> tuple[datetime, str]:
    return decided_at(rules, sale, clawback), sale.id


def counted_here(contest: Contest, rules: ContestRules, sale: Sale, site_ids: set[int],
                 confirmed_until: datetime | None, clawback: timedelta) -> bool:
    """The contest's own counting rule, and a product the contest does not leave out."""
    return counts_sale(contest, rules, sale, site_ids, confirmed_until, clawback) and \
        rules.sale_points(sale.product.code, sale.points, sale.quantity) is not None


def award(contest: Contest, sales: Iterable[Sale]) -> list[Notice]:
    """Decide the contest's instant prizes for newly counted sales (not clawed back), in arrival order."""
    rules = rules_of(contest)
    if not rules.instant_prizes or contest.cancelled_at is not None:
        return []
    site_ids = {s.id for s in contest.sites}
    clawback = clawback_window()
    confirmed_until = None if rules.count_pending else confirmed_through()
    counted = sorted((s for s in sales if counted_here(contest, rules, s, site_ids, confirmed_until, clawback)),
                     key=lambda s: decision_order(rules, s, clawback))
    if not counted:
        return []
    seed = seed_for(contest) if any(p.needs_seed for p in rules.instant_prizes) else None
    notices: list[Notice] = []
    for sale in counted:
        facts = sale_facts(contest, sale)
        for prize in rules.instant_prizes:
            key = rule.counter_key(prize, facts)
            count = _bump(contest.id, prize.name, key) if key is not None else None
            if rule.meets(prize, facts, count, seed) and _take_stock(contest.id, prize):
                notices += _record_win(contest, prize.name, sale, decided_at(rules, sale, clawback))
    return notices


def _bump(contest_id: int, prize: str, scope: str) -> int:
    insert = dialect_insert(PrizeCounter)
    statement = insert.values(contest_id=contest_id, prize=prize, scope=scope, count=1).on_conflict_do_update(
        index_elements=["contest_id", "prize", "scope"], set_={"count": PrizeCounter.count + 1}
    ).returning(PrizeCounter.count)
    return int(db.session.execute(statement).scalar_one())


def _take_stock(contest_id: int, prize: rule.InstantPrize) -> bool:
    insert_missing(PrizeStock, [{"contest_id": contest_id, "prize": prize.name, "remaining": prize.stock}],
                   ("contest_id", "prize"))
    taken = db.session.execute(update(PrizeStock).where(
        PrizeStock.contest_id == contest_id, PrizeStock.prize == prize.name, PrizeStock.remaining > 0)
        .values(remaining=PrizeStock.remaining - 1).returning(PrizeStock.remaining)
        .execution_options(synchronize_session=False)).first()
    return taken is not None


def _record_win(contest: Contest, prize: str, sale: Sale, won_at: datetime) -> list[Notice]:
    identifier = win_id(contest.id, prize, sale.id)
    insert_missing(PrizeWin, [{"id": identifier, "contest_id": contest.id, "prize": prize, "sale_id": sale.id,
                               "agent_id": sale.agent_id, "won_at": won_at, "status": rule.WON,
                               "cancelled_after_hand_over": False}], ("id",))
    agent = sale.agent
    return [PrizeWon(contest.id, identifier, prize, Ref(agent.key, agent.name), Ref(agent.site.key, agent.site.name),
                     sale.id),
            MyPrizeWon(agent.id, contest.id, contest.name, identifier, prize, sale.id)]


def take_back(sale: Sale) -> None:
    """A cancellation inside the clawback window: revoke the sale's wins not handed over and give their stock
    back; a win already handed over stays, flagged for the lead."""
    at = db.session.scalar(select(Cancellation.received_at).where(Cancellation.sale_id == sale.id)) or utcnow()
    revoked = db.session.execute(update(PrizeWin).where(PrizeWin.sale_id == sale.id, PrizeWin.status == rule.WON)
                                 .values(status=rule.REVOKED, revoked_at=at)
                                 .returning(PrizeWin.contest_id, PrizeWin.prize)
                                 .execution_options(synchronize_session=False)).all()
    for contest_id, prize in sorted(revoked):
        db.session.execute(update(PrizeStock).where(PrizeStock.contest_id == contest_id, PrizeStock.prize == prize)
                           .values(remaining=PrizeStock.remaining + 1).execution_options(synchronize_session=False))
    db.session.execute(update(PrizeWin).where(PrizeWin.sale_id == sale.id, PrizeWin.status == rule.HANDED_OVER)
                       .values(cancelled_after_hand_over=True).execution_options(synchronize_session=False))
