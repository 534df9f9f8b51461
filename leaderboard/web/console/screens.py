"""Console screens and channels: pair TVs, edit slides."""
from flask import Blueprint, render_template

from leaderboard.web.console.common import LEADS
from leaderboard.web.signin import roles_required

bp = Blueprint("console_screens", __name__, url_prefix="/console/screens")


@bp.get("/")
@roles_required(*LEADS)
def index():
    return render_template("console/placeholder.html", title="Screens")
