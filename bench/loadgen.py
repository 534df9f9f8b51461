"""Stdlib-only HTTP load generation against 127.0.0.1: keep-alive clients in threads across processes."""
from __future__ import annotations

import http.client
import json
import multiprocessing as mp
import random
import threading
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

LOCALHOST = "127.0.0.1"


def percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile of an already sorted list (NaN when empty)."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), round(pct / 100.0 * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


def latency_summary(latencies_ms: Iterable[float]) -> dict[str, Any]:
    values = sorted(latencies_ms)
    if not values:
        return {"count": 0}
    return {"count": len(values), "mean_ms": sum(values) / len(values), "p50_ms": percentile(values, 50),
            "p90_ms": percentile(values, 90), "p99_ms": percentile(values, 99), "max_ms": values[-1]}


class Client:
    """One keep-alive connection; reconnects after a failure (never leaves 127.0.0.1)."""

    def __init__(self, port: int, token: str, timeout: float = 30.0):
        self.port, self.timeout = port, timeout
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                        "Connection": "keep-alive"}
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes, float]:
        """Returns (status, body, seconds); status 0 on a transport error."""
        if self.conn is None:
            self.conn = http.client.HTTPConnection(LOCALHOST, self.port, timeout=self.timeout)
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=self.headers)
            response = self.conn.getresponse()
            data = response.read()
            status = response.status
            if response.will_close:
                self.close()
        except (OSError, http.client.HTTPException) as exc:
            self.close()
            return 0, repr(exc).encode(), time.perf_counter() - started
        return status, data, time.perf_counter() - started

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def sale_body(sale_id: str, rng: random.Random, agents: list[str], products: list[str]) -> bytes:
    occurred = datetime.now(UTC) - timedelta(seconds=rng.randint(1, 120))
    return json.dumps({"id": sale_id, "agent": rng.choice(agents), "product": rng.choice(products),
                       "quantity": 1, "occurred_at": occurred.isoformat(timespec="seconds")}).encode()


def _thread_loop(spec: dict[str, Any], proc: int, thread: int, go: threading.Event, out: list) -> None:
    """One keep-alive client posting single sales until its count or the shared deadline is reached."""
    rng = random.Random(f"{spec['seed']}-{proc}-{thread}")
    client = Client(spec["port"], spec["token"])
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    bodies = [sale_body(f"{spec['prefix']}-{proc}-{thread}-{i}", rng, spec["agents"], spec["products"])
              for i in range(spec["per_client"])]
    go.wait()
    started = time.time()
    deadline = spec["deadline"]
    for body in bodies:
        if time.time() >= deadline:
            break
        status, _, seconds = client.request("POST", "/api/v1/sales", body)
        latencies.append(seconds * 1000.0)
        statuses[status] = statuses.get(status, 0) + 1
    ended = time.time()
    client.close()
    out.append({"latencies_ms": latencies, "statuses": statuses, "started": started, "ended": ended,
                "port": spec["port"]})


def _process_main(spec: dict[str, Any], proc: int, ready: Any, go: Any, results: Any) -> None:
    threads_go = threading.Event()
    out: list = []
    threads = [threading.Thread(target=_thread_loop, args=(spec, proc, t, threads_go, out), daemon=True)
               for t in range(spec["threads"])]
    for t in threads:
        t.start()
    ready.put(proc)
    go.wait(timeout=120)
    spec["deadline"] = time.time() + spec["duration"]
    threads_go.set()
    for t in threads:
        t.join(timeout=spec["duration"] + 60)
    results.put(out)


def post_single_sales(port: int | list[int], token: str, agents: list[str], products: list[str], total: int,
                      clients: int, processes: int, duration: float, prefix: str, seed: int = 1,
                      during: Callable[[float], Any] | None = None) -> dict[str, Any]:
    """`clients` keep-alive connections split over `processes` posting `total` single sales, bounded by
    `duration` seconds. Returns throughput, latency summary and status counts. `during(deadline)` runs
    in this process once the clients are posting (e.g. a reader) and its result is returned as "during".
    With a list of ports, client process p posts to ports[p % len(ports)] (several servers, one figure)."""
    ports = port if isinstance(port, list) else [port]
    processes = max(1, min(processes, clients))
    ctx = mp.get_context("spawn")
    ready, results, go = ctx.Queue(), ctx.Queue(), ctx.Event()
    per_proc = [clients // processes + (1 if p < clients % processes else 0) for p in range(processes)]
    per_client = max(1, -(-total // clients))
    workers = []
    for proc, threads in enumerate(per_proc):
        spec = {"port": ports[proc % len(ports)], "token": token, "agents": agents, "products": products,
                "threads": threads, "per_client": per_client, "duration": duration, "prefix": prefix, "seed": seed}
        worker = ctx.Process(target=_process_main, args=(spec, proc, ready, go, results), daemon=True)
        worker.start()
        workers.append(worker)
    for _ in workers:
        ready.get(timeout=120)
    go.set()
    side = during(time.time() + duration) if during is not None else None
    runs: list = []
    for _ in workers:
        runs += results.get(timeout=duration + 120)
    by_port: dict[int, list] = {}
    for r in runs:
        by_port.setdefault(r["port"], []).append(r)
    for worker in workers:
        worker.join(timeout=30)
        if worker.is_alive():
            worker.terminate()
    combined = _combine(runs, clients)
    if len(ports) > 1:
        combined["per_port"] = {str(p): _combine(r, len(r)) for p, r in by_port.items()}
    if during is not None:
        combined["during"] = side
    return combined


def _combine(runs: list[dict[str, Any]], clients: int) -> dict[str, Any]:
    latencies = [x for r in runs for x in r["latencies_ms"]]
    statuses: dict[str, int] = {}
    for r in runs:
        for status, n in r["statuses"].items():
            statuses[str(status)] = statuses.get(str(status), 0) + n
    ok = sum(n for s, n in statuses.items() if s in ("200", "201"))
    per_client = sorted(len(r["latencies_ms"]) for r in runs)  # fairness: requests each connection completed
    wall = max(r["ended"] for r in runs) - min(r["started"] for r in runs)
    return {"clients": clients, "requests": len(latencies), "ok": ok, "statuses": statuses,
            "wall_s": wall, "requests_per_s": ok / wall if wall > 0 else float("nan"),
            "per_client_requests_min": per_client[0], "per_client_requests_max": per_client[-1],
            **latency_summary(latencies)}


def sequential(client: Client, paths: Iterable[str], check: Callable[[int, bytes], bool],
               max_seconds: float) -> dict[str, Any]:
    """GET each path in turn on one keep-alive connection (bounded by max_seconds)."""
    latencies: list[float] = []
    failures = 0
    deadline = time.monotonic() + max_seconds
    started = time.perf_counter()
    for path in paths:
        if time.monotonic() >= deadline:
            break
        status, data, seconds = client.request("GET", path)
        latencies.append(seconds * 1000.0)
        failures += not check(status, data)
    wall = time.perf_counter() - started
    return {"failures": failures, "wall_s": wall,
            "requests_per_s": len(latencies) / wall if wall > 0 else float("nan"), **latency_summary(latencies)}
