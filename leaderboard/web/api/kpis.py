"""Support KPI samples from telephony and quality systems."""
from flask import Blueprint

from leaderboard.schemas import KpiBatchIn
from leaderboard.services.sales import kpis
from leaderboard.web.api.http import current_principal, json_body, parse

bp = Blueprint("kpis", __name__)


@bp.post("/kpis")
def post_kpis():
    stored = kpis.record_samples(current_principal(), parse(KpiBatchIn, json_body()))
    return {"stored": stored}, 201
