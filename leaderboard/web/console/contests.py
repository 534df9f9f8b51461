"""Console contest wizard and contest pages."""
from flask import Blueprint, render_template

from leaderboard.web.console.common import LEADS
from leaderboard.web.signin import roles_required

bp = Blueprint("console_contests", __name__, url_prefix="/console/contests")


@bp.get("/")
@roles_required(*LEADS)
def index():
    return render_template("console/placeholder.html", title="Contests")
