"""Shared HTTP plumbing for the API: bearer auth, JSON parsing and problem+json answers."""
from __future__ import annotations

from functools import wraps
from typing import Any, Callable, Optional, TypeVar

from flask import g, jsonify, request
from pydantic import BaseModel, ValidationError

from leaderboard.schemas import field_errors
from leaderboard.services.auth import Principal, principal_for_token
from leaderboard.services.errors import FieldError, ServiceError

M = TypeVar("M", bound=BaseModel)


class HttpProblem(ServiceError):
    """A request-level problem (content type, JSON syntax, body shape)."""

    def __init__(self, status: int, title: str, detail: str, errors: Optional[list[FieldError]] = None):
        super().__init__(detail, errors)
        self.status, self.title = status, title


def problem(status: int, title: str, detail: str = "", errors: Optional[list[FieldError]] = None,
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
        wrapped.required_roles = roles  # read by the OpenAPI generator
        return wrapped
    return decorate


def _unauthorized(detail: str):
    response = problem(401, "Unauthorized", detail)
    response.headers["WWW-Authenticate"] = 'Bearer realm="leaderboard"'
    return response


def json_body() -> Any:
    """The parsed JSON body; 415 for another content type, 400 for malformed JSON."""
    if not request.is_json:
        raise HttpProblem(415, "Unsupported media type", "send Content-Type: application/json")
    data = request.get_json(silent=True)
    if data is None and request.get_data(cache=True).strip() != b"null":
        raise HttpProblem(400, "Malformed JSON", "the body is not valid JSON")
    return data


def parse(schema: type[M], data: Any) -> M:
    if not isinstance(data, dict):
        raise HttpProblem(422, "Invalid input", "the body must be a JSON object",
                          [FieldError("body", "must be a JSON object")])
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        raise HttpProblem(422, "Invalid input", "the body has invalid fields",
                          [FieldError(f, m) for f, m in field_errors(exc)])
