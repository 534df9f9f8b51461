"""Re-deriving a contest's instant prizes from the log: launch back-fill, rules change, and `leaderboard rebuild`.

The log is replayed in the order the live path decided it: sales by arrival (`received_at`, id) — or, when
pending sales do not count, by the moment they were confirmed — with each in-window cancellation at its
own arrival. Hand-overs come from their own log table, so a rebuild keeps them. The decisions are the
domain's (`PrizeBook`, which calls the same `meets` as the live path).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select

from leaderboard.domain import instant_prizes as rule
from leaderboard.extensions import db
from leaderboard.models.contests import Contest
from leaderboard.models.events import Cancellation, Sale
from leaderboard.models.prizes import PrizeCounter, PrizeHandOver, PrizeStock, PrizeWin
from leaderboard.models.roster import Agent
from leaderboard.services.contests.counting import CANCELLED_IN_TIME
from leaderboard.services.contests.rules import confirmed_through, rules_of
from leaderboard.services.core.clock import clawback_window
from leaderboard.services.prizes.awards import counted_here, decided_at, sale_facts, seed_for, win_id

SALE, CANCELLATION = 0, 1


def clear_contest(contest_id: int) -> None:
    for model in (PrizeWin, PrizeStock, PrizeCounter):
        db.session.execute(delete(model).where(model.contest_id == contest_id))


def rederive(contest: Contest) -> None:
    """Replace the contest's wins, stock and counters with what a replay of the log decides."""
    clear_contest(contest.id)
    db.session.flush()
    rules = rules_of(contest)
    if contest.cancelled_at is not None or not rules.instant_prizes:
        return
    seed = seed_for(contest)  # drawn at launch, so the commitment is public from the start
    hand_overs = {(h.prize, h.sale_id): h.at for h in db.session.scalars(
        select(PrizeHandOver).where(PrizeHandOver.contest_id == contest.id))}
    book = rule.PrizeBook(rules.instant_prizes, seed, handed_over=set(hand_overs))
    site_ids = {s.id for s in contest.sites}
    clawback = clawback_window()
    confirmed_until = None if rules.count_pending else confirmed_through()
    for _, kind, _, sale, at in _events(contest, rules.count_pending, clawback):
        if kind == CANCELLATION:
            book.cancellation(sale.id, at)
        elif counted_here(contest, rules, sale, site_ids, confirmed_until, clawback):
            book.sale(sale_facts(contest, sale), decided_at(rules, sale, clawback))
    _write(contest.id, book, hand_overs)


def _events(contest: Contest, count_pending: bool, clawback: Any) -> list[tuple[datetime, int, str, Sale, datetime]]:
    """(when, kind, sale id, sale, at) in the order the live path met them."""
    sales = list(db.session.scalars(select(Sale).join(Agent, Sale.agent_id == Agent.id).where(
        Sale.occurred_at >= contest.starts_at, Sale.occurred_at < contest.ends_at,
        Agent.site_id.in_([s.id for s in contest.sites]))))
    in_window = select(Sale.id).join(Agent, Sale.agent_id == Agent.id).where(
        Sale.occurred_at >= contest.starts_at, Sale.occurred_at < contest.ends_at,
        Agent.site_id.in_([s.id for s in contest.sites]))
    cancelled: dict[str, datetime] = dict(db.session.execute(
        select(Cancellation.sale_id, Cancellation.received_at).where(
            CANCELLED_IN_TIME, Cancellation.sale_id.in_(in_window))).all())
    events: list[tuple[datetime, int, str, Sale, datetime]] = []
    for sale in sales:
        cancelled_at = cancelled.get(sale.id)
        if not count_pending:
            # Counted once confirmed; a sale clawed back in time never was.
            if cancelled_at is None:
                when = sale.occurred_at + clawback
                events.append((when, SALE, sale.id, sale, when))
            continue
        if cancelled_at is not None and cancelled_at <= sale.received_at:
            continue  # the cancellation arrived first: the sale never counted
        events.append((sale.received_at, SALE, sale.id, sale, sale.received_at))
        if cancelled_at is not None:
            events.append((cancelled_at, CANCELLATION, sale.id, sale, cancelled_at))
    events.sort(key=lambda e: (e[0], e[1], e[2]))
    return events


def _write(contest_id: int, book: rule.PrizeBook, hand_overs: dict[tuple[str, str], datetime]) -> None:
    wins = []
    for win in book.wins:
        handed = hand_overs.get((win.prize, win.sale_id))
        status = rule.HANDED_OVER if handed is not None and win.status == rule.WON else win.status
        wins.append({"id": win_id(contest_id, win.prize, win.sale_id), "contest_id": contest_id,
                     "prize": win.prize, "sale_id": win.sale_id, "agent_id": win.agent_id, "won_at": win.won_at,
                     "status": status, "revoked_at": win.revoked_at,
                     "handed_over_at": handed if status == rule.HANDED_OVER else None,
                     "cancelled_after_hand_over": win.cancelled_after_hand_over})
    if wins:
        db.session.execute(insert(PrizeWin), wins)
    db.session.execute(insert(PrizeStock), [{"contest_id": contest_id, "prize": name, "remaining": left}
                                            for name, left in book.stock.items()])
    counters = [{"contest_id": contest_id, "prize": prize, "scope": scope, "count": count}
                for (prize, scope), count in sorted(book.counters.items())]
    if counters:
        db.session.execute(insert(PrizeCounter), counters)


def rederive_all() -> None:
    """Every live contest with instant prizes, after the projections were cleared (the rebuild's last step)."""
    for contest in db.session.scalars(select(Contest).where(Contest.cancelled_at.is_(None)).order_by(Contest.id)):
        if rules_of(contest).instant_prizes:
            rederive(contest)
