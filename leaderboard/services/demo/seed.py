"""Seeds the idempotent demo company, its recent history and its contests through the normal services."""
from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select

from leaderboard.domain.slides import NAMES as SLIDE_TYPES
from leaderboard.extensions import db
from leaderboard.models.auth import User
from leaderboard.models.contests import Contest
from leaderboard.models.events import Sale
from leaderboard.models.roster import Agent
from leaderboard.schemas import AgentIn, ChannelIn, ProductIn, SiteIn, TeamIn
from leaderboard.services.access import auth
from leaderboard.services.boards.standings import contest_agent_entries
from leaderboard.services.core.clock import utcnow
from leaderboard.services.demo import history
from leaderboard.services.demo.contests import DemoContests, history_start, seed_contests
from leaderboard.services.demo.data import NAMES, PART_TIME, PRODUCTS, SITES, TEAM_NAMES
from leaderboard.services.demo.people import seed_people
from leaderboard.services.draws.state import summary_for
from leaderboard.services.roster import people as roster
from leaderboard.services.screens import channels as screens

ADMIN_EMAIL = "admin@demo.example"
LEAD_EMAIL = "lead@demo.example"
LEAD_SITES = tuple(key for key, _, _ in SITES)  # the demo contests span every site
BIG_SALE_POINTS = 90  # one unit is worth 20–50 points; one sale in ten is two units: the best of those are big
CHANNEL_KEY = "demo"
RECENT = timedelta(hours=1)  # the printed agent sold within the last hour


@dataclass
class DemoSummary:
    admin_password: str
    lead_password: str
    agents: int
    sales: int
    tv_path: str
    agent_key: str
    agent_path: str
    notes: list[str] = field(default_factory=list)

    def lines(self, base_url: str) -> list[str]:
        return [f"demo company: {len(SITES)} sites, {self.agents} agents, {self.sales} sales in the log",
                *self.notes,
                f"TV channel (moves by itself): {base_url}{self.tv_path}",
                f"console: {base_url}/login",
                f"  admin login: {ADMIN_EMAIL} / {self.admin_password}",
                f"  team lead login (all four sites): {LEAD_EMAIL} / {self.lead_password}",
                f"agent's phone page ({self.agent_key}, mid-table with recent sales): {base_url}{self.agent_path}"]


def seed(instance_path: Path) -> DemoSummary:
    actor = auth.SYSTEM
    for key, name, tz in SITES:
        roster.upsert_site(actor, key, SiteIn(name=name, timezone=tz), commit=False)
        for team in TEAM_NAMES:
            roster.upsert_team(actor, f"{key}-{team.lower()}", TeamIn(name=f"{team} {name.split()[0]}", site=key),
                               commit=False)
    for code, name, points, bonus in PRODUCTS:
        roster.upsert_product(actor, code, ProductIn(name=name, points=points, bonus=bonus, currency="USD"),
                              commit=False)
    agent_keys = []
    for site_key, names in NAMES.items():
        for index, name in enumerate(names):
            key = f"{site_key}-{index + 1:02d}"
            team = f"{site_key}-{TEAM_NAMES[index % 2].lower()}"
            roster.upsert_agent(actor, key, AgentIn(name=name, site=site_key, team=team,
                                                    fte=PART_TIME.get(index, Decimal("1"))), commit=False)
            agent_keys.append(key)
    db.session.commit()
    admin_password = _user(instance_path, ADMIN_EMAIL, "admin", ())
    lead_password = _user(instance_path, LEAD_EMAIL, "lead", LEAD_SITES)
    now = utcnow()
    shop = history.centre()
    # History first, at the simulator's own pace up to the current 10-minute slot (the simulator goes on
    # from there): the contests launched next count it, so the boards and the first matchday are full.
    seeded = history.seed_history(shop, history_start(now), history.history_end(now))
    launched = seed_contests(now, [key for key, _, _ in SITES], shop)
    seed_people()
    _seed_channel(launched)
    display_token = _instance_secret(instance_path, "demo-display-token",
                                     lambda: auth.create_api_key("demo TV", "display")[1])
    agent_key = demo_agent(launched, now)
    link_token = _instance_secret(instance_path, f"demo-agent-link-{agent_key}", lambda: _agent_link(agent_key))
    return DemoSummary(admin_password, lead_password, len(agent_keys), seeded,
                       tv_path=f"/tv/{CHANNEL_KEY}#token={display_token}", agent_key=agent_key,
                       agent_path=f"/me/link/{link_token}", notes=[_describe(c) for c in launched.all()])


def demo_agent(launched: DemoContests, now: datetime) -> str:
    """The agent whose phone tells the story: sold within the last hour (so inside every live contest, with
    draw tickets and a live match), and the closest of those to the middle of the race."""
    board = contest_agent_entries(launched.race)
    recent = set(db.session.scalars(select(Agent.key).join(Sale, Sale.agent_id == Agent.id)
                                    .where(Sale.occurred_at >= now - RECENT, Sale.occurred_at <= now).distinct()))
    middle = (len(board) + 1) / 2
    candidates = [e for e in board if e.key in recent] or [e for e in board if e.sales > 0] or board
    return min(candidates, key=lambda e: (abs(e.rank - middle), e.key)).key


def _agent_link(key: str) -> str:
    agent = roster.agent_by_key(key)
    assert agent is not None  # seeded above
    return auth.issue_agent_link(auth.SYSTEM, agent)[1]


def demo_slides(launched: DemoContests) -> list[dict[str, Any]]:
    """Every slide type the TV knows, each on the demo contest that fills it."""
    race, draw, league, cup = launched.race.id, launched.draw.id, launched.league.id, launched.cup.id
    slides: list[dict[str, Any]] = [
        {"type": "standings", "contest": race, "by": "agent", "seconds": 24},
        {"type": "match_centre", "contest": league, "seconds": 15},
        {"type": "standings", "contest": race, "by": "site", "seconds": 10},
        {"type": "league_table", "contest": league, "seconds": 12},
        {"type": "bracket", "contest": cup, "seconds": 12},
        {"type": "lucky_draw", "contest": draw, "seconds": 15},
        {"type": "standings", "contest": race, "by": "team", "seconds": 10},
        {"type": "chart", "contest": race, "seconds": 12},
        # The people side's slides (their own pictures, no contest) and the race's instant prizes, once the
        # TV knows those types: a slide type this version lacks is left out rather than refused.
        {"type": "goal_wall", "seconds": 12},
        {"type": "kudos", "seconds": 12},
        {"type": "instant_prizes", "contest": race, "seconds": 12},
        {"type": "message", "seconds": 10,
         "text": f"Every sale is a ticket for the {launched.draw.name}, and a credit card sale is two!"}]
    return [slide for slide in slides if slide["type"] in SLIDE_TYPES]


def _seed_channel(launched: DemoContests) -> None:
    """The demo channel follows the demo contests: a later run that launched new ones points it at them."""
    channel = ChannelIn.model_validate({"name": "Demo office", "slides": demo_slides(launched),
                                        "big_sale_points": BIG_SALE_POINTS})
    screens.upsert_channel(auth.SYSTEM, CHANNEL_KEY, channel)


def _instance_secret(instance_path: Path, name: str, create: Callable[[], str]) -> str:
    """Demo credentials live in the instance folder (never the repo), so every run prints the same."""
    path = instance_path / name
    if not path.exists():
        path.write_text(create())
        path.chmod(0o600)
    return path.read_text().strip()


def _describe(contest: Contest) -> str:
    line = f"contest {contest.id}: {contest.name} ({contest.kind}"
    line += f", {contest.rules.get('format')})" if contest.kind == "league" else ")"
    summary = summary_for(contest)
    return f"{line}, draw commitment {summary['commitment']}" if summary else line


def _user(instance_path: Path, email: str, role: str, sites: tuple[str, ...]) -> str:
    password = _instance_secret(instance_path, f"demo-{role}-password", lambda: secrets.token_urlsafe(12))
    if db.session.scalar(select(User).where(User.email == email)) is None:
        auth.create_user(email, role, password, sites)
    return password
