"""Helpers shared by the console pages: who may enter, the signed-in principal, form errors."""
from __future__ import annotations

from flask import flash
from flask_login import current_user
from flask_wtf import FlaskForm

from leaderboard.services.access.auth import Principal
from leaderboard.services.core.errors import ServiceError

LEADS = ("admin", "lead")


def principal() -> Principal:
    """The signed-in lead or admin (console routes are guarded by web/access.py)."""
    return current_user.principal


def apply_errors(form: FlaskForm, error: ServiceError, aliases: dict[str, str] | None = None) -> None:
    """Show a service's field errors next to the matching form fields, the rest above the form."""
    aliases = aliases or {}
    placed = False
    for problem in error.errors:
        name = aliases.get(problem.field, problem.field.split(".")[-1].split("[")[0])
        if name in form._fields:
            form[name].errors = [*form[name].errors, problem.message]
            placed = True
        else:
            flash(f"{problem.field}: {problem.message}", "error")
    if not placed and not error.errors:
        flash(error.detail, "error")
