"""The Flask application factory."""
from __future__ import annotations

import os
from typing import Any

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix

from leaderboard import assets, cli, realtime  # models: registers every table
from leaderboard.config import configure
from leaderboard.extensions import csrf, db, limiter, migrate
from leaderboard.services.boards.calendar import CalendarProjection
from leaderboard.services.contests.projection import ContestProjection
from leaderboard.services.core import projections
from leaderboard.services.core import settings as service_settings
from leaderboard.services.draws.tickets import TicketProjection
from leaderboard.services.earnings.bonuses import EarningsProjection
from leaderboard.services.league import cup
from leaderboard.services.league.matches import MatchProjection, on_goals_changed
from leaderboard.services.prizes.projection import PrizeProjection
from leaderboard.services.sales import ingest as sales
from leaderboard.services.sales.group_commit import GROUP_COMMIT, GroupCommit
from leaderboard.web import access, api, console, i18n, phone, phone_people, phone_prizes, security, signin, tv


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Application factory; `overrides` (tests) win over config.toml and the environment."""
    instance_path = ((overrides or {}).get("INSTANCE_PATH") or os.environ.get("LEADERBOARD_INSTANCE_PATH")
                     or str(assets.default_instance_dir()))
    app = Flask(__name__, instance_path=os.path.abspath(instance_path),
                template_folder=str(assets.templates_dir()), static_folder=str(assets.static_dir()))
    configure(app, overrides)
    service_settings.install(app)
    if isinstance(app.json, DefaultJSONProvider):
        app.json.sort_keys = False  # answers keep the order the schemas give

    db.init_app(app)
    migrate.init_app(app, db, directory=str(assets.migrations_dir()), render_as_batch=True)
    with app.app_context():
        _tune_engine(db.engine)

    for projection in (CalendarProjection(), ContestProjection(), EarningsProjection(), TicketProjection(),
                       MatchProjection(), PrizeProjection()):
        projections.register(app, projection)
    on_goals_changed(app, cup.reconsider_tie)
    if app.config["SALES_GROUP_COMMIT_MS"] > 0:
        app.extensions[GROUP_COMMIT] = GroupCommit(app, sales.store_group, sales.store_one,
                                                   app.config["SALES_GROUP_COMMIT_MS"],
                                                   app.config["SALES_GROUP_COMMIT_MAX"])

    api.init_app(app)
    access.init_app(app)  # before CSRF: who may do what is answered first
    csrf.init_app(app)
    for resource in api.RESOURCES:
        csrf.exempt(resource)  # bearer tokens, not cookies: nothing to forge
    limiter.init_app(app)
    signin.init_app(app)
    i18n.init_app(app)
    app.register_blueprint(tv.bp)
    app.register_blueprint(phone.bp)
    app.register_blueprint(phone_prizes.bp)
    app.register_blueprint(phone_people.bp)
    console.init_app(app)
    security.init_app(app)
    realtime.init_app(app)
    cli.init_app(app)
    if hops := app.config["HTTP_TRUSTED_PROXIES"]:  # outermost, so Socket.IO sees the client's address too
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    return app


def _tune_engine(engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def sqlite_pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()
