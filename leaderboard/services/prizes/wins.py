"""Reading instant prize wins (API, console, phone), the chance commitment, and handing a prize over."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from leaderboard.domain import instant_prizes as rule
from leaderboard.domain.access import Resource
from leaderboard.extensions import db
from leaderboard.models.contests import Contest
from leaderboard.models.prizes import PrizeHandOver, PrizeSeed, PrizeStock, PrizeWin
from leaderboard.models.roster import Agent, Site
from leaderboard.services.access import policy
from leaderboard.services.access.auth import Principal
from leaderboard.services.contests.rules import rules_of
from leaderboard.services.core import audit
from leaderboard.services.core.aggregates import insert_missing
from leaderboard.services.core.clock import utcnow
from leaderboard.services.core.errors import Conflict, FieldError, InvalidInput, NotFound
from leaderboard.services.core.transactions import retrying

STATUSES = (rule.WON, rule.HANDED_OVER, rule.REVOKED)
SCREEN_ROLES = ("display", "agent")


@dataclass(frozen=True)
class WinRow:
    """One win as the console and the phone list it."""

    id: str
    contest_id: int
    contest: str
    prize: str
    agent_key: str
    agent_name: str
    site: str  # its name
    sale: str
    won_at: datetime
    status: str
    cancelled_after_hand_over: bool
    handed_over_at: datetime | None


def win_resource(win_id: str) -> Resource:
    """The policy's view of a win: the site of its winner (an unknown id is bound to no site: 404 follows)."""
    site_id = db.session.scalar(select(Agent.site_id).join(PrizeWin, PrizeWin.agent_id == Agent.id)
                                .where(PrizeWin.id == win_id))
    return Resource(site_ids=frozenset({site_id})) if site_id is not None else Resource()


def commitment_view(contest: Contest, now: datetime | None = None) -> dict[str, Any] | None:
    """What the contest's API view shows of its instant prizes: the commitment, and the seed once ended."""
    rules = rules_of(contest)
    if not rules.instant_prizes:
        return None
    now = now or utcnow()
    seed = db.session.get(PrizeSeed, contest.id)
    left: dict[str, int] = dict(db.session.execute(
        select(PrizeStock.prize, PrizeStock.remaining).where(PrizeStock.contest_id == contest.id)).all())
    return {"algorithm": "hmac-sha256(seed, sale_id) / 2**256 < probability",
            "commitment": seed.commitment if seed else None,
            "seed": seed.seed_hex if seed is not None and now >= contest.ends_at else None,
            "stock": [{"prize": p.name, "stock": p.stock, "left": left.get(p.name, p.stock)}
                      for p in rules.instant_prizes]}


def _rows(statement: Any) -> list[WinRow]:
    query = (statement.add_columns(Contest.name, Agent.key, Agent.name, Site.name)
             .join(Contest, Contest.id == PrizeWin.contest_id).join(Agent, Agent.id == PrizeWin.agent_id)
             .join(Site, Site.id == Agent.site_id).order_by(PrizeWin.won_at.desc(), PrizeWin.id))
    return [WinRow(w.id, w.contest_id, contest, w.prize, key, name, site, w.sale_id, w.won_at, w.status,
                   w.cancelled_after_hand_over, w.handed_over_at)
            for w, contest, key, name, site in db.session.execute(query)]


def _check_status(status: str | None) -> None:
    if status is not None and status not in STATUSES:
        raise InvalidInput("unknown status", [FieldError("status", f"must be one of {', '.join(STATUSES)}")])


def contest_wins(actor: Principal, contest: Contest, status: str | None = None) -> list[dict[str, Any]]:
    """`GET /contests/<id>/prizes`: screens and agents see hidden colleagues as nobody, as on the boards."""
    _check_status(status)
    statement = select(PrizeWin).where(PrizeWin.contest_id == contest.id)
    if status is not None:
        statement = statement.where(PrizeWin.status == status)
    rows = _rows(statement)
    hidden: set[str] = set()
    if actor.role in SCREEN_ROLES:
        hidden = set(db.session.scalars(select(Agent.key).where(
            Agent.key.in_({r.agent_key for r in rows}), Agent.id != (actor.agent_id or -1),
            Agent.hidden_on_screens.is_(True) | Agent.erased.is_(True))))
    return [{"id": r.id, "prize": r.prize, "agent": None if r.agent_key in hidden else r.agent_key,
             "sale": r.sale, "won_at": r.won_at.isoformat(), "status": r.status,
             "cancelled_after_hand_over": r.cancelled_after_hand_over,
             "handed_over_at": r.handed_over_at.isoformat() if r.handed_over_at else None} for r in rows]


def wins_at_sites(site_ids: frozenset[int] | None, status: str | None = None, limit: int = 500) -> list[WinRow]:
    """The console's list: wins of agents of these sites (None: every site), newest first."""
    _check_status(status)
    statement = select(PrizeWin)
    if site_ids is not None:
        statement = statement.where(PrizeWin.agent_id.in_(select(Agent.id).where(Agent.site_id.in_(site_ids))))
    if status is not None:
        statement = statement.where(PrizeWin.status == status)
    return _rows(statement.limit(limit))


def agent_wins(agent_id: int, limit: int | None = 20) -> list[WinRow]:
    """The winner's phone: their own wins, newest first (revoked ones too, so nothing vanishes unexplained)."""
    return _rows(select(PrizeWin).where(PrizeWin.agent_id == agent_id).limit(limit))


def hand_over(actor: Principal, win_id: str) -> WinRow:
    """Mark a win handed over (idempotent); 404 for an unknown win, 409 once revoked. The hand-over is
    logged in its own table, which the rebuild re-applies."""
    return retrying(lambda: _hand_over(actor, win_id))


def _hand_over(actor: Principal, win_id: str) -> WinRow:
    win = db.session.get(PrizeWin, win_id)
    if win is None:
        raise NotFound(f"no prize win {win_id!r}")
    policy.require(actor, "prize.hand_over", win_resource(win_id), f"prize win {win_id}")
    now = utcnow()
    # Guarded on status: a cancellation racing this either revoked first (nothing updated: 409) or waits.
    moved = db.session.execute(update(PrizeWin).where(PrizeWin.id == win_id, PrizeWin.status == rule.WON)
                               .values(status=rule.HANDED_OVER, handed_over_at=now)
                               .returning(PrizeWin.id).execution_options(synchronize_session=False)).first()
    db.session.refresh(win)
    if moved is None and win.status == rule.REVOKED:
        db.session.rollback()
        raise Conflict(f"prize win {win_id!r} was revoked: its sale was cancelled before the hand-over")
    if moved is not None:
        insert_missing(PrizeHandOver, [{"win_id": win.id, "contest_id": win.contest_id, "prize": win.prize,
                                        "sale_id": win.sale_id, "at": now, "by": actor.name}], ("win_id",))
        audit.record(actor.name, "prize.hand_over", "prize_win", win.id,
                     after={"contest": win.contest_id, "prize": win.prize, "sale": win.sale_id})
    db.session.commit()
    return _rows(select(PrizeWin).where(PrizeWin.id == win_id))[0]


def win_view(row: WinRow) -> dict[str, Any]:
    return {"id": row.id, "prize": row.prize, "agent": row.agent_key, "sale": row.sale,
            "won_at": row.won_at.isoformat(), "status": row.status,
            "cancelled_after_hand_over": row.cancelled_after_hand_over,
            "handed_over_at": row.handed_over_at.isoformat() if row.handed_over_at else None}
