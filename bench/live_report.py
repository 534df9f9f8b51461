"""Measuring and reporting for bench/live_screens.py: /proc sampling, the HTTP poster, and the latency analysis
(when each client's numbers first equal the database's after each sale)."""
from __future__ import annotations

import http.client
import json
import os
import platform
import threading
import time
from pathlib import Path
from typing import Any

CLK_TCK = os.sysconf("SC_CLK_TCK")
REDIS_TARGET_S = 5.0


def percentile(values: list[float], pct: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(pct / 100.0 * len(ordered) + 0.5) - 1))]


def summary_ms(seconds: list[float]) -> dict[str, Any]:
    if not seconds:
        return {"count": 0}
    return {"count": len(seconds), **{f"p{p}_ms": round(percentile(seconds, p) * 1000, 1) for p in (50, 90, 99)},
            "max_ms": round(max(seconds) * 1000, 1)}


def proc_status_kb(pid: int, field: str) -> int | None:
    try:
        line = next(entry for entry in Path(f"/proc/{pid}/status").read_text().splitlines()
                    if entry.startswith(field + ":"))
        return int(line.split()[1])
    except (OSError, StopIteration):
        return None


def proc_cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def system_busy_seconds() -> float:
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / CLK_TCK


def machine() -> dict[str, Any]:
    cpu = next((entry.split(":", 1)[1].strip() for entry in Path("/proc/cpuinfo").read_text().splitlines()
                if entry.startswith("model name")), platform.processor())
    mem_kb = int(next(entry.split()[1] for entry in Path("/proc/meminfo").read_text().splitlines()
                      if entry.startswith("MemTotal")))
    return {"nproc": os.cpu_count(), "cpu": cpu, "ram_gib": round(mem_kb / 1024 / 1024, 1),
            "python": platform.python_version(), "loadavg": os.getloadavg()}


class Api:
    """A keep-alive HTTP connection to the server (127.0.0.1 only)."""

    def __init__(self, port: int, token: str):
        self.port, self.token, self.conn = port, token, None

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any, float]:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        started = time.perf_counter()
        try:
            self.conn.request(method, "/api/v1" + path, body=json.dumps(body).encode() if body is not None else None,
                              headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"})
            response = self.conn.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self.conn.close()
            self.conn = None
            return 0, repr(exc), time.perf_counter() - started
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = raw[:200]
        return response.status, parsed, time.perf_counter() - started


class Sampler(threading.Thread):
    """Once a second until stopped or the deadline: server RSS and CPU, client processes' CPU, machine, load."""

    def __init__(self, server_pids: list[int], client_pids: list[int], deadline: float):
        super().__init__(daemon=True)
        self.server_pids, self.client_pids, self.deadline = server_pids, client_pids, deadline
        self.samples: list[dict[str, Any]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set() and time.monotonic() < self.deadline:
            clients = [proc_cpu_seconds(p) for p in self.client_pids]
            servers = [proc_cpu_seconds(p) for p in self.server_pids]  # every serving process, summed
            self.samples.append({"t": time.time(), "busy_s": system_busy_seconds(),
                                 "server_cpu_s": sum(c for c in servers if c is not None),
                                 "server_rss_kb": sum(proc_status_kb(p, "VmRSS") or 0 for p in self.server_pids),
                                 "clients_cpu_s": sum(c for c in clients if c is not None),
                                 "loadavg1": os.getloadavg()[0]})
            self.stop.wait(1.0)


def window(samples: list[dict[str, Any]], start: float, end: float, key: str) -> tuple[float, float]:
    """(Δ value, Δ seconds) of a cumulative sample between two times."""
    inside = [s for s in samples if start <= s["t"] <= end and s.get(key) is not None]
    if len(inside) < 2:
        return 0.0, 0.0
    return inside[-1][key] - inside[0][key], inside[-1]["t"] - inside[0]["t"]


def first_reach(states: list[list], targets: list[tuple[float, Any]], reached) -> list[float | None]:
    """For each (send time, target) in order, seconds from the send to the first state that reached(state, target)
    (0 if it already did); None if no state ever does. Targets only grow, so the scan resumes where it stopped."""
    out: list[float | None] = []
    k = 0
    for t_send, target in targets:
        j = k
        while j < len(states) and not reached(states[j][1], target):
            j += 1
        if j == len(states):
            out.append(None)
            continue
        k = j
        out.append(max(0.0, states[j][0] - t_send))
    return out


def analyse(sent: list[dict[str, Any]], results: list[dict[str, Any]], marks: dict[str, float], final_fp: str,
            final_points: dict[str, float], samples: list[dict[str, Any]], args: Any) -> dict[str, Any]:
    ok = [s for s in sent if s["status"] == 201]
    fp_last: dict[str, int] = {}
    for n, s in enumerate(ok):
        fp_last[s["fp"]] = n
    visible = [n for n in range(1, len(ok)) if ok[n]["fp"] != ok[n - 1]["fp"]]
    clients = [c for r in results for c in r["clients"]]
    tvs, phones = [c for c in clients if c["role"] == "tv"], [c for c in clients if c["role"] == "phone"]
    tv_lat, tv_missing, tv_last = [], 0, {}
    for tv in tvs:
        states = [[t, fp_last.get(fp, -1)] for t, fp in tv["states"]]
        got = first_reach(states, [(ok[n]["t"], n) for n in visible], lambda have, want: have >= want)
        for n, latency in zip(visible, got, strict=False):
            if latency is None:
                tv_missing += 1
            else:
                tv_lat.append(latency)
                tv_last[n] = max(tv_last.get(n, 0.0), latency)
    by_agent: dict[str, list[int]] = {}
    for n, s in enumerate(ok):
        by_agent.setdefault(s["agent"], []).append(n)
    ph_lat, ph_missing, ph_by_sale = [], 0, {}
    for phone in phones:
        mine = by_agent.get(phone["id"], [])
        got = first_reach(phone["states"], [(ok[n]["t"], ok[n]["points"]) for n in mine],
                          lambda have, want: have >= want - 1e-6)
        for n, latency in zip(mine, got, strict=False):
            if latency is None:
                ph_missing += 1
            else:
                ph_lat.append(latency)
                ph_by_sale[n] = latency
    tv_ok = sum(1 for c in tvs if c["states"] and c["states"][-1][1] == final_fp)
    ph_ok = sum(1 for c in phones if c["states"] and abs(c["states"][-1][1] - final_points.get(c["id"], 0.0)) < 1e-6)
    starts = [r["marks"].get("start", {}) for r in results]
    ends = [r["marks"].get("end", {}) for r in results]
    pushes = max(1, len(ok))
    bytes_per_push = {role: round(sum(e.get(role, 0) - s.get(role, 0) for s, e in zip(starts, ends, strict=False))
                                  / max(1, len(group)) / pushes, 1) for role, group in (("tv", tvs), ("phone", phones))}
    cpu, secs = window(samples, marks["start"], marks["end"], "server_cpu_s")
    ccpu, _ = window(samples, marks["start"], marks["end"], "clients_cpu_s")
    busy, _ = window(samples, marks["start"], marks["end"], "busy_s")
    load = [s["loadavg1"] for s in samples if marks["start"] <= s["t"] <= marks["end"]]
    counts: dict[str, int] = {}
    for c in clients:
        for key, value in c["counts"].items():
            counts[f"{c['role']}:{key}"] = counts.get(f"{c['role']}:{key}", 0) + value
    report = {
        "sales_posted": len(sent), "sales_created": len(ok), "sales_visible_on_tv_boards": len(visible),
        "http_post": summary_ms([s["http_s"] for s in ok]), "truth_read": summary_ms([s["truth_s"] for s in ok]),
        "tv": {"clients": len(tvs), "converged_at_end": tv_ok, "latency": summary_ms(tv_lat),
               "last_tv_per_sale": summary_ms(list(tv_last.values())), "never_reached": tv_missing},
        "phone": {"clients": len(phones), "converged_at_end": ph_ok, "latency": summary_ms(ph_lat),
                  "never_reached": ph_missing, "phones_with_sales": sum(1 for p in phones if p["id"] in by_agent)},
        "bytes_per_push_per_client": bytes_per_push,
        "server": {"cores": round(cpu / secs, 3) if secs else None, "cpu_ms_per_push": round(cpu * 1000 / pushes, 1)},
        "clients_cores": round(ccpu / secs, 3) if secs else None,
        "machine_cores_busy": round(busy / secs, 3) if secs else None,
        "loadavg1_during": [min(load), max(load)] if load else None,
        "reconnects": sum(c["reconnects"] for c in clients), "client_counts": counts, "marks": marks,
        "per_sale": [{"i": s["i"], "t": round(s["t"] - marks["start"], 2), "http_ms": round(s["http_s"] * 1000, 1),
                      "last_tv_ms": round(tv_last[n] * 1000) if n in tv_last else None,
                      "phone_ms": round(ph_by_sale[n] * 1000) if n in ph_by_sale else None}
                     for n, s in enumerate(ok)],
    }
    if "redis_restarted" in marks:
        report["redis"] = redis_outage(ok, tvs, phones, fp_last, by_agent, marks)
    return report


def redis_outage(ok: list[dict[str, Any]], tvs: list[dict], phones: list[dict], fp_last: dict[str, int],
                 by_agent: dict[str, list[int]], marks: dict[str, float]) -> dict[str, Any]:
    """Each client must equal the database within 5 s of the restart (or of a later sale): for every sale posted
    from the kill to 5 s after the restart, the deadline is max(sale, restart) + 5 s."""
    killed, back = marks["redis_killed"], marks["redis_restarted"]
    window_sales = [n for n, s in enumerate(ok) if killed <= s["t"] <= back + REDIS_TARGET_S]
    late_clients, worst = 0, 0.0
    for client in tvs + phones:
        if client["role"] == "tv":
            states = [[t, fp_last.get(fp, -1)] for t, fp in client["states"]]
            mine = window_sales
            got = first_reach(states, [(ok[n]["t"], n) for n in mine], lambda have, want: have >= want)
        else:
            mine = [n for n in by_agent.get(client["id"], []) if n in set(window_sales)]
            got = first_reach(client["states"], [(ok[n]["t"], ok[n]["points"]) for n in mine],
                              lambda have, want: have >= want - 1e-6)
        excess = [float("inf") if g is None else ok[n]["t"] + g - (max(ok[n]["t"], back) + REDIS_TARGET_S)
                  for n, g in zip(mine, got, strict=False)]
        if any(e > 0 for e in excess):
            late_clients += 1
            worst = max(worst, max(excess))
        after = [ok[n]["t"] + g - back for n, g in zip(mine, got, strict=False) if g is not None and ok[n]["t"] <= back]
        client["after_restart"] = max(after) if after else None
    tv_after = [c["after_restart"] for c in tvs if c.get("after_restart") is not None]
    return {"down_s": round(back - killed, 2), "sales_in_window": len(window_sales),
            "clients_late": late_clients, "clients": len(tvs) + len(phones),
            "worst_excess_s": None if worst == 0 else round(worst, 2),
            "tv_converged_after_restart_s": {"p50": percentile(tv_after, 50), "max": max(tv_after, default=None)}}


def print_report(r: dict[str, Any]) -> None:
    p, tv, ph = r["params"], r["tv"], r["phone"]
    print(f"\n== {p['tvs']} TVs + {p['phones']} phones, {p['agents']} agents, {p['rate']}/s × {p['duration']} s"
          f"{', Redis queue' if p['redis'] else ''}{', Redis restart' if p['redis_restart_at'] else ''}")
    print(f"connect: {r['connect']}")
    print(f"sales {r['sales_created']}/{r['sales_posted']} (visible on TV boards: {r['sales_visible_on_tv_boards']});"
          f" POST {r['http_post']}; truth read {r['truth_read']}")
    print(f"TV    converged {tv['converged_at_end']}/{tv['clients']}; sale→equal {tv['latency']}; last TV per sale "
          f"{tv['last_tv_per_sale']}; never {tv['never_reached']}")
    print(f"phone converged {ph['converged_at_end']}/{ph['clients']}; sale→equal {ph['latency']}; never "
          f"{ph['never_reached']} ({ph['phones_with_sales']} phones had sales)")
    print(f"bytes/push/client {r['bytes_per_push_per_client']}; server {r['server']}; clients cores "
          f"{r['clients_cores']}; machine busy {r['machine_cores_busy']}; load1 {r['loadavg1_during']}")
    print(f"server RSS kB {r['server_rss_kb']}; reconnects {r['reconnects']}")
    print(f"client counts {r['client_counts']}")
    if "redis" in r:
        print(f"redis outage: {r['redis']}")
