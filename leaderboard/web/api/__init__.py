"""JSON API v1: one blueprint per resource, mounted under /api/v1, with problem+json errors."""
from __future__ import annotations

from flask import Blueprint, Flask, current_app, render_template, request
from werkzeug.exceptions import HTTPException

from leaderboard.services.core.errors import ServiceError
from leaderboard.web.api import (
    contests,
    draws,
    earnings,
    health,
    kpis,
    leagues,
    openapi,
    people,
    photos,
    privacy,
    prizes,
    roster,
    sales,
    screens,
)
from leaderboard.web.api.http import DatabaseIdConverter, StrictJSONProvider, check_path_ids, check_query_text, problem

RESOURCES = (health.bp, roster.bp, sales.bp, kpis.bp, contests.bp, draws.bp, leagues.bp, earnings.bp,
             screens.bp, photos.bp, privacy.bp, people.bp, prizes.bp, openapi.bp)


API = Blueprint("api", __name__, url_prefix="/api/v1")
for _resource in RESOURCES:
    API.register_blueprint(_resource)
API.url_value_preprocessor(check_path_ids)
API.before_request(check_query_text)


def init_app(app: Flask) -> None:
    # Before any blueprint: rules bind their converters when they are added.
    app.url_map.converters["int"] = DatabaseIdConverter
    strict = StrictJSONProvider(app)
    strict.__dict__.update(vars(app.json))  # keep settings made on the default provider (sort_keys)
    app.json = strict
    app.register_blueprint(API)

    @app.errorhandler(ServiceError)
    def service_error(exc: ServiceError):
        if not request.path.startswith("/api/"):
            # A page that did not catch a service error still answers a page, not JSON.
            return render_template("error.html", title=exc.title, detail=exc.detail, errors=exc.errors), exc.status
        return problem(exc.status, exc.title, exc.detail, exc.errors, **exc.extra)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if not request.path.startswith("/api/"):
            return exc
        detail = exc.description or ""
        if exc.code == 413:
            detail = f"the body is larger than {current_app.config['HTTP_MAX_BODY_BYTES']} bytes"
        response = problem(exc.code or 500, exc.name, detail)
        for name, value in exc.get_headers():
            if name in ("Allow", "Retry-After"):  # 405 says which methods exist; 429 when to come back
                response.headers[name] = value
        return response
