"""What launching a contest would do, before it is launched: every problem at once, the first standings of a
race or draw, and every round's window, fixtures and byes of a league or cup. Writes nothing."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from leaderboard.domain import league as rules_of_play
from leaderboard.domain.scoring import parse_rules
from leaderboard.extensions import db
from leaderboard.models.contests import Contest
from leaderboard.models.roster import Product
from leaderboard.schemas import ContestIn
from leaderboard.services.access.auth import Principal
from leaderboard.services.boards import standings
from leaderboard.services.contests.lifecycle import MANAGERS, contest_sites, plan_launch, validated_rules
from leaderboard.services.contests.rules import kpi_catalogue
from leaderboard.services.core.clock import utcnow
from leaderboard.services.core.errors import FieldError, Forbidden, InvalidInput
from leaderboard.services.core.projections import rescore_contest
from leaderboard.services.draws.state import open_draw
from leaderboard.services.draws.tickets import tickets_view
from leaderboard.services.league import setup as league_setup

BOARD_ROWS = 10


@dataclass(frozen=True)
class BoardPreview:
    """The first rows a race or draw would show if launched now, and how many agents it would rank."""
    rows: list[dict[str, Any]]
    agents: int
    started: bool
    tickets: int | None = None  # a lucky draw's tickets in all


def launch_problems(actor: Principal, data: ContestIn, now: datetime | None = None) -> list[FieldError]:
    """Every reason the contest service would refuse to launch `data`, all at once (as create_contest checks
    them: sites, league plan, rules, window). Empty when it would launch."""
    return plan_launch(actor, data, now or utcnow()).errors


def rules_problems(kind: str, rules: dict[str, Any]) -> list[FieldError]:
    """What the contest service would say of `rules` for a contest of `kind`."""
    return validated_rules(kind, rules)


def preview_board(actor: Principal, data: ContestIn, limit: int = BOARD_ROWS) -> BoardPreview:
    """The board a race or lucky draw would open with: launched inside a savepoint that is rolled back, so the
    preview is scored by the very code a launch runs. InvalidInput as a launch would."""
    errors = launch_problems(actor, data)
    if errors:
        raise InvalidInput("the contest cannot be launched as described", errors)
    sites = contest_sites(actor, data.sites)
    savepoint = db.session.begin_nested()
    contest_id = None
    try:
        # Instant prizes decide nothing on the board; leaving them out keeps their seed out of the preview.
        rules = {key: value for key, value in data.rules.items() if key != "instant_prizes"}
        contest = Contest(name=data.name, kind=data.kind, starts_at=data.starts_at, ends_at=data.ends_at,
                          timezone=data.timezone, rules=rules, derived={}, prizes=[], created_at=utcnow(),
                          created_by=actor.name, sites=sites, standings_version=0)
        db.session.add(contest)
        db.session.flush()
        contest_id = contest.id
        if contest.kind == "lucky_draw":
            open_draw(contest)
        rescore_contest(contest)
        board = standings.contest_standings(contest, "agent", limit)
        agents = len(standings.contest_agent_entries(contest))
        tickets = tickets_view(contest, None, None) if contest.kind == "lucky_draw" else None
        if tickets is not None:
            counts = {entry["agent"]: entry["count"] for entry in tickets["agents"]}
            board["rows"] = [{**row, "tickets": counts.get(row["key"], 0)} for row in board["rows"]]
    finally:
        savepoint.rollback()
        # The id may be handed out again (SQLite reuses it): no cached board may outlive the preview.
        if contest_id is not None:
            standings.forget_board(contest_id)
    return BoardPreview(rows=board["rows"], agents=agents, started=data.starts_at <= utcnow(),
                        tickets=tickets["total"] if tickets is not None else None)


def preview_league(actor: Principal, data: ContestIn, now: datetime | None = None) -> dict[str, Any]:
    """The fixtures a launch of `data` (a league or cup) would create, or InvalidInput as a launch would."""
    if actor.role not in MANAGERS:
        raise Forbidden(f"role {actor.role!r} may not launch contests")
    if data.kind != "league":
        raise InvalidInput("only leagues and cups have fixtures", [FieldError("kind", "must be 'league'")])
    sites = contest_sites(actor, data.sites)
    plan = league_setup.plan(data.rules, sites, data.starts_at, data.timezone, data.ends_at, now or utcnow())
    errors = list(plan.errors)
    codes = set(db.session.scalars(select(Product.code)))
    errors += [FieldError(path, message) for path, message in
               parse_rules("league", plan.rules, kpi_catalogue(), codes)[1]]
    if errors:
        raise InvalidInput("the contest cannot be launched as described", errors)
    names = {s.key: s.name for s in sites}
    keys = [s.key for s in sites]

    def side(key: str | None) -> dict[str, str] | None:
        return {"key": key, "name": names.get(key, key)} if key is not None else None

    rounds = []
    if plan.first_cup_round is None:
        resting = rules_of_play.byes(plan.fixtures, keys)
        for index, fixtures in enumerate(plan.fixtures):
            start, end = plan.windows[index]
            rounds.append({"round": index + 1, "starts_at": start, "ends_at": end, "decided": True,
                           "matches": [{"home": side(f.home), "away": side(f.away)} for f in fixtures],
                           "byes": [side(k) for k in resting[index]]})
    else:
        first = plan.first_cup_round
        for index, (start, end) in enumerate(plan.windows):
            known = index == 0
            rounds.append({"round": index + 1, "starts_at": start, "ends_at": end, "decided": known,
                           "matches": [{"home": side(s.home), "away": side(s.away)} for s in first.matches]
                           if known else [],
                           "byes": [side(k) for k in first.byes] if known else []})
    return {"format": plan.rules["format"], "rounds": rounds, "ends_at": plan.ends_at, "seeds": keys,
            "points_per_goal": plan.derived["points_per_goal"], "auto": plan.derived["auto"],
            "rules": plan.rules}
