"""Instant prizes as a projection of the log: fed by every write, re-derived by contest or by the rebuild."""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete

from leaderboard.extensions import db
from leaderboard.models.contests import Contest
from leaderboard.models.events import KpiSample, Sale
from leaderboard.models.prizes import PrizeCounter, PrizeStock, PrizeWin
from leaderboard.services.contests.rules import contests_overlapping
from leaderboard.services.core.projections import rebuilding
from leaderboard.services.core.publishing import Notice
from leaderboard.services.prizes import awards, replay


class PrizeProjection:
    """Wins, stock and counters. Arrival order decides stock, so the rebuild replays the log in that order
    at its end (`finish_rebuild`) instead of summing partitions like the bulk parts."""

    def clear(self) -> None:
        for model in (PrizeWin, PrizeStock, PrizeCounter):
            db.session.execute(delete(model))

    def sales_added(self, sales: Sequence[Sale], clawed_back: set[str]) -> list[Notice]:
        counted = [s for s in sales if s.id not in clawed_back]
        if not counted or rebuilding():
            return []
        notices: list[Notice] = []
        start, end = min(s.occurred_at for s in counted), max(s.occurred_at for s in counted)
        for contest in contests_overlapping(start, end):
            notices += awards.award(contest, counted)
        return notices

    def sale_clawed_back(self, sale: Sale) -> list[Notice]:
        awards.take_back(sale)
        return []

    def kpis_added(self, samples: Sequence[KpiSample]) -> list[Notice]:
        return []

    def rescore_contest(self, contest: Contest) -> None:
        replay.rederive(contest)

    def finish_rebuild(self) -> None:
        replay.rederive_all()
