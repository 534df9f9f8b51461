"""Sale ingestion (single and batched, idempotent by id) and cancellations, in or out of order."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from leaderboard.domain.sales import SaleBody, assist_errors, is_late_cancellation, sale_status
from leaderboard.extensions import db
from leaderboard.models.events import Cancellation, Sale, SaleAssist
from leaderboard.models.roster import Agent, Product
from leaderboard.schemas import CancelIn, SaleIn, field_errors
from leaderboard.services.access.auth import Principal
from leaderboard.services.core import audit, projections
from leaderboard.services.core.clock import clawback_window, utcnow
from leaderboard.services.core.errors import Conflict, FieldError, Forbidden, InvalidInput
from leaderboard.services.core.publishing import Notice, publish
from leaderboard.services.core.settings import configured
from leaderboard.services.core.transactions import retrying, serialize_sales
from leaderboard.services.sales.group_commit import GroupCommit

CREATED, DUPLICATE, CONFLICT, INVALID = "created", "duplicate", "conflict", "invalid"


def sale_view(sale: Sale, cancellation: Cancellation | None, now: datetime | None = None) -> dict[str, Any]:
    clawed_back = cancellation is not None and cancellation.late is False
    status = sale_status(sale.occurred_at, now or utcnow(), clawback_window(), clawed_back)
    return {
        "id": sale.id,
        "agent": sale.agent.key,
        "product": sale.product.code,
        "quantity": sale.quantity,
        "amount": None if sale.amount is None else f"{sale.amount:.2f}",
        "occurred_at": sale.occurred_at.isoformat(),
        "received_at": sale.received_at.isoformat(),
        "points": sale.points,
        "bonus": f"{sale.bonus:.2f}",
        "currency": sale.currency,
        "kind": sale.kind,
        "assists": sorted(a.agent.key for a in sale.assists),
        "status": status,
        "cancellation": None if cancellation is None else {
            "reason": cancellation.reason,
            "cancelled_at": cancellation.cancelled_at.isoformat(),
            "late": bool(cancellation.late),
        },
    }


def cancellation_of(sale_id: str) -> Cancellation | None:
    return db.session.scalar(select(Cancellation).where(Cancellation.sale_id == sale_id))


@dataclass
class BatchItem:
    id: str | None
    result: str
    errors: list[FieldError] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "result": self.result, "errors": [e.as_dict() for e in self.errors]}


def _require_writer(actor: Principal) -> None:
    if actor.role not in ("admin", "integration"):
        raise Forbidden(f"role {actor.role!r} may not post sales")


def _references(data: SaleIn, prefix: str, agents: dict[str, Agent], products: dict[str, Product],
                now: datetime) -> list[FieldError]:
    errors = []
    if data.agent not in agents:
        errors.append(FieldError(f"{prefix}agent", f"unknown agent {data.agent!r}"))
    elif not agents[data.agent].sells:
        errors.append(FieldError(f"{prefix}agent", f"{data.agent!r} works outside sales (sells: false) and "
                                                   "cannot post sales; credit them with an assist instead"))
    for index, message in assist_errors(data.agent, data.assists):
        errors.append(FieldError(f"{prefix}assists" + ("" if index is None else f"[{index}]"), message))
    errors += [FieldError(f"{prefix}assists[{index}]", f"unknown person {key!r}")
               for index, key in enumerate(data.assists) if key not in agents]
    if data.product not in products:
        errors.append(FieldError(f"{prefix}product", f"unknown product {data.product!r}"))
    limit = configured().max_future
    if data.occurred_at > now + limit:
        errors.append(FieldError(f"{prefix}occurred_at",
                                 f"is more than {limit.seconds // 60} minutes in the future"))
    return errors


def _body(data: SaleIn) -> SaleBody:
    return SaleBody(data.id, data.agent, data.product, data.quantity, data.amount, data.occurred_at,
                    tuple(data.assists))


def _new_sale(data: SaleIn, agents: dict[str, Agent], product: Product, now: datetime) -> Sale:
    # Assist points are fixed at ingest like the seller's points: a later product change rewrites no history.
    assist_points = product.assist_points_per_unit * data.quantity
    return Sale(id=data.id, agent=agents[data.agent], product=product, quantity=data.quantity, amount=data.amount,
                occurred_at=data.occurred_at, received_at=now, points=product.points * data.quantity,
                bonus=product.bonus * data.quantity, currency=product.currency, kind=product.kind,
                body_hash=_body(data).fingerprint(),
                assists=[SaleAssist(agent=agents[key], points=assist_points) for key in sorted(set(data.assists))])


def _lookup(data: list[SaleIn]) -> tuple[dict[str, Agent], dict[str, Product]]:
    agent_keys = {d.agent for d in data} | {key for d in data for key in d.assists}
    product_codes = {d.product for d in data}
    agents = {a.key: a for a in db.session.scalars(select(Agent).where(Agent.key.in_(agent_keys)))}
    products = {p.code: p for p in db.session.scalars(select(Product).where(Product.code.in_(product_codes)))}
    return agents, products


def _attach_early_cancellations(sales: list[Sale]) -> set[str]:
    """Apply cancellations that arrived before their sale; returns the ids clawed back."""
    if not sales:
        return set()
    by_id = {s.id: s for s in sales}
    clawed = set()
    for cancellation in db.session.scalars(select(Cancellation).where(Cancellation.sale_id.in_(by_id))):
        sale = by_id[cancellation.sale_id]
        cancellation.late = is_late_cancellation(sale.occurred_at, cancellation.cancelled_at, clawback_window())
        if not cancellation.late:
            clawed.add(sale.id)
    return clawed


def ingest_sale(actor: Principal, data: SaleIn,
                group: GroupCommit | None = None) -> tuple[dict[str, Any], bool]:
    """Store one sale (in the next group transaction when a GroupCommit is given).
    Returns its view and True when created; raises Conflict on a changed replay."""
    _require_writer(actor)
    now = utcnow()
    agents, products = _lookup([data])
    errors = _references(data, "", agents, products, now)
    if errors:
        raise InvalidInput("the sale refers to unknown or impossible values", errors)
    if group is not None:
        # End this request's own transaction first (e.g. the API key's last use): it must not hold
        # a lock the group writer will wait for while this caller waits for the writer.
        db.session.commit()
        return group.submit(data, now)
    return retrying(lambda: _store_sale(data, agents, products[data.product], now))


def store_one(data: SaleIn, now: datetime) -> tuple[dict[str, Any], bool]:
    """A validated sale on its own transaction (the group writer's fallback)."""
    agents, products = _lookup([data])
    return retrying(lambda: _store_sale(data, agents, products[data.product], now))


def store_group(items: list[SaleIn], now: datetime) -> list[tuple[dict[str, Any], bool] | Exception]:
    """Validated single sales of several callers in one transaction; one outcome per item, in order."""
    return retrying(lambda: _store_group(items, now))


def _store_group(items: list[SaleIn], now: datetime) -> list[tuple[dict[str, Any], bool] | Exception]:
    serialize_sales(data.id for data in items)
    agents, products = _lookup(items)
    stored = {s.id: s for s in db.session.scalars(select(Sale).where(Sale.id.in_({d.id for d in items})))}
    created: dict[str, Sale] = {}
    for data in items:
        if data.id not in stored and data.id not in created:
            created[data.id] = _new_sale(data, agents, products[data.product], now)
    db.session.add_all(created.values())
    db.session.flush()
    notices = projections.sales_added(list(created.values()), _attach_early_cancellations(list(created.values())))
    db.session.commit()
    publish(notices)
    cancellations = {c.sale_id: c for c in db.session.scalars(
        select(Cancellation).where(Cancellation.sale_id.in_({d.id for d in items})))}
    outcomes: list[tuple[dict[str, Any], bool] | Exception] = []
    answered_creation: set[str] = set()
    for data in items:
        sale = created.get(data.id) or stored[data.id]
        view = sale_view(sale, cancellations.get(sale.id))
        if sale.body_hash != _body(data).fingerprint():
            outcomes.append(Conflict(f"sale {data.id!r} was already received with a different body", sale=view))
        elif data.id in created and data.id not in answered_creation:
            answered_creation.add(data.id)  # the first of concurrent replays is the one that created it
            outcomes.append((view, True))
        else:
            outcomes.append((view, False))
    return outcomes


def _store_sale(data: SaleIn, agents: dict[str, Agent], product: Product,
                now: datetime) -> tuple[dict[str, Any], bool]:
    serialize_sales([data.id])
    existing = db.session.get(Sale, data.id)
    if existing is None:
        sale = _new_sale(data, agents, product, now)
        db.session.add(sale)
        try:
            db.session.flush()
        except IntegrityError:
            # A concurrent replay won the insert: answer as a replay of it.
            db.session.rollback()
            existing = db.session.get(Sale, data.id)
        else:
            clawed = _attach_early_cancellations([sale])
            notices = projections.sales_added([sale], clawed)
            db.session.commit()
            publish(notices)
            return sale_view(sale, cancellation_of(sale.id)), True
    if existing is None:
        raise Conflict(f"sale {data.id!r} could not be stored; send it again")
    if existing.body_hash != _body(data).fingerprint():
        raise Conflict(f"sale {data.id!r} was already received with a different body",
                       sale=sale_view(existing, cancellation_of(existing.id)))
    return sale_view(existing, cancellation_of(existing.id)), False


def ingest_batch(actor: Principal, items: list[Any]) -> list[BatchItem]:
    """Store every valid sale of a batch in one transaction and report each item."""
    _require_writer(actor)
    now = utcnow()
    results: list[BatchItem | None] = [None] * len(items)
    parsed: dict[int, SaleIn] = {}
    for index, raw in enumerate(items):
        prefix = f"sales[{index}]"
        try:
            parsed[index] = SaleIn.model_validate(raw)
        except ValidationError as exc:
            raw_id = raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else None
            results[index] = BatchItem(raw_id, INVALID, [FieldError(f, m) for f, m in field_errors(exc, prefix)])
    agents, products = _lookup(list(parsed.values()))
    for index, data in list(parsed.items()):
        errors = _references(data, f"sales[{index}].", agents, products, now)
        if errors:
            results[index] = BatchItem(data.id, INVALID, errors)
            del parsed[index]
    return retrying(lambda: _store_batch(actor, items, parsed, results, agents, products, now))


def _store_batch(actor: Principal, items: list[Any], parsed: dict[int, SaleIn], first_pass: list[BatchItem | None],
                 agents: dict[str, Agent], products: dict[str, Product], now: datetime) -> list[BatchItem]:
    results = list(first_pass)
    serialize_sales(d.id for d in parsed.values())
    stored = {s.id: s.body_hash for s in db.session.scalars(
        select(Sale).where(Sale.id.in_({d.id for d in parsed.values()})))}
    new_sales: list[Sale] = []
    for index, data in parsed.items():
        fingerprint = _body(data).fingerprint()
        if data.id in stored:
            same = stored[data.id] == fingerprint
            results[index] = BatchItem(data.id, DUPLICATE if same else CONFLICT,
                                       [] if same else [FieldError(f"sales[{index}].id",
                                                                   "already received with a different body")])
            continue
        sale = _new_sale(data, agents, products[data.product], now)
        stored[data.id] = fingerprint
        new_sales.append(sale)
        results[index] = BatchItem(data.id, CREATED)
    db.session.add_all(new_sales)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return _ingest_one_by_one(actor, items, results)
    clawed = _attach_early_cancellations(new_sales)
    notices = projections.sales_added(new_sales, clawed)
    db.session.commit()
    publish(notices)
    return [r for r in results if r is not None]


def _ingest_one_by_one(actor: Principal, items: list[Any], first_pass: list[BatchItem | None]) -> list[BatchItem]:
    """Slow path after losing a race with a concurrent writer: settle each item on its own."""
    results = []
    for index, previous in enumerate(first_pass):
        if previous is not None and previous.result != CREATED:
            results.append(previous)
            continue
        data = SaleIn.model_validate(items[index])
        try:
            _, created = ingest_sale(actor, data)
            results.append(BatchItem(data.id, CREATED if created else DUPLICATE))
        except Conflict:
            results.append(BatchItem(data.id, CONFLICT, [FieldError(f"sales[{index}].id",
                                                                     "already received with a different body")]))
    return results


def cancel_sale(actor: Principal, sale_id: str, data: CancelIn) -> tuple[dict[str, Any] | None, bool]:
    """Record a cancellation. Returns (sale view or None while the sale is unknown, newly recorded)."""
    if actor.role not in ("admin", "integration", "lead"):
        raise Forbidden(f"role {actor.role!r} may not cancel sales")
    now = utcnow()
    cancelled_at = data.cancelled_at or now
    if cancelled_at > now + configured().max_future:
        raise InvalidInput("cancellation time is in the future",
                           [FieldError("cancelled_at", "is more than a few minutes in the future")])
    return retrying(lambda: _record_cancellation(actor, sale_id, data.reason, cancelled_at, now))


def _record_cancellation(actor: Principal, sale_id: str, reason: str, cancelled_at: datetime,
                         now: datetime) -> tuple[dict[str, Any] | None, bool]:
    # The sale's lock first: a sale posted at the same moment either sees this cancellation or is seen by it.
    serialize_sales([sale_id])
    sale = db.session.get(Sale, sale_id)
    if sale is not None and actor.role == "lead":
        actor.require_site(sale.agent.site_id, f"sales of site {sale.agent.site.key!r}")
    if sale is None and actor.role == "lead":
        raise Forbidden("leads can only cancel sales that have been received")
    existing = cancellation_of(sale_id)
    if existing is not None:
        return (sale_view(sale, existing) if sale else None), False
    cancellation = Cancellation(sale_id=sale_id, reason=reason, cancelled_at=cancelled_at, received_at=now)
    if sale is not None:
        cancellation.late = is_late_cancellation(sale.occurred_at, cancelled_at, clawback_window())
    db.session.add(cancellation)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        sale = db.session.get(Sale, sale_id)
        return (sale_view(sale, cancellation_of(sale_id)) if sale else None), False
    notices: list[Notice] = []
    if sale is not None and cancellation.late is False:
        notices = projections.sale_clawed_back(sale)
    audit.record(actor.name, "sale.cancel", "sale", sale_id,
                 after={"reason": reason, "cancelled_at": cancelled_at.isoformat(), "late": cancellation.late})
    db.session.commit()
    publish(notices)
    return (sale_view(sale, cancellation) if sale else None), True
