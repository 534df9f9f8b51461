"""Shared fixtures: one migrated database per session, rows wiped after each test, factories."""
from __future__ import annotations

import itertools
import os
from decimal import Decimal
from typing import Any, Optional

import pytest
from flask_migrate import upgrade
from sqlalchemy import delete, inspect, text

from leaderboard import create_app
from leaderboard.extensions import db
from leaderboard.models.base import Base
from leaderboard.schemas import AgentIn, ProductIn, SiteIn, TeamIn
from leaderboard.services import auth, roster

POSTGRES_URL = os.environ.get("LEADERBOARD_TEST_DATABASE_URL")
_unique = itertools.count(1)


def database_url_for(tmp_dir) -> str:  # noqa: ANN001
    return POSTGRES_URL or f"sqlite:///{tmp_dir}/test.db"


def reset_schema(app) -> None:  # noqa: ANN001
    """Start from an empty database: PostgreSQL test databases outlive the run."""
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    application = create_app({"TESTING": True, "INSTANCE_PATH": str(instance),
                              "DATABASE_URL": database_url_for(instance), "SECRET_KEY": "test-secret"})
    reset_schema(application)
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_rows(request):
    yield
    if "app" not in request.fixturenames:
        return
    application = request.getfixturevalue("app")
    with application.app_context():
        db.session.remove()
        application.extensions.pop("leaderboard.board_cache", None)  # ids are reused after the wipe
        with db.engine.begin() as conn:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(delete(table))


@pytest.fixture()
def ctx(app):
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def runner(app):
    return app.test_cli_runner()


class Factory:
    """Builds roster rows and tokens through the services, with unique keys."""

    def __init__(self, app):  # noqa: ANN001
        self.app = app

    def _run(self, fn, *args: Any):
        with self.app.app_context():
            result = fn(*args)
            db.session.commit()
            return result

    def site(self, key: Optional[str] = None, tz: str = "Europe/Paris", name: Optional[str] = None) -> str:
        key = key or f"site{next(_unique)}"
        self._run(roster.upsert_site, auth.SYSTEM, key, SiteIn(name=name or key.title(), timezone=tz))
        return key

    def team(self, site: str, key: Optional[str] = None) -> str:
        key = key or f"team{next(_unique)}"
        self._run(roster.upsert_team, auth.SYSTEM, key, TeamIn(name=key.title(), site=site))
        return key

    def agent(self, site: Optional[str] = None, key: Optional[str] = None, fte: str = "1",
              team: Optional[str] = None, name: Optional[str] = None, active: bool = True) -> str:
        site = site or self.site()
        key = key or f"agent{next(_unique)}"
        data = AgentIn(name=name or f"Agent {key}", site=site, team=team, fte=Decimal(fte), active=active)
        self._run(roster.upsert_agent, auth.SYSTEM, key, data)
        return key

    def product(self, code: Optional[str] = None, points: int = 10, bonus: str = "5.00",
                currency: str = "USD") -> str:
        code = code or f"P{next(_unique)}"
        data = ProductIn(name=f"Product {code}", points=points, bonus=Decimal(bonus), currency=currency)
        self._run(roster.upsert_product, auth.SYSTEM, code, data)
        return code

    def user(self, role: str = "lead", sites: tuple[str, ...] = (), email: Optional[str] = None) -> str:
        email = email or f"user{next(_unique)}@example.test"
        self._run(auth.create_user, email, role, "correct horse battery", sites)
        return email

    def token(self, role: str = "admin", user: Optional[str] = None) -> str:
        with self.app.app_context():
            _, secret = auth.create_api_key(f"{role}-{next(_unique)}", role, user)
        return secret

    def lead_token(self, *sites: str) -> str:
        return self.token("lead", self.user("lead", sites))


@pytest.fixture()
def make(app) -> Factory:
    return Factory(app)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def table_names(app) -> set[str]:  # noqa: ANN001
    with app.app_context():
        return set(inspect(db.engine).get_table_names())


