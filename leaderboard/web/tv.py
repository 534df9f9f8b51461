"""TV pages: pairing, channel playback, the QR code and the page it opens, photos, and vendored browser files."""
from __future__ import annotations

import io
from pathlib import Path

import segno
from flask import Blueprint, Response, abort, jsonify, make_response, render_template, request, send_file
from flask_babel import force_locale

from leaderboard import assets
from leaderboard.realtime.events import browser_module
from leaderboard.services.roster.photos import photo_by_name
from leaderboard.services.screens.channels import require_channel
from leaderboard.web.i18n import LANGUAGES, select_locale
from leaderboard.web.security import allow_same_origin_framing
from leaderboard.web.tv_strings import TV_STRINGS

bp = Blueprint("tv", __name__)
# Vendored browser files (VENDOR_FILES, VENDOR_DIRS) are listed in leaderboard/web/vendor_files.py:
# add entries there, and the route, the checkout and the wheel build all follow.
VENDOR_TYPES = {".js": "text/javascript", ".css": "text/css", ".woff2": "font/woff2", ".woff": "font/woff"}
QR_MODULE_PX = 8


def tv_language(channel_language: str | None) -> str:
    return channel_language if channel_language in LANGUAGES else select_locale()


@bp.get("/")
def home():
    return render_template("home.html")


@bp.get("/tv")
def pairing():
    return render_template("tv/pair.html")


@bp.get("/tv/<channel>")
def channel_page(channel: str):
    found = require_channel(channel)
    language = tv_language(found.language)
    with force_locale(language):
        response = make_response(render_template("tv/channel.html", channel=found, language=language))
    # ?preview=1: the channel editor's live preview frames this page (the console's session signs it in).
    return allow_same_origin_framing(response) if request.args.get("preview") == "1" else response


@bp.get("/tv/strings/<language>.json")
def strings(language: str):
    """The slides' interface strings in one language (the TV asks for its channel's)."""
    if language not in LANGUAGES:
        abort(404)
    with force_locale(language):
        body = {key: str(text) for key, text in TV_STRINGS.items()}
    response = jsonify(body)
    response.headers["Cache-Control"] = "max-age=300"
    return response


@bp.get("/tv/join")
def join():
    """Where the TV's QR code leads: how an agent gets a personal link to their standing."""
    return render_template("tv/join.html")


@bp.get("/tv/qr.svg")
def phone_qr():
    """QR code of the page explaining the agents' personal links, for the corner of every TV slide."""
    buffer = io.BytesIO()
    segno.make(request.host_url + "tv/join", error="m").save(buffer, kind="svg", scale=QR_MODULE_PX, border=2,
                                                              dark="#0b0f17", light="#ffffff")
    return Response(buffer.getvalue(), mimetype="image/svg+xml", headers={"Cache-Control": "max-age=3600"})


@bp.get("/tv/proof-qr/<int:contest_id>.svg")
def proof_qr(contest_id: int):
    """QR code of a lucky draw's proof, shown once the ceremony has revealed every winner."""
    buffer = io.BytesIO()
    segno.make(f"{request.host_url}api/v1/contests/{contest_id}/draw", error="m").save(
        buffer, kind="svg", scale=QR_MODULE_PX, border=2, dark="#0b0f17", light="#ffffff")
    return Response(buffer.getvalue(), mimetype="image/svg+xml", headers={"Cache-Control": "max-age=3600"})


@bp.get("/photos/<name>.jpg")
def photo(name: str):
    """An agent's photo. Its name is unguessable and changes with every upload, so it can be cached for good."""
    found = photo_by_name(name)
    if found is None:
        abort(404)
    return Response(found.content, mimetype=found.content_type,
                    headers={"Cache-Control": "private, max-age=31536000, immutable"})


@bp.get("/live/events.js")
def live_events():
    """The delta events the pages listen to, from the server's one map of change events."""
    return Response(browser_module(), mimetype="text/javascript", headers={"Cache-Control": "max-age=300"})


@bp.get("/vendor/<path:name>")
def vendor(name: str):
    path = assets.vendor_file(name)
    mimetype = VENDOR_TYPES.get(Path(name).suffix)
    if path is None or mimetype is None or not path.is_file():
        abort(404, description=f"{name} is not installed; run `make demo` (it runs npm ci)")
    return send_file(path, mimetype=mimetype, max_age=86400)
