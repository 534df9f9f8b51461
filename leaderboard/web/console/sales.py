"""Console sales log: search, filter and cancel sales."""
from flask import Blueprint, render_template

from leaderboard.web.console.common import LEADS
from leaderboard.web.signin import roles_required

bp = Blueprint("console_sales", __name__, url_prefix="/console/sales")


@bp.get("/")
@roles_required(*LEADS)
def index():
    return render_template("console/placeholder.html", title="Sales")
