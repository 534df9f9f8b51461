"""`leaderboard backup` then `leaderboard restore`: the same standings and draw proofs; other revisions refused."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, text

from leaderboard import assets
from leaderboard.extensions import db
from leaderboard.services.core.backup import BackupError, backup, check_restorable, head_revision, info_path, read_info
from tests.conftest import NOW
from tests.live_server import LEADERBOARD, ROOT


def restart_caches(app) -> None:
    """What restarting the servers after a restore does (the runbook says so): per-process caches go."""
    app.extensions.pop("leaderboard.board_cache", None)
    app.extensions["leaderboard.snapshot_cache"].clear()


@pytest.fixture()
def world(api, make, client, at_now):
    make.site("paris", "Europe/Paris")
    for key in ("ana", "bob", "cy"):
        make.agent("paris", key)
    make.product("GOLD", points=50)
    make.product("TIN", points=5)
    race = api.contest(name="Race")
    draw = api.contest(kind="lucky_draw", name="Jackpot", ends_at="2026-11-19T00:00:00+01:00",
                       prizes=[{"name": "Weekend", "quantity": 1}, {"name": "Voucher", "quantity": 1}])
    for n, (agent, product) in enumerate((("ana", "GOLD"), ("bob", "TIN"), ("cy", "TIN"), ("bob", "GOLD"))):
        api.sale(f"s{n}", agent, product, NOW - timedelta(hours=4 - n))
    at_now.shift(timedelta(days=1))
    assert client.post(f"/api/v1/contests/{draw['id']}/freeze", headers=api.admin).status_code == 200
    drawn = client.post(f"/api/v1/contests/{draw['id']}/draw", json={"public_entropy": "3 14 15"}, headers=api.admin)
    assert drawn.status_code == 200
    return {"race": race["id"], "draw": draw["id"]}


def picture(api, client, world) -> dict:
    return {"race": api.standings(world["race"]), "teams": api.standings(world["race"], by="site"),
            "proof": client.get(f"/api/v1/contests/{world['draw']}/draw", headers=api.admin).get_json(),
            "tickets": client.get(f"/api/v1/contests/{world['draw']}/tickets", headers=api.admin).get_json()}


def test_round_trip_gives_the_same_standings_and_draw_proofs(app, api, client, runner, world, tmp_path, at_now):
    before = picture(api, client, world)
    # bob: GOLD 50 + TIN 5, ana: GOLD 50 (later than bob's 55), cy: TIN 5.
    assert [(row["key"], row["points"]) for row in before["race"]["rows"]] == [("bob", 55), ("ana", 50), ("cy", 5)]
    assert len(before["proof"]["winners"]) == 2
    target = tmp_path / "leaderboard.backup"
    made = runner.invoke(args=["backup", str(target)])
    assert made.exit_code == 0, made.output
    recorded = json.loads(info_path(target).read_text())
    assert recorded["revision"] == head_revision(assets.migrations_dir())
    with app.app_context():
        assert recorded["dialect"] == db.engine.dialect.name

    # Life goes on after the backup: a sale, a cancellation and a new contest, all to be undone.
    api.sale("late", "cy", "GOLD", NOW + timedelta(hours=1))
    assert api.cancel("s0").status_code in (200, 202)
    api.contest(name="After the backup")
    assert picture(api, client, world)["race"] != before["race"]

    restored = runner.invoke(args=["restore", str(target), "--yes"])
    assert restored.exit_code == 0, restored.output
    restart_caches(app)
    assert picture(api, client, world) == before
    with app.app_context():
        assert db.session.execute(text("SELECT count(*) FROM contest")).scalar() == 2
        assert db.session.execute(text("SELECT count(*) FROM sale")).scalar() == 4


def test_restore_refuses_another_revision_unless_asked_to_migrate(app, api, runner, world, tmp_path):
    target = tmp_path / "old.backup"
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    head = head_revision(assets.migrations_dir())
    description = json.loads(info_path(target).read_text())

    description["revision"] = "0123456789ab"  # from a newer version than this one
    info_path(target).write_text(json.dumps(description))
    unknown = runner.invoke(args=["restore", str(target), "--yes", "--migrate"])
    assert unknown.exit_code != 0 and "0123456789ab" in unknown.output and head in unknown.output

    description["revision"] = "5b1e0c7d9a21"  # an older revision this version knows how to upgrade
    info_path(target).write_text(json.dumps(description))
    older = runner.invoke(args=["restore", str(target), "--yes"])
    assert older.exit_code != 0 and "--migrate" in older.output and "5b1e0c7d9a21" in older.output

    description["revision"] = head  # right revision, but the file is not a backup at all
    info_path(target).write_text(json.dumps(description))
    target.write_bytes(b"not a database")
    garbage = runner.invoke(args=["restore", str(target), "--yes"])
    # A clear message (click exits), not a traceback (the runner would keep the exception).
    assert isinstance(garbage.exception, SystemExit) and garbage.exit_code == 1 and str(target) in garbage.output

    info_path(target).unlink()
    missing = runner.invoke(args=["restore", str(target), "--yes"])
    assert missing.exit_code != 0 and "schema revision" in missing.output
    nowhere = runner.invoke(args=["backup", str(tmp_path / "no-such-folder" / "x.backup")])
    assert isinstance(nowhere.exception, SystemExit) and "no-such-folder" in nowhere.output
    with app.app_context():  # nothing was touched
        assert db.session.execute(text("SELECT count(*) FROM sale")).scalar() == 4


def test_restore_with_migrate_upgrades_an_older_backup(tmp_path):
    """On SQLite files: a backup made at the revision before this version's schema, restored by the command."""
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    older = "7c14a0b1e001"
    migrations = assets.migrations_dir()
    head = head_revision(migrations)
    assert older != head
    env = {**os.environ, "LEADERBOARD_SECRET_KEY": "backup-tests"}
    cli({**env, "LEADERBOARD_INSTANCE_PATH": str(old), "LEADERBOARD_DATABASE_URL": f"sqlite:///{old}/lb.db"},
        "db", "upgrade", older)
    with sqlite3.connect(old / "lb.db") as connection:  # a row the older schema already had
        connection.execute("INSERT INTO projection_state (name, at) VALUES ('probe', '2026-01-02 03:04:05')")
    old_engine = create_engine(f"sqlite:///{old}/lb.db")
    made = backup(old_engine, tmp_path / "older.backup")
    old_engine.dispose()
    assert made.revision == older
    with pytest.raises(BackupError, match="--migrate"):
        check_restorable(read_info(tmp_path / "older.backup"), create_engine("sqlite://"), migrations, migrate=False)

    done = cli({**env, "LEADERBOARD_INSTANCE_PATH": str(new), "LEADERBOARD_DATABASE_URL": f"sqlite:///{new}/lb.db"},
               "restore", str(tmp_path / "older.backup"), "--yes", "--migrate")
    assert f"upgraded the restored database to schema revision {head}" in done
    with sqlite3.connect(new / "lb.db") as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [(head,)]
        assert connection.execute("SELECT at FROM projection_state WHERE name = 'probe'").fetchall() == [
            ("2026-01-02 03:04:05",)]
        assert connection.execute("SELECT count(*) FROM duty_lease").fetchall() == [(0,)]  # a table of this version


def cli(env: dict[str, str], *args: str) -> str:
    result = subprocess.run([LEADERBOARD, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout
