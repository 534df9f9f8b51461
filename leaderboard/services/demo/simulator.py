"""A live stream of plausible sales (and a few cancellations) for the demo, via the sale service."""
from __future__ import annotations

import logging
import random
import uuid
from collections import deque

from flask import Flask
from sqlalchemy import select

from leaderboard.extensions import db, socketio
from leaderboard.models.roster import Agent, Product
from leaderboard.schemas import CancelIn, SaleIn
from leaderboard.services.access import auth
from leaderboard.services.core.clock import utcnow
from leaderboard.services.sales import ingest as sales

log = logging.getLogger(__name__)
CANCEL_RATE = 0.04


def run(app: Flask, mean_interval: float = 2.0, limit: int | None = None) -> int:
    """Post sales forever (or `limit` times); returns how many were posted."""
    rng = random.Random()
    recent: deque[str] = deque(maxlen=50)
    posted = 0
    while limit is None or posted < limit:
        with app.app_context():
            try:
                posted += _step(rng, recent)
            except Exception:  # the demo must keep going
                log.exception("simulator step failed")
            finally:
                db.session.remove()
        socketio.sleep(rng.expovariate(1 / mean_interval))
    return posted


def _step(rng: random.Random, recent: deque[str]) -> int:
    if recent and rng.random() < CANCEL_RATE:
        sales.cancel_sale(auth.SYSTEM, recent.popleft(), CancelIn(reason="customer changed their mind"))
        return 0
    agents = list(db.session.scalars(select(Agent.key).where(Agent.active.is_(True))))
    products = list(db.session.scalars(select(Product.code)))
    if not agents or not products:
        return 0
    # Some agents sell more than others, as in real life.
    weights = [1 + sum(map(ord, key)) % 5 for key in agents]
    sale_id = f"sim-{uuid.uuid4().hex[:12]}"
    sale = SaleIn.model_validate({"id": sale_id, "agent": rng.choices(agents, weights)[0],
                                  "product": rng.choice(products), "quantity": 1 if rng.random() < 0.9 else 2,
                                  "occurred_at": utcnow().isoformat()})  # as a CRM would post it
    sales.ingest_sale(auth.SYSTEM, sale)
    recent.append(sale_id)
    return 1
