"""The `leaderboard` command line: serve, users, API keys, roster import, rebuild, demo."""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from leaderboard import cli_ops, worker
from leaderboard.domain.draws import verify_proof
from leaderboard.extensions import current_flask_app
from leaderboard.server import run_server
from leaderboard.services.access import auth
from leaderboard.services.core import projections
from leaderboard.services.core.duties import run_due
from leaderboard.services.core.errors import ServiceError
from leaderboard.services.core.settings import WorkerSettings
from leaderboard.services.demo import seed as demo_service
from leaderboard.services.roster import people as roster


def init_app(app: Flask) -> None:
    for command in (serve, user, apikey, import_roster, rebuild, demo, verify_draw, tick, *cli_ops.COMMANDS):
        app.cli.add_command(command)


def _fail(exc: ServiceError) -> None:
    detail = exc.detail + "".join(f"\n  {e.field}: {e.message}" for e in exc.errors)
    raise click.ClickException(detail)


@click.command()
@click.option("--host", default=None, help="interface to bind (default from config)")
@click.option("--port", default=None, type=int, help="port (default from config)")
@click.option("--simulate/--no-simulate", default=False, help="post a live stream of demo sales")
@with_appcontext
def serve(host: str | None, port: int | None, simulate: bool) -> None:
    """Run the server (gevent when started as `leaderboard serve`)."""
    run_server(current_flask_app(), host, port, simulate)


@click.group()
def user() -> None:
    """Manage people who sign in."""


@user.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(["admin", "lead", "agent"]), required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="prompted for when omitted")
@click.option("--site", "sites", multiple=True, help="site key a lead manages (repeatable)")
@with_appcontext
def create_user(email: str, role: str, password: str, sites: tuple[str, ...]) -> None:
    try:
        created = auth.create_user(email, role, password, sites)
    except ServiceError as exc:
        _fail(exc)
    click.echo(f"created {created.role} {created.email}")


@click.group()
def apikey() -> None:
    """Manage API keys (stored hashed; the secret is printed once)."""


@apikey.command("create")
@click.argument("name")
@click.option("--role", type=click.Choice(["integration", "admin", "lead", "display", "agent"]), required=True)
@click.option("--user", "user_email", default=None, help="the lead whose sites a lead key manages")
@click.option("--agent", "agent_key", default=None, help="the agent an agent key acts as")
@with_appcontext
def create_apikey(name: str, role: str, user_email: str | None, agent_key: str | None) -> None:
    try:
        key, secret = auth.create_api_key(name, role, user_email, agent_key=agent_key)
    except ServiceError as exc:
        _fail(exc)
    click.echo(f"created {key.role} key {key.name!r} ({key.prefix}…); it is shown only once:", err=True)
    click.echo(secret)


@apikey.command("revoke")
@click.argument("prefix")
@with_appcontext
def revoke_apikey(prefix: str) -> None:
    try:
        auth.revoke_api_key(prefix)
    except ServiceError as exc:
        _fail(exc)
    click.echo(f"revoked {prefix}")


@click.command("import-roster")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_roster(csv_file: Path) -> None:
    """Upsert agents from a CSV file with header key,name,site,team,fte."""
    try:
        report = roster.import_roster_csv(auth.SYSTEM, csv_file.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise click.ClickException(f"{csv_file} is not UTF-8") from None
    except ServiceError as exc:
        _fail(exc)
    invalid = 0
    for row in report:
        problems = "; ".join(f"{e.field}: {e.message}" for e in row.errors)
        click.echo(f"row {row.row} {row.key or '-'}: {row.result}{' (' + problems + ')' if problems else ''}")
        invalid += row.result == roster.INVALID
    counts = {r: sum(1 for x in report if x.result == r) for r in ("created", "updated", "unchanged", "invalid")}
    click.echo(", ".join(f"{n} {r}" for r, n in counts.items()))
    if invalid:
        sys.exit(1)


@click.command()
@with_appcontext
def rebuild() -> None:
    """Rebuild every projection (standings, tickets, goals, earnings) from the event log."""
    started: dict[str, float] = {}

    def progress(kind: str, done: int, total: int) -> None:
        """A text progress bar on stderr, one line per kind of event."""
        elapsed = time.monotonic() - started.setdefault(kind, time.monotonic())
        share = done / total if total else 1.0
        rate = done / elapsed if elapsed > 0 else 0.0
        click.echo(f"\r{kind:5} [{'#' * int(share * 30):<30}] {share:4.0%} {done:,}/{total:,} ({rate:,.0f}/s)",
                   nl=done >= total, err=True)

    replayed = projections.rebuild(progress=progress)
    click.echo(f"rebuilt projections from {replayed:,} sales")


@click.command()
@click.option("--serve/--no-serve", "then_serve", default=True, help="start the server afterwards")
@with_appcontext
def demo(then_serve: bool) -> None:
    """Seed the demo company (idempotent), then serve it with the live sales simulator."""
    summary = demo_service.seed(Path(current_app.instance_path))
    app = current_flask_app()
    base = f"http://localhost:{app.config['SERVER_PORT']}"
    if not then_serve:
        for line in summary.lines(base):
            click.echo(line)
    else:
        run_server(app, None, None, simulate=True, banner=summary.lines(base))


@click.command("verify-draw")
@click.argument("proof_file", type=click.File("rb"))
def verify_draw(proof_file) -> None:
    """Recompute a draw proof's commitment, ticket digest and winners; exit 1 on any mismatch."""
    try:
        proof = json.load(proof_file)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise click.ClickException(f"not a JSON proof: {exc}") from None
    result = verify_proof(proof)
    if not result.ok:
        click.echo(f"MISMATCH: {result.mismatch}" + (f" ({result.detail})" if result.detail else ""))
        sys.exit(1)
    click.echo(f"OK: commitment, tickets digest and {len(proof['winners'])} winners verified")


@click.command()
@with_appcontext
def tick() -> None:
    """Count sales out of their clawback window for count_pending=false contests, under the workers' lease."""
    confirm = [duty for duty in worker.DUTIES if duty.name == "confirm-sales"]
    (run,) = run_due(confirm, worker.holder_name(), WorkerSettings.from_config(current_app.config).every)
    if run.failed:
        raise click.ClickException("confirming sales failed; see the log above")
    click.echo(f"{run.changed} newly confirmed sales counted" if run.ran else
               "a worker confirmed sales moments ago (it holds the lease): nothing to do")
