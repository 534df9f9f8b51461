"""Bench set-up through the services: roster (20 sites, 2,000 agents), a race, a lucky draw and a 20-site league
live at once, API keys, batched sale seeding, and a digest of every projection table (to compare with a rebuild)."""
from __future__ import annotations

import argparse
import hashlib
import random
import time
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import loadgen
from common import log, service

TIMEZONES = ["Europe/Paris", "Europe/Lisbon", "America/Toronto", "Asia/Manila", "America/Los_Angeles"]
PRODUCTS = [("REWARDS", 30, "15.00"), ("CARD", 50, "25.00"), ("UPGRADE", 20, "10.00"), ("INSURE", 40, "20.00"),
            ("SURVEY", 5, "0.00")]
PRODUCT_WEIGHTS = [30, 10, 25, 15, 20]
STATE_FILE = "bench-state.json"
# Every table the projections own; surrogate ids and announcement times are left out of the comparison.
PROJECTION_TABLES = ("agent_day", "site_hour", "contest_standing", "contest_kpi", "earning", "ticket_grant",
                     "match_side", "match_goal")
IGNORED_COLUMNS = {"id", "announced_at"}


def seed_roster(app, args: argparse.Namespace) -> dict[str, Any]:
    """`args.sites` sites in 5 timezones, 5 teams each, `args.agents` agents (10 % at 0.5 FTE), 5 products."""
    from leaderboard.extensions import db
    from leaderboard.schemas import AgentIn, ProductIn, SiteIn, TeamIn
    auth, roster = service("access.auth", "auth"), service("roster.people", "roster")

    actor = auth.SYSTEM
    rng = random.Random(args.seed)
    site_keys = [f"site{n:02d}" for n in range(1, args.sites + 1)]
    agents: list[str] = []
    agent_sites: dict[str, str] = {}
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
            agent_sites[key] = site
            if n % 500 == 499:
                db.session.commit()
        db.session.commit()
    return {"sites": site_keys, "agents": agents, "agent_sites": agent_sites, "products": [p[0] for p in PRODUCTS]}


def create_contest(app, body: dict[str, Any]) -> int:
    from leaderboard.schemas import ContestIn
    auth, contests = service("access.auth", "auth"), service("contests.lifecycle", "contests")

    with app.app_context():
        return contests.create_contest(auth.SYSTEM, ContestIn.model_validate(body)).id


def create_race(app, sites: list[str], first: datetime, last: datetime) -> int:
    return create_contest(app, {"name": "Bench race", "kind": "race", "timezone": "Europe/Paris", "sites": sites,
                                "starts_at": first.isoformat(), "ends_at": last.isoformat()})


def create_live_contests(app, sites: list[str], first: datetime, last: datetime, league_start: datetime,
                         match_length: str = "P1D", points_per_goal: int = 100) -> dict[str, int]:
    """A race and a lucky draw over [first, last) and a one-leg league of every site from `league_start`,
    so a sale near now counts in all three."""
    race = create_race(app, sites, first, last)
    draw = create_contest(app, {"name": "Bench lucky draw", "kind": "lucky_draw", "timezone": "Europe/Paris",
                                "sites": sites, "starts_at": first.isoformat(), "ends_at": last.isoformat(),
                                "rules": {"tickets_per_sale": 1}})
    league = create_contest(app, {"name": "Bench league", "kind": "league", "timezone": "UTC", "sites": sites,
                                  "starts_at": league_start.isoformat(),
                                  "rules": {"legs": 1, "match_length": match_length,
                                            "points_per_goal": points_per_goal}})
    return {"race": race, "lucky_draw": draw, "league": league}


def api_keys(app) -> dict[str, str]:
    auth = service("access.auth", "auth")

    with app.app_context():
        _, integration = auth.create_api_key(f"bench-integration-{time.time_ns()}", "integration")
        _, display = auth.create_api_key(f"bench-display-{time.time_ns()}", "display")
    return {"integration": integration, "display": display}


def sale_batches(count: int, batch: int, days: float, seed: int, agents: list[str], products: list[str],
                 end: datetime, prefix: str = "s") -> Iterable[list[dict[str, Any]]]:
    """Deterministic sales in near time order (as CRMs post them) over `days` days ending at `end`."""
    rng = random.Random(seed + 1)
    weights = [rng.uniform(0.3, 1.7) for _ in agents]  # some agents sell more than others
    cumulative, total = [], 0.0
    for w in weights:
        total += w
        cumulative.append(total)
    span = timedelta(days=days).total_seconds()
    start = end - timedelta(days=days)
    step = span / max(1, count)
    for first in range(0, count, batch):
        size = min(batch, count - first)
        chosen = rng.choices(agents, cum_weights=cumulative, k=size)
        chosen_products = rng.choices(products, weights=PRODUCT_WEIGHTS[:len(products)], k=size)
        items = []
        for offset in range(size):
            i = first + offset
            at = start + timedelta(seconds=i * step + rng.random() * step)
            items.append({"id": f"{prefix}{i:09d}", "agent": chosen[offset], "product": chosen_products[offset],
                          "quantity": 2 if rng.random() < 0.05 else 1,
                          "occurred_at": at.isoformat(timespec="seconds")})
        yield items


def ingest(app, batches: Iterable[list[dict[str, Any]]], expected: int, label: str = "seeded") -> dict[str, Any]:
    """Feeds batches to sales.ingest_batch, timing only the service calls (one app context per batch)."""
    auth, sales = service("access.auth", "auth"), service("sales.ingest", "sales")

    ingest_seconds = 0.0
    per_batch: list[float] = []
    sizes: list[int] = []
    created = 0
    last_report = time.monotonic()
    for items in batches:
        with app.app_context():
            started = time.perf_counter()
            results = sales.ingest_batch(auth.SYSTEM, items)
            elapsed = time.perf_counter() - started
        ingest_seconds += elapsed
        per_batch.append(elapsed)
        sizes.append(len(items))
        created += sum(1 for r in results if r.result == "created")
        if time.monotonic() - last_report > 15:
            last_report = time.monotonic()
            log(f"  {label} {sum(sizes):,}/{expected:,} sales, {sum(sizes) / ingest_seconds:,.0f} events/s so far")
    if created != expected:
        raise SystemExit(f"{label}: stored {created} of {expected} sales")
    tenth = max(1, len(per_batch) // 10)
    return {"events": created, "batch_size": max(sizes, default=0), "ingest_s": ingest_seconds,
            "events_per_s": created / ingest_seconds,
            "first_10pct_events_per_s": sum(sizes[:tenth]) / sum(per_batch[:tenth]),
            "last_10pct_events_per_s": sum(sizes[-tenth:]) / sum(per_batch[-tenth:]),
            **{f"batch_{k}": v for k, v in loadgen.latency_summary(x * 1000 for x in per_batch).items()}}


def seed_sales(app, args: argparse.Namespace, state: dict[str, Any]) -> dict[str, Any]:
    end = datetime.fromisoformat(state["sales_end"])
    batches = sale_batches(args.sales, args.batch, args.days, args.seed, state["agents"], state["products"], end)
    return ingest(app, batches, args.sales)


def projection_digest(app, tables: Iterable[str] = PROJECTION_TABLES) -> dict[str, dict[str, Any]]:
    """{table: {rows, sha256, sample}} over every row (minus ids), sorted, so two states compare exactly."""
    from sqlalchemy import inspect, text

    from leaderboard.extensions import db

    out: dict[str, dict[str, Any]] = {}
    with app.app_context():
        names = set(inspect(db.engine).get_table_names())
        for table in tables:
            if table not in names:
                continue
            columns = [c["name"] for c in inspect(db.engine).get_columns(table) if c["name"] not in IGNORED_COLUMNS]
            rows = sorted(tuple(_norm(v) for v in row) for row in db.session.execute(
                text(f"SELECT {', '.join(columns)} FROM {table}")))
            digest = hashlib.sha256(repr(rows).encode()).hexdigest()
            out[table] = {"rows": len(rows), "sha256": digest, "columns": columns, "_rows": rows}
        db.session.rollback()
    return out


def _norm(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f")
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    return value if value is None or isinstance(value, (int, str)) else str(value)


def compare_digests(before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]],
                    samples: int = 3) -> dict[str, Any]:
    """Per table: equal or not, row counts, and a few rows that differ."""
    tables: dict[str, Any] = {}
    for table in sorted(set(before) | set(after)):
        b, a = before.get(table, {"rows": 0, "sha256": "", "_rows": []}), after.get(table, {"rows": 0, "sha256": "",
                                                                                          "_rows": []})
        entry: dict[str, Any] = {"equal": b["sha256"] == a["sha256"], "rows_before": b["rows"], "rows_after": a["rows"]}
        if not entry["equal"]:
            only_b, only_a = set(b["_rows"]) - set(a["_rows"]), set(a["_rows"]) - set(b["_rows"])
            entry.update(only_before=len(only_b), only_after=len(only_a),
                         sample_before=[list(r) for r in sorted(only_b, key=repr)[:samples]],
                         sample_after=[list(r) for r in sorted(only_a, key=repr)[:samples]],
                         columns=b.get("columns") or a.get("columns"))
        tables[table] = entry
    return {"all_equal": all(t["equal"] for t in tables.values()), "tables": tables}


def league_window(now: datetime, days_back: int) -> datetime:
    """Midnight UTC `days_back` days ago: a P1D league started then has a round live now."""
    return (now - timedelta(days=days_back)).replace(hour=0, minute=0, second=0, microsecond=0)
