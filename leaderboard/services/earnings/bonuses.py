"""Bonus earnings per sale (a projection), charity choices, monthly totals and the payroll file."""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select

from leaderboard.extensions import db
from leaderboard.models.events import CharityChoice, KpiSample, Sale
from leaderboard.models.projections import Earning
from leaderboard.models.roster import Agent
from leaderboard.services.access.auth import Principal
from leaderboard.services.core import audit
from leaderboard.services.core.bulk_rebuild import LogContext, Rows
from leaderboard.services.core.clock import clawback_window, utcnow
from leaderboard.services.core.errors import FieldError, Forbidden, InvalidInput
from leaderboard.services.core.publishing import Notice
from leaderboard.services.core.settings import configured

PAYROLL_COLUMNS = ["month", "agent", "name", "site", "currency", "confirmed", "donated", "payable", "pending",
                   "clawed_back", "company_match", "charity"]
ZERO = Decimal("0.00")


def sale_month(sale: Sale) -> str:
    return month_of(sale.occurred_at, sale.agent.site.timezone)


def month_of(instant: datetime, tz: str) -> str:
    """The payroll month of a sale: its month in the site's time zone."""
    return instant.astimezone(ZoneInfo(tz)).strftime("%Y-%m")


def charity_at(agent_id: int, instant: datetime) -> str | None:
    return db.session.scalar(select(CharityChoice.charity).where(
        CharityChoice.agent_id == agent_id, CharityChoice.effective_from <= instant)
        .order_by(CharityChoice.effective_from.desc(), CharityChoice.id.desc()).limit(1))


def _choices_of(agent_ids: set[int] | None) -> dict[int, list[CharityChoice]]:
    """Each agent's charity choices, oldest first (every agent's when `agent_ids` is None)."""
    choices: dict[int, list[CharityChoice]] = defaultdict(list)
    if agent_ids is None or agent_ids:
        statement = select(CharityChoice).order_by(CharityChoice.effective_from, CharityChoice.id)
        if agent_ids is not None:
            statement = statement.where(CharityChoice.agent_id.in_(agent_ids))
        for choice in db.session.scalars(statement):
            choices[choice.agent_id].append(choice)
    return choices


def _choice_at(choices: list[CharityChoice], instant: datetime) -> str | None:
    """The choice in force at `instant`: the last one made at or before it (same rule as charity_at)."""
    current = None
    for choice in choices:
        if choice.effective_from > instant:
            break
        current = choice.charity
    return current


class EarningsProjection:
    """One Earning row per sale with a bonus; a clawback marks it, never deletes it."""

    def clear(self) -> None:
        db.session.execute(delete(Earning))

    def sales_added(self, sales: Sequence[Sale], clawed_back: set[str]) -> list[Notice]:
        paying = [s for s in sales if s.bonus > 0]
        choices = _choices_of({s.agent_id for s in paying})
        db.session.add_all([Earning(sale_id=sale.id, agent_id=sale.agent_id, month=sale_month(sale),
                                    occurred_at=sale.occurred_at, amount=sale.bonus, currency=sale.currency,
                                    clawed_back=sale.id in clawed_back,
                                    charity=_choice_at(choices.get(sale.agent_id, []), sale.occurred_at))
                            for sale in paying])
        return []

    def sale_clawed_back(self, sale: Sale) -> list[Notice]:
        earning = db.session.get(Earning, sale.id)
        if earning is not None:
            earning.clawed_back = True
        return []

    def kpis_added(self, samples: Sequence[KpiSample]) -> list[Notice]:
        return []

    def bulk_part(self, log: LogContext) -> EarningsBulk:
        return EarningsBulk(log)


class EarningsBulk:
    """The bulk rebuild's share: the Earning row of every sale with a bonus, clawed back or not."""

    def __init__(self, log: LogContext) -> None:
        self.clawed_back = log.clawed_back
        self.paying: list[tuple[str, int, datetime, Decimal, str, str]] = []

    def add_sales(self, sales: Sequence[Any], counted: Sequence[Any]) -> None:
        self.paying += [(s.id, s.agent_id, s.occurred_at, s.bonus, s.currency, s.timezone)
                        for s in sales if s.bonus > 0]

    def add_kpis(self, samples: Sequence[Any]) -> None:
        pass

    def rows(self) -> list[Rows]:
        self.paying.sort()
        choices = _choices_of(None)
        return [Rows(Earning, len(self.paying), (
            {"sale_id": sale_id, "agent_id": agent_id, "month": month_of(at, tz), "occurred_at": at,
             "amount": bonus, "currency": currency, "clawed_back": sale_id in self.clawed_back,
             "charity": _choice_at(choices.get(agent_id, []), at)}
            for sale_id, agent_id, at, bonus, currency, tz in self.paying))]


def choose_charity(actor: Principal, agent: Agent, charity: str | None) -> None:
    """Applies to sales from now on; earlier sales keep the choice that held when they happened."""
    if not (actor.role == "admin" or actor.agent_id == agent.id or actor.can_manage_site(agent.site_id)):
        raise Forbidden("you may only choose a charity for yourself")
    allowed = configured().charities
    if charity is not None and charity not in allowed:
        raise InvalidInput("unknown charity", [FieldError("charity", f"choose one of: {', '.join(allowed)}")])
    db.session.add(CharityChoice(agent_id=agent.id, charity=charity, effective_from=utcnow()))
    audit.record(actor.name, "agent.charity", "agent", agent.key, after={"charity": charity})
    db.session.commit()


def monthly_totals(agent_ids: list[int] | None, month: str,
                   now: datetime | None = None) -> dict[tuple[int, str], dict[str, Any]]:
    """(agent id, currency) → pending, confirmed, clawed_back, donated, matched for the month."""
    now = now or utcnow()
    match = configured().company_match
    statement = select(Earning).where(Earning.month == month)
    if agent_ids is not None:
        statement = statement.where(Earning.agent_id.in_(agent_ids))
    totals: dict[tuple[int, str], dict[str, Any]] = defaultdict(lambda: {
        "pending": ZERO, "confirmed": ZERO, "clawed_back": ZERO, "donated": ZERO, "donated_confirmed": ZERO,
        "charity": None})
    for earning in db.session.scalars(statement):
        total = totals[(earning.agent_id, earning.currency)]
        if earning.clawed_back:
            total["clawed_back"] += earning.amount
            continue
        confirmed = now >= earning.occurred_at + clawback_window()
        total["confirmed" if confirmed else "pending"] += earning.amount
        if earning.charity:
            total["donated"] += earning.amount
            total["charity"] = earning.charity
            if confirmed:
                total["donated_confirmed"] += earning.amount
    for total in totals.values():
        total["matched"] = (total["donated"] * match).quantize(Decimal("0.01"))
    return dict(totals)


def validate_month(month: str | None) -> str:
    try:
        return datetime.strptime(month or "", "%Y-%m").strftime("%Y-%m")
    except ValueError:
        raise InvalidInput("bad query", [FieldError("month", "must be YYYY-MM, e.g. 2026-11")]) from None


def agent_earnings(agent: Agent, month: str) -> dict[str, Any]:
    totals = monthly_totals([agent.id], month)
    by_currency = [{"currency": currency, **_money(t)} for (_, currency), t in sorted(totals.items())]
    main = by_currency[0] if by_currency else {"currency": None, **_money(None)}
    return {"agent": agent.key, "month": month, **main, "by_currency": by_currency,
            "charity": charity_at(agent.id, utcnow())}


def _money(total: dict[str, Any] | None) -> dict[str, str]:
    keys = ("pending", "confirmed", "clawed_back", "donated", "matched")
    return {k: f"{(total or {}).get(k, ZERO):.2f}" for k in keys}


def payroll_csv(actor: Principal, month: str) -> str:
    agents = {a.id: a for a in db.session.scalars(select(Agent))}
    totals = monthly_totals(None, month)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(PAYROLL_COLUMNS)
    for (agent_id, currency), t in sorted(totals.items(), key=lambda item: (agents[item[0][0]].key, item[0][1])):
        agent = agents[agent_id]
        if actor.role == "lead" and not actor.can_manage_site(agent.site_id):
            continue
        payable = t["confirmed"] - t["donated_confirmed"]
        writer.writerow([safe_cell(v) for v in (
            month, agent.key, agent.name, agent.site.key, currency, f"{t['confirmed']:.2f}",
            f"{t['donated_confirmed']:.2f}", f"{payable:.2f}", f"{t['pending']:.2f}", f"{t['clawed_back']:.2f}",
            f"{(t['donated_confirmed'] * _match()).quantize(Decimal('0.01')):.2f}", t["charity"] or "")])
    return out.getvalue()


def _match() -> Decimal:
    return configured().company_match


def safe_cell(value: str) -> str:
    """Neutralise spreadsheet formulas: a cell starting with = + - @ (or tab/CR) gets a leading quote."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
