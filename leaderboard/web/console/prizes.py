"""Console instant prizes: the wins at the lead's sites, filtered by status, and the hand-over button."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from leaderboard.services.access import policy
from leaderboard.services.boards import console_queries as queries
from leaderboard.services.core.errors import Conflict, Forbidden, NotFound
from leaderboard.services.prizes import offers, wins
from leaderboard.web import labels
from leaderboard.web.console.common import principal
from leaderboard.web.prize_text import when_text

bp = Blueprint("console_prizes", __name__, url_prefix="/console/prizes")


class HandOverForm(FlaskForm):
    """No fields: the CSRF token is the whole form."""


@bp.get("/")
def index():
    status = request.args.get("status") or None
    if status is not None and status not in wins.STATUSES:
        status = None
    site_ids = policy.visible_site_ids(principal(), "prize.hand_over")
    rows = wins.wins_at_sites(site_ids, status)
    stock = [(offer, when_text(offer.when)) for offer in offers.on_offer(site_ids)]
    return render_template("console/prizes.html", rows=rows, status=status, form=HandOverForm(), stock=stock,
                           statuses=labels.choices("prize_status"), zone=queries.view_timezone(principal()))


@bp.post("/<win_id>/hand-over")
def hand_over(win_id: str):
    back = url_for("console_prizes.index", status=request.args.get("status") or None)
    if not HandOverForm().validate_on_submit():
        abort(400)
    try:
        row = wins.hand_over(principal(), win_id)
    except NotFound:
        abort(404)
    except Forbidden:
        abort(403)
    except Conflict:
        flash(_("This prize was revoked: its sale was cancelled in the clawback window."), "error")
        return redirect(back)
    flash(_("%(prize)s handed over to %(name)s.", prize=row.prize, name=row.agent_name))
    return redirect(back)
