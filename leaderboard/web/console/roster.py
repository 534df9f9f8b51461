"""Console roster pages: sites, teams, agents, products, CSV import and export."""
from flask import Blueprint, render_template

from leaderboard.web.console.common import LEADS
from leaderboard.web.signin import roles_required

bp = Blueprint("console_roster", __name__, url_prefix="/console/roster")


@bp.get("/")
@roles_required(*LEADS)
def index():
    return render_template("console/placeholder.html", title="Roster")
