"""Two real `leaderboard worker` processes on one database: each match status announced once, each sale
confirmed once."""
from __future__ import annotations

import json
import os
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis
import requests

from tests.conftest import POSTGRES_URL
from tests.live_server import LEADERBOARD, ROOT, Deployment
from tests.private_redis import REDIS, PrivateRedis

pytestmark = pytest.mark.redis
if REDIS is None and os.environ.get("CI") != "true":
    pytest.skip("redis-server is not installed (CI=true makes this a failure)", allow_module_level=True)

POINTS = 7
SALES = 12
POLL_SECONDS = 0.2


class Worker:
    def __init__(self, env: dict[str, str], log_path: Path):
        self.log_path = log_path
        self.log = log_path.open("wb")
        self.process = subprocess.Popen([LEADERBOARD, "worker", "--every", str(POLL_SECONDS)], env=env, cwd=ROOT,
                                        stdout=self.log, stderr=subprocess.STDOUT)

    def lines(self, word: str) -> int:
        return sum(word in line for line in self.log_path.read_text(errors="replace").splitlines())

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.log.close()


def wait_until(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)  # polling an observable, not timing logic
    assert condition(), f"timed out after {seconds:g} s waiting for {what}"


@pytest.fixture()
def deployment(app, tmp_path):  # app: a PostgreSQL run shares (and cleans) the test database
    queue = PrivateRedis()
    dep = Deployment(tmp_path, message_queue=queue.url, database_url=POSTGRES_URL)
    # A day of clawback, so the sales below come out of it one by one while the workers poll.
    dep.env.update({"LEADERBOARD_SALES_CLAWBACK_DAYS": "1", "LEADERBOARD_WORKER_EMBEDDED": "false"})
    dep.api = dep.start()
    dep.admin = {"Authorization": f"Bearer {dep.token('admin')}"}
    dep.queue = queue
    yield dep
    dep.stop()
    queue.stop()


def call(dep, method: str, path: str, body: dict) -> dict:
    response = requests.request(method, dep.api.url + "/api/v1" + path, json=body, headers=dep.admin, timeout=15)
    assert response.status_code in (200, 201), (path, response.text)
    return response.json()


def test_two_workers_announce_each_status_and_confirm_each_sale_exactly_once(deployment, tmp_path):
    dep = deployment
    now = datetime.now(UTC)
    call(dep, "PUT", "/products/CARD", {"name": "Card", "points": POINTS})
    call(dep, "PUT", "/sites/shop", {"name": "Shop", "timezone": "UTC"})
    call(dep, "PUT", "/agents/ann", {"name": "Ann", "site": "shop"})
    leagues = [f"l{n}" for n in range(4)]
    for key in leagues:
        call(dep, "PUT", f"/sites/{key}", {"name": key.upper(), "timezone": "UTC"})
    race = call(dep, "POST", "/contests", {
        "name": "Confirmed only", "kind": "race", "sites": ["shop"], "rules": {"count_pending": False},
        "starts_at": (now - timedelta(days=3)).isoformat(), "ends_at": (now + timedelta(days=3)).isoformat()})
    # Round 1 ended half a day ago (no sales: final), round 2 is live for twelve more hours, round 3 is later.
    league = call(dep, "POST", "/contests", {
        "name": "League", "kind": "league", "sites": leagues, "timezone": "UTC",
        "rules": {"match_length": "P1D", "points_per_goal": 10},
        "starts_at": (now - timedelta(days=1, hours=12)).isoformat()})
    # Each sale leaves its day of clawback within the next few seconds, while both workers poll.
    for n in range(SALES):
        occurred = now - timedelta(days=1) + timedelta(seconds=2 + n * 0.25)
        call(dep, "POST", "/sales", {"id": f"s{n}", "agent": "ann", "product": "CARD",
                                     "occurred_at": occurred.isoformat()})
    matches = requests.get(f"{dep.api.url}/api/v1/contests/{league['id']}/matches", headers=dep.admin,
                           timeout=15).json()
    expected = {}
    for match in matches["items"]:
        starts, ends = datetime.fromisoformat(match["starts_at"]), datetime.fromisoformat(match["ends_at"])
        if ends <= now:
            expected[match["id"]] = "final"
        elif starts <= now:
            expected[match["id"]] = "live"
    assert sorted(expected.values()) == ["final", "final", "live", "live"]

    listener = redis.Redis.from_url(dep.queue.url).pubsub()
    listener.subscribe("flask-socketio")
    announced: list[tuple[int, str]] = []

    def drain() -> None:
        while (message := listener.get_message(timeout=0.01)) is not None:
            if message["type"] != "message":
                continue
            packet = json.loads(message["data"])
            # The contest's own topic (its phones' lean topic gets a copy of each delta).
            if packet.get("event") == "match.status" and packet.get("room") == f"contest:{league['id']}":
                body = packet["data"][0] if isinstance(packet["data"], list) else packet["data"]
                announced.append((body["match"], body["status"]))

    def standing() -> tuple[int, int]:
        board = requests.get(f"{dep.api.url}/api/v1/contests/{race['id']}/standings", headers=dep.admin,
                             timeout=15).json()
        return (sum(row["sales"] for row in board["rows"]), sum(int(float(row["points"])) for row in board["rows"]))

    workers = [Worker(dep.env, tmp_path / f"worker{n}.log") for n in range(2)]
    try:
        wait_until(lambda: drain() or len(announced) >= len(expected), 30, "the status announcements")
        last_sale = now - timedelta(days=1) + timedelta(seconds=2 + (SALES - 1) * 0.25)
        wait_until(lambda: datetime.now(UTC) > last_sale + timedelta(days=1) and standing()[0] >= SALES,
                   30, "every sale to be confirmed")
        # Then many more polls by both workers, each of which could repeat an announcement or a confirmation.
        runs = [w.lines("ran,") + w.lines("held elsewhere") for w in workers]
        wait_until(lambda: all(w.lines("ran,") + w.lines("held elsewhere") >= before + 20
                               for w, before in zip(workers, runs, strict=True)),
                   30, "twenty more polls by each worker")
        drain()
        for worker in workers:
            assert worker.process.poll() is None, worker.log_path.read_text()
            assert worker.lines("failed") == 0, worker.log_path.read_text()
        # Both took part: each ran some duty at least once (the leases went to whoever polled first).
        assert all(w.lines("ran,") > 0 for w in workers), [w.log_path.read_text() for w in workers]
    finally:
        for worker in workers:
            worker.stop()
        listener.close()
    assert sorted(announced) == sorted(expected.items())
    assert standing() == (SALES, SALES * POINTS)
