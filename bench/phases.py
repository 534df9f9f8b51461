"""Timed phases against a running server (batched and single-sale writes, standings reads, reads under write
load) and in-process (cached/cold standings, rebuild through the `leaderboard rebuild` command)."""
from __future__ import annotations

import json
import random
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import loadgen
from common import Server, run_cli, service


def http_batches(server: Server, token: str, state: dict[str, Any], runs: int, seed: int,
                 size: int = 1000) -> dict[str, Any]:
    """`runs` sequential POSTs of `size` fresh sales each, occurred in the last hour."""
    rng = random.Random(seed + 2)
    client = loadgen.Client(server.port, token, timeout=120)
    now = datetime.now(UTC)
    seconds: list[float] = []
    stored = 0
    for run in range(runs):
        items = [{"id": f"hb-{seed}-{time.time_ns()}-{run}-{i}", "agent": rng.choice(state["agents"]),
                  "product": rng.choice(state["products"]), "quantity": 1,
                  "occurred_at": (now - timedelta(seconds=rng.randint(60, 3600))).isoformat(timespec="seconds")}
                 for i in range(size)]
        status, data, elapsed = client.request("POST", "/api/v1/sales", json.dumps({"sales": items}).encode())
        if status != 200:
            raise SystemExit(f"batch POST answered {status}: {data[:500]!r}")
        stored += sum(1 for r in json.loads(data)["results"] if r["result"] == "created")
        seconds.append(elapsed)
    client.close()
    return {"runs": runs, "batch_size": size, "events": stored, "events_per_s": stored / sum(seconds),
            **{f"batch_{k}": v for k, v in loadgen.latency_summary(x * 1000 for x in seconds).items()}}


def single_sales(server: Server, token: str, state: dict[str, Any], total: int, clients: int, processes: int,
                 duration: float, seed: int, label: str = "single") -> dict[str, Any]:
    return loadgen.post_single_sales(server.port, token, state["agents"], state["products"], total=total,
                                     clients=clients, processes=processes, duration=duration,
                                     prefix=f"{label}-{time.time_ns()}", seed=seed)


def standings_paths(contest_id: int, count: int, agents: list[str], around: bool, seed: int) -> list[str]:
    base = f"/api/v1/contests/{contest_id}/standings"
    if not around:
        return [f"{base}?by=agent&limit=50"] * count
    rng = random.Random(seed + 3)
    return [f"{base}?around={rng.choice(agents)}&limit=1" for _ in range(count)]


def ok_rows(expected: int):
    def check(status: int, data: bytes) -> bool:
        return status == 200 and len(json.loads(data)["rows"]) == expected
    return check


def http_reads(server: Server, token: str, state: dict[str, Any], reads: int, seed: int) -> dict[str, Any]:
    """Top 50 then one agent's rank, sequentially on one keep-alive connection, without writers."""
    client = loadgen.Client(server.port, token)
    contest = state["contest_id"]
    warmup = max(10, reads // 20)
    loadgen.sequential(client, standings_paths(contest, warmup, state["agents"], False, seed), ok_rows(50), 60)
    top = loadgen.sequential(client, standings_paths(contest, reads, state["agents"], False, seed), ok_rows(50), 120)
    loadgen.sequential(client, standings_paths(contest, warmup, state["agents"], True, seed), ok_rows(1), 60)
    around = loadgen.sequential(client, standings_paths(contest, max(1, reads // 2), state["agents"], True, seed),
                                ok_rows(1), 120)
    client.close()
    return {"top50": top, "around": around}


def reads_under_write_load(server: Server, tokens: dict[str, str], state: dict[str, Any], total: int,
                           processes: int, duration: float, seed: int) -> dict[str, Any]:
    """Top-50 reads from one client while 8 clients post single sales (every write bumps the version)."""
    client = loadgen.Client(server.port, tokens["display"])
    path = standings_paths(state["contest_id"], 1, state["agents"], False, seed)[0]
    check = ok_rows(50)

    def reader(deadline: float) -> dict[str, Any]:
        latencies: list[float] = []
        failures = 0
        while time.time() < deadline:
            status, data, seconds = client.request("GET", path)
            latencies.append(seconds * 1000.0)
            failures += not check(status, data)
        return {"failures": failures, **loadgen.latency_summary(latencies)}

    writes = loadgen.post_single_sales(
        server.port, tokens["integration"], state["agents"], state["products"], total=total,
        clients=8, processes=processes, duration=duration, prefix=f"mix-{time.time_ns()}",
        seed=seed + 7, during=reader)
    client.close()
    reads = writes.pop("during")
    return {"writes": writes, "reads": reads}


def inprocess_standings(app, contest_id: int, reads: int) -> dict[str, Any]:
    """contest_standings() in this process: warm (cached board) and cold (cache dropped each call)."""
    contests, standings = service("contests.lifecycle", "contests"), service("boards.standings", "standings")

    with app.app_context():
        contest = contests.get_contest(contest_id)
        warm: list[float] = []
        standings.contest_standings(contest, "agent", 50)
        deadline = time.monotonic() + 60
        for _ in range(reads):
            if time.monotonic() > deadline:
                break
            started = time.perf_counter()
            standings.contest_standings(contest, "agent", 50)
            warm.append((time.perf_counter() - started) * 1000)
        cold: list[float] = []
        for _ in range(20):
            app.extensions.pop(getattr(standings, "CACHE_KEY", "-"), None)
            started = time.perf_counter()
            standings.contest_standings(contest, "agent", 50)
            cold.append((time.perf_counter() - started) * 1000)
    return {"warm": loadgen.latency_summary(warm), "cold": loadgen.latency_summary(cold)}


def cli_rebuild(instance: Path, url: str | None, code: Path | None) -> dict[str, Any]:
    """`leaderboard rebuild` as its own process (what an operator runs); wall time includes app start-up."""
    seconds, output = run_cli(instance, ["rebuild"], url=url, code=code)
    last = [line for line in output.splitlines() if line.strip()][-1:]
    replayed = None
    for word in (last[0] if last else "").replace(",", "").split():
        if word.isdigit():
            replayed = int(word)
    return {"seconds": seconds, "cpu_s": getattr(run_cli, "last_cpu_s", None), "sales_replayed": replayed,
            "events_per_s": replayed / seconds if replayed else None, "last_line": last[0] if last else ""}
