"""Console roster pages: sites, teams, agents, products, CSV import and export, personal links."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import segno
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from pydantic import BaseModel, ValidationError
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Regexp

from leaderboard.extensions import db
from leaderboard.schemas import KEY_PATTERN, AgentIn, ProductIn, SiteIn, TeamIn, field_errors
from leaderboard.services.access import auth
from leaderboard.services.boards import console_queries as queries
from leaderboard.services.core.errors import FieldError, Forbidden, InvalidInput, NotFound, ServiceError
from leaderboard.services.roster import people as roster
from leaderboard.services.roster import personal_data
from leaderboard.services.roster.queries import all_products
from leaderboard.web.console.common import apply_errors, principal

bp = Blueprint("console_roster", __name__, url_prefix="/console/roster")
KEY_MESSAGE = _l("Use letters, digits and _ . : - (at most 64 characters).")


def _key_field(label: Any) -> StringField:
    return StringField(label, validators=[DataRequired(), Regexp(KEY_PATTERN, message=KEY_MESSAGE)])


class AgentForm(FlaskForm):
    key = _key_field(_l("Key"))
    name = StringField(_l("Name"), validators=[DataRequired()])
    site = SelectField(_l("Site"), choices=[])
    team = SelectField(_l("Team"), choices=[])
    fte = StringField(_l("FTE"), default="1")
    active = BooleanField(_l("Active"), default=True)
    # Ticked for colleagues who do not sell: unticked (what older forms post) keeps the agent a seller.
    outside_sales = BooleanField(_l("Outside sales (back office, warehouse, IT): credited with assists, "
                                    "no sales of their own"), default=False)


class TeamForm(FlaskForm):
    key = _key_field(_l("Key"))
    name = StringField(_l("Name"), validators=[DataRequired()])
    site = SelectField(_l("Site"), choices=[])


class SiteForm(FlaskForm):
    key = _key_field(_l("Key"))
    name = StringField(_l("Name"), validators=[DataRequired()])
    timezone = StringField(_l("Timezone"), default="Europe/Paris")


class ProductForm(FlaskForm):
    key = _key_field(_l("Code"))
    name = StringField(_l("Name"), validators=[DataRequired()])
    points = StringField(_l("Points"), default="0")
    bonus = StringField(_l("Bonus"), default="0.00")
    currency = StringField(_l("Currency"), default="USD")
    kind = SelectField(_l("Kind"), choices=[("sale", _l("Sale")), ("save", _l("Retention save"))], default="sale")
    assist_points = StringField(_l("Assist points per unit (empty: half the points)"), default="")


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file (key,name,site,team,fte, optional sells: true/false)"),
                     validators=[FileRequired()])


def _site_choices(form: FlaskForm) -> None:
    form.site.choices = [(s.key, f"{s.name} ({s.key})") for s in queries.visible_sites(principal())]


def _agent_choices(form: AgentForm) -> None:
    _site_choices(form)
    form.team.choices = [("", _("— no team —"))] + [
        (t.key, f"{t.name} ({t.site.key})") for t in queries.visible_teams(principal())]


def _int_or_text(value: str | None) -> Any:
    text = (value or "").strip()
    return int(text) if text.lstrip("-").isdigit() else text


@dataclass(frozen=True)
class Kind:
    """How one roster collection is edited through the generic new/edit views."""

    form: type[FlaskForm]
    schema: type[BaseModel]
    title: Any
    lookup: Callable[[str], Any]
    upsert: Callable[..., Any]
    values: Callable[[Any], dict[str, Any]]
    fill: Callable[[Any, Any], None]
    site_id: Callable[[Any], int | None]
    choices: Callable[[Any], None] = lambda form: None
    admin_only: bool = False


KINDS = {
    "agents": Kind(
        AgentForm, AgentIn, _l("Agent"), roster.agent_by_key, roster.upsert_agent,
        lambda f: {"name": f.name.data, "site": f.site.data, "team": f.team.data or None,
                   "fte": (f.fte.data or "").strip() or "1", "active": bool(f.active.data),
                   "sells": not f.outside_sales.data},
        lambda f, a: f.process(data={"key": a.key, "name": a.name, "site": a.site.key, "active": a.active,
                                     "team": a.team.key if a.team else "", "fte": queries.fte_text(a),
                                     "outside_sales": not a.sells}),
        lambda a: a.site_id, _agent_choices),
    "teams": Kind(
        TeamForm, TeamIn, _l("Team"), roster.team_by_key, roster.upsert_team,
        lambda f: {"name": f.name.data, "site": f.site.data},
        lambda f, t: f.process(data={"key": t.key, "name": t.name, "site": t.site.key}),
        lambda t: t.site_id, _site_choices),
    "sites": Kind(
        SiteForm, SiteIn, _l("Site"), roster.site_by_key, roster.upsert_site,
        lambda f: {"name": f.name.data, "timezone": (f.timezone.data or "").strip()},
        lambda f, s: f.process(data={"key": s.key, "name": s.name, "timezone": s.timezone}),
        lambda s: s.id, admin_only=True),
    "products": Kind(
        ProductForm, ProductIn, _l("Product"), roster.product_by_code, roster.upsert_product,
        lambda f: {"name": f.name.data, "points": _int_or_text(f.points.data),
                   "bonus": (f.bonus.data or "").strip() or "0", "currency": (f.currency.data or "").strip(),
                   "kind": f.kind.data or "sale",
                   "assist_points": _int_or_text(f.assist_points.data) if (f.assist_points.data or "").strip()
                   else None},
        lambda f, p: f.process(data={"key": p.code, "name": p.name, "points": str(p.points),
                                     "bonus": f"{p.bonus:.2f}", "currency": p.currency, "kind": p.kind,
                                     "assist_points": "" if p.assist_points is None else str(p.assist_points)}),
        lambda p: None, admin_only=True),
}
COLLECTIONS = "<any(agents, teams, sites, products):kind>"


def _require(kind: Kind, row: Any) -> None:
    """Admin-only collections and rows of other sites answer 403."""
    actor = principal()
    if kind.admin_only and actor.role != "admin":
        abort(403)
    site_id = kind.site_id(row) if row is not None else None
    if site_id is not None and not actor.can_manage_site(site_id):
        abort(403)


def _service(form: FlaskForm | None, call: Callable[..., Any], *args: Any) -> Any:
    """Run a service call; 403/404 abort, other service errors land next to the form's fields."""
    try:
        return call(*args)
    except Forbidden:
        db.session.rollback()
        abort(403)
    except NotFound:
        db.session.rollback()
        abort(404)
    except ServiceError as exc:
        db.session.rollback()
        if form is None:
            raise
        apply_errors(form, exc, {"header": "file"})
        return None


def _save(kind: Kind, form: FlaskForm, key: str) -> bool:
    try:
        data = kind.schema(**kind.values(form))
    except ValidationError as exc:
        apply_errors(form, InvalidInput("invalid", [FieldError(f, m) for f, m in field_errors(exc)]))
        return False
    return _service(form, kind.upsert, principal(), key, data) is not None


def _edit(kind_name: str, key: str | None):
    kind = KINDS[kind_name]
    row = kind.lookup(key) if key is not None else None
    if key is not None and row is None:
        abort(404)
    _require(kind, row)
    form = kind.form()
    kind.choices(form)
    if row is not None and request.method == "GET":
        kind.fill(form, row)
        if kind_name == "agents" and key is not None:
            personal_data.record_view(principal(), key, "details")
    if key is not None:
        form.key.data = key  # the key names the row; it is not edited here
    existing = kind.lookup(form.key.data) if key is None and form.key.data else row
    if request.method == "POST":
        _require(kind, existing)  # an existing key of another site is refused, whatever the form says
    if form.validate_on_submit():
        if key is None and existing is not None:
            form.key.errors = [*form.key.errors, _("This key is already taken.")]
        elif _save(kind, form, form.key.data):
            flash(_("%(kind)s %(key)s saved.", kind=kind.title, key=form.key.data))
            return redirect(url_for(".index"))
    links = queries.agent_links(row.id) if kind_name == "agents" and row is not None else []
    status = 422 if request.method == "POST" else 200
    return render_template("console/roster_form.html", form=form, kind=kind, kind_name=kind_name, key=key,
                           links=links), status


@bp.get("/")
def index():
    return _index(ImportForm())


def _index(import_form: ImportForm, status: int = 200):
    actor = principal()
    return render_template("console/roster.html", sites=queries.visible_sites(actor),
                           teams=queries.visible_teams(actor), agents=queries.visible_agents(actor),
                           products=all_products(), import_form=import_form,
                           is_admin=actor.role == "admin"), status


@bp.route(f"/{COLLECTIONS}/new", methods=["GET", "POST"])
def new(kind: str):
    return _edit(kind, None)


@bp.route(f"/{COLLECTIONS}/<key>/edit", methods=["GET", "POST"])
def edit(kind: str, key: str):
    return _edit(kind, key)


@bp.post("/import")
def import_csv():
    form = ImportForm()
    if form.validate_on_submit():
        try:
            text = form.file.data.read().decode("utf-8")
        except UnicodeDecodeError:
            form.file.errors = [_("The file must be UTF-8 text.")]
        else:
            report = _service(form, roster.import_roster_csv, principal(), text)
            if report is not None:
                return render_template("console/roster_import.html", report=report,
                                       counts={r: sum(1 for row in report if row.result == r)
                                               for r in ("created", "updated", "unchanged", "invalid")})
    return _index(form, 422)


@bp.get("/agents.csv")
def export_agents():
    return Response(queries.agents_csv(principal()), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=agents.csv"})


@bp.post("/agents/<key>/links")
def issue_link(key: str):
    agent = roster.agent_by_key(key)
    if agent is None:
        abort(404)
    _link, token = _service(None, auth.issue_agent_link, principal(), agent)
    url = request.host_url + "me/link/" + token
    page = render_template("console/roster_link.html", agent=agent, url=url,
                           qr=segno.make(url).svg_data_uri(scale=4))
    # Shown once: never cached, never kept in history by a proxy.
    return Response(page, headers={"Cache-Control": "no-store"})


@bp.post("/links/<int:link_id>/revoke")
def revoke_link(link_id: int):
    link = _service(None, auth.revoke_agent_link, principal(), link_id)
    flash(_("The link was revoked; it no longer signs anyone in."))
    return redirect(url_for(".edit", kind="agents", key=link.agent.key))
