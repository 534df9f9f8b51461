"""Changing a launched contest from its page: the wizard's own rule controls, and raw JSON only as an advanced view.

Both post to the same address; a body with a `rules` text is the JSON view. Rules the controls do not show
(`include_products`, `opt_in`, other overrides of a product) are kept as they were.
"""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from flask import current_app, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError
from wtforms.validators import Optional as Blank

from leaderboard.services.contests import preview as contest_preview
from leaderboard.services.core.errors import FieldError
from leaderboard.web.console import contest_forms as forms
from leaderboard.web.console.common import place_errors
from leaderboard.web.console.rule_controls import rules_data

NOT_EDITED = ("starts_at", "timezone", "sites", "prizes", "step", "go", "preview", "launch")
SHARED_KEYS = ("kinds", "assists", "instant_prizes")
KIND_KEYS = {
    "race": ("products", "score", "normalize", "count_pending", "gate"),
    "lucky_draw": ("products", "tickets_per_sale", "min_points", "one_prize_per_agent", "count_pending", "gate"),
    "league": ("format", "legs", "match_length", "points_per_goal", "normalize", "match_points"),
}
PRODUCT_PART = {"race": "points", "lucky_draw": "tickets"}


class EditForm(FlaskForm):
    """The advanced view: the rules as JSON, validated like the controls."""
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    ends_at = DateTimeLocalField(_l("Ends at"), format=forms.LOCAL_FORMATS, validators=[Blank()])
    rules = TextAreaField(_l("Rules (JSON)"), validators=[DataRequired()])
    save = SubmitField(_l("Save and re-score"))

    def validate_rules(self, field: TextAreaField) -> None:
        try:
            value = json.loads(field.data)
        except ValueError as exc:
            raise ValidationError(_("Not valid JSON: %(error)s", error=str(exc))) from None
        if not isinstance(value, dict):
            raise ValidationError(_("The rules must be a JSON object: {…}."))
        self.parsed_rules = value

    def aliases(self, errors: list[FieldError]) -> dict[str, str]:
        names = {"name": "name", "ends_at": "ends_at"}
        return {p.field: names.get(p.field, "rules" if p.field.startswith("rules") else "") for p in errors}


def json_form(contest: Any, formdata: bool) -> EditForm:
    data = {"name": contest.name, "ends_at": forms.local_input(contest.ends_at, contest.timezone),
            "rules": json.dumps(contest.rules, indent=2, ensure_ascii=False)}
    return EditForm(data=data) if formdata else EditForm(formdata=None, data=data)


def controls_form(contest: Any, formdata: bool) -> forms.ContestForm:
    """The wizard form of the contest's kind, filled from its stored rules, without the launch-only fields."""
    kpis = current_app.config["KPIS"]
    cls = forms.form_class(contest.kind, kpis)
    assert cls is not None  # every stored contest has a known kind
    data = {"name": contest.name, "ends_at": forms.local_input(contest.ends_at, contest.timezone),
            **rules_data(contest.kind, contest.rules, tuple(kpis))}
    form = cls(data=data) if formdata else cls(formdata=None, data=data)
    forms.fill_choices(form, kpis, [])
    for name in NOT_EDITED + (("ends_at",) if contest.kind == "league" else ()):
        del form[name]
    return form


def merged_rules(contest: Any, form: forms.ContestForm) -> dict[str, Any]:
    """The stored rules with what the controls show replaced by the form's values."""
    shown = (*KIND_KEYS[contest.kind], *SHARED_KEYS)
    old = contest.rules
    rules = {key: value for key, value in old.items() if key not in shown}
    rules.update(form.rules())
    part = PRODUCT_PART.get(contest.kind)
    if part and isinstance(old.get("products"), dict):
        products: dict[str, Any] = {}
        for code, spec in old["products"].items():
            kept = {k: v for k, v in spec.items() if k != part} if isinstance(spec, dict) else {}
            if kept:
                products[code] = kept
        for code, spec in (rules.get("products") or {}).items():
            products[code] = {**products.get(code, {}), **spec}
        if products:
            rules["products"] = products
    return rules


def submitted_form(contest: Any) -> EditForm | forms.ContestForm:
    """The form this POST filled: the JSON view when it sent a `rules` text, else the controls."""
    return json_form(contest, formdata=True) if "rules" in request.form else controls_form(contest, formdata=True)


def new_rules(contest: Any, form: EditForm | forms.ContestForm) -> dict[str, Any]:
    return form.parsed_rules if isinstance(form, EditForm) else merged_rules(contest, form)


def check_the_rest(contest: Any, form: EditForm | forms.ContestForm) -> None:
    """For a form that failed its own checks: the service's checks of what could be read, each next to a
    field that shows no error yet, so a change is corrected in one round."""
    rules = new_rules(contest, form) if not isinstance(form, EditForm) else getattr(form, "parsed_rules", None)
    problems = contest_preview.rules_problems(contest.kind, rules) if rules is not None else []
    ends = form.ends_at.data if "ends_at" in form and not form.ends_at.errors else None
    if ends is not None and datetime.fromisoformat(forms.aware(ends, contest.timezone)) <= contest.starts_at:
        problems.append(FieldError("ends_at", "must be after starts_at"))
    already = {item.name for item in form if item.errors}
    aliases = form.aliases(problems)
    place_errors(form, [p for p in problems if aliases.get(p.field) not in already], aliases)
