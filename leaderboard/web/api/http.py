"""Shared HTTP plumbing for the API: bearer auth, strict JSON parsing, path checks and problem+json answers."""
from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, g, jsonify, request
from flask.json.provider import DefaultJSONProvider
from pydantic import BaseModel, ValidationError
from werkzeug.routing import IntegerConverter

from leaderboard.schemas import MAX_DB_INT, TEXT_CONTROL_CHARACTERS, field_errors, path_id_pattern
from leaderboard.services.access.auth import Principal, principal_for_token
from leaderboard.services.core.errors import FieldError, ServiceError

M = TypeVar("M", bound=BaseModel)


class HttpProblem(ServiceError):
    """A request-level problem (content type, JSON syntax, body shape)."""

    def __init__(self, status: int, title: str, detail: str, errors: list[FieldError] | None = None):
        super().__init__(detail, errors)
        self.status, self.title = status, title


def problem(status: int, title: str, detail: str = "", errors: list[FieldError] | None = None,
            **extra: Any):
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = [e.as_dict() for e in errors]
    body.update(extra)
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def current_principal() -> Principal:
    return g.principal


def requires(*roles: str) -> Callable:
    """Bearer-token auth: no or unknown token → 401, a role not listed → 403."""
    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any):
            scheme, _, token = request.headers.get("Authorization", "").partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                return _unauthorized("missing bearer token")
            principal = principal_for_token(token.strip())
            if principal is None:
                return _unauthorized("unknown or revoked token")
            if principal.role not in roles:
                return problem(403, "Forbidden", f"role {principal.role!r} may not do this")
            g.principal = principal
            return view(*args, **kwargs)
        return wrapped
    return decorate


def _unauthorized(detail: str):
    response = problem(401, "Unauthorized", detail)
    response.headers["WWW-Authenticate"] = 'Bearer realm="leaderboard"'
    return response


def json_body() -> Any:
    """The parsed JSON body; 415 for another content type, 400 for malformed or refused JSON."""
    if not request.is_json:
        raise HttpProblem(415, "Unsupported media type", "send Content-Type: application/json")
    try:
        return current_app.json.loads(request.get_data(cache=True))
    except RefusedJSON as exc:
        raise HttpProblem(400, "Malformed JSON", str(exc)) from None
    except ValueError:
        raise HttpProblem(400, "Malformed JSON", "the body is not valid JSON") from None


def parse(schema: type[M], data: Any) -> M:
    if not isinstance(data, dict):
        raise HttpProblem(422, "Invalid input", "the body must be a JSON object",
                          [FieldError("body", "must be a JSON object")])
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        raise HttpProblem(422, "Invalid input", "the body has invalid fields",
                          [FieldError(f, m) for f, m in field_errors(exc)]) from exc


MAX_JSON_DEPTH = 32
_CONTROL = re.compile(f"[{TEXT_CONTROL_CHARACTERS}]")


class RefusedJSON(ValueError):
    """Well-formed JSON the API refuses: duplicate keys, deep nesting, NaN, huge numbers, control characters."""


def strict_loads(text: str | bytes) -> Any:
    """json.loads that refuses what json.loads lets through silently (every refusal says where)."""
    try:
        value = json.loads(text, object_pairs_hook=_object_without_duplicates, parse_constant=_refuse_constant,
                           parse_float=_finite_float)
    except RecursionError:
        raise RefusedJSON(f"nested deeper than {MAX_JSON_DEPTH} levels") from None
    _check_nesting_and_strings(value)
    return value


def _object_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json.loads keeps the last of duplicate keys: "quantity": -5 would hide behind "quantity": 2.
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise RefusedJSON(f"duplicate key {key!r}")
        obj[key] = value
    return obj


def _refuse_constant(name: str) -> Any:
    raise RefusedJSON(f"{name} is not a JSON number")


def _finite_float(literal: str) -> float:
    number = float(literal)
    if not math.isfinite(number):
        raise RefusedJSON(f"the number {literal[:20]} is too large")
    return number


def _check_nesting_and_strings(value: Any) -> None:
    """Walk the document without recursion: depth at most MAX_JSON_DEPTH, no control characters."""
    pending: list[tuple[Any, str, int]] = [(value, "body", 1)]
    while pending:
        item, path, depth = pending.pop()
        if isinstance(item, (dict, list)) and depth > MAX_JSON_DEPTH:
            raise RefusedJSON(f"nested deeper than {MAX_JSON_DEPTH} levels at {path}")
        if isinstance(item, dict):
            for key, child in item.items():
                _check_text(key, f"{path} key {key!r}")
                pending.append((child, f"{path}.{key}", depth + 1))
        elif isinstance(item, list):
            pending.extend((child, f"{path}[{index}]", depth + 1) for index, child in enumerate(item))
        elif isinstance(item, str):
            _check_text(item, path)


def _check_text(text: str, where: str) -> None:
    if _CONTROL.search(text):
        raise RefusedJSON(f"control characters are not allowed ({where})")


class StrictJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider with strict_loads, so request.get_json() refuses the same inputs everywhere."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return strict_loads(s)


class DatabaseIdConverter(IntegerConverter):
    """`int` path segments that no 32-bit id column can hold match no route (404), not a database error."""

    regex = r"\d{1,10}"

    def __init__(self, url_map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_DB_INT)
        super().__init__(url_map, *args, **kwargs)


def check_path_ids(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Ids in the path follow the same pattern as the body fields they name (422 otherwise)."""
    for name, value in (values or {}).items():
        if isinstance(value, str) and not re.fullmatch(path_id_pattern(name), value):
            raise HttpProblem(422, "Invalid input", f"the {name} in the path is not valid",
                              [FieldError(f"path.{name}", f"must match {path_id_pattern(name)}")])


def check_query_text() -> None:
    """Query parameters reach SQL as text: no NUL or other control characters."""
    for name, value in request.args.items(multi=True):
        if _CONTROL.search(name) or _CONTROL.search(value):
            raise HttpProblem(400, "Bad query", f"the query parameter {name!r} contains control characters",
                              [FieldError(name, "must not contain control characters")])
