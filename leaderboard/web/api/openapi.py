"""The OpenAPI 3 document, generated from the URL map, the route policies and the pydantic request schemas."""
from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, current_app
from pydantic import BaseModel

from leaderboard.domain.access import PUBLIC, roles_for
from leaderboard.schemas import (
    KEY_PATTERN,
    MAX_DB_INT,
    AgentIn,
    CancelIn,
    ChannelIn,
    CharityIn,
    ContestIn,
    ContestPatch,
    DrawIn,
    KpiBatchIn,
    PairIn,
    ProductIn,
    SaleBatchIn,
    SaleIn,
    SiteIn,
    TeamIn,
    path_id_pattern,
)
from leaderboard.schemas_people import GoalIn, KudosIn, PulseAnswerIn, PulseIn
from leaderboard.web.route_policies import ENDPOINTS

bp = Blueprint("openapi", __name__)

# Endpoint → request body schema(s). The same classes validate the requests.
REQUEST_SCHEMAS: dict[str, list[type[BaseModel]]] = {
    "api.roster.put_site": [SiteIn],
    "api.roster.put_team": [TeamIn],
    "api.roster.put_agent": [AgentIn],
    "api.roster.put_product": [ProductIn],
    "api.sales.post_sales": [SaleIn, SaleBatchIn],
    "api.sales.cancel": [CancelIn],
    "api.kpis.post_kpis": [KpiBatchIn],
    "api.contests.create_contest": [ContestIn],
    "api.contests.patch_contest": [ContestPatch],
    "api.earnings.choose_charity": [CharityIn],
    "api.draws.run_draw": [DrawIn],
    "api.screens.pair_screen": [PairIn],
    "api.screens.put_channel": [ChannelIn],
    "api.people.put_goal": [GoalIn],
    "api.people.give_kudos": [KudosIn],
    "api.people.open_pulse": [PulseIn],
    "api.people.answer_pulse": [PulseAnswerIn],
}
CSV_BODIES = {"api.roster.import_roster"}
Schema = dict[str, Any]
WHOLE_NUMBER: Schema = {"type": "integer", "minimum": 0, "maximum": MAX_DB_INT}
BOARD_QUERY: dict[str, Schema] = {"by": {"enum": ["agent", "team", "site"]},
                                  "limit": {"type": "integer", "minimum": 1, "maximum": 500},
               "around": {"type": "string", "pattern": KEY_PATTERN}}
MONTH: dict[str, Schema] = {"month": {"type": "string", "pattern": r"^\d{4}-\d{2}$"}}
# Endpoint → optional query parameters and their schemas.
QUERY_PARAMETERS: dict[str, dict[str, dict[str, Any]]] = {
    "api.contests.contest_standings": BOARD_QUERY,
    "api.contests.calendar_standings": {**BOARD_QUERY, "period": {"enum": ["today", "week", "month"]},
                                        "site": {"type": "string", "pattern": KEY_PATTERN}},
    "api.leagues.matches": {"round": WHOLE_NUMBER},
    "api.earnings.agent_earnings": MONTH,
    "api.earnings.payroll": MONTH,
    "api.draws.list_tickets": {"agent": {"type": "string", "pattern": KEY_PATTERN}},
    "api.prizes.contest_prizes": {"status": {"enum": ["won", "handed_over", "revoked"]}},
    "api.people.list_kudos": {"to": {"type": "string", "pattern": KEY_PATTERN},
                              "value": {"type": "string", "maxLength": 64},
                              "since": {"type": "string", "format": "date-time"}},
    "api.people.kudos_board": {"period": {"enum": ["today", "week", "month"]},
                               "site": {"type": "string", "pattern": KEY_PATTERN}},
}
PROBLEM = {"$ref": "#/components/schemas/Problem"}
# Endpoint → its success statuses besides (or instead of) 200.
SUCCESS: dict[str, dict[str, str]] = {
    "api.roster.put_site": {"200": "Changed or unchanged", "201": "Created"},
    "api.roster.put_team": {"200": "Changed or unchanged", "201": "Created"},
    "api.roster.put_agent": {"200": "Changed or unchanged", "201": "Created"},
    "api.roster.put_product": {"200": "Changed or unchanged", "201": "Created"},
    "api.screens.put_channel": {"200": "Replaced", "201": "Created"},
    "api.sales.post_sales": {"200": "An identical replay, or a batch's per-item report", "201": "Created"},
    "api.sales.cancel": {"200": "Cancelled (or already)", "202": "Recorded before its sale arrived"},
    "api.kpis.post_kpis": {"201": "Stored"},
    "api.contests.create_contest": {"201": "Launched"},
    "api.screens.register_screen": {"201": "Registered: a pairing code and the screen's secret"},
    "api.privacy.give_consent": {"200": "Already given", "201": "Given"},
    "api.privacy.withdraw_consent": {"204": "Withdrawn (or was not given)"},
    "api.photos.delete_photo": {"204": "Removed"},
    "api.health.health": {"200": "Healthy", "503": "The database does not answer"},
    "api.people.put_goal": {"200": "Changed", "201": "Set"},
    "api.people.give_kudos": {"201": "Given"},
    "api.people.open_pulse": {"201": "Opened"},
    "api.people.answer_pulse": {"201": "Answered (anonymously)"},
}
# Endpoint → the conflicts it can answer (409).
CONFLICTS = {"api.sales.post_sales", "api.contests.patch_contest", "api.draws.freeze", "api.draws.run_draw",
             "api.privacy.give_consent", "api.privacy.withdraw_consent", "api.people.answer_pulse"}
LIMITED = {"api.screens.register_screen", "api.screens.pair_screen", "api.people.give_kudos"}


@bp.get("/openapi.json")
def openapi_document():
    return build_document()


def build_document() -> dict[str, Any]:
    schemas: dict[str, Any] = {"Problem": _problem_schema()}
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(current_app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith("/api/v1/"):
            continue
        view = current_app.view_functions[rule.endpoint]
        for path in _expand(rule.rule):
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                paths.setdefault(path, {})[method.lower()] = _operation(rule, view, method, schemas, path)
    return {
        "openapi": "3.1.0",
        "info": {"title": "leaderboard API", "version": "1",
                 "description": "Sales games for contact centres. Errors are RFC 9457 problem+json."},
        "paths": paths,
        "components": {"schemas": schemas,
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }


def _expand(rule: str) -> list[str]:
    """Turn Flask rules into OpenAPI paths; `any(...)` converters become one path per choice."""
    match = re.search(r"<any\(([^)]*)\):(\w+)>", rule)
    if match:
        choices = [c.strip() for c in match.group(1).split(",")]
        return [p for c in choices for p in _expand(rule.replace(match.group(0), c))]
    path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)
    # A product is named by its code everywhere: one path template per resource.
    return [path.replace("/products/{key}", "/products/{code}")]


def _operation(rule, view, method: str, schemas: dict[str, Any], path: str) -> dict[str, Any]:
    doc = (view.__doc__ or rule.endpoint).strip().splitlines()[0]
    converters = {name: kind for kind, name in re.findall(r"<(?:(\w+):)?(\w+)>", rule.rule)}
    params = re.findall(r"{(\w+)}", path)
    query = QUERY_PARAMETERS.get(rule.endpoint, {})
    route = ENDPOINTS.get(rule.endpoint)
    secured = route is not None and route.action != PUBLIC
    operation: dict[str, Any] = {
        "operationId": f"{rule.endpoint}.{method.lower()}",
        "summary": doc,
        "responses": _responses(rule.endpoint, secured, bool(params), bool(query) or rule.endpoint in REQUEST_SCHEMAS
                                or rule.endpoint in CSV_BODIES),
    }
    if params or query:
        operation["parameters"] = [{"name": name, "in": "path", "required": True,
                                    "schema": _path_schema(converters.get(name, "") or "", name)} for name in params]
        operation["parameters"] += [{"name": name, "in": "query", "required": False, "schema": schema}
                                    for name, schema in query.items()]
    if secured and route is not None:
        operation["security"] = [{"bearer": []}]
        operation["description"] = f"Roles: {', '.join(roles_for(route.action))} (policy {route.action})"
    else:
        operation["security"] = []
    if rule.endpoint in REQUEST_SCHEMAS and method != "GET":
        refs = []
        for model in REQUEST_SCHEMAS[rule.endpoint]:
            schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
            schemas.update(schema.pop("$defs", {}))
            schemas[model.__name__] = schema
            refs.append({"$ref": f"#/components/schemas/{model.__name__}"})
        body_schema = refs[0] if len(refs) == 1 else {"oneOf": refs}
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": body_schema}}}
    if rule.endpoint in CSV_BODIES:
        operation["requestBody"] = {"required": True, "content": {"text/csv": {"schema": {"type": "string"}}}}
    return operation


def _responses(endpoint: str, secured: bool, named: bool, has_input: bool) -> dict[str, Any]:
    """Every status the operation answers: its successes, then the problems that apply to it."""
    problem = {"content": {"application/problem+json": {"schema": PROBLEM}}}
    responses: dict[str, Any] = {code: {"description": text}
                                 for code, text in SUCCESS.get(endpoint, {"200": "OK"}).items()}
    wanted = {"400": "Bad request (query or JSON)", "405": "Method not allowed (see Allow)"}
    if secured:
        wanted.update({"401": "No, unknown or revoked token", "403": "Not allowed for this role or site"})
    if named:
        wanted["404"] = "No such resource"
    if endpoint in CONFLICTS:
        wanted["409"] = "Conflicts with the current state"
    if has_input:
        wanted.update({"413": "Body too large", "415": "Wrong content type", "422": "Invalid fields"})
    if endpoint in LIMITED:
        wanted["429"] = "Too many attempts from this address"
    for code, text in sorted(wanted.items()):
        responses[code] = {"description": text, **problem}
    responses["4XX"] = {"description": "Another problem", **problem}
    return responses


def _path_schema(converter: str, name: str) -> dict[str, Any]:
    """Path parameters as the router and check_path_ids accept them."""
    if converter == "int":
        return WHOLE_NUMBER
    return {"type": "string", "pattern": path_id_pattern(name)}


def _problem_schema() -> dict[str, Any]:
    return {"type": "object", "required": ["title", "status"], "properties": {
        "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object", "required": ["field", "message"], "properties": {
            "field": {"type": "string"}, "message": {"type": "string"}}}}}}
