"""Per-agent local-day and per-site hourly aggregates behind the calendar boards and the TV chart."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Sequence

from sqlalchemy import delete, select

from leaderboard.domain.periods import local_day, local_midnight
from leaderboard.extensions import db
from leaderboard.models.events import Cancellation, KpiSample, Sale
from leaderboard.models.projections import AgentDay, SiteHour
from leaderboard.services.publishing import Notice


def _rows(model: type, first, second, keys) -> dict:  # noqa: ANN001 - AgentDay or SiteHour and its key columns
    """The aggregate rows for these (first, second) keys in one query, new zero rows for the missing."""
    found = {(getattr(r, first.key), getattr(r, second.key)): r for r in db.session.scalars(
        select(model).where(first.in_({k[0] for k in keys}), second.in_({k[1] for k in keys})))}
    for key in keys:
        if key not in found:
            found[key] = model(**{first.key: key[0], second.key: key[1]}, points=0, sales=0)
            db.session.add(found[key])
    return found


def _add_to(row, sales: Sequence[Sale]) -> None:  # noqa: ANN001
    row.points += sum(s.points for s in sales)
    row.sales += len(sales)


def hour_of(instant: datetime) -> datetime:
    return instant.replace(minute=0, second=0, microsecond=0)


class CalendarProjection:
    """Keeps AgentDay in step with counted (not clawed back) sales."""

    def clear(self) -> None:
        db.session.execute(delete(AgentDay))
        db.session.execute(delete(SiteHour))

    def sales_added(self, sales: Sequence[Sale], clawed_back: set[str]) -> list[Notice]:
        grouped: dict[tuple[int, date], list[Sale]] = defaultdict(list)
        hours: dict[tuple[int, datetime], list[Sale]] = defaultdict(list)
        for sale in sales:
            if sale.id not in clawed_back:
                grouped[(sale.agent_id, local_day(sale.occurred_at, sale.agent.site.timezone))].append(sale)
                hours[(sale.agent.site_id, hour_of(sale.occurred_at))].append(sale)
        hour_rows = _rows(SiteHour, SiteHour.site_id, SiteHour.hour, hours)
        day_rows = _rows(AgentDay, AgentDay.agent_id, AgentDay.day, grouped)
        for key, hour_sales in hours.items():
            _add_to(hour_rows[key], hour_sales)
        for key, day_sales in grouped.items():
            row = day_rows[key]
            _add_to(row, day_sales)
            latest = max(day_sales, key=lambda s: (s.occurred_at, s.id))
            if row.reached_at is None or (latest.occurred_at, latest.id) > (row.reached_at, row.reached_sale_id):
                row.reached_at, row.reached_sale_id = latest.occurred_at, latest.id
        return []

    def sale_clawed_back(self, sale: Sale) -> list[Notice]:
        tz = sale.agent.site.timezone
        day = local_day(sale.occurred_at, tz)
        start = local_midnight(day, tz)
        end = local_midnight(date.fromordinal(day.toordinal() + 1), tz)
        clawed = select(Cancellation.sale_id).where(Cancellation.late.is_(False))
        remaining = list(db.session.scalars(
            select(Sale).where(Sale.agent_id == sale.agent_id, Sale.occurred_at >= start,
                               Sale.occurred_at < end, Sale.id.not_in(clawed))))
        slot = db.session.get(SiteHour, (sale.agent.site_id, hour_of(sale.occurred_at)))
        if slot is not None:
            slot.points -= sale.points
            slot.sales -= 1
            if slot.sales == 0:
                db.session.delete(slot)  # a rebuild would not create an empty hour either
        row = db.session.get(AgentDay, (sale.agent_id, day))
        if not remaining:
            if row is not None:
                db.session.delete(row)
            return []
        latest = max(remaining, key=lambda s: (s.occurred_at, s.id))
        row.points = sum(s.points for s in remaining)
        row.sales = len(remaining)
        row.reached_at, row.reached_sale_id = latest.occurred_at, latest.id
        return []

    def kpis_added(self, samples: Sequence[KpiSample]) -> list[Notice]:
        return []
