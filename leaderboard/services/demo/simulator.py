"""A live stream of plausible sales for the demo, via the sale service: each site at its own time-of-day pace
(the seed's history pace), a few cancellations inside the clawback window and, now and then, a late one."""
from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import Flask
from sqlalchemy import select

from leaderboard.extensions import db, socketio
from leaderboard.models.events import Cancellation, Sale
from leaderboard.schemas import CancelIn, SaleIn
from leaderboard.services.access import auth
from leaderboard.services.core.clock import clawback_window, utcnow
from leaderboard.services.demo import history
from leaderboard.services.demo.pace import sales_between
from leaderboard.services.sales import ingest as sales

log = logging.getLogger(__name__)
STEP_SECONDS = 2.0
CANCEL_SHARE = 0.02  # a customer changes their mind a few minutes later: inside the clawback window (VAR)
LATE_CANCEL_PER_HOUR = 1.0  # an old sale, past its clawback window, is cancelled: recorded, takes nothing back
MAX_GAP = timedelta(minutes=10)  # after a pause (a laptop asleep) the stream resumes instead of flooding
ROSTER_REFRESH = timedelta(minutes=5)


@dataclass
class Stream:
    """Where the stream stands: sales are drawn for (since, now] at each step."""

    since: datetime
    rng: random.Random = field(default_factory=random.Random)
    centre: history.Centre | None = None
    read_at: datetime | None = None
    cancellations: list[tuple[datetime, str]] = field(default_factory=list)
    posted: int = 0


def start(now: datetime, rng: random.Random | None = None) -> Stream:
    """Go on from where the seeded history stopped."""
    return Stream(since=max(history.history_end(now), now - MAX_GAP), rng=rng or random.Random())


def step(stream: Stream, now: datetime) -> int:
    """Post the sales that happened since the last step (and the cancellations now due); returns sales posted."""
    if stream.centre is None or stream.read_at is None or now - stream.read_at >= ROSTER_REFRESH:
        stream.centre, stream.read_at = history.centre(), now
    since = max(stream.since, now - MAX_GAP)
    stream.since = now
    drawn = sorted((sale for site, sellers in stream.centre.sellers.items()
                    for sale in sales_between(site, stream.centre.timezones[site], sellers, since, now, stream.rng)),
                   key=lambda sale: sale.at)
    posted = 0
    for sale in drawn:
        sale_id = f"sim-{stream.rng.getrandbits(48):012x}"
        sales.ingest_sale(auth.SYSTEM, SaleIn.model_validate({
            "id": sale_id, "agent": sale.agent, "product": sale.product, "quantity": sale.quantity,
            "occurred_at": sale.at.isoformat()}))  # as a CRM would post it
        posted += 1
        if stream.rng.random() < CANCEL_SHARE:
            stream.cancellations.append((sale.at + timedelta(minutes=stream.rng.uniform(2, 15)), sale_id))
    _cancel_due(stream, now)
    if stream.rng.random() < LATE_CANCEL_PER_HOUR * (now - since).total_seconds() / 3600:
        _cancel_an_old_sale(stream, now)
    stream.posted += posted
    return posted


def _cancel_due(stream: Stream, now: datetime) -> None:
    due = [sale_id for at, sale_id in stream.cancellations if at <= now]
    stream.cancellations = [(at, sale_id) for at, sale_id in stream.cancellations if at > now]
    for sale_id in due:
        sales.cancel_sale(auth.SYSTEM, sale_id, CancelIn(reason="customer changed their mind"))


def _cancel_an_old_sale(stream: Stream, now: datetime) -> None:
    old = list(db.session.scalars(select(Sale.id).where(
        Sale.occurred_at < now - clawback_window() - timedelta(days=1),
        Sale.id.not_in(select(Cancellation.sale_id))).order_by(Sale.id).limit(50)))
    if old:
        sales.cancel_sale(auth.SYSTEM, stream.rng.choice(old), CancelIn(reason="chargeback after the clawback period"))


def run(app: Flask, step_seconds: float = STEP_SECONDS, limit: int | None = None) -> int:
    """Post sales forever (or until `limit` were posted); returns how many were posted."""
    stream: Stream | None = None
    while True:
        with app.app_context():
            try:
                stream = stream or start(utcnow())
                step(stream, utcnow())
            except Exception:  # the demo must keep going
                log.exception("simulator step failed")
            finally:
                db.session.remove()
        if stream is not None and limit is not None and stream.posted >= limit:
            return stream.posted
        socketio.sleep(step_seconds)
