"""Set-up and truth for bench/live_screens.py: roster, contest, channel and agent links through the services, and
what the database says a TV's boards and a phone's points are (read in-process from the same database)."""
from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import seeding
from common import make_app, service

from leaderboard.services.boards.live_snapshots import BOARD_ROWS  # what a TV's picture carries

BOARDS = ("agent", "team", "site")


def board_fingerprint(standings: dict[str, list[dict[str, Any]]]) -> str:
    """One short hash of what a TV's standings slides show: (rank, key, points) of every row of the three boards.
    The worker hashes the snapshot it holds the same way (live_screen_worker.fingerprint imports this)."""
    rows = [[by, [[r.get("rank"), r.get("key"), round(float(r.get("points") or 0), 3)]
                  for r in standings.get(by) or []]]
            for by in BOARDS]
    return hashlib.sha1(json.dumps(rows, separators=(",", ":")).encode()).hexdigest()[:16]


class Truth:
    """Reads the database the server writes (SQLite file or PostgreSQL) with the product's own board code."""

    def __init__(self, instance: Path, url: str, secret: str):
        from leaderboard import create_app
        self.app = create_app({"INSTANCE_PATH": str(instance), "DATABASE_URL": url, "SECRET_KEY": secret})
        self.standings = service("boards.standings", "standings")
        self.lifecycle = service("contests.lifecycle", "contests")

    def boards(self, contest_id: int) -> str:
        """The fingerprint of the three boards a TV's snapshot holds, as the database has them now."""
        from leaderboard.extensions import db
        with self.app.app_context():
            try:
                contest = self.lifecycle.get_contest(contest_id)
                return board_fingerprint({by: self.standings.contest_standings(contest, by, BOARD_ROWS)["rows"]
                                          for by in BOARDS})
            finally:
                db.session.remove()

    def after_sale(self, contest_id: int, agent_key: str) -> tuple[str, float]:
        """(the boards' fingerprint, the sold agent's points) as the database has them now."""
        from leaderboard.extensions import db
        with self.app.app_context():
            try:
                contest = self.lifecycle.get_contest(contest_id)
                boards = {by: self.standings.contest_standings(contest, by, BOARD_ROWS)["rows"] for by in BOARDS}
                mine = next((e.score for e in self.standings.contest_agent_entries(contest) if e.key == agent_key), 0)
                return board_fingerprint(boards), float(mine or 0)
            finally:
                db.session.remove()

    def all_points(self, contest_id: int) -> dict[str, float]:
        """Every agent's points on the contest board (the phones' truth at the end)."""
        from leaderboard.extensions import db
        with self.app.app_context():
            try:
                contest = self.lifecycle.get_contest(contest_id)
                return {e.key: float(e.score or 0) for e in self.standings.contest_agent_entries(contest)}
            finally:
                db.session.remove()


def seed(instance: Path, url: str, secret: str, agents: int, sites: int) -> dict[str, Any]:
    """Sites, teams, 5 products, `agents` agents, one race running now over every site, and a personal link
    (its one-time token) for each agent. Returns keys, the contest id and {agent key: link token}."""
    app = make_app(instance, url)
    app.config["SECRET_KEY"] = secret
    roster = seeding.seed_roster(app, SimpleNamespace(seed=7, sites=sites, agents=agents))
    now = datetime.now(UTC)
    contest = seeding.create_race(app, roster["sites"], now - timedelta(days=1), now + timedelta(days=1))
    auth = service("access.auth", "auth")
    from sqlalchemy import select

    from leaderboard.extensions import db
    from leaderboard.models.roster import Agent
    links: dict[str, str] = {}
    with app.app_context():
        for agent in db.session.scalars(select(Agent).order_by(Agent.key)).all():
            _, links[agent.key] = auth.issue_agent_link(auth.SYSTEM, agent)
        db.session.remove()
    return {"contest": contest, "agents": roster["agents"], "sites": roster["sites"], "links": links}
