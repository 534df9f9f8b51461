"""Console exports: standings and payroll CSV."""
from flask import Blueprint, render_template

from leaderboard.web.console.common import LEADS
from leaderboard.web.signin import roles_required

bp = Blueprint("console_exports", __name__, url_prefix="/console/exports")


@bp.get("/")
@roles_required(*LEADS)
def index():
    return render_template("console/placeholder.html", title="Exports")
