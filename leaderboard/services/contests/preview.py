"""What launching a league or cup would schedule: every round's window, fixtures and byes. Writes nothing."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from leaderboard.domain import league as rules_of_play
from leaderboard.domain.scoring import parse_rules
from leaderboard.extensions import db
from leaderboard.models.roster import Product
from leaderboard.schemas import ContestIn
from leaderboard.services.access.auth import Principal
from leaderboard.services.contests.lifecycle import contest_sites
from leaderboard.services.contests.rules import kpi_catalogue
from leaderboard.services.core.clock import utcnow
from leaderboard.services.core.errors import FieldError, Forbidden, InvalidInput
from leaderboard.services.league import setup as league_setup


def preview_league(actor: Principal, data: ContestIn, now: datetime | None = None) -> dict[str, Any]:
    """The fixtures a launch of `data` (a league or cup) would create, or InvalidInput as a launch would."""
    if actor.role not in ("admin", "lead"):
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
