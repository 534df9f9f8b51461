"""The one place projections are fed: incremental updates and the full rebuild from the log."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

from flask import Flask, current_app
from sqlalchemy import func, select

from leaderboard.extensions import db
from leaderboard.models.contests import Contest
from leaderboard.models.events import KpiSample, Sale
from leaderboard.services.contests import counting
from leaderboard.services.contests.rules import contests_preloaded
from leaderboard.services.core import bulk_rebuild
from leaderboard.services.core.publishing import Notice


class Projection(Protocol):
    """A read model derived from the event log. Methods run inside the caller's transaction."""

    def clear(self) -> None: ...

    def sales_added(self, sales: Sequence[Sale], clawed_back: set[str]) -> list[Notice]: ...

    def sale_clawed_back(self, sale: Sale) -> list[Notice]: ...

    def kpis_added(self, samples: Sequence[KpiSample]) -> list[Notice]: ...


EXTENSION_KEY = "leaderboard.projections"
# Set while `rebuild` replays the log: projections whose result depends on arrival order wait for the end.
REBUILDING = "leaderboard.rebuilding"


def rebuilding() -> bool:
    return bool(db.session.info.get(REBUILDING))


def register(app: Flask, projection: Projection) -> None:
    app.extensions.setdefault(EXTENSION_KEY, []).append(projection)


def registered() -> list[Projection]:
    return list(current_app.extensions.get(EXTENSION_KEY, []))


def sales_added(sales: Sequence[Sale], clawed_back: set[str]) -> list[Notice]:
    if not sales:
        return []
    notices: list[Notice] = []
    # The sales themselves are flushed already; projections look rows up by key, so a flush before
    # each lookup would only cost time. One flush at the end.
    with contests_preloaded(min(s.occurred_at for s in sales), max(s.occurred_at for s in sales)), \
            db.session.no_autoflush:
        for projection in registered():
            notices += projection.sales_added(sales, clawed_back)
    db.session.flush()
    return notices


def sale_clawed_back(sale: Sale) -> list[Notice]:
    notices: list[Notice] = []
    with contests_preloaded(sale.occurred_at, sale.occurred_at):
        for projection in registered():
            notices += projection.sale_clawed_back(sale)
    return notices


def kpis_added(samples: Sequence[KpiSample]) -> list[Notice]:
    notices: list[Notice] = []
    for projection in registered():
        notices += projection.kpis_added(samples)
    return notices


def rescore_contest(contest: Contest) -> None:
    """Re-derive one contest's projections from the log (launch back-fill, rules change, cancel)."""
    for projection in registered():
        rescore = getattr(projection, "rescore_contest", None)
        if rescore is not None:
            rescore(contest)


def clawed_back_ids() -> set[str]:
    return set(db.session.scalars(counting.clawed_back_ids()))


def rebuild(chunk_size: int = 20_000, progress: Callable[[str, int, int], None] | None = None) -> int:
    """Clear every projection and derive it again from the whole log in one transaction.
    `progress(kind, done, total)` follows along. Returns the number of sales read.

    The bulk path (`core/bulk_rebuild.py`) feeds every projection that has a `bulk_part(log)` hook; one
    without it must recount from the log in `finish_rebuild` (the league). Should a projection have
    neither, the whole log is replayed through the incremental path instead (`replay`)."""
    everything = registered()
    if any(not hasattr(p, "bulk_part") and not hasattr(p, "finish_rebuild") for p in everything):
        return replay(chunk_size, progress)
    for projection in everything:
        projection.clear()
    db.session.info[REBUILDING] = True
    try:
        read = bulk_rebuild.run([p.bulk_part for p in everything if hasattr(p, "bulk_part")], chunk_size,
                                progress)
    finally:
        db.session.info.pop(REBUILDING, None)
    _finish_and_commit(everything)
    return read


def _finish_and_commit(everything: Sequence[Projection]) -> None:
    for projection in everything:
        finish = getattr(projection, "finish_rebuild", None)
        if finish is not None:
            finish()
    db.session.commit()


def replay(chunk_size: int = 20_000, progress: Callable[[str, int, int], None] | None = None) -> int:
    """The rebuild through the incremental path: keyset-paged chunks of ORM sales, each written with
    set-based upserts. Slower than the bulk path; kept for projections without a bulk hook."""
    totals = {"sales": db.session.scalar(select(func.count()).select_from(Sale)) or 0,
              "kpis": db.session.scalar(select(func.count()).select_from(KpiSample)) or 0}
    for projection in registered():
        projection.clear()
    clawed_back = clawed_back_ids()
    replayed = 0
    db.session.info[REBUILDING] = True
    try:
        for chunk in _sale_chunks(chunk_size):
            sales_added(chunk, clawed_back)
            replayed += len(chunk)
            db.session.flush()
            db.session.expunge_all()
            if progress:
                progress("sales", replayed, totals["sales"])
        samples = 0
        for kpi_chunk in _kpi_chunks(chunk_size):
            kpis_added(kpi_chunk)
            samples += len(kpi_chunk)
            if progress:
                progress("kpis", samples, totals["kpis"])
    finally:
        db.session.info.pop(REBUILDING, None)
    _finish_and_commit(registered())
    return replayed


def _sale_chunks(size: int) -> Iterable[list[Sale]]:
    """Keyset pagination over the log in (occurred_at, id) order; OFFSET would be quadratic."""
    statement = select(Sale).order_by(Sale.occurred_at, Sale.id).limit(size)
    rows = list(db.session.scalars(statement))
    while rows:
        yield rows
        last = rows[-1]
        after = (Sale.occurred_at > last.occurred_at) | (
            (Sale.occurred_at == last.occurred_at) & (Sale.id > last.id))
        rows = list(db.session.scalars(statement.where(after)))


def _kpi_chunks(size: int) -> Iterable[list[KpiSample]]:
    statement = select(KpiSample).order_by(KpiSample.id).limit(size)
    rows = list(db.session.scalars(statement))
    while rows:
        yield rows
        rows = list(db.session.scalars(statement.where(KpiSample.id > rows[-1].id)))
