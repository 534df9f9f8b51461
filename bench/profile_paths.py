"""Profiles the hot paths in-process (cProfile + SQL statement counts): batch and single ingest, standings, rebuild."""
from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import ingest_standings as bench  # noqa: E402


class StatementCounter:
    """Counts SQL statements sent through the engine while active."""

    def __init__(self, engine):
        from sqlalchemy import event
        self.count = 0
        self.kinds: dict[str, int] = {}
        event.listen(engine, "before_cursor_execute", self._on_execute)

    def _on_execute(self, _conn, _cursor, statement, _params, _context, _many):
        self.count += 1
        words = statement.split()
        verb = words[0].upper() if words else "?"
        table = ""
        for marker in ("FROM", "INTO", "UPDATE"):
            if marker in words:
                index = words.index(marker)
                if index + 1 < len(words):
                    table = words[index + 1].strip('"')
                    break
        key = f"{verb} {table}"
        self.kinds[key] = self.kinds.get(key, 0) + 1

    def reset(self) -> None:
        self.count = 0
        self.kinds = {}


def profiled(name: str, fn: Callable[[], Any], counter: StatementCounter, units: int, out: io.StringIO,
             top: int) -> dict[str, Any]:
    counter.reset()
    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    fn()
    profile.disable()
    seconds = time.perf_counter() - started
    stats = pstats.Stats(profile, stream=out)
    out.write(f"\n{'=' * 100}\n{name}: {seconds * 1000:.1f} ms for {units} unit(s), "
              f"{counter.count} SQL statements ({counter.count / units:.1f} per unit)\n")
    kinds = sorted(counter.kinds.items(), key=lambda kv: -kv[1])[:15]
    out.write("statements by kind: " + ", ".join(f"{k} x{v}" for k, v in kinds) + "\n")
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return {"seconds": seconds, "units": units, "ms_per_unit": seconds * 1000 / units,
            "sql_statements": counter.count, "sql_per_unit": counter.count / units, "statements_by_kind": kinds}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--reuse", metavar="DIR", help="an instance folder kept by ingest_standings.py --keep")
    p.add_argument("--sales", type=int, default=5000, help="sales to seed when not reusing")
    p.add_argument("--rebuild", action="store_true", help="also profile projections.rebuild() (slow on big logs)")
    p.add_argument("--top", type=int, default=30)
    args = p.parse_args()
    from common import service
    from flask_migrate import upgrade

    from leaderboard.extensions import db
    auth, _contests = service("access.auth", "auth"), service("contests.lifecycle", "contests")
    projections, sales = service("core.projections", "projections"), service("sales.ingest", "sales")
    standings = service("boards.standings", "standings")

    temporary = args.reuse is None
    if temporary:
        instance = Path(tempfile.mkdtemp(prefix="leaderboard-profile-"))
        seed_args = bench.parse_args(["--sales", str(args.sales)])
        app = bench.make_app(instance)
        with app.app_context():
            upgrade()
        state = bench.seed_roster(app, seed_args)
        end = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=10)
        state.update(sales_end=end.isoformat(), seeded_sales=args.sales,
                     contest_id=bench.create_race(app, state["sites"], end - timedelta(days=61),
                                                  end + timedelta(days=30)))
        bench.seed_sales(app, seed_args, state)
    else:
        instance = Path(args.reuse).resolve()
        state = json.loads((instance / bench.STATE_FILE).read_text())
        app = bench.make_app(instance)
        with app.app_context():
            upgrade()
    tokens = bench.api_keys(app)
    out = io.StringIO()
    report: dict[str, Any] = {"instance_sales": state["seeded_sales"], "code": bench.git_state()}
    rng = random.Random(99)
    now = datetime.now(UTC)

    def sale(prefix: str, i: int) -> dict[str, Any]:
        return {"id": f"{prefix}-{i}", "agent": rng.choice(state["agents"]), "product": rng.choice(state["products"]),
                "quantity": 1, "occurred_at": (now - timedelta(seconds=rng.randint(60, 3600))).isoformat()}

    try:
        with app.app_context():
            counter = StatementCounter(db.engine)
        tag = time.time_ns()
        batch = [sale(f"pb{tag}", i) for i in range(1000)]

        def ingest_batch() -> None:
            with app.app_context():
                sales.ingest_batch(auth.SYSTEM, batch)

        report["ingest_batch_1000"] = profiled("ingest_batch (1000 sales)", ingest_batch, counter, 1000, out,
                                               args.top)
        client = app.test_client()
        writer = {"Authorization": f"Bearer {tokens['integration']}"}
        reader = {"Authorization": f"Bearer {tokens['display']}"}
        singles = [sale(f"ps{tag}", i) for i in range(200)]

        def post_singles() -> None:
            for item in singles:
                response = client.post("/api/v1/sales", json=item, headers=writer)
                assert response.status_code == 201, response.get_json()

        report["single_sale_http_handler"] = profiled("POST /api/v1/sales single sale via test_client (x200)",
                                                      post_singles, counter, 200, out, args.top)
        url = f"/api/v1/contests/{state['contest_id']}/standings?by=agent&limit=50"
        client.get(url, headers=reader)

        def cached_reads() -> None:
            for _ in range(200):
                assert client.get(url, headers=reader).status_code == 200

        report["standings_cached_http_handler"] = profiled("GET standings top-50, cached board (x200)",
                                                           cached_reads, counter, 200, out, args.top)

        def cold_reads() -> None:
            for _ in range(10):
                app.extensions.pop(standings.CACHE_KEY, None)
                assert client.get(url, headers=reader).status_code == 200

        report["standings_cold_http_handler"] = profiled("GET standings top-50, cold board (x10)", cold_reads,
                                                         counter, 10, out, args.top)
        if args.rebuild:
            def rebuild() -> None:
                with app.app_context():
                    projections.rebuild()

            with app.app_context():
                from sqlalchemy import func, select

                from leaderboard.models.events import Sale
                total = db.session.scalar(select(func.count()).select_from(Sale))
            report["rebuild"] = profiled(f"projections.rebuild() ({total} sales)", rebuild, counter, total, out,
                                         args.top)
        with app.app_context():
            db.engine.dispose()
    finally:
        if temporary:
            shutil.rmtree(instance, ignore_errors=True)
    results = Path(BENCH_DIR / "results")
    results.mkdir(parents=True, exist_ok=True)
    stem = results / f"profile-{state['seeded_sales']}-{time.strftime('%Y%m%dT%H%M%S')}"
    stem.with_suffix(".txt").write_text(out.getvalue())
    stem.with_suffix(".json").write_text(json.dumps(report, indent=2))
    for name, r in report.items():
        if isinstance(r, dict) and "ms_per_unit" in r:
            print(f"{name:<34} {r['ms_per_unit']:9.3f} ms/unit  {r['sql_per_unit']:7.1f} SQL/unit  "
                  f"top: {', '.join(f'{k} x{v}' for k, v in r['statements_by_kind'][:5])}")
    print(f"profiles written to {stem}.txt")
    return 0


if __name__ == "__main__":
    sys.exit(main())
