"""What an agent sees on the phone: rank, gap, tickets, the site's match, earnings, celebrations."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from leaderboard.domain.privacy import PLACEHOLDER
from leaderboard.domain.scoring import json_number
from leaderboard.extensions import db
from leaderboard.models.contests import Contest
from leaderboard.models.draws import Draw
from leaderboard.models.events import Sale
from leaderboard.models.roster import Agent
from leaderboard.services.boards import standings
from leaderboard.services.contests.consent import has_consented
from leaderboard.services.contests.counting import not_clawed_back
from leaderboard.services.contests.lifecycle import contest_view
from leaderboard.services.contests.rules import rules_of
from leaderboard.services.core.clock import utcnow
from leaderboard.services.core.errors import NotFound
from leaderboard.services.core.settings import configured
from leaderboard.services.draws import tickets
from leaderboard.services.draws.state import frozen_lines
from leaderboard.services.earnings import bonuses as earnings
from leaderboard.services.league import views as league_views
from leaderboard.services.roster.privacy import hidden_agent_keys

NEARBY = 5
CELEBRATIONS = 8


def overview(agent_id: int, now: datetime | None = None) -> dict[str, Any]:
    now = now or utcnow()
    agent = db.session.get(Agent, agent_id)
    if agent is None:
        raise NotFound("no such agent")
    month = now.strftime("%Y-%m")
    return {"agent": {"key": agent.key, "name": agent.name, "site": agent.site.key, "site_name": agent.site.name,
                      "timezone": agent.site.timezone},
            "contests": [contest_card(c, agent, now) for c in live_contests(agent, now)],
            "earnings": earnings.agent_earnings(agent, month),
            "charities": list(configured().charities),
            "celebrations": celebrations(), "as_of": now.isoformat(),
            "next_change_at": next_change_at(agent, now)}


def live_contests(agent: Agent, now: datetime) -> list[Contest]:
    found = db.session.scalars(select(Contest).where(Contest.cancelled_at.is_(None), Contest.starts_at <= now,
                                                     Contest.ends_at > now).order_by(Contest.ends_at))
    return [c for c in found if agent.site_id in {s.id for s in c.sites}]


def next_change_at(agent: Agent, now: datetime) -> str | None:
    """When a contest of the agent's site next starts or ends: the phone looks again then."""
    upcoming = db.session.scalars(select(Contest).where(Contest.cancelled_at.is_(None), Contest.ends_at > now))
    moments = [moment for contest in upcoming if agent.site_id in {s.id for s in contest.sites}
               for moment in (contest.starts_at, contest.ends_at) if moment is not None and moment > now]
    return min(moments).isoformat() if moments else None


def contest_card(contest: Contest, agent: Agent, now: datetime) -> dict[str, Any]:
    opt_in = rules_of(contest).opt_in
    card: dict[str, Any] = {"contest": contest_view(contest, now), "opt_in": opt_in, "invited": False}
    if opt_in and not has_consented(contest.id, agent.id):
        # Not on its boards until the agent accepts: the card invites, and shows nobody's numbers.
        return {**card, "invited": True, "me": None, "nearby": []}
    if not any(e.key == agent.key for e in standings.contest_agent_entries(contest)):
        # A colleague outside sales is on a board only once credited with an assist there.
        return {**card, "me": None, "nearby": []}
    nearby = standings.contest_standings(contest, "agent", NEARBY, around=agent.key)["rows"]
    mine = next(row for row in nearby if row["key"] == agent.key)
    card["me"] = {"rank": mine["rank"], "points": mine["points"], "qualified": mine["qualified"],
                  "gap_to_next": gap_to_next_rank(contest, agent.key),
                  "sales": mine["sales"], "saves": mine["saves"], "assists": mine["assists"]}
    hidden = set(hidden_agent_keys(row["key"] for row in nearby if row["key"] != agent.key))
    card["nearby"] = [{**row, "key": f"hidden-{row['rank']}", "name": PLACEHOLDER} if row["key"] in hidden else row
                      for row in nearby]
    if contest.kind == "lucky_draw":
        frozen = frozen_lines(db.session.get(Draw, contest.id))
        card["tickets"] = tickets.tickets_view(contest, frozen, agent.key)
    if contest.kind == "league":
        card["match"] = site_match(contest, agent, now)
        card["next_match"] = next_site_match(contest, agent, now)
        card["table"] = league_views.table_view(contest)["rows"]
    return card


def gap_to_next_rank(contest: Contest, agent_key: str) -> float | None:
    """Points needed to reach the next better rank (the lowest score above mine); None when leading."""
    board = standings.contest_agent_entries(contest)
    mine = next(e for e in board if e.key == agent_key)
    better = [e.score for e in board if e.score > mine.score]
    return json_number(min(better) - mine.score) if better else None


def site_match(contest: Contest, agent: Agent, now: datetime) -> dict[str, Any] | None:
    for match in league_views.contest_matches(contest):
        if match.starts_at <= now < match.ends_at and agent.site_id in (match.home_site_id, match.away_site_id):
            view = league_views.match_view(match, now)
            view["my_goals"] = [g for g in view["goals"] if g["agent"] == agent.key and not g["disallowed"]]
            return view
    return None


def next_site_match(contest: Contest, agent: Agent, now: datetime) -> dict[str, Any] | None:
    """The agent's site's next fixture that has not started yet (the phone shows it beside the live one)."""
    for match in league_views.contest_matches(contest):
        if match.starts_at > now and agent.site_id in (match.home_site_id, match.away_site_id):
            return {"id": match.id, "round": match.round, "home": match.home.key, "away": match.away.key,
                    "home_name": match.home.name, "away_name": match.away.name,
                    "starts_at": match.starts_at.isoformat()}
    return None


def celebrations() -> list[dict[str, Any]]:
    latest = db.session.scalars(select(Sale).where(not_clawed_back())
                                .order_by(Sale.occurred_at.desc()).limit(CELEBRATIONS))
    return [{"agent": s.agent.name, "site": s.agent.site.name, "product": s.product.name, "points": s.points,
             "at": s.occurred_at.isoformat()} for s in latest]
