"""Cup brackets: rounds derived from the seeding and results, later rounds created as sides are known."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import select

from leaderboard.domain import league as rules_of_play
from leaderboard.extensions import db
from leaderboard.models.contests import Contest
from leaderboard.models.league import Match
from leaderboard.services.clock import utcnow
from leaderboard.services.league_setup import add_match
from leaderboard.services.league_views import contest_matches, match_status, require_league
from leaderboard.services.matches import counted_sales, score, sync_match
from leaderboard.services.publishing import Notice

DECIDED = ("provisional", "final")


def _result(contest: Contest, match: Match) -> rules_of_play.CupMatchResult:
    current = score(match)
    home_sales = counted_sales(contest, match, match.home)
    away_sales = counted_sales(contest, match, match.away)
    return rules_of_play.CupMatchResult(
        match.home.key, match.away.key, current["home"], current["away"], len(home_sales), len(away_sales),
        home_sales[0][0].occurred_at if home_sales else None, away_sales[0][0].occurred_at if away_sales else None)


def bracket_rounds(contest: Contest, now: datetime) -> list[tuple[rules_of_play.CupRound, dict]]:
    """Each known round with {(home, away): match}; stops at the first round not yet decided."""
    matches = contest_matches(contest)
    current = rules_of_play.cup_bracket(contest.derived["seeds"])
    rounds = []
    while True:
        by_pair = {(m.home.key, m.away.key): m for m in matches if m.round == current.number}
        rounds.append((current, by_pair))
        played = [by_pair.get((slot.home, slot.away)) for slot in current.matches]
        if current.is_final or any(m is None or match_status(m, now) not in DECIDED for m in played):
            return rounds
        current = rules_of_play.next_cup_round(current, [_result(contest, m) for m in played])


def ensure_rounds(contest: Contest, now: Optional[datetime] = None) -> list[Notice]:
    """Create the next round's matches once the previous round is decided (windows fixed at launch)."""
    now = now or utcnow()
    windows = rules_of_play.match_windows(contest.starts_at, contest.timezone,
                                          rules_of_play.parse_match_length(contest.rules["match_length"]),
                                          contest.derived["rounds"])
    sites = {s.key: s for s in contest.sites}
    notices: list[Notice] = []
    for cup_round, by_pair in bracket_rounds(contest, now):
        for slot_index, slot in enumerate(cup_round.slots):
            if slot.away is None or (slot.home, slot.away) in by_pair:
                continue
            stale = db.session.scalar(select(Match).where(Match.contest_id == contest.id,
                                                          Match.round == cup_round.number, Match.slot == slot_index))
            if stale is not None and now < stale.starts_at:
                db.session.delete(stale)  # a result changed before this tie kicked off
            elif stale is not None:
                continue
            start, end = windows[cup_round.number - 1]
            match = add_match(contest, cup_round.number, slot_index, sites[slot.home], sites[slot.away],
                               start, end, now)
            db.session.flush()
            notices += sync_match(contest, match, now)
    return notices


def bracket_view(contest: Contest) -> dict[str, Any]:
    require_league(contest, cup=True)
    now = utcnow()
    rounds = bracket_rounds(contest, now)
    names = {s.key: s.name for s in contest.sites}
    out, champion = [], None
    for cup_round, by_pair in rounds:
        slots = []
        for slot in cup_round.slots:
            match = by_pair.get((slot.home, slot.away)) if slot.away else None
            status = str(match_status(match, now)) if match else ("bye" if slot.away is None else "scheduled")
            winner = slot.home if slot.away is None else (
                rules_of_play.cup_winner(_result(contest, match)) if match and status in DECIDED else None)
            slots.append({"home": slot.home, "away": slot.away, "bye": slot.away is None,
                          "home_name": names.get(slot.home, slot.home),
                          "away_name": names.get(slot.away, slot.away) if slot.away else None,
                          "match": match.id if match else None, "status": status,
                          "score": score(match) if match else None, "winner": winner})
        out.append({"round": cup_round.number, "slots": slots})
        if cup_round.is_final and slots[0]["winner"] and slots[0]["status"] in DECIDED:
            champion = slots[0]["winner"]
    return {"contest": contest.id, "rounds": out, "rounds_total": contest.derived["rounds"], "champion": champion}
