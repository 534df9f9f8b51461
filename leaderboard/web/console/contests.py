"""Console contest wizard and contest pages."""
from flask import Blueprint, render_template

from leaderboard.web.console.common import LEADS
from leaderboard.web.signin import roles_required

bp = Blueprint("console_contests", __name__, url_prefix="/console/contests")


@bp.get("/")
@roles_required(*LEADS)
def index():
    return render_template("console/placeholder.html", title="Contests")


@bp.get("/new/<kind>")
@roles_required(*LEADS)
def new(kind: str):
    return render_template("console/placeholder.html", title=kind)


@bp.get("/<int:contest_id>")
@roles_required(*LEADS)
def detail(contest_id: int):
    return render_template("console/placeholder.html", title=str(contest_id))
