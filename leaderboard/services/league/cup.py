"""Cup brackets: rounds derived from the seeding and results, later rounds created as sides are known,
and VAR corrections of decided ties carried into the next round while it is undecided (else recorded)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from leaderboard.domain import fixtures
from leaderboard.domain import league as rules_of_play
from leaderboard.domain.changes import CupCorrectionRecorded, CupTieRepaired, GoalDisallowed, GoalScored, Pairing
from leaderboard.extensions import db
from leaderboard.models.contests import Contest
from leaderboard.models.league import Match, MatchGoal
from leaderboard.models.roster import Site
from leaderboard.services.core import audit
from leaderboard.services.core.clock import utcnow
from leaderboard.services.core.publishing import Notice
from leaderboard.services.league.matches import score, score_of, shoot_out_tally, sync_match
from leaderboard.services.league.setup import add_match, capture_fte
from leaderboard.services.league.views import contest_matches, match_status, require_league

DECIDED = ("provisional", "final")
VAR = "VAR"
REASON_REPLACED = "side replaced: a VAR correction changed who won the previous round"


@dataclass
class RoundState:
    """A bracket round as it stands, the matches created for it by slot, and the slots to re-pair."""

    round: fixtures.CupRound
    matches: dict[int, Match]
    repairings: dict[int, fixtures.CupSlot] = field(default_factory=dict)

    def match_at(self, index: int) -> Match | None:
        """The slot's match, unless it still pairs the sides a result has since replaced."""
        match, slot = self.matches.get(index), self.round.slots[index]
        return match if match is not None and (match.home.key, match.away.key) == (slot.home, slot.away) else None


@dataclass
class Bracket:
    rounds: list[RoundState]
    corrections: dict[tuple[int, int], fixtures.TieCorrection]
    status: dict[int, str]


def _result(contest: Contest, match: Match) -> rules_of_play.CupMatchResult:
    current = score(match)
    if current["home"] != current["away"]:
        # Goals decide: the shoot-out figures are read only for a level tie (cup_winner needs no more).
        return rules_of_play.CupMatchResult(match.home.key, match.away.key, current["home"], current["away"])
    home_sales, home_first = shoot_out_tally(contest, match, match.home)
    away_sales, away_first = shoot_out_tally(contest, match, match.away)
    return rules_of_play.CupMatchResult(match.home.key, match.away.key, current["home"], current["away"],
                                        home_sales, away_sales, home_first, away_first)


def bracket(contest: Contest, now: datetime) -> Bracket:
    """Each known round; stops at the first round not yet decided."""
    created: dict[int, dict[int, Match]] = {}
    status: dict[int, str] = {}
    for match in contest_matches(contest):
        created.setdefault(match.round, {})[match.slot] = match
        status[match.id] = str(match_status(match, now))
    state = RoundState(rules_of_play.cup_bracket(contest.derived["seeds"]), created.get(1, {}))
    found = Bracket([state], {}, status)
    while True:
        ties = [state.match_at(i) for i, slot in enumerate(state.round.slots) if not slot.is_bye]
        if state.round.is_final or any(m is None or status[m.id] not in DECIDED for m in ties):
            return found
        played = [m for m in ties if m is not None]  # all of them, as the check above returned otherwise
        following = created.get(state.round.number + 1, {})
        settled = fixtures.settle_next_cup_round(
            state.round, [_result(contest, m) for m in played],
            {i: fixtures.CupSlot(m.home.key, m.away.key) for i, m in following.items()},
            {i for i, m in following.items() if status[m.id] in DECIDED})
        found.corrections.update({(c.round, c.slot): c for c in settled.corrections})
        state = RoundState(settled.round, following, settled.repairings)
        found.rounds.append(state)


def ensure_rounds(contest: Contest, now: datetime | None = None) -> list[Notice]:
    """Create the next round's matches once the previous round is decided (windows fixed at launch),
    re-pair undecided ones whose sides a corrected result changed, and record corrections that stand."""
    now = now or utcnow()
    windows = rules_of_play.match_windows(contest.starts_at, contest.timezone,
                                          rules_of_play.parse_match_length(contest.rules["match_length"]),
                                          contest.derived["rounds"])
    sites = {s.key: s for s in contest.sites}
    found = bracket(contest, now)
    notices: list[Notice] = []
    for state in found.rounds:
        for index, slot in enumerate(state.round.slots):
            match = state.matches.get(index)
            if index in state.repairings and match is not None:
                notices += _repair(contest, match, slot, sites, now)
            elif match is None and slot.away is not None:  # not a bye
                start, end = windows[state.round.number - 1]
                match = add_match(contest, state.round.number, index, sites[slot.home], sites[slot.away],
                                  start, end, now)
                db.session.flush()
                notices += sync_match(contest, match, now)
    return notices + _record(contest, found.corrections, now)


def open_due_rounds(contest: Contest, now: datetime | None = None) -> list[Notice]:
    """`ensure_rounds` until no round is added: a cup launched (or recounted) late catches up at once,
    instead of one round per upkeep tick; bounded by the number of rounds."""
    now = now or utcnow()
    notices: list[Notice] = []
    for _ in range(int(contest.derived.get("rounds", 1))):
        before = len(contest_matches(contest))
        notices += ensure_rounds(contest, now)
        if len(contest_matches(contest)) == before:
            break
    return notices


def reconsider_tie(contest: Contest, match: Match, now: datetime | None = None) -> list[Notice]:
    """Called when a match's result may have changed (goals, a recount, a launch): a decided cup tie may
    now send another side through, and rounds already due open at once."""
    if contest.rules.get("format") != "cup":
        return []
    now = now or utcnow()
    if str(match_status(match, now)) not in DECIDED:
        return []  # goals in a tie still being played are ordinary play, not a correction
    return open_due_rounds(contest, now)


def _repair(contest: Contest, match: Match, slot: fixtures.CupSlot, sites: dict[str, Site],
            now: datetime) -> list[Notice]:
    """Put the corrected sides into an undecided tie; a side that stays keeps its FTE snapshot and goals."""
    away = slot.away
    assert away is not None, "a tie with a match to re-pair is not a bye"
    before = Pairing(home=match.home.key, away=match.away.key)
    after = Pairing(home=slot.home, away=away)
    kept_fte = {match.home.key: match.home_fte, match.away.key: match.away_fte}
    gone = {before.home, before.away} - {after.home, after.away}
    for goal in db.session.scalars(select(MatchGoal).where(MatchGoal.match_id == match.id,
                                                           MatchGoal.disallowed_at.is_(None))):
        if goal.site.key in gone:
            goal.disallowed_at, goal.reason = now, REASON_REPLACED
    match.home, match.away = sites[after.home], sites[after.away]
    match.home_fte = match.away_fte = None
    if capture_fte(contest, match, now):
        match.home_fte = kept_fte.get(after.home, match.home_fte)
        match.away_fte = kept_fte.get(after.away, match.away_fte)
    db.session.flush()
    # One announcement instead of a storm of goal pop-ups for the incoming side's earlier sales.
    goal_notices = sync_match(contest, match, now)
    audit.record(VAR, "cup.repair", "contest", str(contest.id),
                 before={"match": match.id, "home": before.home, "away": before.away},
                 after={"match": match.id, "home": after.home, "away": after.away})
    notices: list[Notice] = [n for n in goal_notices if not isinstance(n, (GoalScored, GoalDisallowed))]
    notices.append(CupTieRepaired(contest_id=contest.id, match=match.id, round=match.round, before=before,
                                  after=after, score=score_of(match)))
    return notices


def _record(contest: Contest, corrections: dict[tuple[int, int], fixtures.TieCorrection],
            now: datetime) -> list[Notice]:
    """Keep the corrections that stand (next tie already decided) in `derived`; announce each new one once."""
    recorded = contest.derived.get("corrections", {})
    current: dict[str, dict[str, Any]] = {}
    notices: list[Notice] = []
    for correction in corrections.values():
        key = f"{correction.round}:{correction.slot}"
        entry = {"round": correction.round, "slot": correction.slot, "advanced": correction.advanced,
                 "winner": correction.winner}
        known = recorded.get(key)
        if known is not None and known["winner"] == correction.winner:
            current[key] = known
            continue
        current[key] = {**entry, "at": now.isoformat()}
        audit.record(VAR, "cup.correction", "contest", str(contest.id), after=entry)
        notices.append(CupCorrectionRecorded(contest_id=contest.id, round=correction.round, slot=correction.slot,
                                             advanced=correction.advanced, winner=correction.winner))
    if current != recorded:
        contest.derived = {**contest.derived, "corrections": current}  # a new dict, so the JSON change is seen
    return notices


def bracket_view(contest: Contest) -> dict[str, Any]:
    require_league(contest, cup=True)
    now = utcnow()
    found = bracket(contest, now)
    names = {s.key: s.name for s in contest.sites}
    recorded = contest.derived.get("corrections", {})
    out, champion = [], None
    for state in found.rounds:
        slots = []
        for index, slot in enumerate(state.round.slots):
            match = state.match_at(index)
            status = found.status[match.id] if match else ("bye" if slot.is_bye else "scheduled")
            winner = slot.home if slot.is_bye else (
                rules_of_play.cup_winner(_result(contest, match)) if match and status in DECIDED else None)
            correction = found.corrections.get((state.round.number, index))
            if correction is not None:
                winner = correction.advanced  # the bracket stands; the note tells what the result says now
            slots.append({"home": slot.home, "away": slot.away, "bye": slot.is_bye,
                          "home_name": names.get(slot.home, slot.home),
                          "away_name": names.get(slot.away, slot.away) if slot.away else None,
                          "match": match.id if match else None, "status": status,
                          "score": score(match) if match else None, "winner": winner,
                          "correction": _correction_view(correction, recorded, names)})
        out.append({"round": state.round.number, "slots": slots})
        if state.round.is_final and slots[0]["winner"] and slots[0]["status"] in DECIDED:
            champion = slots[0]["winner"]
    return {"contest": contest.id, "rounds": out, "rounds_total": contest.derived["rounds"], "champion": champion}


def _correction_view(correction: fixtures.TieCorrection | None, recorded: dict[str, Any],
                     names: dict[str, str]) -> dict[str, Any] | None:
    if correction is None:
        return None
    at = recorded.get(f"{correction.round}:{correction.slot}", {}).get("at")
    return {"winner": correction.winner, "winner_name": names.get(correction.winner, correction.winner),
            "advanced": correction.advanced, "at": at,
            "note": f"VAR changed this result after the next round was decided: "
                    f"{names.get(correction.winner, correction.winner)} would now go through; the bracket stands."}
