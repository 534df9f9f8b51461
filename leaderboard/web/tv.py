"""TV pages: pairing, channel playback, the QR code to the phone page, and vendored browser libraries."""
from __future__ import annotations

import io
from pathlib import Path

import plotly
import segno
from flask import Blueprint, Response, abort, render_template, request, send_file

from leaderboard.config import PROJECT_ROOT
from leaderboard.realtime.events import browser_module
from leaderboard.services.screens.channels import require_channel

bp = Blueprint("tv", __name__)
VENDOR_FILES = {
    "socket.io.min.js": PROJECT_ROOT / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js",
    "plotly.min.js": Path(plotly.__file__).parent / "package_data" / "plotly.min.js",
}


@bp.get("/")
def home():
    return render_template("home.html")


@bp.get("/tv")
def pairing():
    return render_template("tv/pair.html")


@bp.get("/tv/<channel>")
def channel_page(channel: str):
    return render_template("tv/channel.html", channel=require_channel(channel))


@bp.get("/tv/qr.svg")
def phone_qr():
    """QR code of the agents' phone page on this server, for the corner of every TV slide."""
    buffer = io.BytesIO()
    segno.make(request.host_url + "me", error="m").save(buffer, kind="svg", scale=6, border=2, dark="#f4f4f4",
                                                       light=None)
    return Response(buffer.getvalue(), mimetype="image/svg+xml", headers={"Cache-Control": "max-age=3600"})


@bp.get("/live/events.js")
def live_events():
    """The delta events the pages listen to, from the server's one map of change events."""
    return Response(browser_module(), mimetype="text/javascript", headers={"Cache-Control": "max-age=300"})


@bp.get("/vendor/<name>")
def vendor(name: str):
    path = VENDOR_FILES.get(name)
    if path is None or not path.exists():
        abort(404, description=f"{name} is not installed; run `make demo` (it runs npm ci)")
    return send_file(path, mimetype="text/javascript", max_age=86400)
