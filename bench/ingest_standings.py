"""Ingest and standings benchmark: seeds a fresh SQLite database, then times ingest, reads and rebuild."""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))

import loadgen  # noqa: E402  (stdlib only; the worker processes import nothing else)

TIMEZONES = ["Europe/Paris", "Europe/Lisbon", "America/Toronto", "Asia/Manila", "America/Los_Angeles"]
PRODUCTS = [("REWARDS", 30, "15.00"), ("CARD", 50, "25.00"), ("UPGRADE", 20, "10.00"), ("INSURE", 40, "20.00"),
            ("SURVEY", 5, "0.00")]
STATE_FILE = "bench-state.json"
SMOKE_BELOW = 100_000  # fewer seeded sales than this: shorter HTTP phases (a smoke run)
TARGETS = {
    "single_sale_requests_per_s": (">=", 1000),
    "single_sale_p99_ms": ("<=", 50),
    "batched_ingest_events_per_s": (">=", 50_000),
    "batched_http_events_per_s": (">=", 50_000),
    "standings_top50_http_p99_ms": ("<=", 5),
    "standings_around_http_p99_ms": ("<=", 5),
    "rebuild_s": ("<=", 60),
}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def parse_args(argv: Optional[list[str]] = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, epilog=(
        f"Defaults in [brackets] switch to the smoke values when --sales is below {SMOKE_BELOW:,}. "
        "Full run: .venv/bin/python bench/ingest_standings.py --sales 1000000; smoke: --sales 20000. "
        "See docs/benchmarks.md."))
    p.add_argument("--sales", type=int, default=1_000_000, help="sales seeded through ingest_batch")
    p.add_argument("--days", type=int, default=60, help="the seeded sales are spread over this many days")
    p.add_argument("--sites", type=int, default=20)
    p.add_argument("--agents", type=int, default=2000)
    p.add_argument("--batch", type=int, default=1000, help="sales per ingest_batch call while seeding")
    p.add_argument("--http-batches", type=int, help="1000-sale batches POSTed over HTTP [5; smoke 2]")
    p.add_argument("--http-sales", type=int, help="single sales POSTed over HTTP, bounded by --duration [10000; smoke 3000]")
    p.add_argument("--clients", type=int, default=16, help="concurrent keep-alive clients for single sales")
    p.add_argument("--client-procs", type=int, default=2, help="client processes the clients are split over")
    p.add_argument("--duration", type=float, help="time bound (s) of the single-sale phase [20; smoke 4]")
    p.add_argument("--mixed-duration", type=float, help="length (s) of the reads-during-writes phase [10; smoke 3]")
    p.add_argument("--reads", type=int, help="sequential top-50 reads over HTTP; half as many rank reads [2000; smoke 100]")
    p.add_argument("--server", choices=["leaderboard", "nodelay", "nodelay-yield"], default="leaderboard",
                   help="'leaderboard' runs `leaderboard serve` (the figures); the others are diagnostics through "
                        "bench/serve_nodelay.py: TCP_NODELAY, and also one gevent yield per request")
    p.add_argument("--no-snapshot", dest="snapshot", action="store_false",
                   help="run the live working tree instead of a copy taken at start (see snapshot_code)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--skip-rebuild", action="store_true", help="leave out the rebuild (e.g. with --reuse)")
    p.add_argument("--keep", action="store_true", help="keep the temporary instance folder")
    p.add_argument("--reuse", metavar="DIR", help="reuse an instance folder seeded by --keep (skips seeding)")
    p.add_argument("--results-dir", default=str(BENCH_DIR / "results"))
    args = p.parse_args(argv)
    smoke = args.sales < SMOKE_BELOW
    for name, full, quick in (("http_batches", 5, 2), ("http_sales", 10_000, 3000), ("duration", 20.0, 4.0),
                              ("mixed_duration", 10.0, 3.0), ("reads", 2000, 100)):
        if getattr(args, name) is None:
            setattr(args, name, quick if smoke else full)
    return args


# --------------------------------------------------------------------------------------------- app setup

SNAPSHOT_PARTS = ("leaderboard", "migrations", "wallboard", "config.toml")


def snapshot_code(dest: Path) -> Path:
    """Copy the application as it is now, so a long run (and its server) measures one version of the code
    even while someone edits the working tree. Call before anything imports leaderboard."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for part in SNAPSHOT_PARTS:
        source = PROJECT_ROOT / part
        if source.is_dir():
            shutil.copytree(source, dest / part, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif source.exists():
            shutil.copy2(source, dest / part)
    sys.path.insert(0, str(dest))
    return dest


def make_app(instance: Path):  # noqa: ANN201
    from leaderboard import create_app
    return create_app({"INSTANCE_PATH": str(instance), "DATABASE_URL": database_url(instance),
                       "SECRET_KEY": "bench-secret"})


def database_url(instance: Path) -> str:
    return f"sqlite:///{instance / 'bench.db'}"


def seed_roster(app, args: argparse.Namespace) -> dict[str, Any]:  # noqa: ANN001
    """20 sites in 5 timezones, 5 teams each, 2,000 agents and 5 products, through the roster services."""
    from leaderboard.extensions import db
    from leaderboard.schemas import AgentIn, ProductIn, SiteIn, TeamIn
    from leaderboard.services import auth, roster

    actor = auth.SYSTEM
    rng = random.Random(args.seed)
    site_keys = [f"site{n:02d}" for n in range(1, args.sites + 1)]
    agents: list[str] = []
    with app.app_context():
        for index, key in enumerate(site_keys):
            roster.upsert_site(actor, key, SiteIn(name=f"Site {key}", timezone=TIMEZONES[index % len(TIMEZONES)]),
                               commit=False)
            for team in range(5):
                roster.upsert_team(actor, f"{key}-t{team}", TeamIn(name=f"Team {team} {key}", site=key),
                                   commit=False)
        for code, points, bonus in PRODUCTS:
            roster.upsert_product(actor, code, ProductIn(name=f"Product {code}", points=points,
                                                         bonus=Decimal(bonus), currency="USD"), commit=False)
        db.session.commit()
        for n in range(args.agents):
            site = site_keys[n % len(site_keys)]
            key = f"a{n:05d}"
            fte = Decimal("0.5") if rng.random() < 0.1 else Decimal("1")
            roster.upsert_agent(actor, key, AgentIn(name=f"Agent {n}", site=site, team=f"{site}-t{n % 5}", fte=fte),
                                commit=False)
            agents.append(key)
            if n % 500 == 499:
                db.session.commit()
        db.session.commit()
    return {"sites": site_keys, "agents": agents, "products": [p[0] for p in PRODUCTS]}


def create_race(app, sites: list[str], first: datetime, last: datetime) -> int:  # noqa: ANN001
    from leaderboard.schemas import ContestIn
    from leaderboard.services import auth, contests

    with app.app_context():
        contest = contests.create_contest(auth.SYSTEM, ContestIn.model_validate({
            "name": "Bench race", "kind": "race", "timezone": "Europe/Paris", "sites": sites,
            "starts_at": first.isoformat(), "ends_at": last.isoformat()}))
        return contest.id


def api_keys(app) -> dict[str, str]:  # noqa: ANN001
    from leaderboard.services import auth

    with app.app_context():
        _, integration = auth.create_api_key(f"bench-integration-{time.time_ns()}", "integration")
        _, display = auth.create_api_key(f"bench-display-{time.time_ns()}", "display")
    return {"integration": integration, "display": display}


def sale_batches(args: argparse.Namespace, agents: list[str], products: list[str], end: datetime):
    """Deterministic sales in near time order (as CRMs post them) over `days` days ending at `end`."""
    rng = random.Random(args.seed + 1)
    weights = [rng.uniform(0.3, 1.7) for _ in agents]  # some agents sell more than others
    cumulative, total = [], 0.0
    for w in weights:
        total += w
        cumulative.append(total)
    product_weights = [30, 10, 25, 15, 20]
    span = timedelta(days=args.days).total_seconds()
    start = end - timedelta(days=args.days)
    step = span / max(1, args.sales)
    for first in range(0, args.sales, args.batch):
        count = min(args.batch, args.sales - first)
        chosen = rng.choices(agents, cum_weights=cumulative, k=count)
        chosen_products = rng.choices(products, weights=product_weights, k=count)
        batch = []
        for offset in range(count):
            i = first + offset
            at = start + timedelta(seconds=i * step + rng.random() * step)
            batch.append({"id": f"s{i:09d}", "agent": chosen[offset], "product": chosen_products[offset],
                          "quantity": 2 if rng.random() < 0.05 else 1,
                          "occurred_at": at.isoformat(timespec="seconds")})
        yield batch


def seed_sales(app, args: argparse.Namespace, state: dict[str, Any]) -> dict[str, Any]:  # noqa: ANN001
    """Seeds through sales.ingest_batch, timing only the service calls (one app context per batch)."""
    from leaderboard.services import auth, sales

    end = datetime.fromisoformat(state["sales_end"])
    ingest_seconds = 0.0
    per_batch: list[float] = []
    created = 0
    last_report = time.monotonic()
    done = 0
    for batch in sale_batches(args, state["agents"], state["products"], end):
        with app.app_context():
            started = time.perf_counter()
            results = sales.ingest_batch(auth.SYSTEM, batch)
            elapsed = time.perf_counter() - started
        ingest_seconds += elapsed
        per_batch.append(elapsed)
        created += sum(1 for r in results if r.result == "created")
        done += len(batch)
        if time.monotonic() - last_report > 15:
            last_report = time.monotonic()
            log(f"  seeded {done:,}/{args.sales:,} sales, {done / ingest_seconds:,.0f} events/s so far")
    if created != args.sales:
        raise SystemExit(f"seeding stored {created} of {args.sales} sales")
    tenth = max(1, len(per_batch) // 10)
    return {"events": created, "batch_size": args.batch, "ingest_s": ingest_seconds,
            "events_per_s": created / ingest_seconds,
            "first_10pct_events_per_s": tenth * args.batch / sum(per_batch[:tenth]),
            "last_10pct_events_per_s": tenth * args.batch / sum(per_batch[-tenth:]),
            **{f"batch_{k}": v for k, v in loadgen.latency_summary(x * 1000 for x in per_batch).items()}}


# --------------------------------------------------------------------------------------------- server

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((loadgen.LOCALHOST, 0))
        return s.getsockname()[1]


class Server:
    """`leaderboard serve` (gevent) as a subprocess on 127.0.0.1 against the bench database."""

    def __init__(self, instance: Path, kind: str = "leaderboard", code: Optional[Path] = None):
        self.instance, self.kind, self.code = instance, kind, code
        self.port = free_port()
        self.log_path = instance / "server.log"
        self.proc: Optional[subprocess.Popen] = None

    def __enter__(self) -> "Server":
        env = dict(os.environ, LEADERBOARD_INSTANCE_PATH=str(self.instance),
                   LEADERBOARD_DATABASE_URL=database_url(self.instance), LEADERBOARD_SECRET_KEY="bench-secret",
                   LEADERBOARD_SERVER_HOST=loadgen.LOCALHOST,
                   BENCH_SERVER_YIELD="1" if self.kind == "nodelay-yield" else "0")
        if self.code is not None:  # the snapshot shadows the editable install
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(self.code), env.get("PYTHONPATH")]))
        # the `leaderboard` console script is leaderboard.console:main; calling it this way lets the snapshot win
        launcher = ([sys.executable, "-c", "from leaderboard.console import main; main()", "serve"]
                    if self.kind == "leaderboard" else [sys.executable, str(BENCH_DIR / "serve_nodelay.py")])
        command = [*launcher, "--host", loadgen.LOCALHOST, "--port", str(self.port)]
        self.log_file = open(self.log_path, "ab")
        self.proc = subprocess.Popen(command, env=env, stdout=self.log_file, stderr=subprocess.STDOUT,
                                     cwd=str(self.code or PROJECT_ROOT))
        deadline = time.monotonic() + 60
        client = loadgen.Client(self.port, "none", timeout=2)
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"server exited with {self.proc.returncode}; see {self.log_path}")
            status, _, _ = client.request("GET", "/api/v1/health")
            if status == 200:
                client.close()
                return self
            time.sleep(0.2)
        raise SystemExit(f"server did not answer /api/v1/health within 60 s; see {self.log_path}")

    def __exit__(self, *exc: Any) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)
        self.log_file.close()

    def rss_mb(self) -> Optional[float]:
        try:
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        except (OSError, AttributeError):
            return None
        return None


# --------------------------------------------------------------------------------------------- HTTP phases

def http_batches(server: Server, token: str, state: dict[str, Any], runs: int, seed: int) -> dict[str, Any]:
    """`runs` sequential POSTs of 1,000 fresh sales each, occurred in the last hour."""
    rng = random.Random(seed + 2)
    client = loadgen.Client(server.port, token, timeout=120)
    now = datetime.now(timezone.utc)
    seconds: list[float] = []
    stored = 0
    for run in range(runs):
        items = [{"id": f"hb-{seed}-{time.time_ns()}-{run}-{i}", "agent": rng.choice(state["agents"]),
                  "product": rng.choice(state["products"]), "quantity": 1,
                  "occurred_at": (now - timedelta(seconds=rng.randint(60, 3600))).isoformat(timespec="seconds")}
                 for i in range(1000)]
        status, data, elapsed = client.request("POST", "/api/v1/sales", json.dumps({"sales": items}).encode())
        if status != 200:
            raise SystemExit(f"batch POST answered {status}: {data[:500]!r}")
        stored += sum(1 for r in json.loads(data)["results"] if r["result"] == "created")
        seconds.append(elapsed)
    client.close()
    return {"runs": runs, "events": stored, "events_per_s": stored / sum(seconds),
            **{f"batch_{k}": v for k, v in loadgen.latency_summary(x * 1000 for x in seconds).items()}}


def standings_paths(contest_id: int, count: int, agents: list[str], around: bool, seed: int) -> list[str]:
    base = f"/api/v1/contests/{contest_id}/standings"
    if not around:
        return [f"{base}?by=agent&limit=50"] * count
    rng = random.Random(seed + 3)
    return [f"{base}?around={rng.choice(agents)}&limit=1" for _ in range(count)]


def ok_rows(expected: int):  # noqa: ANN201
    def check(status: int, data: bytes) -> bool:
        return status == 200 and len(json.loads(data)["rows"]) == expected
    return check


def http_reads(server: Server, token: str, state: dict[str, Any], reads: int, seed: int) -> dict[str, Any]:
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


def reads_under_write_load(server: Server, tokens: dict[str, str], state: dict[str, Any],
                           args: argparse.Namespace) -> dict[str, Any]:
    """Top-50 reads from one client while 8 clients post single sales (every write bumps the version)."""
    client = loadgen.Client(server.port, tokens["display"])
    path = standings_paths(state["contest_id"], 1, state["agents"], False, args.seed)[0]
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
        server.port, tokens["integration"], state["agents"], state["products"], total=args.http_sales,
        clients=8, processes=args.client_procs, duration=args.mixed_duration, prefix=f"mix-{time.time_ns()}",
        seed=args.seed + 7, during=reader)
    client.close()
    reads = writes.pop("during")
    return {"writes": writes, "reads": reads}


# --------------------------------------------------------------------------------------------- in-process

def inprocess_standings(app, state: dict[str, Any], reads: int) -> dict[str, Any]:  # noqa: ANN001
    """contest_standings() in this process: warm (cached board) and cold (cache dropped each call)."""
    from leaderboard.services import contests, standings

    with app.app_context():
        contest = contests.get_contest(state["contest_id"])
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
            app.extensions.pop(standings.CACHE_KEY, None)
            started = time.perf_counter()
            standings.contest_standings(contest, "agent", 50)
            cold.append((time.perf_counter() - started) * 1000)
        top = standings.contest_standings(contest, "agent", 50)["rows"]
    return {"warm": loadgen.latency_summary(warm), "cold": loadgen.latency_summary(cold),
            "top": [(r["key"], r["points"], r["sales"]) for r in top]}


def timed_rebuild(app) -> dict[str, Any]:  # noqa: ANN001
    from leaderboard.services import projections

    with app.app_context():
        started = time.perf_counter()
        replayed = projections.rebuild()
        seconds = time.perf_counter() - started
    return {"sales_replayed": replayed, "seconds": seconds, "events_per_s": replayed / seconds}


def top_rows(app, contest_id: int) -> list:  # noqa: ANN001
    from leaderboard.services import contests, standings

    with app.app_context():
        app.extensions.pop(standings.CACHE_KEY, None)
        rows = standings.contest_standings(contests.get_contest(contest_id), "agent", 50)["rows"]
    return [(r["key"], r["points"], r["sales"]) for r in rows]


# --------------------------------------------------------------------------------------------- report

def machine() -> dict[str, Any]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem_kb = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal:")), 0)
    import sqlite3
    return {"nproc": os.cpu_count(), "cpu": cpu, "memory_gib": round(mem_kb / 1024 / 1024, 1),
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version, "platform": platform.platform()}


def git_state() -> dict[str, Any]:
    def git(*cmd: str) -> str:
        try:
            return subprocess.run(["git", *cmd], cwd=PROJECT_ROOT, capture_output=True, text=True,
                                  timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""
    return {"commit": git("rev-parse", "HEAD"), "dirty_files": len(git("status", "--porcelain").splitlines())}


def verdict(metric: str, value: Optional[float]) -> str:
    if metric not in TARGETS or value is None:
        return ""
    op, target = TARGETS[metric]
    ok = value >= target if op == ">=" else value <= target
    return "met" if ok else "MISSED"


def summary_rows(r: dict[str, Any]) -> list[tuple[str, str, Optional[float], str]]:
    """(metric key, label, value, unit)."""
    single, reads, inproc = r.get("single_sale_http", {}), r.get("standings_http", {}), r.get("standings_inprocess", {})
    mixed = r.get("standings_under_write_load", {})
    return [
        ("batched_ingest_events_per_s", f"batched ingest, in-process ingest_batch x{r['params']['batch']}",
         r.get("seed_ingest", {}).get("events_per_s"), "events/s"),
        ("", "  first 10% / last 10% of seeding", None,
         f"{r['seed_ingest']['first_10pct_events_per_s']:,.0f} / {r['seed_ingest']['last_10pct_events_per_s']:,.0f} "
         "events/s" if "seed_ingest" in r else "(not measured: --reuse)"),
        ("batched_http_events_per_s", "batched ingest, HTTP 1000-sale batches",
         r.get("batched_http", {}).get("events_per_s"), "events/s"),
        ("", "  HTTP batch latency p50", r.get("batched_http", {}).get("batch_p50_ms"), "ms"),
        ("single_sale_requests_per_s", f"single-sale HTTP, {single.get('clients')} clients",
         single.get("requests_per_s"), "req/s"),
        ("", "  single-sale p50", single.get("p50_ms"), "ms"),
        ("single_sale_p99_ms", "  single-sale p99", single.get("p99_ms"), "ms"),
        ("", "standings top-50 HTTP p50", reads.get("top50", {}).get("p50_ms"), "ms"),
        ("standings_top50_http_p99_ms", "standings top-50 HTTP p99", reads.get("top50", {}).get("p99_ms"), "ms"),
        ("standings_around_http_p99_ms", "agent rank (around, limit=1) HTTP p99",
         reads.get("around", {}).get("p99_ms"), "ms"),
        ("", "contest_standings() in-process, cached, p50",
         inproc.get("warm", {}).get("p50_ms"), "ms"),
        ("", "contest_standings() in-process, cached, p99",
         inproc.get("warm", {}).get("p99_ms"), "ms"),
        ("", "contest_standings() in-process, cache cold, p50",
         inproc.get("cold", {}).get("p50_ms"), "ms"),
        ("", "top-50 HTTP p50 while 8 clients post single sales",
         mixed.get("reads", {}).get("p50_ms"), "ms"),
        ("", "top-50 HTTP p99 while 8 clients post single sales",
         mixed.get("reads", {}).get("p99_ms"), "ms"),
        ("rebuild_s", "projections.rebuild()", r.get("rebuild", {}).get("seconds"), "s"),
    ]


def print_summary(r: dict[str, Any]) -> None:
    rows = summary_rows(r)
    print()
    print(f"leaderboard ingest/standings benchmark: {r['database']['sales_in_log']:,} sales in the log, "
          f"{r['params']['agents']:,} agents, {r['params']['sites']} sites, "
          f"{r['machine']['nproc']} CPUs ({r['machine']['cpu']}), Python {r['machine']['python']}")
    header = f"{'metric':<56} {'measured':>14}  {'unit':<9} {'target':>9}  result"
    print(header)
    print("-" * len(header))
    for key, label, value, unit in rows:
        target = ""
        if key in TARGETS:
            op, t = TARGETS[key]
            target = f"{'≥' if op == '>=' else '≤'} {t:,}"
        if value is None:
            print(f"{label:<56} {'':>14}  {unit}")
            continue
        shown = f"{value:,.0f}" if value >= 100 else f"{value:,.2f}"
        print(f"{label:<56} {shown:>14}  {unit:<9} {target:>9}  {verdict(key, value)}")
    print()


# --------------------------------------------------------------------------------------------- main

def main(argv: Optional[list[str]] = None) -> int:
    args = parse_args(argv)
    from flask_migrate import upgrade  # neither imports leaderboard, so the snapshot can still shadow it
    from sqlalchemy import func, select

    results: dict[str, Any] = {"started_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                               "command": " ".join([Path(sys.executable).name, *sys.argv]),
                               "params": vars(args), "machine": machine(), "code": git_state(),
                               "targets": TARGETS, "load_average_at_start": os.getloadavg()}
    if args.reuse:
        instance = Path(args.reuse).resolve()
        code = snapshot_code(instance / "code") if args.snapshot else None
        state = json.loads((instance / STATE_FILE).read_text())
        app = make_app(instance)
        with app.app_context():
            upgrade()  # the application may have gained migrations since the folder was seeded
        log(f"reusing {instance} (seeded with {state['seeded_sales']:,} sales)")
        results["params"].update(sales=state["seeded_sales"], agents=len(state["agents"]),
                                 sites=len(state["sites"]))
    else:
        instance = Path(tempfile.mkdtemp(prefix="leaderboard-bench-"))
        code = snapshot_code(instance / "code") if args.snapshot else None
        log(f"instance folder {instance}" + (f"; application code copied to {code}" if code else ""))
        app = make_app(instance)
        started = time.perf_counter()
        with app.app_context():
            upgrade()
        state = seed_roster(app, args)
        log(f"migrated and seeded the roster ({args.sites} sites, {args.agents:,} agents) "
            f"in {time.perf_counter() - started:.1f} s")
        end = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(minutes=10)
        contest_start = (end - timedelta(days=args.days + 1)).replace(hour=0, minute=0, second=0)
        state.update(sales_end=end.isoformat(), seeded_sales=args.sales,
                     contest_id=create_race(app, state["sites"], contest_start, end + timedelta(days=30)))
        log(f"race contest {state['contest_id']} covers {contest_start:%Y-%m-%d} .. {end + timedelta(days=30):%Y-%m-%d}; "
            f"seeding {args.sales:,} sales over {args.days} days in batches of {args.batch}")
        results["seed_ingest"] = seed_sales(app, args, state)
        log(f"seeded {args.sales:,} sales at {results['seed_ingest']['events_per_s']:,.0f} events/s "
            f"({results['seed_ingest']['ingest_s']:.1f} s in ingest_batch)")
        (instance / STATE_FILE).write_text(json.dumps(state))
    tokens = api_keys(app)
    import leaderboard
    results["code"]["imported_from"] = str(Path(leaderboard.__file__).parent)

    try:
        with Server(instance, args.server, code) as server:
            log(f"server up on 127.0.0.1:{server.port} (log {server.log_path})")
            results["batched_http"] = http_batches(server, tokens["integration"], state, args.http_batches, args.seed)
            log(f"HTTP batches: {results['batched_http']['events_per_s']:,.0f} events/s")
            results["single_sale_http"] = loadgen.post_single_sales(
                server.port, tokens["integration"], state["agents"], state["products"], total=args.http_sales,
                clients=args.clients, processes=args.client_procs, duration=args.duration,
                prefix=f"single-{time.time_ns()}", seed=args.seed)
            s = results["single_sale_http"]
            log(f"single sales: {s['requests_per_s']:,.0f} req/s, p50 {s['p50_ms']:.1f} ms, p99 {s['p99_ms']:.1f} ms, "
                f"statuses {s['statuses']}")
            results["standings_http"] = http_reads(server, tokens["display"], state, args.reads, args.seed)
            log(f"standings top-50 p99 {results['standings_http']['top50']['p99_ms']:.2f} ms, around p99 "
                f"{results['standings_http']['around']['p99_ms']:.2f} ms")
            results["standings_under_write_load"] = reads_under_write_load(server, tokens, state, args)
            m = results["standings_under_write_load"]
            log(f"reads during writes: p50 {m['reads']['p50_ms']:.1f} ms, p99 {m['reads']['p99_ms']:.1f} ms "
                f"({m['reads']['count']} reads; writers {m['writes']['requests_per_s']:,.0f} req/s)")
            results["server_rss_mb"] = server.rss_mb()
        results["standings_inprocess"] = inprocess_standings(app, state, args.reads)
        log(f"in-process standings: cached p50 {results['standings_inprocess']['warm']['p50_ms']:.2f} ms, "
            f"cold p50 {results['standings_inprocess']['cold']['p50_ms']:.1f} ms")
        before = results["standings_inprocess"].pop("top")
        if not args.skip_rebuild:
            log("rebuilding projections from the log ...")
            results["rebuild"] = timed_rebuild(app)
            results["rebuild"]["top50_identical_after_rebuild"] = top_rows(app, state["contest_id"]) == before
            log(f"rebuild: {results['rebuild']['seconds']:.1f} s "
                f"(top 50 identical: {results['rebuild']['top50_identical_after_rebuild']})")
        from leaderboard.extensions import db
        from leaderboard.models.events import Sale
        with app.app_context():
            total = db.session.scalar(select(func.count()).select_from(Sale))
            db.engine.dispose()
        results["database"] = {"sales_in_log": total,
                               "file_mb": round((instance / "bench.db").stat().st_size / 1e6, 1)}
    finally:
        if not (args.keep or args.reuse):
            shutil.rmtree(instance, ignore_errors=True)
        elif not args.reuse:
            log(f"kept {instance} (re-run the HTTP phases with --reuse {instance})")

    results["finished_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    results["load_average_at_end"] = os.getloadavg()  # other work on the machine skews the figures
    results["verdicts"] = {key: verdict(key, value) for key, _, value, _ in summary_rows(results) if key}
    out_dir = Path(args.results_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"ingest_standings-{results['params']['sales']}-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.write_text(json.dumps(results, indent=2, default=str))
    print_summary(results)
    print(f"results written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
