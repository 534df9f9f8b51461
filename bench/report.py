"""Targets of issue 10 for the ingest/standings bench, and the summary table it prints and stores as JSON."""
from __future__ import annotations

from typing import Any

from common import verdict

TARGETS: dict[str, tuple[str, float]] = {
    "single_sale_requests_per_s": (">=", 1000),
    "single_sale_p99_ms": ("<=", 50),
    "batched_ingest_events_per_s": (">=", 20_000),
    "batched_http_events_per_s": (">=", 10_000),
    "standings_top50_under_writes_p99_ms": ("<=", 2),
    "rebuild_s": ("<=", 60),
    "rebuild_equal": (">=", 1),
}
STRETCH: dict[str, tuple[str, float]] = {
    "batched_ingest_events_per_s": (">=", 50_000),
    "batched_http_events_per_s": (">=", 50_000),
    "rebuild_s": ("<=", 30),
}


def summary_rows(r: dict[str, Any]) -> list[tuple[str, str, float | None, str]]:
    """(metric key, label, value, unit)."""
    single, reads = r.get("single_sale_http", {}), r.get("standings_http", {})
    inproc, mixed = r.get("standings_inprocess", {}), r.get("standings_under_write_load", {})
    seed, rebuild = r.get("seed_ingest", {}), r.get("rebuild", {})
    equal = rebuild.get("equal", {}).get("all_equal")
    return [
        ("batched_ingest_events_per_s", f"batched ingest, in-process ingest_batch x{r['params']['batch']}",
         seed.get("events_per_s"), "events/s"),
        ("", "  first 10% / last 10% of seeding", None,
         f"{seed['first_10pct_events_per_s']:,.0f} / {seed['last_10pct_events_per_s']:,.0f} events/s"
         if seed else "(not measured: --reuse)"),
        ("batched_http_events_per_s", "batched ingest, HTTP 1000-sale batches",
         r.get("batched_http", {}).get("events_per_s"), "events/s"),
        ("", "  HTTP batch latency p50", r.get("batched_http", {}).get("batch_p50_ms"), "ms"),
        ("single_sale_requests_per_s", f"single-sale HTTP, {single.get('clients')} clients (2xx/s)",
         single.get("requests_per_s"), "req/s"),
        ("", "  single-sale p50", single.get("p50_ms"), "ms"),
        ("single_sale_p99_ms", "  single-sale p99", single.get("p99_ms"), "ms"),
        ("", "standings top-50 HTTP p50, no writers", reads.get("top50", {}).get("p50_ms"), "ms"),
        ("", "standings top-50 HTTP p99, no writers", reads.get("top50", {}).get("p99_ms"), "ms"),
        ("", "agent rank (around, limit=1) HTTP p99", reads.get("around", {}).get("p99_ms"), "ms"),
        ("", "top-50 HTTP p50 while 8 clients post single sales", mixed.get("reads", {}).get("p50_ms"), "ms"),
        ("standings_top50_under_writes_p99_ms", "top-50 HTTP p99 while 8 clients post single sales",
         mixed.get("reads", {}).get("p99_ms"), "ms"),
        ("", "  the 8 writers meanwhile (2xx/s)", mixed.get("writes", {}).get("requests_per_s"), "req/s"),
        ("", "contest_standings() in-process, cached, p99", inproc.get("warm", {}).get("p99_ms"), "ms"),
        ("", "contest_standings() in-process, cache cold, p50", inproc.get("cold", {}).get("p50_ms"), "ms"),
        ("rebuild_s", "`leaderboard rebuild` (wall, own process)", rebuild.get("seconds"), "s"),
        ("", "  CPU time of the rebuild process (user + system)", rebuild.get("cpu_s"), "s"),
        ("rebuild_equal", "  every projection table equal to the incremental result",
         None if equal is None else float(equal), "1 = yes"),
    ]


def verdicts(r: dict[str, Any]) -> dict[str, str]:
    out = {}
    for key, _, value, _ in summary_rows(r):
        if key:
            out[key] = verdict(TARGETS, key, value)
            if key in STRETCH and value is not None:
                out[key + "_stretch"] = verdict(STRETCH, key, value)
    return out


def _target_text(key: str) -> str:
    if key not in TARGETS:
        return ""
    op, t = TARGETS[key]
    text = f"{'≥' if op == '>=' else '≤'} {t:,}"
    if key in STRETCH:
        text += f" ({STRETCH[key][1]:,})"
    return text


def print_summary(r: dict[str, Any]) -> None:
    m = r["machine"]
    print()
    print(f"leaderboard ingest/standings benchmark: {r['database']['sales_in_log']:,} sales in the log, "
          f"{r['params']['agents']:,} agents, {r['params']['sites']} sites, race + lucky draw + league live; "
          f"{m['nproc']} CPUs ({m['cpu']}), Python {m['python']}, SQLite {m['sqlite']}")
    header = f"{'metric':<58} {'measured':>12}  {'unit':<9} {'target (stretch)':>18}  result"
    print(header)
    print("-" * len(header))
    for key, label, value, unit in summary_rows(r):
        if value is None:
            print(f"{label:<58} {'':>12}  {unit}")
            continue
        shown = f"{value:,.0f}" if value >= 100 else f"{value:,.2f}"
        result = verdict(TARGETS, key, value)
        if key in STRETCH and result == "met":
            result += f", stretch {verdict(STRETCH, key, value)}"
        print(f"{label:<58} {shown:>12}  {unit:<9} {_target_text(key):>18}  {result}")
    print()
