"""One hook before every view enforces the route's access policy (web/route_policies.py): fail closed."""
from __future__ import annotations

from flask import Flask, abort, g, redirect, request, url_for

from leaderboard.domain.access import COLLECTION, PUBLIC, Verdict, decide
from leaderboard.services.access import policy
from leaderboard.services.access.auth import Principal, principal_for_token
from leaderboard.web.api.http import problem
from leaderboard.web.route_policies import ENDPOINTS, OPEN, RoutePolicy
from leaderboard.web.signin import session_principal

__all__ = ["ENDPOINTS", "OPEN", "RoutePolicy", "enforce", "init_app", "policy_for"]


def policy_for(endpoint: str) -> RoutePolicy | None:
    return ENDPOINTS.get(endpoint)


def bearer_principal() -> tuple[Principal | None, str]:
    """The API caller from `Authorization: Bearer`, with why there is none."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None, "missing bearer token"
    principal = principal_for_token(token.strip())
    return principal, ("" if principal is not None else "unknown or revoked token")


def enforce():  # a response or None
    """Before every view: find the route's policy and the caller, and refuse what the policy refuses."""
    endpoint = request.endpoint
    if endpoint is None:
        return None  # no route matched: 404 / 405 follow
    route = policy_for(endpoint)
    api = request.path.startswith("/api/")
    if route is None:
        return _refuse(api, 403, f"the route {endpoint!r} has no access policy")
    if route.action == PUBLIC:
        return None
    if api:
        principal, why = bearer_principal()
        if principal is None:
            return _refuse(api, 401, why)
        g.principal = principal
    else:
        principal = session_principal()
        if principal is None:
            if route.console:
                return redirect(url_for("console.login", next=request.full_path))
            abort(401)
    if route.console and decide("console.enter", policy.caller_of(principal)) is not Verdict.ALLOW:
        return _refuse(api, 403, "the console is for leads and admins")
    resource = route.locate(request.view_args or {}) if route.locate else COLLECTION
    verdict = decide(route.action, policy.caller_of(principal), resource)
    if verdict is Verdict.WRONG_ROLE:
        return _refuse(api, 403, f"role {principal.role!r} may not do this")
    if verdict is Verdict.OUT_OF_SCOPE:
        return _refuse(api, 403, "not one of your sites' (or your own)")
    return None


def _refuse(api: bool, status: int, detail: str):
    if not api:
        abort(status)  # pages show the translated error page; the detail is for API clients
    response = problem(status, "Unauthorized" if status == 401 else "Forbidden", detail)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="leaderboard"'
    return response


def init_app(app: Flask) -> None:
    app.before_request(enforce)
