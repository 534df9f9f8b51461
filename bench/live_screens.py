"""Live fan-out benchmark: one gevent `leaderboard serve`, N real Socket.IO screens, sale→screen latency and RSS."""
from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Optional

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.live_server import Deployment, LiveServer  # noqa: E402

WORKER = Path(__file__).resolve().parent / "live_screen_worker.py"
RESULTS = Path(__file__).resolve().parent / "results"
CLK_TCK = os.sysconf("SC_CLK_TCK")
AGENTS = ("ana", "bo", "cy", "dee", "eli", "fay")


# ---------------------------------------------------------------- helpers

def percentile(sorted_values: list[float], pct: float) -> Optional[float]:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return None
    rank = max(1, min(len(sorted_values), int(round(pct / 100.0 * len(sorted_values) + 0.5))))
    return sorted_values[rank - 1]


def summary_ms(seconds: list[float]) -> dict[str, Any]:
    values = sorted(v * 1000.0 for v in seconds)
    if not values:
        return {"count": 0}
    return {"count": len(values), "mean_ms": round(sum(values) / len(values), 2),
            **{f"p{p}_ms": round(percentile(values, p), 2) for p in (50, 90, 99)},
            "p99_9_ms": round(percentile(values, 99.9), 2), "min_ms": round(values[0], 2),
            "max_ms": round(values[-1], 2)}


def proc_status_kb(pid: int, field: str) -> Optional[int]:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def proc_cpu_seconds(pid: int) -> Optional[float]:
    """utime + stime of a process (and its waited-for children) in seconds."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def system_busy_seconds() -> float:
    """CPU seconds all cores spent busy since boot (from /proc/stat; idle and iowait excluded)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / CLK_TCK


def background_cores(seconds: float = 2.0) -> float:
    """Cores busy on this machine, measured over a short quiet window (nothing of this run is started yet)."""
    before, started = system_busy_seconds(), time.monotonic()
    time.sleep(seconds)  # a measurement window, not timing logic
    return round((system_busy_seconds() - before) / (time.monotonic() - started), 2)


def machine() -> dict[str, Any]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem_kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal")))
    return {"nproc": os.cpu_count(), "cpu": cpu, "ram_gib": round(mem_kb / 1024 / 1024, 1),
            "python": platform.python_version(), "kernel": platform.release()}


class Api:
    """A keep-alive HTTP connection to the server (127.0.0.1 only)."""

    def __init__(self, port: int, token: str):
        self.port, self.token = port, token
        self.conn: Optional[http.client.HTTPConnection] = None

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any, float]:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        data = json.dumps(body).encode() if body is not None else None
        started = time.perf_counter()
        try:
            self.conn.request(method, "/api/v1" + path, body=data, headers={
                "Authorization": f"Bearer {self.token}", "Content-Type": "application/json"})
            response = self.conn.getresponse()
            raw = response.read()
            if response.will_close:
                self.close()
        except (OSError, http.client.HTTPException) as exc:
            self.close()
            return 0, repr(exc), time.perf_counter() - started
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = raw.decode(errors="replace")
        return response.status, parsed, time.perf_counter() - started

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class Sampler(threading.Thread):
    """Once a second: server RSS and CPU seconds, client processes' CPU seconds (bounded by a deadline)."""

    def __init__(self, server_pid: int, worker_pids: list[int], deadline: float):
        super().__init__(daemon=True)
        self.server_pid, self.worker_pids, self.deadline = server_pid, worker_pids, deadline
        self.samples: list[dict[str, Any]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set() and time.monotonic() < self.deadline:
            self.samples.append(self.take())
            self.stop.wait(1.0)

    def take(self) -> dict[str, Any]:
        workers = [proc_cpu_seconds(pid) for pid in self.worker_pids]
        return {"t": time.time(), "system_busy_s": system_busy_seconds(),
                "server_rss_kb": proc_status_kb(self.server_pid, "VmRSS"),
                "server_cpu_s": proc_cpu_seconds(self.server_pid),
                "clients_cpu_s": sum(w for w in workers if w is not None)}


def cpu_share(samples: list[dict[str, Any]], start: float, end: float, key: str) -> Optional[float]:
    """CPU used per wall second (1.0 = one core) between two times, from the samples."""
    window = [s for s in samples if start <= s["t"] <= end and s.get(key) is not None]
    if len(window) < 2 or window[-1]["t"] <= window[0]["t"]:
        return None
    return round((window[-1][key] - window[0][key]) / (window[-1]["t"] - window[0]["t"]), 3)


class BenchServer(LiveServer):
    """LiveServer with a chosen launcher: `leaderboard serve`, or bench/serve_nodelay.py (TCP_NODELAY on)."""

    def __init__(self, env: dict[str, str], command: list[str]):
        self.command = command
        super().__init__(env)

    def start(self) -> None:
        self.log = open(Path(self.env["LEADERBOARD_INSTANCE_PATH"]) / f"server-{self.port}.log", "ab")
        self.process = subprocess.Popen([*self.command, "--host", "127.0.0.1", "--port", str(self.port)],
                                        env=self.env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}; see {self.log.name}")
            status, _, _ = Api(self.port, "").call("GET", "/health")
            if status == 200:
                return
            time.sleep(0.1)  # waiting for a process to listen, not timing logic
        raise RuntimeError("server did not answer within 30 s")


# ---------------------------------------------------------------- the run

def seed(api: Api) -> int:
    now = datetime.now(timezone.utc)
    steps = [("PUT", "/sites/hq", {"name": "HQ", "timezone": "UTC"}),
             ("PUT", "/products/CARD", {"name": "Credit card", "points": 50})]
    steps += [("PUT", f"/agents/{key}", {"name": key.title(), "site": "hq"}) for key in AGENTS]
    for method, path, body in steps:
        status, answer, _ = api.call(method, path, body)
        if status not in (200, 201):
            raise RuntimeError(f"{method} {path} -> {status}: {answer}")
    status, answer, _ = api.call("POST", "/contests", {
        "name": "Live bench", "kind": "race", "starts_at": (now - timedelta(days=1)).isoformat(),
        "ends_at": (now + timedelta(days=1)).isoformat()})
    if status != 201:
        raise RuntimeError(f"POST /contests -> {status}: {answer}")
    return int(answer["id"])


def start_workers(args: argparse.Namespace, url: str, token: str, contest: int, tmp: Path,
                  max_seconds: float) -> list[dict[str, Any]]:
    workers = []
    base, extra = divmod(args.screens, args.workers)
    for w in range(args.workers):
        count = base + (1 if w < extra else 0)
        if count == 0:
            continue
        spec = {"worker": w, "url": url, "token": token, "contest": contest, "screens": count, "mode": args.mode,
                "dispatch": args.dispatch, "client": args.client, "connect_concurrency": 8,
                "connects_per_second": args.connect_rate, "connect_timeout": args.connect_timeout,
                "max_seconds": max_seconds, "out": str(tmp / f"worker-{w}.json"), "close_seconds": 10}
        proc = subprocess.Popen([sys.executable, str(WORKER), json.dumps(spec)], cwd=ROOT, stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True, bufsize=1)
        workers.append({"spec": spec, "proc": proc, "ready": None, "lines": []})
    for worker in workers:  # each reads its own stdout: ready / done lines
        threading.Thread(target=_read_lines, args=(worker,), daemon=True).start()
    return workers


def _read_lines(worker: dict[str, Any]) -> None:
    for line in worker["proc"].stdout:
        try:
            message = json.loads(line)
        except ValueError:
            continue
        worker["lines"].append(message)
        if message.get("event") == "ready":
            worker["ready"] = message


def wait_until(predicate, deadline: float, step: float = 0.2) -> bool:  # noqa: ANN001
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)  # polling child processes' progress, not timing logic
    return predicate()


def post_sales(api: Api, args: argparse.Namespace, tag: str, deadline: float) -> list[dict[str, Any]]:
    """Posts rate × duration sales, one at a time; each sale's index is in its id.

    Never two sends closer than 1/rate: a slow answer delays the rest instead of bunching them (a burst
    above 5/s would be folded by the publisher and no longer measure per-sale latency).
    """
    total = int(round(args.rate * args.duration))
    sent: list[dict[str, Any]] = []
    start = time.monotonic() + 0.1
    last = start - 1.0 / args.rate
    for i in range(total):
        due = max(start + i / args.rate, last + 1.0 / args.rate)
        pause = due - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        if time.monotonic() > deadline:
            break
        body = {"id": f"lvs{tag}-{i}", "agent": AGENTS[i % len(AGENTS)], "product": "CARD",
                "occurred_at": datetime.now(timezone.utc).isoformat()}
        send_time, last = time.time(), time.monotonic()
        status, answer, seconds = api.call("POST", "/sales", body)
        sent.append({"i": i, "t": send_time, "status": status, "http_s": seconds,
                     "behind_s": max(0.0, last - (start + i / args.rate))})
        if status != 201:
            print(f"  sale {i}: HTTP {status} {str(answer)[:200]}", file=sys.stderr)
    return sent


def analyse(args: argparse.Namespace, sent: list[dict[str, Any]], worker_results: list[dict[str, Any]]
            ) -> dict[str, Any]:
    send_time = {s["i"]: s["t"] for s in sent if s["status"] == 201}
    latencies: list[float] = []
    per_sale_last: dict[int, float] = {}
    per_sale_first: dict[int, float] = {}
    folded_deltas = folded_covered = duplicates = 0
    counts: dict[str, int] = {}
    snapshot_waits: list[float] = []
    subscribe_waits: list[float] = []
    screens = connected_at_end = 0
    missing_by_screen: list[int] = []
    for result in worker_results:
        for screen in result["screens"]:
            screens += 1
            connected_at_end += bool(screen["connected"])
            for key, value in screen["counts"].items():
                counts[key] = counts.get(key, 0) + value
            snapshot_waits.extend(screen["snapshot_waits"])
            if screen.get("subscribe_wait") is not None:
                subscribe_waits.append(screen["subscribe_wait"])
            seen: set[int] = set()
            for index, received, more in screen["sales"]:
                if index not in send_time:
                    continue
                if index in seen:
                    duplicates += 1
                    continue
                seen.add(index)
                if more:
                    folded_deltas += 1
                    folded_covered += more
                latency = received - send_time[index]
                latencies.append(latency)
                per_sale_last[index] = max(per_sale_last.get(index, latency), latency)
                per_sale_first[index] = min(per_sale_first.get(index, latency), latency)
            missing_by_screen.append(len(send_time) - len(seen))
    expected = args.screens * len(send_time)
    return {
        "sales_posted": len(sent), "sales_created": len(send_time),
        "screens_connected": screens, "screens_connected_at_end": connected_at_end,
        "expected_deliveries": expected, "delivered": len(latencies),
        "delivered_ratio": round(len(latencies) / expected, 6) if expected else None,
        "screens_missing_any": sum(1 for m in missing_by_screen if m), "duplicates": duplicates,
        "folded_deltas": folded_deltas, "folded_more_total": folded_covered,
        "latency": summary_ms(latencies),
        "per_sale_first_screen": summary_ms(list(per_sale_first.values())),
        "per_sale_last_screen": summary_ms(list(per_sale_last.values())),
        "http_post": summary_ms([s["http_s"] for s in sent]),
        "poster_behind_schedule_max_ms": round(max((s["behind_s"] for s in sent), default=0) * 1000, 1),
        "posting_seconds": round(sent[-1]["t"] - sent[0]["t"], 2) if sent else None,
        "per_sale": [{"i": s["i"], "status": s["status"], "http_ms": round(s["http_s"] * 1000, 2),
                      "first_ms": round(per_sale_first[s["i"]] * 1000, 2) if s["i"] in per_sale_first else None,
                      "last_ms": round(per_sale_last[s["i"]] * 1000, 2) if s["i"] in per_sale_last else None}
                     for s in sent],
        "client_events": counts, "snapshot_wait": summary_ms(snapshot_waits),
        "subscribe_snapshot_wait": summary_ms(subscribe_waits),
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="live-screens-"))
    dep: Optional[Deployment] = None
    workers: list[dict[str, Any]] = []
    sampler: Optional[Sampler] = None
    connect_budget = args.connect_timeout + args.screens / 20.0
    try:
        busy_before = background_cores()
        quiet_by = time.monotonic() + args.wait_quiet
        while busy_before > 0.25 and time.monotonic() < quiet_by:
            print(f"  waiting for a quiet machine ({busy_before} cores busy elsewhere)")
            time.sleep(8)  # polling other processes' load, bounded by --wait-quiet
            busy_before = background_cores()
        print(f"background load before the run: {busy_before} cores busy")
        if busy_before > 0.25:
            print("  WARNING: other processes are using the CPU; figures will be worse and noisier than on a "
                  "quiet machine", file=sys.stderr)
        # Every later wait is bounded by this (counted from here, after any wait for a quiet machine).
        hard_deadline = time.monotonic() + connect_budget + args.duration + args.drain + 120
        if args.rev:
            # Serve a clean export of a commit (git archive: reads the repository, changes nothing in it), so a
            # run does not depend on uncommitted edits. The export shadows the editable install via PYTHONPATH.
            source = tmp / "src"
            source.mkdir()
            archive = subprocess.run(["git", "archive", "--format=tar", args.rev], cwd=ROOT, capture_output=True,
                                     check=True, timeout=60).stdout
            subprocess.run(["tar", "-x", "-C", str(source)], input=archive, check=True, timeout=60)
            os.environ["PYTHONPATH"] = str(source)
            commit = subprocess.run(["git", "rev-parse", args.rev], cwd=ROOT, capture_output=True, text=True,
                                    check=True).stdout.strip()
            print(f"serving a clean export of {args.rev} ({commit[:10]})")
        else:
            commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True
                                    ).stdout.strip() + ("+uncommitted" if subprocess.run(
                                        ["git", "status", "--porcelain", "--", "leaderboard", "migrations"],
                                        cwd=ROOT, capture_output=True, text=True).stdout.strip() else "")
        dep = Deployment(tmp)
        command = ([sys.executable, str(Path(__file__).resolve().parent / "serve_nodelay.py")]
                   if args.launcher == "nodelay" else [str(Path(sys.executable).parent / "leaderboard"), "serve"])
        if args.server_command:
            command = args.server_command.split()
        server: LiveServer = BenchServer(dep.env, command)
        dep.servers.append(server)
        server_pid = server.process.pid
        admin, display = dep.token("admin"), dep.token("display")
        api = Api(server.port, admin)
        contest = seed(api)
        rss_idle = proc_status_kb(server_pid, "VmRSS")
        print(f"server pid {server_pid} on {server.url}, contest {contest}, idle RSS {rss_idle} kB")

        t_connect = time.monotonic()
        workers = start_workers(args, server.url, display, contest, tmp,
                                max_seconds=connect_budget + args.duration + args.drain + 60)
        sampler = Sampler(server_pid, [w["proc"].pid for w in workers], hard_deadline)
        sampler.start()
        all_ready = wait_until(lambda: all(w["ready"] or w["proc"].poll() is not None for w in workers),
                               time.monotonic() + connect_budget)
        connect_seconds = time.monotonic() - t_connect
        ready = [w["ready"] for w in workers if w["ready"]]
        connected = sum(r["connected"] for r in ready)
        failures = [f for r in ready for f in r["failures"]]
        print(f"{connected}/{args.screens} screens connected in {connect_seconds:.1f} s "
              f"({sum(r['with_snapshot'] for r in ready)} with a snapshot){'' if all_ready else ' [TIMED OUT]'}")
        if failures:
            print(f"  connect failures, e.g.: {failures[:3]}")
        time.sleep(args.settle)  # let connect-time work (snapshots) finish before measuring
        rss_connected = proc_status_kb(server_pid, "VmRSS")

        tag = datetime.now(timezone.utc).strftime("%H%M%S")
        for i in range(args.warmup):  # the first sale after start pays for cold code paths (~0.2 s): not measured
            api.call("POST", "/sales", {"id": f"lvw{tag}-{i}", "agent": AGENTS[i % len(AGENTS)], "product": "CARD",
                                        "occurred_at": datetime.now(timezone.utc).isoformat()})
            time.sleep(1.0 / args.rate)
        if args.warmup:
            time.sleep(1.0)
        if args.signal_server:  # diagnostic hook, e.g. start a profiler in the server for the sales window
            os.kill(server_pid, getattr(__import__("signal"), args.signal_server[0]))
        print(f"posting {int(args.rate * args.duration)} sales at {args.rate}/s for {args.duration} s …")
        t_sales = time.time()
        sent = post_sales(api, args, tag, hard_deadline)
        t_sales_end = time.time()
        if args.signal_server:
            os.kill(server_pid, getattr(__import__("signal"), args.signal_server[1]))
        time.sleep(args.drain)  # deliveries still in flight
        rss_end = proc_status_kb(server_pid, "VmRSS")
        rss_peak = proc_status_kb(server_pid, "VmHWM")

        for worker in workers:
            if worker["proc"].poll() is None:
                try:
                    worker["proc"].stdin.write("stop\n")
                    worker["proc"].stdin.flush()
                except OSError:
                    pass
        wait_until(lambda: all(any(m.get("event") == "done" for m in w["lines"]) or w["proc"].poll() is not None
                               for w in workers), time.monotonic() + 60)
        sampler.stop.set()
        worker_results = []
        for worker in workers:
            out = Path(worker["spec"]["out"])
            if out.exists():
                worker_results.append(json.loads(out.read_text()))
        report = analyse(args, sent, worker_results)
        report["complete"] = (len(sent) == int(round(args.rate * args.duration)) and bool(worker_results)
                              and all(s["status"] == 201 for s in sent))
        if not report["complete"]:
            print("  WARNING: incomplete run (sales not all posted and created, or no client results)",
                  file=sys.stderr)
        samples = sampler.samples
        report.update({
            "code": commit,
            "connect": {"seconds": round(connect_seconds, 1), "connected": connected, "failed": len(failures),
                        "failures_sample": failures[:5], "timed_out": not all_ready},
            "server_rss_kb": {"idle": rss_idle, "connected": rss_connected, "end": rss_end, "peak_hwm": rss_peak,
                              "per_screen_kb": round((rss_connected - rss_idle) / max(1, connected), 1)
                              if rss_connected and rss_idle else None},
            "cpu_cores_used_during_sales": {"server": cpu_share(samples, t_sales, t_sales_end, "server_cpu_s"),
                                            "clients": cpu_share(samples, t_sales, t_sales_end, "clients_cpu_s"),
                                            "whole_machine": cpu_share(samples, t_sales, t_sales_end,
                                                                       "system_busy_s")},
            "background_cores_before_run": busy_before,
            "loadavg_at_end": Path("/proc/loadavg").read_text().split()[:3],
            "cpu_cores_used_while_connecting": {
                "server": cpu_share(samples, samples[0]["t"] if samples else 0, t_sales, "server_cpu_s")},
            "samples": samples,
        })
        return report
    finally:
        if sampler is not None:
            sampler.stop.set()
        for worker in workers:  # only the processes this run started, by their own handle
            proc = worker["proc"]
            if proc.poll() is None:
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=5)
        if dep is not None:
            dep.stop()
        if args.keep_tmp:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def summarize(paths: list[Path], quiet_cores: float) -> None:
    """A markdown table of saved runs; a run is "quiet" when other processes used < quiet_cores meanwhile."""
    print("| run | screens | client | server | mode | delivered | p50 ms | p90 ms | p99 ms | max ms "
          "| last screen p50 ms | POST p50 ms | RSS end MB | server cores | client cores | other cores |")
    print("|---|---:|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for path in sorted(paths, key=lambda p: (json.loads(p.read_text())["params"]["screens"], p.stat().st_mtime)):
        r = json.loads(path.read_text())
        p, lat, cores = r["params"], r["latency"], r["cpu_cores_used_during_sales"]
        others = cores.get("other_processes")
        flag = "" if others is not None and others < quiet_cores else " (busy)"
        if r["sales_created"] != int(round(p["rate"] * p["duration"])):
            flag += " (incomplete)"
        launcher = "custom" if p.get("server_command") else p["launcher"]
        print(f"| {p.get('label') or path.stem}{flag} | {p['screens']} | {p['client']} | {launcher} "
              f"| {p['mode']} "
              f"| {r['delivered']}/{r['expected_deliveries']} | {lat.get('p50_ms')} | {lat.get('p90_ms')} "
              f"| {lat.get('p99_ms')} | {lat.get('max_ms')} | {r['per_sale_last_screen'].get('p50_ms')} "
              f"| {r['http_post'].get('p50_ms')} | {round((r['server_rss_kb']['end'] or 0) / 1024, 1)} "
              f"| {cores['server']} | {cores['clients']} | {others} |")


def main() -> None:
    if sys.argv[1:2] == ["--summarize"]:
        files = [Path(a) for a in sys.argv[2:]] or sorted(RESULTS.glob("live_screens-*.json"))
        summarize(files, quiet_cores=0.15)
        return
    parser = argparse.ArgumentParser(description=__doc__, epilog="`--summarize [FILE …]` prints a markdown table "
                                     "of saved runs (default: every bench/results/live_screens-*.json).")
    parser.add_argument("--screens", type=int, default=500, help="Socket.IO screens, all on one contest")
    parser.add_argument("--rate", type=float, default=4.0, help="sales per second (≤ 4 keeps each sale its own delta)")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of posting sales")
    parser.add_argument("--workers", type=int, default=0,
                        help="client processes (default: 4 for aio; screens/125 within 8..16 for socketio)")
    parser.add_argument("--mode", choices=("passive", "tv"), default="passive",
                        help="passive: screens only record deltas; tv: also ask for a snapshot on every "
                             "standings delta and on gaps, as the TV page does")
    parser.add_argument("--client", choices=("socketio", "aio"), default="aio",
                        help="socketio: python-socketio Client (websocket-client transport, 2 threads per screen); "
                             "aio: the same protocol on one asyncio loop per process (cheap, for calibration)")
    parser.add_argument("--launcher", choices=("serve", "nodelay"), default="serve",
                        help="serve: `leaderboard serve` (the product); nodelay: bench/serve_nodelay.py, the same "
                             "server with TCP_NODELAY on accepted sockets (diagnostic)")
    parser.add_argument("--server-command", default="",
                        help="diagnostic: start the server with this command instead (--host/--port are appended)")
    parser.add_argument("--signal-server", nargs=2, metavar=("AT_START", "AT_END"), default=None,
                        help="diagnostic: signal names sent to the server when posting starts and ends "
                             "(e.g. SIGUSR1 SIGUSR2 for a profiling launcher)")
    parser.add_argument("--dispatch", choices=("inline", "thread"), default="inline",
                        help="inline: handle each message on the client's read thread, in order (as a browser "
                             "does); thread: stock python-socketio, one new thread per message")
    parser.add_argument("--connect-rate", type=float, default=0.0,
                        help="connects per second per client process (0: back to back)")
    parser.add_argument("--connect-timeout", type=float, default=30.0)
    parser.add_argument("--settle", type=float, default=3.0, help="seconds between connecting and posting")
    parser.add_argument("--warmup", type=int, default=3, help="unmeasured sales posted first")
    parser.add_argument("--drain", type=float, default=5.0, help="seconds to wait after the last sale")
    parser.add_argument("--rev", default="",
                        help="serve a clean `git archive` export of this commit (e.g. HEAD), not the working tree")
    parser.add_argument("--keep-tmp", action="store_true", help="keep the temp DB and server log")
    parser.add_argument("--wait-quiet", type=float, default=0.0,
                        help="wait up to this many seconds for other processes to leave the CPU idle first")
    parser.add_argument("--label", default="", help="added to the results file name")
    parser.add_argument("--no-save", action="store_true", help="do not write bench/results/*.json")
    args = parser.parse_args()
    if args.screens < 1 or args.rate <= 0 or args.duration <= 0 or args.duration > 600 or args.screens > 5000:
        parser.error("screens 1..5000, rate > 0, duration 0..600 s")
    if args.workers <= 0:
        args.workers = max(8, min(16, -(-args.screens // 125))) if args.client == "socketio" else 4
    args.workers = min(args.workers, args.screens)

    started = datetime.now(timezone.utc)
    report = run(args)
    result = {"bench": "live_screens", "started": started.isoformat(timespec="seconds"),
              "params": {k: v for k, v in vars(args).items() if k not in ("no_save", "keep_tmp")},
              "machine": machine(), **report}
    lat, last = result["latency"], result["per_sale_last_screen"]
    print(f"\n== {args.screens} screens ({args.client} client, {args.mode}), {args.rate}/s for {args.duration} s, "
          f"{args.workers} client procs, {args.launcher}, code {result.get('code', '?')}")
    print(f"delivered {result['delivered']}/{result['expected_deliveries']} ({result['delivered_ratio']}); "
          f"screens missing any: {result['screens_missing_any']}; folded deltas: {result['folded_deltas']}; "
          f"connected at end: {result['screens_connected_at_end']}")
    print(f"sale→screen  p50 {lat.get('p50_ms')} ms  p90 {lat.get('p90_ms')} ms  p99 {lat.get('p99_ms')} ms  "
          f"max {lat.get('max_ms')} ms")
    print(f"per sale, last screen: p50 {last.get('p50_ms')} ms  p99 {last.get('p99_ms')} ms; "
          f"first screen p50 {result['per_sale_first_screen'].get('p50_ms')} ms; "
          f"HTTP POST p50 {result['http_post'].get('p50_ms')} ms")
    print(f"server RSS kB: idle {result['server_rss_kb']['idle']}, connected {result['server_rss_kb']['connected']}, "
          f"end {result['server_rss_kb']['end']}, peak {result['server_rss_kb']['peak_hwm']} "
          f"(~{result['server_rss_kb']['per_screen_kb']} kB/screen)")
    cores = result["cpu_cores_used_during_sales"]
    others = (round(cores["whole_machine"] - cores["server"] - cores["clients"], 2)
              if None not in (cores["whole_machine"], cores["server"], cores["clients"]) else None)
    result["cpu_cores_used_during_sales"]["other_processes"] = others
    print(f"CPU cores during sales: server {cores['server']}, clients {cores['clients']}, other processes {others} "
          f"(background before the run: {result['background_cores_before_run']})")
    print(f"client events {result['client_events']}")
    if args.mode == "tv":
        print(f"snapshot wait: {result['snapshot_wait']}")
    if not args.no_save:
        RESULTS.mkdir(exist_ok=True)
        label = f"-{args.label}" if args.label else ""
        path = RESULTS / (f"live_screens-{args.screens}-{args.client}-{args.mode}{label}-"
                          f"{started.strftime('%Y%m%dT%H%M%S')}.json")
        path.write_text(json.dumps(result, indent=1))
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
