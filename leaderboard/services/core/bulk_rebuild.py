"""The bulk path of `leaderboard rebuild`: stream the log once, sum every aggregate in memory, insert once.

The incremental path (`projections.sales_added` …) upserts per write; replaying the whole log through it
costs an ORM object per sale and a round of upserts per chunk and projection. Here instead:

1. The log is streamed with one Core column query (sale, agent's site, site time zone, product code; no
   ORM objects), `yield_per` partitions, plus the set of clawed-back ids (`contests.counting`).
2. Each projection that takes part hands out a `BulkPart` (its `bulk_part(log)` hook). Every partition of
   sales, then of KPI samples, goes to every part, which adds it to aggregates held in memory for the
   whole stream. Whether a sale counts in a contest and what it is worth are decided by `CountedIn`,
   which applies the domain's rule (`counts_in_contest`, `ContestRules.sale_points`/`sale_tickets`).
3. Each part then returns its finished rows (`Rows`), written with `INSERT` executemany in large batches.

The caller (`projections.rebuild`) clears the tables first, keeps one transaction, runs the
`finish_rebuild` hooks and commits. A projection without `bulk_part` is not fed here: it must derive its
rows from the log in `finish_rebuild` (the league recounts each match there).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import islice
from typing import Any, Protocol

from sqlalchemy import func, insert, select

from leaderboard.domain.sales import counts_in_contest
from leaderboard.domain.scoring import ContestRules
from leaderboard.extensions import db
from leaderboard.models.contests import Contest
from leaderboard.models.events import KpiSample, Sale
from leaderboard.models.roster import Agent, Product, Site
from leaderboard.services.contests import counting
from leaderboard.services.contests.rules import confirmed_through, kpi_catalogue, rules_of
from leaderboard.services.core.clock import clawback_window

Progress = Callable[[str, int, int], None] | None
WRITE_BATCH = 10_000


@dataclass(frozen=True)
class Rows:
    """Finished rows of one table: `count` of them, produced lazily by `rows` (dicts keyed by column)."""

    model: Any
    count: int
    rows: Iterable[Mapping[str, Any]]


class BulkPart(Protocol):
    """One projection's share of a bulk rebuild. `add_sales` gets each partition of the log (all sales, and
    those not clawed back), `add_kpis` each partition of KPI samples; `rows` is asked once, at the end."""

    def add_sales(self, sales: Sequence[Any], counted: Sequence[Any]) -> None: ...

    def add_kpis(self, samples: Sequence[Any]) -> None: ...

    def rows(self) -> list[Rows]: ...


@dataclass
class CountedIn:
    """One live (not cancelled) contest and the domain's counting rule for a streamed sale row."""

    contest: Contest
    rules: ContestRules
    site_ids: frozenset[int]
    confirmed_until: datetime | None
    clawback: timedelta
    _points: dict[tuple[str, int, int], Decimal | None] = field(default_factory=dict)
    _tickets: dict[tuple[str, int, int], int] = field(default_factory=dict)
    _among: tuple[Any, Sequence[Any]] = (None, ())

    @property
    def id(self) -> int:
        return self.contest.id

    def counts(self, sale: Any) -> bool:
        """`contests.rules.counts_sale` for a streamed row (clawed-back sales are filtered out before)."""
        return counts_in_contest(sale.occurred_at, sale.site_id, self.contest.starts_at, self.contest.ends_at,
                                 self.site_ids, self.rules.count_pending, self.confirmed_until, self.clawback,
                                 sale.kind, self.rules.kinds)

    def among(self, sales: Sequence[Any]) -> Sequence[Any]:
        """The sales of one partition that count here, decided once per partition for every part."""
        if self._among[0] is not sales:
            self._among = (sales, [sale for sale in sales if self.counts(sale)])
        return self._among[1]

    def points(self, sale: Any) -> Decimal | None:
        """A counted sale's points here (`ContestRules.sale_points`), or None when its product is left out."""
        key = (sale.product_code, sale.points, sale.quantity)
        try:
            return self._points[key]
        except KeyError:
            value = self._points[key] = self.rules.sale_points(*key)
            return value

    def tickets(self, sale: Any) -> int:
        """A counted sale's tickets here (`ContestRules.sale_tickets`)."""
        key = (sale.product_code, sale.points, sale.quantity)
        try:
            return self._tickets[key]
        except KeyError:
            value = self._tickets[key] = self.rules.sale_tickets(*key)
            return value


@dataclass
class LogContext:
    """What every part needs to know once, before the stream: clawed-back ids and the live contests."""

    clawed_back: set[str]
    contests: list[CountedIn]
    catalogue: dict[str, bool]

    @classmethod
    def load(cls) -> LogContext:
        clawback = clawback_window()
        through = confirmed_through()
        contests = []
        for contest in db.session.scalars(select(Contest).where(Contest.cancelled_at.is_(None))
                                          .order_by(Contest.id)):
            rules = rules_of(contest)
            contests.append(CountedIn(contest, rules, frozenset(s.id for s in contest.sites),
                                      None if rules.count_pending else through, clawback))
        return cls(set(db.session.scalars(counting.clawed_back_ids())), contests, kpi_catalogue())

    def of_kind(self, kind: str) -> list[CountedIn]:
        return [c for c in self.contests if c.contest.kind == kind]


def sale_rows() -> Any:
    """The log as plain rows, joined once with the agent's site, its time zone and the product code."""
    return (select(Sale.id, Sale.agent_id, Agent.site_id, Site.timezone, Product.code.label("product_code"),
                   Sale.points, Sale.quantity, Sale.bonus, Sale.currency, Sale.occurred_at, Sale.kind)
            .join(Agent, Sale.agent_id == Agent.id).join(Site, Agent.site_id == Site.id)
            .join(Product, Sale.product_id == Product.id))


def kpi_rows() -> Any:
    """KPI samples in id order (the order they were recorded: float totals are summed in it)."""
    return (select(KpiSample.id, KpiSample.agent_id, Agent.site_id, KpiSample.kpi, KpiSample.day, KpiSample.value)
            .join(Agent, KpiSample.agent_id == Agent.id).order_by(KpiSample.id))


def _partitions(statement: Any, size: int) -> Iterator[Sequence[Any]]:
    yield from db.session.execute(statement.execution_options(yield_per=size)).partitions()


def _count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def run(parts_of: Sequence[Callable[[LogContext], BulkPart]], chunk_size: int = 20_000,
        progress: Progress = None) -> int:
    """Stream the log through the parts, then insert what they summed. Returns the number of sales read.
    The tables must be empty (cleared by the caller), in the caller's transaction."""
    log = LogContext.load()
    parts = [part_of(log) for part_of in parts_of]
    totals = {"sales": _count(Sale), "kpis": _count(KpiSample)}
    clawed = log.clawed_back
    read = 0
    for chunk in _partitions(sale_rows(), chunk_size):
        counted = [s for s in chunk if s.id not in clawed] if clawed else chunk
        for part in parts:
            part.add_sales(chunk, counted)
        read += len(chunk)
        if progress:
            progress("sales", read, totals["sales"])
    samples = 0
    for chunk in _partitions(kpi_rows(), chunk_size):
        for part in parts:
            part.add_kpis(chunk)
        samples += len(chunk)
        if progress:
            progress("kpis", samples, totals["kpis"])
    write([rows for part in parts for rows in part.rows()], progress)
    return read


def _batches(rows: Iterable[Mapping[str, Any]], size: int) -> Iterator[list[Mapping[str, Any]]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def write(tables: Sequence[Rows], progress: Progress = None, batch_size: int = WRITE_BATCH) -> int:
    """Plain Core `INSERT` executemany, `batch_size` rows a statement: no upsert, no per-row round of work."""
    total = sum(t.count for t in tables)
    done = 0
    for table in tables:
        statement = insert(table.model.__table__)
        for batch in _batches(table.rows, batch_size):
            db.session.execute(statement, batch)
            done += len(batch)
            if progress:
                progress("write", done, total)
    return done
