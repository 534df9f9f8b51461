"""Helpers shared by the console pages: who may enter, the signed-in principal, form errors in the page's language."""
from __future__ import annotations

from flask import flash
from flask_login import current_user
from flask_wtf import FlaskForm

from leaderboard.services.access.auth import Principal
from leaderboard.services.core.errors import FieldError, ServiceError
from leaderboard.web.messages import translate, translated

LEADS = ("admin", "lead")


def principal() -> Principal:
    """The signed-in lead or admin (console routes are guarded by web/access.py)."""
    return current_user.principal


def place_errors(form: FlaskForm, problems: list[FieldError],
                 aliases: dict[str, str] | None = None) -> list[FieldError]:
    """Put each problem, translated, next to its form field; return those that belong to no field."""
    aliases = aliases or {}
    left = []
    for problem in translated(problems):
        name = aliases.get(problem.field, problem.field.split(".")[-1].split("[")[0])
        if name in form._fields:
            if problem.message not in form[name].errors:
                form[name].errors = [*form[name].errors, problem.message]
        else:
            left.append(problem)
    return left


def apply_errors(form: FlaskForm, error: ServiceError, aliases: dict[str, str] | None = None) -> None:
    """Show a service's field errors next to the matching form fields, the rest above the form."""
    for problem in place_errors(form, error.errors, aliases):
        flash(f"{problem.field}: {problem.message}", "error")
    if not error.errors:
        flash(translate(error.detail), "error")
