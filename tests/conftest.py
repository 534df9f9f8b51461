"""Shared fixtures: one migrated database per session, rows wiped after each test, factories."""
from __future__ import annotations

import itertools
import os
import shutil
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import time_machine
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask_migrate import upgrade
from sqlalchemy import delete, inspect, text

from leaderboard import create_app
from leaderboard.config import PROJECT_ROOT
from leaderboard.extensions import db, limiter
from leaderboard.models.base import Base
from leaderboard.schemas import AgentIn, ProductIn, SiteIn, TeamIn
from leaderboard.services.access import auth
from leaderboard.services.roster import people as roster

# Console passwords are hashed at the lowest Argon2 cost in tests (every app and server the tests start
# inherits this): at the real cost each sign-in and each user costs ~0.2 s, minutes over the suite.
os.environ.setdefault("LEADERBOARD_AUTH_ARGON2_TIME_COST", "1")
os.environ.setdefault("LEADERBOARD_AUTH_ARGON2_MEMORY_KIB", "64")
POSTGRES_URL = os.environ.get("LEADERBOARD_TEST_DATABASE_URL")
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
_unique = itertools.count(1)


def database_url_for(tmp_dir) -> str:
    return POSTGRES_URL or f"sqlite:///{tmp_dir}/test.db"


def reset_schema(app) -> None:
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
        application.extensions["leaderboard.snapshot_cache"].clear()
        with db.engine.begin() as conn:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(delete(table))


@pytest.fixture(autouse=True)
def _fresh_rate_limits(request):
    """Every test signs in from 127.0.0.1: keep the sign-in limit of one test out of the next."""
    yield
    if "app" in request.fixturenames:
        with request.getfixturevalue("app").app_context():
            limiter.reset()


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole run: Playwright's sync API allows one driver loop per thread."""
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--enable-precise-memory-info"])
        yield chromium
        chromium.close()


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

    def __init__(self, app):
        self.app = app

    def _run(self, fn, *args: Any):
        with self.app.app_context():
            result = fn(*args)
            db.session.commit()
            return result

    def site(self, key: str | None = None, tz: str = "Europe/Paris", name: str | None = None) -> str:
        key = key or f"site{next(_unique)}"
        self._run(roster.upsert_site, auth.SYSTEM, key, SiteIn(name=name or key.title(), timezone=tz))
        return key

    def team(self, site: str, key: str | None = None) -> str:
        key = key or f"team{next(_unique)}"
        self._run(roster.upsert_team, auth.SYSTEM, key, TeamIn(name=key.title(), site=site))
        return key

    def agent(self, site: str | None = None, key: str | None = None, fte: str = "1",
              team: str | None = None, name: str | None = None, active: bool = True) -> str:
        site = site or self.site()
        key = key or f"agent{next(_unique)}"
        data = AgentIn(name=name or f"Agent {key}", site=site, team=team, fte=Decimal(fte), active=active)
        self._run(roster.upsert_agent, auth.SYSTEM, key, data)
        return key

    def product(self, code: str | None = None, points: int = 10, bonus: str = "5.00",
                currency: str = "USD") -> str:
        code = code or f"P{next(_unique)}"
        data = ProductIn(name=f"Product {code}", points=points, bonus=Decimal(bonus), currency=currency)
        self._run(roster.upsert_product, auth.SYSTEM, code, data)
        return code

    def user(self, role: str = "lead", sites: tuple[str, ...] = (), email: str | None = None) -> str:
        email = email or f"user{next(_unique)}@example.test"
        self._run(auth.create_user, email, role, "correct horse battery", sites)
        return email

    def token(self, role: str = "admin", user: str | None = None) -> str:
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


def table_names(app) -> set[str]:
    with app.app_context():
        return set(inspect(db.engine).get_table_names())




NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)  # a Wednesday


class Api:
    def __init__(self, client, make):
        self.client = client
        self.admin = bearer(make.token("admin"))
        self.integration = bearer(make.token("integration"))

    def sale(self, sale_id, agent, product, at, quantity=1):
        response = self.client.post("/api/v1/sales", headers=self.integration, json={
            "id": sale_id, "agent": agent, "product": product, "quantity": quantity,
            "occurred_at": at.isoformat()})
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def cancel(self, sale_id, at=None):
        body = {"reason": "customer cancelled"}
        if at is not None:
            body["cancelled_at"] = at.isoformat()
        return self.client.post(f"/api/v1/sales/{sale_id}/cancel", headers=self.integration, json=body)

    def contest(self, expect=201, **fields):
        body = {"name": "November race", "kind": "race", "timezone": "Europe/Paris",
                "starts_at": "2026-11-16T00:00:00+01:00", "ends_at": "2026-11-23T00:00:00+01:00"}
        body.update(fields)
        body = {key: value for key, value in body.items() if value is not None}
        response = self.client.post("/api/v1/contests", headers=self.admin, json=body)
        assert response.status_code == expect, response.get_json()
        return response.get_json()

    def standings(self, contest_id, **params):
        response = self.client.get(f"/api/v1/contests/{contest_id}/standings", headers=self.admin,
                                   query_string=params)
        assert response.status_code == 200, response.get_json()
        return response.get_json()


@pytest.fixture()
def api(client, make):
    return Api(client, make)


@pytest.fixture()
def at_now():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture(scope="session", autouse=True)
def _compiled_translations():
    """`make test` compiles the catalogues; running pytest directly compiles stale ones here."""
    for po_path in (PROJECT_ROOT / "leaderboard" / "translations").glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            with po_path.open("rb") as source:
                catalog = read_po(source)
            with mo_path.open("wb") as target:
                write_mo(target, catalog, use_fuzzy=True)
