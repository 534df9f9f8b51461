"""Browser sign-in: Flask-Login identities for leads/admins (password) and agents (personal link)."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from flask_login import UserMixin, current_user

from leaderboard.extensions import login_manager
from leaderboard.services.access.auth import Principal, agent_principal, console_user, live_agent_link, principal_for

USER_PREFIX, LINK_PREFIX = "u:", "a:"
REMEMBER_FOR = timedelta(days=30)


class SignedIn(UserMixin):
    """Who the browser session belongs to; `principal` is what services check."""

    def __init__(self, ident: str, principal: Principal, display_name: str):
        self.ident = ident
        self.principal = principal
        self.display_name = display_name

    def get_id(self) -> str:
        return self.ident

    @property
    def role(self) -> str:
        return self.principal.role


def signed_in_user(user: Any) -> SignedIn:
    """The session of a user as services.access.auth returns it (user_by_email, console_user)."""
    return SignedIn(f"{USER_PREFIX}{user.id}", principal_for(user.email, user.role, user), user.email)


def signed_in_agent(link: Any) -> SignedIn:
    """The session of an agent link as services.access.auth returns it (agent_link_for_token, live_agent_link)."""
    return SignedIn(f"{LINK_PREFIX}{link.id}", agent_principal(link), link.agent.name)


def load_identity(ident: str) -> SignedIn | None:
    if ident.startswith(USER_PREFIX) and ident[2:].isdigit():
        user = console_user(int(ident[2:]))
        return signed_in_user(user) if user is not None else None
    if ident.startswith(LINK_PREFIX) and ident[2:].isdigit():
        link = live_agent_link(int(ident[2:]))
        # A revoked link ends the session at its next request.
        return signed_in_agent(link) if link is not None else None
    return None


def session_principal() -> Principal | None:
    return current_user.principal if current_user.is_authenticated else None


class SessionCookies(SecureCookieSessionInterface):
    """Session cookies are HttpOnly and SameSite=Lax always, and Secure whenever served over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure


def init_app(app: Flask) -> None:
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["REMEMBER_COOKIE_HTTPONLY"] = True
    app.config["REMEMBER_COOKIE_SAMESITE"] = "Lax"
    # The phone page remembers its agent for at most 30 days, and only over HTTPS.
    app.config["REMEMBER_COOKIE_DURATION"] = REMEMBER_FOR
    app.config["REMEMBER_COOKIE_SECURE"] = True
    app.session_interface = SessionCookies()
    login_manager.init_app(app)
    login_manager.user_loader(load_identity)
    login_manager.login_view = "console.login"
