"""Backups of the whole database with its schema revision beside them, and restores that check the revision.

SQLite: the online backup API (a consistent copy while servers keep writing). PostgreSQL: pg_dump's custom
format; a restore replaces the public schema in one transaction (pg_restore's SQL run by psql -1).
"""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

from leaderboard.services.core.errors import ServiceError


@dataclass(frozen=True)
class BackupInfo:
    """What `<file>.json` records about a backup."""

    revision: str
    dialect: str
    created_at: str


class BackupError(ServiceError):
    title = "Backup refused"


def info_path(backup_file: Path) -> Path:
    return backup_file.with_name(backup_file.name + ".json")


def schema_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        try:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except Exception:  # no alembic_version table: never migrated
            return None


def head_revision(migrations_dir: Path) -> str:
    head = ScriptDirectory(str(migrations_dir)).get_current_head()
    if head is None:
        raise BackupError(f"{migrations_dir} holds no migrations")
    return head


def backup(engine: Engine, backup_file: Path) -> BackupInfo:
    """Write the database to `backup_file` and its revision to `<backup_file>.json`."""
    if not backup_file.parent.is_dir():
        raise BackupError(f"{backup_file.parent} is not a folder")
    revision = schema_revision(engine)
    if revision is None:
        raise BackupError("the database has no schema revision: run `leaderboard db upgrade` first")
    if engine.dialect.name == "sqlite":
        _sqlite_copy(engine, backup_file, into_live=False)
    elif engine.dialect.name == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(backup_file),
              _libpq_url(engine)], engine)
    else:
        raise BackupError(f"backups of {engine.dialect.name} databases are not supported")
    info = BackupInfo(revision=revision, dialect=engine.dialect.name,
                      created_at=datetime.now(UTC).isoformat(timespec="seconds"))
    info_path(backup_file).write_text(json.dumps(asdict(info), indent=2) + "\n", encoding="utf-8")
    return info


def read_info(backup_file: Path) -> BackupInfo:
    if not backup_file.is_file():
        raise BackupError(f"{backup_file} does not exist")
    try:
        return BackupInfo(**json.loads(info_path(backup_file).read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise BackupError(f"{info_path(backup_file)} is missing: it records the backup's schema revision") from None
    except (ValueError, TypeError) as exc:
        raise BackupError(f"{info_path(backup_file)} is not a backup description: {exc}") from None


def check_restorable(info: BackupInfo, engine: Engine, migrations_dir: Path, migrate: bool) -> None:
    """Refuse a backup of another database kind, or of another revision unless asked to migrate it."""
    if info.dialect != engine.dialect.name:
        raise BackupError(f"this is a {info.dialect} backup; the configured database is {engine.dialect.name}")
    head = head_revision(migrations_dir)
    if info.revision == head:
        return
    if not _known(migrations_dir, info.revision):
        raise BackupError(f"the backup is at schema revision {info.revision}, which this version does not know "
                          f"(it expects {head}): restore it with the version that made it")
    if not migrate:
        raise BackupError(f"the backup is at schema revision {info.revision}; this version expects {head}. "
                          "Pass --migrate to restore it and then upgrade it to this version's schema")


def restore(engine: Engine, backup_file: Path, info: BackupInfo) -> None:
    """Replace the database's contents with the backup (after check_restorable)."""
    if info.dialect == "sqlite":
        _sqlite_copy(engine, backup_file, into_live=True)
    else:
        script = subprocess.run(["pg_restore", "--no-owner", "--no-privileges", "--file", "-", str(backup_file)],
                                capture_output=True, check=False)
        if script.returncode != 0:
            raise BackupError(f"pg_restore could not read {backup_file}: {script.stderr.decode(errors='replace')}")
        # Dropped and refilled in the same transaction: a failed restore leaves the database as it was.
        replace = b"DROP SCHEMA public CASCADE;\nCREATE SCHEMA public;\n" + script.stdout
        engine.dispose()  # our idle connections would hold no locks, but close them before the schema goes
        _run(["psql", "--no-psqlrc", "--quiet", "--single-transaction", "-v", "ON_ERROR_STOP=1",
              "--dbname", _libpq_url(engine), "--file", "-"], engine, stdin=replace)
    engine.dispose()


def _known(migrations_dir: Path, revision: str) -> bool:
    try:
        return ScriptDirectory(str(migrations_dir)).get_revision(revision) is not None
    except Exception:  # alembic raises for unknown or malformed ids
        return False


def _sqlite_copy(engine: Engine, backup_file: Path, into_live: bool) -> None:
    """SQLite's online backup API, one step: the copy is consistent, and a restore replaces every page at once."""
    with engine.connect() as connection:
        live = connection.connection.dbapi_connection
        assert isinstance(live, sqlite3.Connection)  # the SQLite engine's DB-API connection
        other = sqlite3.connect(str(backup_file))
        try:
            if into_live:
                other.backup(live)
            else:
                live.backup(other)
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{backup_file} is not a usable SQLite backup: {exc}") from None
        finally:
            other.close()


def _libpq_url(engine: Engine) -> str:
    """The URL pg_dump and psql understand, without the password (given through PGPASSWORD)."""
    return engine.url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)


def _run(command: list[str], engine: Engine, stdin: bytes | None = None) -> None:
    env = dict(os.environ)
    if engine.url.password:
        env["PGPASSWORD"] = str(engine.url.password)
    try:
        result = subprocess.run(command, input=stdin, env=env, capture_output=True, check=False)
    except FileNotFoundError:
        raise BackupError(f"{command[0]} is not installed (Debian: apt-get install postgresql-client)") from None
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.decode(errors='replace').strip()}")
