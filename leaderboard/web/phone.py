"""The agents' phone page (/me): personal-link sign-in, my standing everywhere, live without reloads."""
from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from leaderboard.services.access.auth import agent_link_for_token
from leaderboard.services.boards import agent_view
from leaderboard.services.contests import consent as contests_consent
from leaderboard.services.core.errors import ServiceError
from leaderboard.services.earnings import bonuses as earnings
from leaderboard.services.roster.people import agent_by_key
from leaderboard.web import phone_prizes
from leaderboard.web.phone_data import phone_snapshot
from leaderboard.web.signin import signed_in_agent

bp = Blueprint("phone", __name__)
ICON_SIZES = (192, 512)


def token_colour(name: str) -> str:
    """A colour of the design tokens (tokens.css), so the installed app's bars match the screens."""
    return _token_colour(str(current_app.static_folder), name)


@cache
def _token_colour(static_folder: str, name: str) -> str:
    tokens = Path(static_folder) / "css" / "tokens.css"
    found = re.search(rf"--{re.escape(name)}:\s*(#[0-9a-fA-F]{{6}})", tokens.read_text(encoding="utf-8"))
    if found is None:
        raise LookupError(f"no colour --{name} in {tokens}")
    return found.group(1)


@bp.app_context_processor
def theme() -> dict[str, str]:
    return {"theme_color": token_colour("bg")}


def _agent_id() -> int | None:
    if current_user.is_authenticated and current_user.role == "agent":
        return current_user.principal.agent_id
    return None


@bp.get("/me/link/<token>")
def personal_link(token: str):
    link = agent_link_for_token(token)
    if link is None:
        return render_template("phone/no_link.html", expired=True), 404
    logout_user()
    login_user(signed_in_agent(link), remember=True)
    return redirect(url_for("phone.me"))


@bp.get("/me")
def me():
    agent_id = _agent_id()
    if agent_id is None:
        return render_template("phone/no_link.html", expired=False)
    view = agent_view.overview(agent_id)
    return render_template("phone/me.html", view=view, phone=phone_snapshot(view),
                           contest_ids=[card["contest"]["id"] for card in view["contests"]],
                           prizes=phone_prizes.for_agent(agent_id))


@bp.get("/me/manifest.webmanifest")
def manifest() -> Response:
    """The installable web app: an agent adds their standing to the home screen (public, as browsers fetch it)."""
    icons = [{"src": url_for("static", filename=f"icons/app-{size}.png"), "sizes": f"{size}x{size}",
              "type": "image/png", "purpose": "any"} for size in ICON_SIZES]
    icons.append({"src": url_for("static", filename="icons/app-maskable-512.png"), "sizes": "512x512",
                  "type": "image/png", "purpose": "maskable"})
    response = jsonify({"name": _("My standing") + " · leaderboard", "short_name": _("My standing"),
                        "start_url": url_for("phone.me"), "scope": url_for("phone.me"), "display": "standalone",
                        "background_color": token_colour("bg"), "theme_color": token_colour("bg"),
                        "lang": str(get_locale() or "en"), "icons": icons})
    response.mimetype = "application/manifest+json"
    return response


@bp.post("/me/charity")
def charity():
    agent_id = _agent_id()
    if agent_id is None:
        abort(401)
    choice = request.form.get("charity") or None
    agent = agent_by_key(agent_view.overview(agent_id)["agent"]["key"])
    try:
        earnings.choose_charity(current_user.principal, agent, choice)
        flash(_("Thank you! Your bonuses now go to %(charity)s.", charity=choice) if choice
              else _("Your bonuses are paid to you again."))
    except ServiceError as exc:
        flash(exc.errors[0].message if exc.errors else exc.detail, "error")
    return redirect(url_for("phone.me"))


@bp.post("/me/contests/<int:contest_id>/consent")
def consent(contest_id: int):
    """An opt-in contest: the agent joins its boards, or leaves them (their sales stay in the log)."""
    if _agent_id() is None:
        abort(401)
    joining = request.form.get("action") == "join"
    try:
        if joining:
            contests_consent.give(current_user.principal, contest_id)
            flash(_("You are on this contest's boards now."))
        else:
            contests_consent.withdraw(current_user.principal, contest_id)
            flash(_("You left this contest's boards. Your sales still count for your earnings."))
    except ServiceError:
        flash(_("This contest cannot be joined or left from here."), "error")
    return redirect(url_for("phone.me"))


@bp.post("/me/signout")
def sign_out():
    logout_user()
    return redirect(url_for("phone.me"))
