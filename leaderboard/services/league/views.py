"""What screens and the API show of a league: matches with clock and goals, the table, the bracket."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from leaderboard.domain import league as rules_of_play
from leaderboard.extensions import db
from leaderboard.models.contests import Contest
from leaderboard.models.league import Match, MatchGoal
from leaderboard.services.core.clock import clawback_window, utcnow
from leaderboard.services.core.errors import FieldError, InvalidInput
from leaderboard.services.league.matches import LEAGUE, latest_counted_at, score


def require_league(contest: Contest, cup: bool | None = None) -> None:
    if contest.kind != LEAGUE:
        raise InvalidInput("not a league", [FieldError("contest", "only league contests have matches")])
    if cup is not None and (contest.rules.get("format") == "cup") != cup:
        wanted = "cup" if cup else "league"
        raise InvalidInput(f"not a {wanted}", [FieldError("contest", f"this contest is not a {wanted}")])


def match_status(match: Match, now: datetime) -> rules_of_play.MatchStatus:
    latest = db.session.scalar(select(func.max(MatchGoal.at)).where(MatchGoal.match_id == match.id))
    if now >= match.ends_at:
        latest = latest_counted_at(db.session.get_one(Contest, match.contest_id), match)
    return rules_of_play.match_status(now, match.starts_at, match.ends_at, latest, clawback_window())


def match_view(match: Match, now: datetime) -> dict[str, Any]:
    goals = db.session.scalars(select(MatchGoal).where(MatchGoal.match_id == match.id)
                               .order_by(MatchGoal.at, MatchGoal.sale_id, MatchGoal.nth))
    return {
        "id": match.id, "round": match.round, "home": match.home.key, "away": match.away.key,
        "home_name": match.home.name, "away_name": match.away.name,
        "starts_at": match.starts_at.isoformat(), "ends_at": match.ends_at.isoformat(),
        "status": str(match_status(match, now)),
        "minute": rules_of_play.match_minute(now, match.starts_at, match.ends_at),
        "score": score(match),
        "goals": [{"site": g.site.key, "agent": g.agent.key, "agent_name": g.agent.name, "sale": g.sale_id,
                   "at": g.at.isoformat(), "minute": rules_of_play.match_minute(g.at, match.starts_at, match.ends_at),
                   "disallowed": g.disallowed_at is not None, "reason": g.reason} for g in goals],
    }


def contest_matches(contest: Contest, round_number: int | None = None) -> list[Match]:
    statement = select(Match).where(Match.contest_id == contest.id)
    if round_number is not None:
        statement = statement.where(Match.round == round_number)
    return list(db.session.scalars(statement.order_by(Match.round, Match.slot, Match.id)))


def matches_view(contest: Contest, round_number: int | None = None) -> dict[str, Any]:
    require_league(contest)
    now = utcnow()
    return {"items": [match_view(m, now) for m in contest_matches(contest, round_number)]}


def table_view(contest: Contest) -> dict[str, Any]:
    require_league(contest)
    now = utcnow()
    results, live = [], []
    for match in contest_matches(contest):
        status = match_status(match, now)
        current = score(match)
        if status in ("provisional", "final"):
            results.append(rules_of_play.MatchResult(match.home.key, match.away.key, current["home"],
                                                     current["away"], str(status)))
        elif status == "live":
            live.append({"match": match.id, "home": match.home.key, "away": match.away.key, "score": current,
                         "minute": rules_of_play.match_minute(now, match.starts_at, match.ends_at)})
    keys = list(contest.derived.get("seeds") or [s.key for s in contest.sites])
    rows = rules_of_play.league_table(keys, results, contest.rules.get("match_points", {"win": 3, "draw": 1,
                                                                                       "loss": 0}))
    names = {s.key: s.name for s in contest.sites}
    return {"contest": contest.id, "rows": [{**row.as_dict(), "name": names.get(row.site, row.site)} for row in rows],
            "live": live}
