"""Per-agent local-day and per-site hourly aggregates behind the calendar boards and the TV chart."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select, update

from leaderboard.domain.periods import local_day, local_midnight
from leaderboard.domain.sales import SAVE
from leaderboard.extensions import db
from leaderboard.models.events import KpiSample, Sale
from leaderboard.models.projections import AgentDay, SiteHour
from leaderboard.services.contests.counting import not_clawed_back
from leaderboard.services.core.aggregates import add_rows
from leaderboard.services.core.bulk_rebuild import LogContext, Rows
from leaderboard.services.core.publishing import Notice


def hour_of(instant: datetime) -> datetime:
    return instant.replace(minute=0, second=0, microsecond=0)


def _latest(sales: Sequence[Sale]) -> Sale:
    return max(sales, key=lambda s: (s.occurred_at, s.id))


def _totals(key: dict[str, Any], sales: Sequence[Sale], with_latest: bool) -> dict[str, Any]:
    """SiteHour counts every sale; AgentDay (`with_latest`) counts sales and retention saves apart."""
    if not with_latest:
        return dict(key, points=sum(s.points for s in sales), sales=len(sales))
    saves = sum(1 for s in sales if s.kind == SAVE)
    latest = _latest(sales)
    return dict(key, points=sum(s.points for s in sales), sales=len(sales) - saves, saves=saves,
                reached_at=latest.occurred_at, reached_sale_id=latest.id)


def _take_back(model: Any, where: Any, points: int, counter: Any = None) -> None:
    """Subtract one sale from `counter` (default: sales); a row left with no sale goes, as a rebuild would
    never create it."""
    counter = model.sales if counter is None else counter
    counted = model.sales + model.saves if model is AgentDay else model.sales
    left = db.session.execute(update(model).where(where).values({model.points: model.points - points,
                                                                 counter: counter - 1})
                              .returning(counted).execution_options(synchronize_session=False)).scalar()
    if left is not None and left <= 0:
        db.session.execute(delete(model).where(where).execution_options(synchronize_session=False))


class CalendarProjection:
    """Keeps AgentDay and SiteHour in step with counted (not clawed back) sales."""

    def clear(self) -> None:
        db.session.execute(delete(AgentDay))
        db.session.execute(delete(SiteHour))

    def sales_added(self, sales: Sequence[Sale], clawed_back: set[str]) -> list[Notice]:
        days: dict[tuple[int, date], list[Sale]] = defaultdict(list)
        hours: dict[tuple[int, datetime], list[Sale]] = defaultdict(list)
        for sale in sales:
            if sale.id not in clawed_back:
                days[(sale.agent_id, local_day(sale.occurred_at, sale.agent.site.timezone))].append(sale)
                hours[(sale.agent.site_id, hour_of(sale.occurred_at))].append(sale)
        add_rows(SiteHour, [_totals({"site_id": site, "hour": hour}, group, False)
                            for (site, hour), group in hours.items()], ("site_id", "hour"), ("points", "sales"))
        add_rows(AgentDay, [_totals({"agent_id": agent, "day": day}, group, True)
                            for (agent, day), group in days.items()], ("agent_id", "day"),
                 ("points", "sales", "saves"), track_latest=True)
        return []

    def sale_clawed_back(self, sale: Sale) -> list[Notice]:
        tz = sale.agent.site.timezone
        day = local_day(sale.occurred_at, tz)
        _take_back(SiteHour, (SiteHour.site_id == sale.agent.site_id) & (SiteHour.hour == hour_of(sale.occurred_at)),
                   sale.points)
        in_day = (AgentDay.agent_id == sale.agent_id) & (AgentDay.day == day)
        _take_back(AgentDay, in_day, sale.points, AgentDay.saves if sale.kind == SAVE else AgentDay.sales)
        # The row is locked by the update above: re-deriving "reached" from the log is safe.
        if db.session.scalar(select(AgentDay.reached_sale_id).where(in_day)) == sale.id:
            latest = db.session.execute(
                select(Sale.occurred_at, Sale.id).where(
                    Sale.agent_id == sale.agent_id, Sale.occurred_at >= local_midnight(day, tz),
                    Sale.occurred_at < local_midnight(date.fromordinal(day.toordinal() + 1), tz),
                    not_clawed_back()).order_by(Sale.occurred_at.desc(), Sale.id.desc()).limit(1)).one()
            db.session.execute(update(AgentDay).where(in_day).values(reached_at=latest.occurred_at,
                                                                     reached_sale_id=latest.id)
                               .execution_options(synchronize_session=False))
        return []

    def kpis_added(self, samples: Sequence[KpiSample]) -> list[Notice]:
        return []

    def bulk_part(self, log: LogContext) -> CalendarBulk:
        return CalendarBulk()


class CalendarBulk:
    """The bulk rebuild's share: AgentDay and SiteHour summed over the whole log in memory."""

    def __init__(self) -> None:
        self.days: dict[tuple[int, date], list[Any]] = {}  # points, sales, (reached_at, reached_sale_id), saves
        self.hours: dict[tuple[int, datetime], list[int]] = {}

    def add_sales(self, sales: Sequence[Any], counted: Sequence[Any]) -> None:
        days, hours = self.days, self.hours
        for sale in counted:
            reached = (sale.occurred_at, sale.id)
            day = days.get(key := (sale.agent_id, local_day(sale.occurred_at, sale.timezone)))
            save = 1 if sale.kind == SAVE else 0
            if day is None:
                days[key] = [sale.points, 1 - save, reached, save]
            else:
                day[0] += sale.points
                day[1] += 1 - save
                day[3] += save
                if reached > day[2]:  # the latest (occurred_at, id), as `add_rows(track_latest=True)` keeps
                    day[2] = reached
            hour = hours.get(key := (sale.site_id, hour_of(sale.occurred_at)))
            if hour is None:
                hours[key] = [sale.points, 1]
            else:
                hour[0] += sale.points
                hour[1] += 1

    def add_kpis(self, samples: Sequence[Any]) -> None:
        pass

    def rows(self) -> list[Rows]:
        return [Rows(SiteHour, len(self.hours), ({"site_id": site, "hour": hour, "points": points, "sales": n}
                                                 for (site, hour), (points, n) in sorted(self.hours.items()))),
                Rows(AgentDay, len(self.days), ({"agent_id": agent, "day": day, "points": points, "sales": n,
                                                 "saves": saves, "reached_at": reached[0],
                                                 "reached_sale_id": reached[1]}
                                                for (agent, day), (points, n, reached, saves)
                                                in sorted(self.days.items())))]
