"""Time-driven league changes with no event behind them: windows opening, matches ending, cup rounds."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from leaderboard.domain.changes import LeagueTableChanged, MatchStatusChanged
from leaderboard.extensions import db
from leaderboard.models.contests import Contest
from leaderboard.services.core.clock import clawback_window, utcnow
from leaderboard.services.core.publishing import Notice, publish
from leaderboard.services.league import cup
from leaderboard.services.league.matches import LEAGUE, score_of, sync_match
from leaderboard.services.league.setup import capture_fte
from leaderboard.services.league.views import contest_matches, match_status


def tick(now: datetime | None = None) -> int:
    """Snapshot FTE for opened windows, announce status changes, open cup rounds; returns notices sent."""
    now = now or utcnow()
    active = db.session.scalars(select(Contest).where(
        Contest.kind == LEAGUE, Contest.cancelled_at.is_(None), Contest.starts_at <= now,
        Contest.ends_at >= now - 2 * clawback_window()))
    notices: list[Notice] = []
    for contest in active:
        notices += upkeep(contest, now)
    db.session.commit()
    publish(notices)
    return len(notices)


def upkeep(contest: Contest, now: datetime) -> list[Notice]:
    notices: list[Notice] = []
    if contest.rules.get("format") == "cup":
        notices += cup.open_due_rounds(contest, now)
    for match in contest_matches(contest):
        if match.announced_status == "final":
            continue  # final is for good: nothing about it changes with time any more
        if capture_fte(contest, match, now):
            notices += sync_match(contest, match, now)
        status = str(match_status(match, now))
        if status != match.announced_status:
            match.announced_status = status
            notices.append(MatchStatusChanged(contest_id=contest.id, match=match.id, status=status,
                                              home=match.home.key, away=match.away.key, score=score_of(match)))
            if status in ("provisional", "final"):
                notices.append(LeagueTableChanged(contest.id))
    return notices
