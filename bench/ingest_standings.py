"""Ingest and standings benchmark (issue 10 set-up): 2,000 agents over 20 sites with a race, a lucky draw and a
20-site league live, one `leaderboard serve` on SQLite; times batched and single-sale ingest, reads, rebuild."""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import phases  # noqa: E402
import report  # noqa: E402
from common import Server, code_ref, database_url, git_state, log, machine, make_app, snapshot_code  # noqa: E402,F401
from seeding import (  # noqa: E402,F401
    STATE_FILE,
    api_keys,
    compare_digests,
    create_live_contests,
    create_race,
    league_window,
    projection_digest,
    seed_roster,
    seed_sales,
)

SMOKE_BELOW = 100_000  # fewer seeded sales than this: shorter HTTP phases (a smoke run)
PHASES = ("batches", "single", "reads", "mixed", "inprocess", "rebuild")
TARGETS = report.TARGETS


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, epilog=(
        f"Defaults in [brackets] switch to the smoke values when --sales is below {SMOKE_BELOW:,}. "
        "Full run: .venv/bin/python bench/ingest_standings.py --sales 1000000 --keep; smoke: --sales 20000. "
        "See docs/benchmarks.md."))
    p.add_argument("--sales", type=int, default=1_000_000, help="sales seeded through ingest_batch")
    p.add_argument("--days", type=int, default=60, help="the seeded sales are spread over this many days")
    p.add_argument("--sites", type=int, default=20)
    p.add_argument("--agents", type=int, default=2000)
    p.add_argument("--batch", type=int, default=1000, help="sales per ingest_batch call while seeding")
    p.add_argument("--http-batches", type=int, help="1000-sale batches POSTed over HTTP [10; smoke 3]")
    p.add_argument("--http-sales", type=int,
                   help="single sales POSTed over HTTP, bounded by --duration [20000; smoke 4000]")
    p.add_argument("--clients", type=int, default=16, help="concurrent keep-alive clients for single sales")
    p.add_argument("--client-procs", type=int, default=2, help="client processes the clients are split over")
    p.add_argument("--duration", type=float, help="time bound (s) of the single-sale phase [20; smoke 5]")
    p.add_argument("--mixed-duration", type=float, help="length (s) of the reads-during-writes phase [15; smoke 4]")
    p.add_argument("--reads", type=int,
                   help="sequential top-50 reads over HTTP; half as many rank reads [2000; smoke 200]")
    p.add_argument("--phases", default=",".join(PHASES), help=f"comma-separated subset of {','.join(PHASES)}")
    p.add_argument("--server", choices=["leaderboard", "nodelay", "nodelay-yield"], default="leaderboard",
                   help="'leaderboard' runs `leaderboard serve` (the figures); the others are diagnostics")
    p.add_argument("--code", default="HEAD", help="git ref whose leaderboard/ is measured (copied at start), "
                                                  "or 'worktree' for the files as they are now [HEAD]")
    p.add_argument("--no-snapshot", dest="snapshot", action="store_false",
                   help="import the installed working tree directly (no copy)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--skip-rebuild", action="store_true", help="same as leaving rebuild out of --phases")
    p.add_argument("--keep", action="store_true", help="keep the temporary instance folder")
    p.add_argument("--reuse", metavar="DIR", help="reuse an instance folder seeded by --keep (skips seeding)")
    p.add_argument("--results-dir", default=str(BENCH_DIR / "results"))
    args = p.parse_args(argv)
    smoke = args.sales < SMOKE_BELOW
    for name, full, quick in (("http_batches", 10, 3), ("http_sales", 20_000, 4000), ("duration", 20.0, 5.0),
                              ("mixed_duration", 15.0, 4.0), ("reads", 2000, 200)):
        if getattr(args, name) is None:
            setattr(args, name, quick if smoke else full)
    args.phase_set = {x.strip() for x in args.phases.split(",") if x.strip()} - ({"rebuild"} if args.skip_rebuild
                                                                                  else set())
    unknown = args.phase_set - set(PHASES)
    if unknown:
        p.error(f"unknown phases {sorted(unknown)}")
    return args


def prepare(args: argparse.Namespace, results: dict[str, Any]) -> tuple[Path, Path | None, Any, dict[str, Any]]:
    """A fresh seeded instance folder, or the one given by --reuse (migrated to the measured code)."""
    from flask_migrate import upgrade  # neither imports leaderboard, so the snapshot can still shadow it

    if args.reuse:
        instance = Path(args.reuse).resolve()
        code = snapshot_code(instance / "code", code_ref(args.code)) if args.snapshot else None
        state = json.loads((instance / STATE_FILE).read_text())
        app = make_app(instance)
        with app.app_context():
            upgrade()
        log(f"reusing {instance} (seeded with {state['seeded_sales']:,} sales)")
        results["params"].update(sales=state["seeded_sales"], agents=len(state["agents"]), sites=len(state["sites"]))
        return instance, code, app, state
    instance = Path(tempfile.mkdtemp(prefix="leaderboard-bench-"))
    code = snapshot_code(instance / "code", code_ref(args.code)) if args.snapshot else None
    log(f"instance folder {instance}" + (f"; application code ({args.code}) copied to {code}" if code else ""))
    app = make_app(instance)
    started = time.perf_counter()
    with app.app_context():
        upgrade()
    state = seed_roster(app, args)
    log(f"migrated and seeded the roster ({args.sites} sites, {args.agents:,} agents) "
        f"in {time.perf_counter() - started:.1f} s")
    end = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=10)
    first = (end - timedelta(days=args.days + 1)).replace(hour=0, minute=0, second=0)
    contests = create_live_contests(app, state["sites"], first, end + timedelta(days=30), league_window(end, 10))
    state.update(sales_end=end.isoformat(), seeded_sales=args.sales, contest_id=contests["race"], contests=contests)
    log(f"contests {contests} live; seeding {args.sales:,} sales over {args.days} days in batches of {args.batch}")
    results["seed_ingest"] = seed_sales(app, args, state)
    log(f"seeded {args.sales:,} sales at {results['seed_ingest']['events_per_s']:,.0f} events/s "
        f"({results['seed_ingest']['ingest_s']:.1f} s in ingest_batch)")
    (instance / STATE_FILE).write_text(json.dumps(state))
    return instance, code, app, state


def server_phases(args: argparse.Namespace, results: dict[str, Any], instance: Path, code: Path | None,
                  app: Any, state: dict[str, Any]) -> None:
    tokens = api_keys(app)
    wanted = args.phase_set
    with Server(instance, args.server, code) as server:
        log(f"server up on 127.0.0.1:{server.port} (log {server.log_path})")
        if "batches" in wanted:
            results["batched_http"] = phases.http_batches(server, tokens["integration"], state, args.http_batches,
                                                          args.seed)
            log(f"HTTP batches: {results['batched_http']['events_per_s']:,.0f} events/s")
        if "single" in wanted:
            s = results["single_sale_http"] = phases.single_sales(
                server, tokens["integration"], state, args.http_sales, args.clients, args.client_procs,
                args.duration, args.seed)
            log(f"single sales: {s['requests_per_s']:,.0f} req/s, p50 {s['p50_ms']:.1f} ms, "
                f"p99 {s['p99_ms']:.1f} ms, statuses {s['statuses']}")
        if "reads" in wanted:
            r = results["standings_http"] = phases.http_reads(server, tokens["display"], state, args.reads,
                                                              args.seed)
            log(f"standings top-50 p99 {r['top50']['p99_ms']:.2f} ms, around p99 {r['around']['p99_ms']:.2f} ms")
        if "mixed" in wanted:
            m = results["standings_under_write_load"] = phases.reads_under_write_load(
                server, tokens, state, args.http_sales, args.client_procs, args.mixed_duration, args.seed)
            log(f"reads during writes: p50 {m['reads']['p50_ms']:.2f} ms, p99 {m['reads']['p99_ms']:.2f} ms "
                f"({m['reads']['count']} reads; writers {m['writes']['requests_per_s']:,.0f} req/s, "
                f"statuses {m['writes']['statuses']})")
        results["server_rss_mb"] = server.rss_mb()


def rebuild_phase(results: dict[str, Any], instance: Path, code: Path | None, app: Any) -> None:
    from leaderboard.extensions import db

    with app.app_context():
        db.engine.dispose()  # the rebuild runs in its own process
    log("digesting every projection table, then `leaderboard rebuild` ...")
    before = projection_digest(app)
    rebuild = phases.cli_rebuild(instance, None, code)
    with app.app_context():
        db.engine.dispose()
    after = projection_digest(app)
    rebuild["equal"] = compare_digests(before, after)
    results["rebuild"] = rebuild
    differing = [t for t, e in rebuild["equal"]["tables"].items() if not e["equal"]]
    log(f"rebuild: {rebuild['seconds']:.1f} s ({rebuild['last_line']}); "
        f"all projection tables equal: {rebuild['equal']['all_equal']}"
        + (f", differ: {differing}" if differing else ""))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    params = {k: v for k, v in vars(args).items() if k != "phase_set"}
    results: dict[str, Any] = {"started_at": datetime.now(UTC).isoformat(timespec="seconds"),
                               "command": " ".join([Path(sys.executable).name, *sys.argv]),
                               "params": params, "machine": machine(), "code": git_state(),
                               "targets": report.TARGETS, "stretch": report.STRETCH}
    instance, code, app, state = prepare(args, results)
    import leaderboard
    results["code"]["imported_from"] = str(Path(leaderboard.__file__).parent)
    results["code"]["measured_ref"] = args.code
    try:
        if args.phase_set & {"batches", "single", "reads", "mixed"}:
            server_phases(args, results, instance, code, app, state)
        if "inprocess" in args.phase_set:
            i = results["standings_inprocess"] = phases.inprocess_standings(app, state["contest_id"], args.reads)
            log(f"in-process standings: cached p99 {i['warm']['p99_ms']:.2f} ms, cold p50 {i['cold']['p50_ms']:.1f} ms")
        if "rebuild" in args.phase_set:
            rebuild_phase(results, instance, code, app)
        from sqlalchemy import func, select

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
            log(f"kept {instance} (re-run phases with --reuse {instance} --phases ...)")
    results["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    results["load_average_at_end"] = os.getloadavg()  # other work on the machine skews the figures
    results["verdicts"] = report.verdicts(results)
    out_dir = Path(args.results_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"ingest_standings-{results['params']['sales']}-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.write_text(json.dumps(results, indent=2, default=str))
    report.print_summary(results)
    print(f"results written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
