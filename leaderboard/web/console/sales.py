"""Console sales log: search, filter and cancel sales of the lead's sites.

The log is read in one time zone per view: the lead's (their first site's, by key; admins: UTC), or the
one chosen in the "Time zone" filter. Rows are sorted by instant, newest first, and each row also shows
the time at the sale's own site. Date filters are calendar days in the view's time zone; both ends are
inclusive.
The status filter matches the status column, which is the sale's status as sale_view computes it:
a late cancellation changes no confirmed result, so such a sale stays "confirmed" (or "pending")
and is flagged; "late-cancelled" selects exactly those sales.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import DateField, Form, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length, ValidationError
from wtforms.validators import Optional as Blank

from leaderboard.extensions import db
from leaderboard.schemas import CancelIn
from leaderboard.services.boards import console_queries as queries
from leaderboard.services.core.clock import utcnow
from leaderboard.services.core.errors import Forbidden, NotFound, ServiceError
from leaderboard.services.roster.queries import all_products
from leaderboard.services.sales import ingest as sales
from leaderboard.web import labels
from leaderboard.web.console.common import apply_errors, principal
from leaderboard.web.i18n import zone_name

bp = Blueprint("console_sales", __name__, url_prefix="/console/sales")
FILTERS = ("site", "agent", "product", "status", "date_from", "date_to", "tz")


class FilterForm(Form):
    site = SelectField(_l("Site"), choices=[])
    agent = StringField(_l("Agent key"), validators=[Length(max=64)])
    product = SelectField(_l("Product"), choices=[])
    status = SelectField(_l("Status"), choices=[])
    date_from = DateField(_l("From"), validators=[Blank()])
    date_to = DateField(_l("To (inclusive)"), validators=[Blank()])
    tz = SelectField(_l("Time zone"), choices=[])

    def validate_date_to(self, field: DateField) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_("must not be before the start date"))


class CancelForm(FlaskForm):
    sale_id = HiddenField(validators=[DataRequired()])
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=1000)])


def _filter_form() -> FilterForm:
    form = FilterForm(MultiDict({k: request.args.get(k, "") for k in FILTERS}))
    every = [("", _("all"))]
    form.site.choices = every + [(s.key, s.name) for s in queries.visible_sites(principal())]
    form.product.choices = every + [(p.code, f"{p.code} – {p.name}") for p in all_products()]
    form.status.choices = every + labels.choices("sale_status")
    zones = sorted({s.timezone for s in queries.visible_sites(principal())} | {"UTC"})
    form.tz.choices = [(zone, zone_name(zone)) for zone in zones]
    if not form.tz.data:
        form.tz.data = queries.view_timezone(principal())
    return form


def _filter_args() -> dict[str, str]:
    """The current filters and page, to carry through links and the cancel forms."""
    return {k: v for k, v in request.args.items() if (k in FILTERS or k == "page") and v != ""}


def _render(cancel_form: CancelForm | None = None, status: int = 200):
    form = _filter_form()
    valid = form.validate()
    page = None
    rows: list[dict[str, Any]] = []
    if valid:
        query = queries.SaleQuery(site=form.site.data or None, agent=(form.agent.data or "").strip() or None,
                                  product=form.product.data or None, status=form.status.data or None,
                                  date_from=form.date_from.data, date_to=form.date_to.data,
                                  timezone=form.tz.data)
        now = utcnow()
        page = queries.search_sales(principal(), query, request.args.get("page", 1, type=int), now=now)
        rows = [{"sale": sale, "cancellation": cancellation, "view": sales.sale_view(sale, cancellation, now)}
                for sale, cancellation in page.items]
    args = {k: v for k, v in _filter_args().items() if k != "page"}
    return render_template("console/sales.html", form=form, page=page, rows=rows, args=args,
                           here=_filter_args(), cancel_form=cancel_form or CancelForm(formdata=None),
                           zone=form.tz.data), (status if valid else 422)


@bp.get("/")
def index():
    return _render()


@bp.post("/cancel")
def cancel():
    form = CancelForm()
    if not form.validate_on_submit():
        return _render(form, 422)
    sale_id = form.sale_id.data
    if not queries.sale_exists(sale_id):
        abort(404)
    try:
        _view, recorded = sales.cancel_sale(principal(), sale_id, CancelIn(reason=form.reason.data.strip()))
    except Forbidden:
        db.session.rollback()
        abort(403)
    except NotFound:
        abort(404)
    except ServiceError as exc:
        db.session.rollback()
        apply_errors(form, exc)
        return _render(form, 422)
    if recorded:
        flash(_("Sale %(id)s cancelled.", id=sale_id))
    else:
        flash(_("Sale %(id)s was already cancelled.", id=sale_id), "warning")
    return redirect(url_for(".index", **_filter_args()))
