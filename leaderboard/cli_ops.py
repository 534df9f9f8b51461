"""Operations commands: `leaderboard worker`, `leaderboard backup FILE` and `leaderboard restore FILE`."""
from __future__ import annotations

import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_migrate import upgrade

from leaderboard import assets, worker
from leaderboard.extensions import current_flask_app, db
from leaderboard.services.core import backup as backups
from leaderboard.services.core.duties import DutyRun
from leaderboard.services.core.settings import WorkerSettings

COMMANDS: list[click.Command] = []


def _command(fn: click.Command) -> click.Command:
    COMMANDS.append(fn)
    return fn


def _report(run: DutyRun) -> None:
    state = "failed (see the log)" if run.failed else f"ran, {run.changed} changed" if run.ran else "held elsewhere"
    click.echo(f"{worker.holder_name()} {run.duty}: {state}")


@_command
@click.command("worker")
@click.option("--every", type=click.FloatRange(min=0.05, max=3600), default=None,
              help="seconds between polls (default: [worker] every_seconds)")
@click.option("--once", is_flag=True, help="run the due duties once, then exit")
@with_appcontext
def worker_command(every: float | None, once: bool) -> None:
    """Run the periodic duties (sales confirming, match windows and statuses); several workers may run."""
    app = current_flask_app()
    settings = WorkerSettings.from_config(app.config)
    if every is not None:
        settings = replace(settings, every=timedelta(seconds=every))
    names = ", ".join(duty.name for duty in worker.DUTIES)
    click.echo(f"worker {worker.holder_name()}: {names} every {settings.every.total_seconds():g} s")
    if once:
        for run in worker.run_once(app, settings.every):
            _report(run)
        return
    worker.run_forever(app, settings, time.sleep, report=_report)


@_command
@click.command("backup")
@click.argument("backup_file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(backup_file: Path) -> None:
    """Copy the database to FILE (SQLite online backup, or pg_dump) and its schema revision to FILE.json."""
    try:
        info = backups.backup(db.engine, backup_file)
    except backups.BackupError as exc:
        raise click.ClickException(exc.detail) from None
    click.echo(f"backed up {info.dialect} database at schema revision {info.revision} to {backup_file}")


@_command
@click.command("restore")
@click.argument("backup_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--migrate", is_flag=True, help="accept a backup of an older schema and upgrade it afterwards")
@click.confirmation_option(prompt="Replace the whole database with this backup?")
@with_appcontext
def restore_command(backup_file: Path, migrate: bool) -> None:
    """Replace the database with a backup made at this version's schema revision (or older, with --migrate)."""
    migrations = assets.migrations_dir()
    try:
        info = backups.read_info(backup_file)
        backups.check_restorable(info, db.engine, migrations, migrate)
        db.session.remove()
        backups.restore(db.engine, backup_file, info)
    except backups.BackupError as exc:
        raise click.ClickException(exc.detail) from None
    click.echo(f"restored {backup_file} (schema revision {info.revision})")
    head = backups.head_revision(migrations)
    if info.revision != head:
        upgrade(directory=str(migrations))
        click.echo(f"upgraded the restored database to schema revision {head}")
    click.echo("restart the servers and workers: their caches still hold the replaced data")
