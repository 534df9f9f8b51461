"""Console audit log viewer: who did what to which object, when, and what changed, as text lines.

Admins see every entry. Leads see entries about objects of their sites: the site itself, its teams
and agents (by where they are now), cancellations of its sales and contests that include it.
Times and the date filters are in one time zone per view: the lead's first site's (admins: UTC); both
ends of the date range are inclusive. The stored before/after states stay available as JSON on demand.
"""
from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms import DateField, Form, SelectField, StringField
from wtforms.validators import Length, ValidationError
from wtforms.validators import Optional as Blank

from leaderboard.domain.audit_diff import changes
from leaderboard.services.boards import console_queries as queries
from leaderboard.web.console.common import principal
from leaderboard.web.labels import label

bp = Blueprint("console_audit", __name__, url_prefix="/console/audit")
FILTERS = ("actor", "action", "object_type", "object_key", "date_from", "date_to")


class AuditFilterForm(Form):
    actor = StringField(_l("Person"), validators=[Length(max=254)])
    action = SelectField(_l("Action"), choices=[])
    object_type = SelectField(_l("Object type"), choices=[])
    object_key = StringField(_l("Object key"), validators=[Length(max=128)])
    date_from = DateField(_l("From"), validators=[Blank()])
    date_to = DateField(_l("To (inclusive)"), validators=[Blank()])

    def validate_date_to(self, field: DateField) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_("must not be before the start date"))


def compact(value: dict[str, Any] | None) -> str:
    """A state as one short line of JSON (escaped by the template like any other text)."""
    if value is None:
        return ""
    return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False, default=str)


def options(known: list[str], chosen: str | None, group: str) -> list[tuple[str, str]]:
    """A filter's choices: every known value with its translated word (the chosen one kept even if unknown)."""
    values = set(known) | ({chosen} if chosen else set())
    return [("", _("all")), *sorted(((v, label(v, group)) for v in values), key=lambda pair: pair[1].lower())]


@bp.get("/")
def index():
    actor = principal()
    args = {k: v for k, v in request.args.items() if k in FILTERS and v != ""}
    form = AuditFilterForm(MultiDict({k: request.args.get(k, "") for k in FILTERS}))
    form.action.choices = options(queries.audit_actions(actor), form.action.data, "action")
    form.object_type.choices = options(queries.audit_object_types(actor), form.object_type.data, "object")
    zone = queries.view_timezone(actor)
    page = None
    if form.validate():
        query = queries.AuditQuery(actor=form.actor.data or None, action=form.action.data or None,
                                   object_type=form.object_type.data or None,
                                   object_key=form.object_key.data or None,
                                   date_from=form.date_from.data, date_to=form.date_to.data, timezone=zone)
        page = queries.search_audit(actor, query, request.args.get("page", 1, type=int))
    diffs = {entry.id: changes(entry.before, entry.after) for entry in (page.items if page else [])}
    return render_template("console/audit.html", form=form, page=page, args=args, compact=compact, zone=zone,
                           diffs=diffs, is_admin=actor.role == "admin"), (200 if page is not None else 422)
