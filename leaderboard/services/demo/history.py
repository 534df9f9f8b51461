"""The demo's past: sales at the simulator's own pace up to a few minutes ago, a few cancellations inside the
clawback window, and an older day whose late cancellations no longer take anything back."""
from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from leaderboard.extensions import db
from leaderboard.models.events import Cancellation
from leaderboard.models.roster import Agent, Site
from leaderboard.schemas import CancelIn
from leaderboard.services.access import auth
from leaderboard.services.demo.pace import Seller, SimulatedSale, sales_between, seller
from leaderboard.services.sales import ingest as sales

SLOT = timedelta(minutes=10)  # history is drawn per 10-minute slot: the same slot gives the same sales on every run
BATCH = 500
CANCEL_SHARE = 0.02  # customers who change their mind within the clawback window
OLD_DAYS = 20  # older than the 14-day clawback: cancelling one of these is late and takes nothing back
OLD_SALES_PER_SITE = 12
LATE_CANCELLATIONS = 3
REASONS = ("customer changed their mind", "duplicate order", "card declined")


@dataclass(frozen=True)
class Centre:
    """The sellers of each site and the site's time zone, read once from the roster."""

    sellers: dict[str, list[Seller]]
    timezones: dict[str, str]


def centre() -> Centre:
    sellers: dict[str, list[Seller]] = defaultdict(list)
    rows = db.session.execute(select(Agent.key, Site.key, Agent.fte).join(Site, Agent.site_id == Site.id)
                              .where(Agent.active.is_(True), Agent.sells.is_(True)).order_by(Agent.key))
    for key, site, fte in rows:
        sellers[site].append(seller(key, site, fte))
    zones = dict(db.session.execute(select(Site.key, Site.timezone)).all())
    return Centre(dict(sellers), {key: zones[key] for key in sellers})


def history_end(now: datetime) -> datetime:
    """Where the seeded history stops and the live stream takes over: the start of the current slot."""
    floored = now.replace(second=0, microsecond=0)
    return floored - timedelta(minutes=floored.minute % (SLOT // timedelta(minutes=1)))


def seed_history(shop: Centre, start: datetime, end: datetime) -> int:
    """Sales of every site from `start` to `end` (slot-aligned ids keep re-seeding idempotent), then the
    cancellations; returns how many sales the history holds."""
    items: list[dict[str, object]] = []
    cancellations: list[tuple[str, datetime]] = []
    slot = history_end(start)
    while slot < end:
        for site, sellers in shop.sellers.items():
            stamp = f"{site}:{slot:%Y%m%d%H%M}"
            rng = random.Random(stamp)
            for n, sale in enumerate(sales_between(site, shop.timezones[site], sellers, slot, slot + SLOT, rng)):
                sale_id = f"demo-{site}-{slot:%Y%m%d%H%M}-{n}"
                items.append(_item(sale_id, sale))
                if rng.random() < CANCEL_SHARE:
                    cancellations.append((sale_id, sale.at + timedelta(minutes=rng.uniform(5, 180))))
        slot += SLOT
    items += _old_sales(shop, end)
    for first in range(0, len(items), BATCH):
        sales.ingest_batch(auth.SYSTEM, items[first:first + BATCH])
    late = [(f"demo-old-{site}-{n}", end - timedelta(hours=n + 1))
            for site in sorted(shop.sellers) for n in range(LATE_CANCELLATIONS)][:LATE_CANCELLATIONS]
    _cancel([c for c in cancellations if c[1] <= end] + late)
    return len(items)


def _old_sales(shop: Centre, end: datetime) -> list[dict[str, object]]:
    day = end - timedelta(days=OLD_DAYS)
    out = []
    for site, sellers in sorted(shop.sellers.items()):
        rng = random.Random(f"{site}:old")
        for n in range(OLD_SALES_PER_SITE):
            at = day + timedelta(minutes=rng.uniform(0, 600))
            out.append(_item(f"demo-old-{site}-{n}", SimulatedSale(at, rng.choice(sellers).key, "CARD", 1)))
    return out


def _item(sale_id: str, sale: SimulatedSale) -> dict[str, object]:
    # The API's own input (timestamps as RFC 3339 strings), as a CRM would post it.
    return {"id": sale_id, "agent": sale.agent, "product": sale.product, "quantity": sale.quantity,
            "occurred_at": sale.at.isoformat()}


def _cancel(planned: list[tuple[str, datetime]]) -> None:
    done = set(db.session.scalars(select(Cancellation.sale_id).where(
        Cancellation.sale_id.in_([sale_id for sale_id, _ in planned]))))
    for n, (sale_id, at) in enumerate(planned):
        if sale_id not in done:
            cancel = CancelIn.model_validate({"reason": REASONS[n % len(REASONS)], "cancelled_at": at.isoformat()})
            sales.cancel_sale(auth.SYSTEM, sale_id, cancel)
