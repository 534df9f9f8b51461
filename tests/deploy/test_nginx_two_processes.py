"""deploy/nginx/leaderboard.conf in front of two `leaderboard serve` processes on PostgreSQL with a Redis queue.

Real TV pages in Chromium, behind nginx, must show what the database says: within 2 s while sales go
alternately to both processes, and within 5 s of a Redis that was killed and came back empty.
"""
from __future__ import annotations

import contextlib
import os
import re
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests

from tests.live_server import Deployment, LiveServer
from tests.nginx_site import NGINX, Nginx, reset_postgres
from tests.private_redis import REDIS, PrivateRedis

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.redis]

POSTGRES_URL = os.environ.get("LEADERBOARD_POSTGRES_URL") or os.environ.get("LEADERBOARD_TEST_DATABASE_URL")
PAGES = 4
ROUNDS = 6
WITHIN_LIVE = 2.0  # seconds from a sale to every page showing it
WITHIN_OUTAGE = 5.0  # seconds from Redis's return to every page matching the database
OUTAGE = 3.0

_missing = [what for what, present in (("PostgreSQL (LEADERBOARD_POSTGRES_URL)", POSTGRES_URL),
                                      ("nginx (apt-get install nginx)", NGINX), ("redis-server", REDIS))
            if not present]
if _missing:
    if os.environ.get("CI") == "true":
        raise RuntimeError(f"CI=true but missing: {', '.join(_missing)} (.ci/run installs and points at them)")
    pytest.skip(f"missing {', '.join(_missing)}; the nginx two-process test is skipped", allow_module_level=True)



class Floor:
    """Two processes, their queue, nginx in front, and a race seeded through nginx."""

    def __init__(self, tmp_path: Path):
        reset_postgres(POSTGRES_URL)
        self.queue = PrivateRedis()
        self.dep = Deployment(tmp_path, message_queue=self.queue.url, database_url=POSTGRES_URL)
        self.dep.env["LEADERBOARD_SERVER_PROXY_HOPS"] = "1"
        self.a: LiveServer = self.dep.start()
        self.b: LiveServer = self.dep.start()
        self.nginx = Nginx(tmp_path / "nginx", [self.a.port, self.b.port])
        self.admin = {"Authorization": f"Bearer {self.dep.token('admin')}"}
        self.display = self.dep.token("display")
        self.agents = [f"agent{n}" for n in range(6)]
        self.sales = 0
        self.put("/api/v1/sites/paris", {"name": "Paris", "timezone": "Europe/Paris"})
        self.put("/api/v1/products/CARD", {"name": "Credit card", "points": 10})
        for n, key in enumerate(self.agents):
            self.put(f"/api/v1/agents/{key}", {"name": f"Agent {n}", "site": "paris"})
        now = datetime.now(UTC)
        response = requests.post(self.nginx.url + "/api/v1/contests", headers=self.admin, timeout=10, json={
            "name": "Floor race", "kind": "race", "starts_at": (now - timedelta(days=3)).isoformat(),
            "ends_at": (now + timedelta(days=4)).isoformat()})
        assert response.status_code == 201, response.text
        self.contest_id = response.json()["id"]
        self.put("/api/v1/channels/floor", {"name": "Floor", "slides": [
            {"type": "standings", "contest": self.contest_id, "by": "agent", "seconds": 600}]})
        for n, key in enumerate(self.agents):  # every agent on the board before the screens open
            self.sale(key, (self.a, self.b)[n % 2])

    def put(self, path: str, body: dict) -> None:
        response = requests.put(self.nginx.url + path, json=body, headers=self.admin, timeout=10)
        assert response.ok, response.text

    def sale(self, agent: str, server: LiveServer) -> None:
        """Straight to one backend, so that both processes write and publish."""
        self.sales += 1
        response = requests.post(server.url + "/api/v1/sales", headers=self.admin, timeout=15, json={
            "id": f"floor-{self.sales}-{uuid.uuid4().hex[:8]}", "agent": agent, "product": "CARD",
            "occurred_at": (datetime.now(UTC) - timedelta(seconds=1)).isoformat()})
        assert response.status_code == 201, response.text

    def database_points(self) -> dict[str, float]:
        response = requests.get(f"{self.nginx.url}/api/v1/contests/{self.contest_id}/standings",
                                headers=self.admin, timeout=10)
        assert response.ok, response.text
        return {row["key"]: float(row["points"]) for row in response.json()["rows"]}

    def stop(self) -> None:
        for stop in (self.nginx.stop, self.dep.stop, self.queue.stop):
            with contextlib.suppress(Exception):
                stop()


@pytest.fixture()
def floor(tmp_path):
    floor = Floor(tmp_path)
    yield floor
    floor.stop()


# -- reading the screens ----------------------------------------------------------------------------------------

# Podium steps and board rows alike: every agent on the standings slide with its points.
READ_BOARD = """() => Object.fromEntries([...document.querySelectorAll('.standings [data-key]')].map(
    (row) => [row.dataset.key, row.querySelector('.points').textContent]))"""


def page_points(page) -> dict[str, float]:
    return {key: float(re.sub(r"[^\d.\-]", "", shown)) for key, shown in page.evaluate(READ_BOARD).items()}


def wait_for(condition: Callable[[], bool], seconds: float) -> float | None:
    """Poll until the condition holds; the seconds it took, or None past the deadline."""
    started = time.monotonic()
    while True:
        if condition():
            return time.monotonic() - started
        if time.monotonic() - started > seconds:
            return None
        time.sleep(0.05)  # polling the pages, not timing logic


def all_show(pages, expected: dict[str, float]) -> Callable[[], bool]:
    return lambda: all(page_points(page) == expected for page in pages)


def test_tv_pages_behind_nginx_follow_two_processes_and_survive_an_emptied_redis(floor, browser):
    contexts = [browser.new_context(viewport={"width": 1920, "height": 1080}, locale="en-US")
                for _ in range(PAGES)]
    try:
        started = time.monotonic()
        pages = [context.new_page() for context in contexts]
        for page in pages:
            page.goto(f"{floor.nginx.url}/tv/floor#token={floor.display}")
        for page in pages:
            page.wait_for_selector("#connection[data-state=live]", timeout=15000)
        expected = floor.database_points()
        assert len(expected) == len(floor.agents), expected
        assert wait_for(all_show(pages, expected), 10) is not None, [page_points(p) for p in pages]
        opened = time.monotonic() - started

        # Sales alternately to both processes, two at a time (one to each, back to back).
        latencies = []
        for round_ in range(ROUNDS):
            floor.sale(floor.agents[(2 * round_) % 6], floor.a)
            floor.sale(floor.agents[(2 * round_ + 1) % 6], floor.b)
            posted = time.monotonic()
            expected = floor.database_points()
            took = wait_for(all_show(pages, expected), WITHIN_LIVE - (time.monotonic() - posted))
            assert took is not None, (f"round {round_}: pages did not show the database within {WITHIN_LIVE} s",
                                      expected, [page_points(p) for p in pages])
            latencies.append(time.monotonic() - posted)

        # Redis killed, back empty after 3 s; sales keep coming to both processes throughout.
        floor.queue.kill()
        killed = time.monotonic()
        n = 0
        while time.monotonic() - killed < OUTAGE:
            floor.sale(floor.agents[n % 6], (floor.a, floor.b)[n % 2])
            n += 1
            time.sleep(0.2)  # the pace of the sales, not a wait for a result
        floor.queue.start()
        returned = time.monotonic()
        behind = sum(page_points(page) != floor.database_points() for page in pages)  # for the record only
        for m in range(4):
            floor.sale(floor.agents[(n + m) % 6], (floor.a, floor.b)[(n + m) % 2])
        expected = floor.database_points()
        took = wait_for(all_show(pages, expected), WITHIN_OUTAGE - (time.monotonic() - returned))
        assert took is not None, (f"pages did not match the database within {WITHIN_OUTAGE} s of Redis's return",
                                  expected, [page_points(p) for p in pages])
        print(f"\n{PAGES} pages open and showing the board in {opened:.1f} s; "
              f"live rounds, sale -> all pages: {', '.join(f'{s:.2f}' for s in latencies)} s; "
              f"outage: {n} sales while Redis was down, {behind}/{PAGES} pages behind when it returned, "
              f"4 sales after; all pages matched {time.monotonic() - returned:.2f} s after Redis returned")
    finally:
        for context in contexts:
            context.close()
