"""The `leaderboard` commands through Flask's CLI runner."""
from datetime import UTC, datetime

import time_machine
from sqlalchemy import func, select

from leaderboard.extensions import db
from leaderboard.models.roster import Agent
from leaderboard.services.access import auth


def test_apikey_create_prints_the_secret_alone_on_the_last_line(runner, app):
    result = runner.invoke(args=["apikey", "create", "crm", "--role", "integration"])
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip().splitlines()[-1]
    assert secret.startswith("lb_") and " " not in secret
    with app.app_context():
        assert auth.principal_for_token(secret).role == "integration"


def test_lead_key_without_a_lead_user_fails_clearly(runner):
    result = runner.invoke(args=["apikey", "create", "x", "--role", "lead"])
    assert result.exit_code != 0
    assert "lead" in result.output


def test_user_create_and_duplicate(runner):
    args = ["user", "create", "Lea@Example.test", "--role", "admin", "--password", "s3cret-pass"]
    assert runner.invoke(args=args).exit_code == 0
    again = runner.invoke(args=args)
    assert again.exit_code != 0 and "already exists" in again.output


def test_import_roster_reports_rows_and_fails_on_invalid(runner, make, app, tmp_path):
    make.site("paris")
    good = tmp_path / "good.csv"
    good.write_text("key,name,site,team,fte\nz1,Zoë,paris,,1\nz2,Ana,paris,,0.5\n", encoding="utf-8")
    result = runner.invoke(args=["import-roster", str(good)])
    assert result.exit_code == 0, result.output
    assert "2 created" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text("key,name,site,team,fte\nz3,Bo,mars,,1\n", encoding="utf-8")
    result = runner.invoke(args=["import-roster", str(bad)])
    assert result.exit_code == 1 and "unknown site" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Agent)) == 2


def test_rebuild_command_reports_the_replayed_sales(runner):
    result = runner.invoke(args=["rebuild"])
    assert result.exit_code == 0
    assert "rebuilt projections from 0 sales" in result.stdout


def test_demo_seed_is_idempotent(runner, app):
    # The history runs up to the current 10-minute slot: a clock that starts a slot keeps both runs in it.
    with time_machine.travel(datetime(2026, 11, 18, 10, 0, 1, tzinfo=UTC), tick=True):
        first = runner.invoke(args=["demo", "--no-serve"])
        assert first.exit_code == 0, first.output
        second = runner.invoke(args=["demo", "--no-serve"])
    assert second.exit_code == 0
    assert first.output == second.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Agent)) >= 55
