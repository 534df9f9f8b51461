"""Seeds the idempotent demo company and its recent history through the normal services."""
from __future__ import annotations

import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from leaderboard.extensions import db
from leaderboard.models.auth import User
from leaderboard.models.contests import Contest
from leaderboard.schemas import AgentIn, ChannelIn, ContestIn, ProductIn, SiteIn, TeamIn
from leaderboard.services.access import auth
from leaderboard.services.contests import lifecycle as contests
from leaderboard.services.core.clock import utcnow
from leaderboard.services.demo.data import NAMES, PART_TIME, PRODUCTS, SITES, TEAM_NAMES
from leaderboard.services.draws.state import summary_for
from leaderboard.services.roster import people as roster
from leaderboard.services.sales import ingest as sales
from leaderboard.services.screens import channels as screens

ADMIN_EMAIL = "admin@demo.example"
LEAD_EMAIL = "lead@demo.example"
LEAD_SITES = tuple(key for key, _, _ in SITES)  # the demo contests span every site
AGENT_KEY = "paris-01"
DEMO_TIMEZONE = "Europe/Paris"
RACE_NAME = "Race of the week"
DRAW_NAME = "Friday jackpot"
LEAGUE_NAME = "Site league"
CUP_NAME = "Site cup"
BIG_SALE_POINTS = 90  # one unit is worth 20–50 points; one sale in ten is two units: the best of those are big
CHANNEL_KEY = "demo"
HISTORY_DAYS = 3


@dataclass
class DemoSummary:
    admin_password: str
    lead_password: str
    agents: int
    sales: int
    tv_path: str
    agent_path: str
    notes: list[str] = field(default_factory=list)

    def lines(self, base_url: str) -> list[str]:
        return [f"demo company: {len(SITES)} sites, {self.agents} agents, {self.sales} sales in the log",
                *self.notes,
                f"TV channel (moves by itself): {base_url}{self.tv_path}",
                f"console: {base_url}/login",
                f"  admin login: {ADMIN_EMAIL} / {self.admin_password}",
                f"  team lead login (all four sites): {LEAD_EMAIL} / {self.lead_password}",
                f"agent's phone page ({AGENT_KEY}): {base_url}{self.agent_path}"]


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
    history = _seed_history(agent_keys)
    launched = _seed_contests()
    _seed_channel(launched)
    display_token = _instance_secret(instance_path, "demo-display-token",
                                     lambda: auth.create_api_key("demo TV", "display")[1])
    link_token = _instance_secret(instance_path, "demo-agent-link", lambda: _agent_link(AGENT_KEY))
    return DemoSummary(admin_password, lead_password, len(agent_keys), history,
                       tv_path=f"/tv/{CHANNEL_KEY}#token={display_token}", agent_path=f"/me/link/{link_token}",
                       notes=[_describe(c) for c in launched])


def _agent_link(key: str) -> str:
    agent = roster.agent_by_key(key)
    assert agent is not None  # seeded above
    return auth.issue_agent_link(auth.SYSTEM, agent)[1]


def _seed_channel(launched: list[Contest]) -> None:
    race, draw, league, cup = launched
    # Every slide type, so the demo shows the whole TV.
    slides = [{"type": "standings", "contest": race.id, "by": "agent", "seconds": 24},
              {"type": "match_centre", "contest": league.id, "seconds": 15},
              {"type": "standings", "contest": race.id, "by": "site", "seconds": 10},
              {"type": "league_table", "contest": league.id, "seconds": 12},
              {"type": "bracket", "contest": cup.id, "seconds": 12},
              {"type": "lucky_draw", "contest": draw.id, "seconds": 15},
              {"type": "standings", "contest": race.id, "by": "team", "seconds": 10},
              {"type": "chart", "contest": race.id, "seconds": 12},
              {"type": "message", "seconds": 10, "text": "Every sale is a ticket for Friday's jackpot!"}]
    if screens.channel_by_key(CHANNEL_KEY) is None:
        channel = ChannelIn.model_validate({"name": "Demo office", "slides": slides,
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
    line = f"contest {contest.id}: {contest.name} ({contest.kind})"
    summary = summary_for(contest)
    return f"{line}, draw commitment {summary['commitment']}" if summary else line


def _seed_contests() -> list[Contest]:
    """One contest of each kind, launched once; later runs find them by name."""
    existing = {c.name: c for c in db.session.scalars(select(Contest).where(Contest.cancelled_at.is_(None)))}
    now = utcnow()
    local_today = now.astimezone(ZoneInfo(DEMO_TIMEZONE)).date()
    monday = local_today - timedelta(days=local_today.weekday())
    week_start = datetime.combine(monday, time.min, tzinfo=ZoneInfo(DEMO_TIMEZONE))
    # The API's own input schema (timestamps as RFC 3339 strings), as an integration would send it.
    starts, ends = week_start.isoformat(), (week_start + timedelta(days=7)).isoformat()
    every_site = [key for key, _, _ in SITES]
    wanted = [ContestIn.model_validate(spec) for spec in (
        {"name": RACE_NAME, "kind": "race", "starts_at": starts, "ends_at": ends, "timezone": DEMO_TIMEZONE,
         "rules": {"products": {"REWARDS": {"points": 45}}, "normalize": "fte"},
         "prizes": [{"name": "Team breakfast", "quantity": 1}]},
        {"name": DRAW_NAME, "kind": "lucky_draw", "starts_at": starts, "ends_at": ends, "timezone": DEMO_TIMEZONE,
         "rules": {"products": {"CARD": {"tickets": 2}}},
         "prizes": [{"name": "Weekend for two", "quantity": 1}, {"name": "Theatre voucher", "quantity": 3}]},
        {"name": LEAGUE_NAME, "kind": "league", "starts_at": starts, "timezone": DEMO_TIMEZONE, "sites": every_site,
         "rules": {"format": "league", "legs": 2, "match_length": "P1D", "points_per_goal": "auto",
                   "normalize": "fte"}},
        {"name": CUP_NAME, "kind": "league", "starts_at": starts, "timezone": DEMO_TIMEZONE, "sites": every_site,
         "rules": {"format": "cup", "match_length": "P1D", "points_per_goal": "auto", "normalize": "fte"},
         "prizes": [{"name": "Cup trophy", "quantity": 1}]})]
    launched = []
    for spec in wanted:
        contest = existing.get(spec.name) or contests.create_contest(auth.SYSTEM, spec)
        launched.append(contest)
    return launched


def _user(instance_path: Path, email: str, role: str, sites: tuple[str, ...]) -> str:
    password = _instance_secret(instance_path, f"demo-{role}-password", lambda: secrets.token_urlsafe(12))
    if db.session.scalar(select(User).where(User.email == email)) is None:
        auth.create_user(email, role, password, sites)
    return password


def _seed_history(agent_keys: list[str]) -> int:
    """A few days of sales so boards are not empty; fixed ids keep re-seeding idempotent."""
    rng = random.Random(2026)
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    items = []
    for hour in range(HISTORY_DAYS * 24):
        at = now - timedelta(hours=HISTORY_DAYS * 24 - hour)
        for n in range(rng.randint(1, 6)):
            items.append({"id": f"demo-{at:%Y%m%d%H}-{n}", "agent": rng.choice(agent_keys),
                          "product": rng.choice(PRODUCTS)[0], "quantity": 1,
                          "occurred_at": (at + timedelta(minutes=rng.randint(0, 59))).isoformat()})
    for start in range(0, len(items), 500):
        sales.ingest_batch(auth.SYSTEM, items[start:start + 500])
    return len(items)
