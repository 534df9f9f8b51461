"""The contest wizard's steps, without JavaScript: one form whose other steps ride along as hidden inputs.

Every submission checks the whole form and asks the contest service about everything else (sites, rules,
window) in the same round, so all problems show at once, next to their fields, in the page's language.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from leaderboard.services.boards.console_queries import visible_sites
from leaderboard.services.contests import lifecycle as contests
from leaderboard.services.contests import preview as contest_preview
from leaderboard.services.core.clock import utcnow
from leaderboard.services.core.errors import FieldError, Forbidden, InvalidInput
from leaderboard.services.roster.queries import all_products
from leaderboard.web.console import contest_forms as forms
from leaderboard.web.console.common import place_errors, principal
from leaderboard.web.messages import translated

COMMON_TIMEZONES = ("UTC", "Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Paris", "Europe/Brussels",
                    "Europe/Berlin", "Europe/Madrid", "Europe/Rome", "Europe/Zurich", "Europe/Warsaw",
                    "Europe/Athens", "Europe/Istanbul", "Africa/Casablanca", "Africa/Tunis", "Africa/Cairo",
                    "Africa/Johannesburg", "Asia/Dubai", "Asia/Kolkata", "Asia/Manila", "Asia/Singapore",
                    "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
                    "America/Mexico_City", "America/Sao_Paulo", "America/Montreal", "Australia/Sydney")
NOT_CARRIED = ("csrf_token", "step", "go", "preview", "launch")


@dataclass
class Step:
    key: str
    label: str
    fields: tuple[str, ...]
    errors: int = 0


@dataclass
class WizardPage:
    """What the wizard template shows: the steps, which of them are open, and what rides along hidden."""
    kind: str
    steps: list[Step]
    shown: list[str]
    current: str
    carried: list[tuple[str, str]] = field(default_factory=list)
    general: list[FieldError] = field(default_factory=list)  # problems no field owns
    summary: list[tuple[str, str, str]] = field(default_factory=list)  # (step, field label, message)
    preview: Any = None
    board: contest_preview.BoardPreview | None = None


def wizard_defaults(kind: str, sites: list[Any]) -> dict[str, Any]:
    tz = sites[0].timezone if sites else "UTC"
    tomorrow = (utcnow().astimezone(ZoneInfo(tz)) + timedelta(days=1)).replace(
        hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
    return {"timezone": tz, "sites": [s.key for s in sites], "starts_at": tomorrow,
            "ends_at": None if kind == "league" else tomorrow + timedelta(days=7)}


def carried(form: forms.ContestForm, shown_fields: set[str]) -> list[tuple[str, str]]:
    """(name, value) hidden inputs that keep the fields of the closed steps."""
    out: list[tuple[str, str]] = []
    for item in form:
        if item.name in NOT_CARRIED or item.name in shown_fields:
            continue
        if item.type == "BooleanField":
            out += [(item.name, "y")] if item.data else []
        elif item.type in ("MultiCheckboxField", "SelectMultipleField"):
            out += [(item.name, str(value)) for value in item.data or []]
        elif item.type == "SelectField":
            out.append((item.name, "" if item.data is None else str(item.data)))
        else:
            out.append((item.name, item._value()))
    return out


def check_everything(form: forms.ContestForm) -> list[FieldError]:
    """Form validation and the service's launch checks together; service problems go next to the field
    they belong to unless that field already shows the form's own error. Returns the problems no field owns."""
    form.validate()
    already = {item.name for item in form if item.errors}
    try:
        problems = contest_preview.launch_problems(principal(), form.contest_in())
    except InvalidInput as error:
        problems = error.errors
    except Forbidden as error:
        problems = [FieldError("sites", error.detail)]
    aliases = form.aliases(problems)
    fresh = [p for p in problems if aliases.get(p.field) not in already]
    return place_errors(form, fresh, aliases)


def build_steps(form: forms.ContestForm) -> list[Step]:
    return [Step(key, str(forms.STEP_LABELS[key]), fields, sum(len(form[f].errors) for f in fields))
            for key, fields in form.steps()]


def page(form: forms.ContestForm, kind: str, shown: list[str], general: list[FieldError] | None = None,
         review: bool = False) -> WizardPage:
    steps = build_steps(form)
    fields = {f for step in steps if step.key in shown for f in step.fields}
    result = WizardPage(kind, steps, shown, shown[0], carried(form, fields), general or [])
    if review:
        result.summary = [(step.key, str(form[f].label.text), error) for step in steps for f in step.fields
                          for error in form[f].errors]
    return result


def render(form: forms.ContestForm, wizard: WizardPage, status: int = 200) -> tuple[str, int]:
    form.step.data = wizard.current
    products = all_products()
    return render_template("console/contest_new.html", form=form, kind=wizard.kind, wizard=wizard,
                           products=products, timezones=COMMON_TIMEZONES), status


def run(kind: str, method: str) -> Response | tuple[str, int]:
    """GET shows the first step; POST moves between steps, previews or launches."""
    sites = visible_sites(principal())  # the sites the lead or admin manages
    form = forms.wizard_form(kind, current_app.config["KPIS"], [(s.key, s.name) for s in sites],
                             wizard_defaults(kind, sites))
    if form is None:
        abort(404)
    keys = [key for key, _fields in form.steps()]
    if method == "GET":
        return render(form, page(form, kind, [keys[0]]))
    general = check_everything(form)
    steps = build_steps(form)
    failing = [step.key for step in steps if step.errors]
    current = form.step.data if form.step.data in keys else keys[0]
    # A post that names no step launches, as the one-page wizard did (a browser always sends its button).
    # Asking for the last step is asking for the preview, wherever the lead is: it checks every step.
    target = "launch" if form.launch.data else "preview" if form.preview.data or form.go.data == keys[-1] else (
        form.go.data if form.go.data in keys else "launch")
    if target in ("launch", "preview"):
        if failing or general:
            return render(form, page(form, kind, failing or [current], general, review=True), 422)
        return launch(form, kind) if target == "launch" else preview(form, kind)
    blocking = [key for key in failing if keys.index(current) <= keys.index(key) < keys.index(target)]
    if blocking:  # moving on past a step in error stops at that step
        return render(form, page(form, kind, [blocking[0]]), 422)
    for name in dict(form.steps())[target]:
        form[name].errors = []  # a step just opened shows its problems once it is submitted
    return render(form, page(form, kind, [target]))


def preview(form: forms.ContestForm, kind: str) -> tuple[str, int]:
    wizard = page(form, kind, ["preview"])
    data = form.contest_in()
    try:
        if kind == "league":
            wizard.preview = contest_preview.preview_league(principal(), data)
        else:
            wizard.board = contest_preview.preview_board(principal(), data)
    except InvalidInput as error:  # the checks above already passed; kept for a race with a roster change
        wizard.general = translated(error.errors)
        return render(form, wizard, 422)
    return render(form, wizard)


def launch(form: forms.ContestForm, kind: str) -> Response | tuple[str, int]:
    try:
        contest = contests.create_contest(principal(), form.contest_in())
    except (InvalidInput, Forbidden) as error:
        general = place_errors(form, error.errors, form.aliases(error.errors))
        return render(form, page(form, kind, [s.key for s in build_steps(form) if s.errors] or ["basics"],
                                 general, review=True), 422)
    flash(_("The contest “%(name)s” is launched.", name=contest.name), "success")
    return redirect(url_for("console_contests.detail", contest_id=contest.id))
