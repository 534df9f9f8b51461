"""Liveness and database check, for load balancers and `make demo`."""
from flask import Blueprint, current_app
from sqlalchemy import text

from leaderboard.extensions import db

bp = Blueprint("health", __name__)


@bp.get("/health")
def health():
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except Exception as exc:  # health must answer whatever broke
        database = f"error: {exc.__class__.__name__}"
    status = "ok" if database == "ok" else "degraded"
    body = {"status": status, "database": database, "version": current_app.config.get("VERSION", "0.1.0"),
            "dialect": db.engine.dialect.name}
    return body, (200 if status == "ok" else 503)
