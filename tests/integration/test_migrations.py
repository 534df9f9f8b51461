"""Alembic guards: one head, upgrade from empty, models == migrations, downgrade to base."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from leaderboard import create_app
from leaderboard.config import PROJECT_ROOT
from leaderboard.extensions import db
from leaderboard.models.base import Base
from tests.conftest import POSTGRES_URL, reset_schema


def test_single_head(app):
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_models_and_migrations_agree(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_upgrade_from_empty_and_downgrade_to_base(tmp_path):
    url = POSTGRES_URL or f"sqlite:///{tmp_path}/fresh.db"
    fresh = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path), "DATABASE_URL": url})
    if POSTGRES_URL:
        # Shares the session database: restore it afterwards.
        pass
    with fresh.app_context():
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {t.name for t in Base.metadata.sorted_tables} <= tables
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        db.engine.dispose()
    if POSTGRES_URL:
        reset_schema(fresh)


def test_migration_directory_is_the_projects():
    assert (PROJECT_ROOT / "migrations" / "env.py").exists()
