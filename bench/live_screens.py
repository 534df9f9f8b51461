"""Live screens benchmark: one `leaderboard serve` (or several behind nginx), TVs and phones that behave like the
real pages (other processes): sale → "numbers equal the database" latency, convergence, bytes, server CPU, memory."""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH)]

import live_setup  # noqa: E402
from live_report import Api, Sampler, analyse, machine, print_report, proc_status_kb  # noqa: E402

from tests.live_server import Deployment, free_port  # noqa: E402
from tests.nginx_site import Nginx, reset_postgres  # noqa: E402

WORKER = BENCH / "live_screen_worker.py"
RESULTS = BENCH / "results"
SECRET = "live-tests"  # tests.live_server.Deployment's LEADERBOARD_SECRET_KEY


class Redis:
    """A private, disk-less redis-server on a free loopback port (killed and restarted by the outage scenario)."""

    def __init__(self, tmp: Path):
        self.port, self.tmp, self.proc = free_port(), tmp, None
        self.start()

    def start(self) -> None:
        self.proc = subprocess.Popen(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                      "--appendonly", "no", "--dir", str(self.tmp)], stdout=subprocess.DEVNULL)
        for _ in range(100):
            if subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True,
                              text=True).stdout.strip() == "PONG":
                return
            time.sleep(0.05)  # waiting for the process to listen
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


def start_workers(args: argparse.Namespace, spec: dict[str, Any], links: list[tuple[str, str]], tmp: Path
                  ) -> list[dict[str, Any]]:
    workers = []
    for w in range(args.workers):
        mine = {**spec, "worker": w, "tvs": args.tvs // args.workers + (w < args.tvs % args.workers),
                "phones": links[w::args.workers], "out": str(tmp / f"worker-{w}.json")}
        proc = subprocess.Popen([sys.executable, str(WORKER), json.dumps(mine)], cwd=ROOT, stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True, bufsize=1)
        worker = {"spec": mine, "proc": proc, "lines": []}
        threading.Thread(target=lambda wk=worker: [wk["lines"].append(json.loads(line))
                                                   for line in wk["proc"].stdout if line.startswith("{")],
                         daemon=True).start()
        workers.append(worker)
    return workers


def tell(workers: list[dict[str, Any]], line: str) -> None:
    for worker in workers:
        try:
            worker["proc"].stdin.write(line + "\n")
            worker["proc"].stdin.flush()
        except OSError:
            pass


def wait_for(workers: list[dict[str, Any]], event: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if all(any(m.get("event") == event for m in w["lines"]) or w["proc"].poll() is not None for w in workers):
            return True
        time.sleep(0.2)  # polling child processes' progress
    return False


def rss_of(pids: list[int], field: str = "VmRSS") -> int:
    return sum(proc_status_kb(pid, field) or 0 for pid in pids)


def sale_body(sale_id: str, agent: str) -> dict[str, Any]:
    return {"id": sale_id, "agent": agent, "product": "CARD", "occurred_at": datetime.now(UTC).isoformat()}


def post_stream(args: argparse.Namespace, apis: list[Api], truth: live_setup.Truth, contest: int, hot: list[str],
                redis: Redis | None, marks: dict[str, float]) -> list[dict[str, Any]]:
    """rate × duration sales, one at a time, never closer than 1/rate; after each one the DB's truth is read.
    With --redis-restart-at, the queue is killed at that second and started again, empty, --redis-down later."""
    total, sent, start = round(args.rate * args.duration), [], time.monotonic() + 0.1
    rng = random.Random(11)
    if redis and args.redis_restart_at:  # on its own clock: a slow POST must not stretch the outage
        def outage() -> None:
            redis.kill()
            marks["redis_killed"] = time.time()
            time.sleep(args.redis_down)  # the outage itself
            redis.start()
            marks["redis_restarted"] = time.time()
        threading.Timer(args.redis_restart_at, outage).start()
    give_up = start + args.duration + 60  # an overloaded server must not stretch the run without bound
    for i in range(total):
        if time.monotonic() > give_up:
            print(f"  stopped after {i} sales: {args.duration + 60:.0f} s passed", file=sys.stderr)
            break
        pause = start + i / args.rate - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        agent = hot[rng.randrange(len(hot))]
        t_send = time.time()
        status, answer, seconds = apis[i % len(apis)].call("POST", "/sales", sale_body(f"lv{i}", agent))
        if status != 201:
            print(f"  sale {i}: HTTP {status} {str(answer)[:160]}", file=sys.stderr)
            sent.append({"i": i, "t": t_send, "status": status, "agent": agent})
            continue
        fingerprint, points = truth.after_sale(contest, agent)
        sent.append({"i": i, "t": t_send, "status": status, "agent": agent, "http_s": seconds,
                     "fp": fingerprint, "points": points, "truth_s": time.time() - t_send - seconds})
    return sent


def run(args: argparse.Namespace) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="live-screens-"))
    redis: Redis | None = None
    dep: Deployment | None = None
    workers: list[dict[str, Any]] = []
    sampler: Sampler | None = None
    nginx: Nginx | None = None
    try:
        if args.redis:
            redis = Redis(tmp)
        if args.postgres:
            reset_postgres(args.postgres)
        dep = Deployment(tmp, message_queue=redis.url if redis else "", database_url=args.postgres or None)
        dep.env["LEADERBOARD_SERVER_PROXY_HOPS"] = "1" if args.servers > 1 else "0"
        url = dep.env["LEADERBOARD_DATABASE_URL"]
        t0 = time.monotonic()
        seeded = live_setup.seed(tmp, url, SECRET, args.agents, args.sites)
        contest = seeded["contest"]
        print(f"seeded {len(seeded['agents'])} agents, contest {contest}, links in {time.monotonic() - t0:.0f} s")
        servers = [dep.start() for _ in range(args.servers)]
        pids = [server.process.pid for server in servers]
        if args.servers > 1:  # clients reach the processes through deploy/'s nginx site, as in production
            # Each screen holds two connections through nginx (client side and upstream).
            nginx = Nginx(tmp / "nginx", [server.port for server in servers],
                          worker_connections=4 * (args.tvs + args.phones) + 1024)
        admin, display = dep.token("admin"), dep.token("display")
        apis = [Api(server.port, admin) for server in servers]  # sales go to the processes in turn
        api = apis[0]
        front = nginx.url if nginx else servers[0].url
        status, answer, _ = api.call("PUT", "/channels/bench", {"name": "Bench TV", "slides": [
            {"type": "standings", "contest": contest, "by": by, "seconds": 15} for by in live_setup.BOARDS]})
        if status not in (200, 201):
            raise RuntimeError(f"PUT channel -> {status} {answer}")
        rng = random.Random(5)
        watched = seeded["agents"][: args.phones] or seeded["agents"]  # measured sales go to agents with a phone
        hot = rng.sample(watched, min(args.hot, len(watched)))
        for n in range(args.presales):  # distinct points on the boards before the screens connect
            api.call("POST", "/sales", sale_body(f"pre{n}", hot[rng.randrange(len(hot))]))
        truth = live_setup.Truth(tmp, url, SECRET)
        rss_idle = rss_of(pids)
        print(f"server pids {pids} behind {front}; idle RSS {rss_idle} kB; {args.tvs} TVs, {args.phones} phones in "
              f"{args.workers} processes")

        phones = [(key, seeded["links"][key]) for key in seeded["agents"][: args.phones]]
        spec = {"url": front, "spread_sources": args.servers > 1, "token": display, "channel": "bench",
                "contest": contest,
                "connect_timeout": 60.0, "max_seconds": 300 + args.duration + args.phones / 10}
        t_connect = time.monotonic()
        workers = start_workers(args, spec, phones, tmp)
        sampler = Sampler(pids, [w["proc"].pid for w in workers], time.monotonic() + spec["max_seconds"])
        sampler.start()
        wait_for(workers, "ready", spec["max_seconds"])
        ready = [m for w in workers for m in w["lines"] if m.get("event") == "ready"]
        connect = {"seconds": round(time.monotonic() - t_connect, 1), "clients": sum(r["clients"] for r in ready),
                   "showing": sum(r["showing"] for r in ready), "failed": sum(r["failed"] for r in ready),
                   "failures": [f for r in ready for f in r["failures"]][:5]}
        print(f"connected: {connect}")
        time.sleep(args.settle)  # connect-time `me` and snapshot requests finish before measuring
        rss_connected = rss_of(pids)

        marks: dict[str, float] = {"start": time.time()}
        tell(workers, "mark start")
        print(f"posting {int(args.rate * args.duration)} sales at {args.rate}/s"
              + (f", Redis killed at {args.redis_restart_at} s for {args.redis_down} s"
                 if args.redis_restart_at else ""))
        sent = post_stream(args, apis, truth, contest, hot, redis, marks)
        marks["end"] = time.time()
        tell(workers, "mark end")
        time.sleep(args.drain)  # what is still in flight
        final_fp, final_points = truth.boards(contest), truth.all_points(contest)
        rss_end, rss_peak = rss_of(pids), rss_of(pids, "VmHWM")
        tell(workers, "stop")
        wait_for(workers, "done", 120)
        sampler.stop.set()
        results = [json.loads(Path(w["spec"]["out"]).read_text()) for w in workers if Path(w["spec"]["out"]).exists()]
        report = analyse(sent, results, marks, final_fp, final_points, sampler.samples, args)
        report.update({"samples": sampler.samples, "connect": connect,
                       "server_rss_kb": {"idle": rss_idle, "connected": rss_connected,
                                                              "end": rss_end, "peak": rss_peak}})
        return report
    finally:
        if sampler is not None:
            sampler.stop.set()
        for worker in workers:  # only the processes this run started, by their own handle
            if worker["proc"].poll() is None:
                try:
                    worker["proc"].wait(timeout=20)
                except subprocess.TimeoutExpired:
                    worker["proc"].kill()
        if nginx is not None:
            nginx.stop()
        if dep is not None:
            dep.stop()
        if redis is not None:
            redis.kill()
        if not args.keep_tmp:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print(f"kept {tmp}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tvs", type=int, default=200, help="TV pages (channel of the contest's three boards)")
    parser.add_argument("--phones", type=int, default=2000, help="phone pages (one per agent, personal link)")
    parser.add_argument("--agents", type=int, default=2000)
    parser.add_argument("--sites", type=int, default=20)
    parser.add_argument("--hot", type=int, default=100, help="agents the measured sales go to (they lead the boards)")
    parser.add_argument("--presales", type=int, default=200, help="sales posted before the screens connect")
    parser.add_argument("--rate", type=float, default=5.0, help="sales per second")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of posting")
    parser.add_argument("--workers", type=int, default=4, help="client processes")
    parser.add_argument("--settle", type=float, default=5.0)
    parser.add_argument("--drain", type=float, default=10.0, help="seconds after the last sale before the verdict")
    parser.add_argument("--redis", action="store_true", help="a private redis-server as the message queue")
    parser.add_argument("--redis-restart-at", type=float, default=0.0,
                        help="kill that Redis this many seconds into the stream (implies --redis)")
    parser.add_argument("--redis-down", type=float, default=3.0, help="seconds before it is restarted, empty")
    parser.add_argument("--servers", type=int, default=1,
                        help="serving processes; more than one runs behind deploy/'s nginx site (needs --postgres)")
    parser.add_argument("--postgres", default="", help="a PostgreSQL URL whose schema the run may drop and recreate")
    parser.add_argument("--label", default="")
    parser.add_argument("--keep-tmp", action="store_true")
    args = parser.parse_args()
    args.redis = args.redis or args.redis_restart_at > 0 or args.servers > 1
    if args.servers > 1 and not args.postgres:
        parser.error("--servers > 1 shares one database: give --postgres URL")
    if not (0 < args.duration <= 600 and 0 < args.rate <= 50 and args.tvs + args.phones <= 8000
            and args.phones <= args.agents and args.workers >= 1):
        parser.error("duration 0..600 s, rate 0..50/s, at most 8,000 clients, phones ≤ agents")
    started = datetime.now(UTC)
    before = machine()
    report = run(args)
    result = {"bench": "live_screens", "started": started.isoformat(timespec="seconds"), "params": vars(args),
              "machine": before, "loadavg_after": os.getloadavg(), **report}
    print_report(result)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"live_screens-{args.tvs}tv-{args.phones}ph{'-' + args.label if args.label else ''}-" \
                     f"{started.strftime('%Y%m%dT%H%M%S')}.json"
    path.write_text(json.dumps(result, indent=1))
    print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
