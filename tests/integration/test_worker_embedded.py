"""`leaderboard serve` alone runs the periodic duties while [worker] embedded is true (the one-process default)."""
from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import requests

from tests.conftest import POSTGRES_URL
from tests.live_server import Deployment


def test_a_lone_server_confirms_sales_whose_clawback_ended(app, tmp_path):  # app: PostgreSQL cleanup
    dep = Deployment(tmp_path, database_url=POSTGRES_URL)
    dep.env.update({"LEADERBOARD_SALES_CLAWBACK_DAYS": "1", "LEADERBOARD_WORKER_EMBEDDED": "true",
                    "LEADERBOARD_WORKER_EVERY_SECONDS": "0.2"})
    server = dep.start()
    admin = {"Authorization": f"Bearer {dep.token('admin')}"}
    try:
        def call(method: str, path: str, body: dict) -> dict:
            response = requests.request(method, f"{server.url}/api/v1{path}", json=body, headers=admin, timeout=15)
            assert response.status_code in (200, 201), response.text
            return response.json()

        now = datetime.now(UTC)
        call("PUT", "/products/CARD", {"name": "Card", "points": 3})
        call("PUT", "/sites/shop", {"name": "Shop", "timezone": "UTC"})
        call("PUT", "/agents/ann", {"name": "Ann", "site": "shop"})
        race = call("POST", "/contests", {"name": "Confirmed only", "kind": "race", "sites": ["shop"],
                                          "rules": {"count_pending": False},
                                          "starts_at": (now - timedelta(days=3)).isoformat(),
                                          "ends_at": (now + timedelta(days=3)).isoformat()})
        # Out of its day of clawback two seconds from now: only a duty that runs later can count it.
        call("POST", "/sales", {"id": "s1", "agent": "ann", "product": "CARD",
                                "occurred_at": (now - timedelta(days=1) + timedelta(seconds=2)).isoformat()})

        def points() -> float:
            rows = call("GET", f"/contests/{race['id']}/standings", None)["rows"]
            return sum(float(row["points"]) for row in rows)

        deadline = time.monotonic() + 30
        while points() != 3 and time.monotonic() < deadline:
            time.sleep(0.1)  # polling an observable, not timing logic
        assert points() == 3
    finally:
        dep.stop()
