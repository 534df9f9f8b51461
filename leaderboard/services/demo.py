"""Seeds the idempotent demo company and its recent history through the normal services."""
from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo
from decimal import Decimal
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from leaderboard.extensions import db
from leaderboard.models.auth import User
from leaderboard.models.contests import Contest
from leaderboard.schemas import AgentIn, ChannelIn, ContestIn, ProductIn, SiteIn, TeamIn
from leaderboard.services import auth, contests, roster, sales, screens
from leaderboard.services.clock import utcnow
from leaderboard.services.draw_state import summary_for
from leaderboard.services.demo_data import NAMES, PART_TIME, PRODUCTS, SITES, TEAM_NAMES

ADMIN_EMAIL = "admin@demo.example"
DEMO_TIMEZONE = "Europe/Paris"
RACE_NAME = "Race of the week"
DRAW_NAME = "Friday jackpot"
LEAGUE_NAME = "Site league"
CHANNEL_KEY = "demo"
HISTORY_DAYS = 3


@dataclass
class DemoSummary:
    admin_email: str
    admin_password: str
    agents: int
    sales: int
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [f"demo company: {len(SITES)} sites, {self.agents} agents, {self.sales} sales in the log",
                f"demo admin login: {self.admin_email} / {self.admin_password}", *self.notes]


def seed() -> DemoSummary:
    actor = auth.SYSTEM
    for key, name, tz in SITES:
        roster.upsert_site(actor, key, SiteIn(name=name, timezone=tz), commit=False)
        for index, team in enumerate(TEAM_NAMES):
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
    password = _admin_password()
    history = _seed_history(agent_keys)
    launched = _seed_contests()
    _seed_channel(launched)
    return DemoSummary(ADMIN_EMAIL, password, len(agent_keys), history,
                       notes=[_describe(c) for c in launched] + [f"TV channel: /tv/{CHANNEL_KEY}#token={_display_token()}"])


def _seed_channel(launched: list[Contest]) -> None:
    race, draw, league = launched
    slides = [{"type": "standings", "contest": race.id, "by": "agent", "seconds": 20},
              {"type": "match_centre", "contest": league.id, "seconds": 20},
              {"type": "standings", "contest": race.id, "by": "site", "seconds": 12},
              {"type": "league_table", "contest": league.id, "seconds": 12},
              {"type": "lucky_draw", "contest": draw.id, "seconds": 15},
              {"type": "chart", "contest": race.id, "seconds": 15},
              {"type": "message", "seconds": 10, "text": "Every sale is a ticket for Friday's jackpot!"}]
    if screens.channel_by_key(CHANNEL_KEY) is None:
        screens.upsert_channel(auth.SYSTEM, CHANNEL_KEY, ChannelIn(name="Demo office", slides=slides))


def _display_token() -> str:
    """A display key for the demo TV link, kept in the instance folder so the link stays valid."""
    path = Path(current_app.instance_path) / "demo-display-token"
    if not path.exists():
        _, secret = auth.create_api_key("demo TV", "display")
        path.write_text(secret)
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
    wanted = [ContestIn(name=RACE_NAME, kind="race", starts_at=week_start.isoformat(),
                        ends_at=(week_start + timedelta(days=7)).isoformat(), timezone=DEMO_TIMEZONE,
                        rules={"products": {"REWARDS": {"points": 45}}, "normalize": "fte"},
                        prizes=[{"name": "Team breakfast", "quantity": 1}]),
              ContestIn(name=DRAW_NAME, kind="lucky_draw", starts_at=week_start.isoformat(),
                        ends_at=(week_start + timedelta(days=7)).isoformat(), timezone=DEMO_TIMEZONE,
                        rules={"products": {"CARD": {"tickets": 2}}},
                        prizes=[{"name": "Weekend for two", "quantity": 1},
                                {"name": "Theatre voucher", "quantity": 3}]),
              ContestIn(name=LEAGUE_NAME, kind="league", starts_at=week_start.isoformat(), timezone=DEMO_TIMEZONE,
                        sites=[key for key, _, _ in SITES],
                        rules={"format": "league", "legs": 2, "match_length": "P1D", "points_per_goal": "auto",
                               "normalize": "fte"})]
    launched = []
    for spec in wanted:
        contest = existing.get(spec.name) or contests.create_contest(auth.SYSTEM, spec)
        launched.append(contest)
    return launched


def _admin_password() -> str:
    """Random per instance, kept in the instance folder so every run prints the same login."""
    path = Path(current_app.instance_path) / "demo-admin-password"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(12))
        path.chmod(0o600)
    password = path.read_text().strip()
    if db.session.scalar(select(User).where(User.email == ADMIN_EMAIL)) is None:
        auth.create_user(ADMIN_EMAIL, "admin", password)
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
