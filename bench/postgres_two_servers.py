"""PostgreSQL benchmark (issue 10): two `leaderboard serve` processes on database test_d, single sales from clients
split over both, then zero lost updates: every projection equals a `leaderboard rebuild` and the sales posted."""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import loadgen  # noqa: E402
from common import Server, code_ref, git_state, log, machine, make_app, run_cli, snapshot_code  # noqa: E402
from seeding import (  # noqa: E402
    api_keys,
    compare_digests,
    create_live_contests,
    ingest,
    league_window,
    projection_digest,
    sale_batches,
    seed_roster,
)

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test_d"  # the only database this script touches
TARGET_SALES_PER_S = 500
TOTALS = {  # name: SQL giving one number; compared before and after the rebuild
    "sales_in_log": "SELECT count(*) FROM sale",
    "contest_standing_sales": "SELECT coalesce(sum(sales), 0) FROM contest_standing",
    "contest_standing_points": "SELECT coalesce(sum(points), 0) FROM contest_standing",
    "agent_day_sales": "SELECT coalesce(sum(sales), 0) FROM agent_day",
    "agent_day_points": "SELECT coalesce(sum(points), 0) FROM agent_day",
    "site_hour_sales": "SELECT coalesce(sum(sales), 0) FROM site_hour",
    "site_hour_points": "SELECT coalesce(sum(points), 0) FROM site_hour",
    "ticket_grants": "SELECT count(*) FROM ticket_grant",
    "earnings": "SELECT count(*) FROM earning",
    "match_side_points": "SELECT coalesce(sum(points), 0) FROM match_side",
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--url", default=DEFAULT_URL, help="must name the database test_d")
    p.add_argument("--history", type=int, default=20_000, help="sales seeded through ingest_batch before the run")
    p.add_argument("--sales", type=int, default=20_000, help="single sales posted at most (bounded by --duration)")
    p.add_argument("--clients", type=int, default=16, help="keep-alive clients, half on each server")
    p.add_argument("--duration", type=float, default=20.0)
    p.add_argument("--agents", type=int, default=2000)
    p.add_argument("--sites", type=int, default=20)
    p.add_argument("--code", default="HEAD", help="git ref measured (copied at start), or 'worktree' [HEAD]")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--results-dir", default=str(BENCH_DIR / "results"))
    args = p.parse_args(argv)
    if not args.url.rstrip("/").endswith("/test_d") or "127.0.0.1" not in args.url:
        p.error("this benchmark empties its database: only test_d on 127.0.0.1 is allowed")
    return args


def reset_schema(url: str) -> None:
    """Drops every table in test_d (public schema) so `leaderboard db upgrade` starts from empty."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        assert conn.execute(text("SELECT current_database()")).scalar() == "test_d"
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def totals(app) -> dict[str, float]:
    from sqlalchemy import text

    from leaderboard.extensions import db

    with app.app_context():
        out = {name: float(db.session.execute(text(sql)).scalar()) for name, sql in TOTALS.items()}
        db.session.rollback()
    return out


def server_version(app) -> str:
    from sqlalchemy import text

    from leaderboard.extensions import db

    with app.app_context():
        return db.session.execute(text("SHOW server_version")).scalar()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    instance = Path(tempfile.mkdtemp(prefix="leaderboard-pg-"))
    code = snapshot_code(instance / "code", code_ref(args.code))
    results: dict[str, Any] = {"started_at": datetime.now(UTC).isoformat(timespec="seconds"),
                               "command": " ".join([Path(sys.executable).name, *sys.argv]), "params": vars(args),
                               "machine": machine(), "code": {**git_state(), "measured_ref": args.code},
                               "target_sales_per_s": TARGET_SALES_PER_S}
    try:
        reset_schema(args.url)
        seconds, _ = run_cli(instance, ["db", "upgrade"], url=args.url, code=code)
        log(f"test_d emptied and migrated (`leaderboard db upgrade`, {seconds:.1f} s)")
        app = make_app(instance, args.url)
        results["machine"]["postgresql"] = server_version(app)
        state = seed_roster(app, argparse.Namespace(sites=args.sites, agents=args.agents, seed=args.seed))
        now = datetime.now(UTC).replace(microsecond=0)
        contests = create_live_contests(app, state["sites"], now - timedelta(days=8), now + timedelta(days=30),
                                        league_window(now, 5))
        end = now - timedelta(minutes=10)
        if args.history:
            seeded = ingest(app, sale_batches(args.history, 1000, 7, args.seed, state["agents"], state["products"],
                                              end, prefix="hist"), args.history, label="history")
            results["history_ingest"] = seeded
            log(f"contests {contests}; {args.history:,} history sales at {seeded['events_per_s']:,.0f} events/s")
        tokens = api_keys(app)
        start_totals = totals(app)
        with ExitStack() as stack:
            servers = [stack.enter_context(Server(instance, code=code, url=args.url, name=f"server-{n}"))
                       for n in (1, 2)]
            ports = [s.port for s in servers]
            log(f"two servers on 127.0.0.1:{ports[0]} and :{ports[1]}; {args.clients} clients split over both")
            run = loadgen.post_single_sales(ports, tokens["integration"], state["agents"], state["products"],
                                            total=args.sales, clients=args.clients, processes=2,
                                            duration=args.duration, prefix=f"pg-{time.time_ns()}", seed=args.seed)
            results["server_rss_mb"] = [s.rss_mb() for s in servers]
        results["single_sale_http"] = run
        log(f"combined {run['requests_per_s']:,.0f} sales/s, p50 {run['p50_ms']:.1f} ms, p99 {run['p99_ms']:.1f} ms, "
            f"statuses {run['statuses']}; per server "
            + ", ".join(f"{p}: {r['requests_per_s']:,.0f}/s" for p, r in run.get("per_port", {}).items()))
        incremental = totals(app)
        before = projection_digest(app)
        rebuild_s, output = run_cli(instance, ["rebuild"], url=args.url, code=code)
        rebuilt = totals(app)
        after = projection_digest(app)
        equal = compare_digests(before, after)
        posted_ok = run["ok"]
        results["consistency"] = {
            "totals_before_run": start_totals, "totals_incremental": incremental, "totals_after_rebuild": rebuilt,
            "sales_answered_201": posted_ok,
            "sales_added_to_log": incremental["sales_in_log"] - start_totals["sales_in_log"],
            "totals_equal": incremental == rebuilt, "tables": equal, "rebuild_s": rebuild_s,
            "rebuild_output": output.strip().splitlines()[-1:]}
        c = results["consistency"]
        c["zero_lost_updates"] = bool(c["totals_equal"] and equal["all_equal"]
                                      and c["sales_added_to_log"] == posted_ok)
        with app.app_context():
            from leaderboard.extensions import db
            db.engine.dispose()
    finally:
        shutil.rmtree(instance, ignore_errors=True)
    results["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    out_dir = Path(args.results_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"postgres_two_servers-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.write_text(json.dumps(results, indent=2, default=str))
    rate = run["requests_per_s"]
    print(f"\nPostgreSQL {results['machine']['postgresql']}, two `leaderboard serve`, {args.clients} clients")
    print(f"combined single sales: {rate:,.0f}/s (target ≥ {TARGET_SALES_PER_S}: "
          f"{'met' if rate >= TARGET_SALES_PER_S else 'MISSED'}), "
          f"p50 {run['p50_ms']:.1f} ms, p99 {run['p99_ms']:.1f} ms, "
          f"statuses {run['statuses']}")
    print(f"{'total':<26} {'incremental':>14} {'after rebuild':>14}")
    for name in TOTALS:
        print(f"{name:<26} {c['totals_incremental'][name]:>14,.1f} {c['totals_after_rebuild'][name]:>14,.1f}")
    print(f"201 answers {posted_ok:,}; sales added to the log {c['sales_added_to_log']:,.0f}; every projection table "
          f"equal after rebuild: {equal['all_equal']}; zero lost updates: {c['zero_lost_updates']}")
    print(f"results written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
