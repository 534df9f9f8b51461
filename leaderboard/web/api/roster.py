"""Roster resources: idempotent PUT upserts, collection and item GETs, CSV import."""
from __future__ import annotations

import csv
import re
from collections.abc import Callable
from typing import Any

from flask import Blueprint, request

from leaderboard.schemas import TEXT_CONTROL_CHARACTERS, AgentIn, ProductIn, SiteIn, TeamIn
from leaderboard.services.access import policy as access
from leaderboard.services.roster import people as roster
from leaderboard.services.roster import personal_data
from leaderboard.services.roster import queries as roster_queries
from leaderboard.web.api.http import HttpProblem, current_principal, json_body, parse, problem

bp = Blueprint("roster", __name__)
CSV_CONTROL_CHARACTERS = re.compile(f"[{TEXT_CONTROL_CHARACTERS}]")


def _saved(row_and_result: tuple[Any, str], state: Callable[[Any], dict]):
    row, result = row_and_result
    return state(row), (201 if result == roster.CREATED else 200)


@bp.put("/sites/<key>")
def put_site(key: str):
    return _saved(roster.upsert_site(current_principal(), key, parse(SiteIn, json_body())), roster.site_state)


@bp.put("/teams/<key>")
def put_team(key: str):
    return _saved(roster.upsert_team(current_principal(), key, parse(TeamIn, json_body())), roster.team_state)


@bp.put("/agents/<key>")
def put_agent(key: str):
    return _saved(roster.upsert_agent(current_principal(), key, parse(AgentIn, json_body())), roster.agent_state)


@bp.put("/products/<code>")
def put_product(code: str):
    data = parse(ProductIn, json_body())
    return _saved(roster.upsert_product(current_principal(), code, data), roster.product_state)


@bp.get("/<any(sites, teams, agents, products):collection>")
def list_collection(collection: str):
    sites = access.visible_site_ids(current_principal(), "roster.read")
    return {"items": roster_queries.collection_items(collection, sites)}


@bp.get("/<any(sites, teams, agents, products):collection>/<key>")
def get_item(collection: str, key: str):
    item = roster_queries.collection_item(collection, key)
    if item is None:
        return problem(404, "Not found", f"no {collection[:-1]} {key!r}")
    if collection == "agents":
        personal_data.record_view(current_principal(), key, "details")
    return item


@bp.post("/roster/import")
def import_roster():
    if request.mimetype != "text/csv":
        raise HttpProblem(415, "Unsupported media type", "send the roster as Content-Type: text/csv")
    try:
        text = request.get_data().decode("utf-8")
    except UnicodeDecodeError:
        raise HttpProblem(400, "Bad encoding", "the CSV must be UTF-8") from None
    if CSV_CONTROL_CHARACTERS.search(text):
        raise HttpProblem(400, "Bad CSV", "the CSV must not contain control characters such as NUL")
    try:
        report = roster.import_roster_csv(current_principal(), text)
    except csv.Error as exc:  # e.g. a lone carriage return inside an unquoted field
        raise HttpProblem(400, "Bad CSV", f"the CSV cannot be read: {exc}") from None
    return {"results": [row.as_dict() for row in report]}
