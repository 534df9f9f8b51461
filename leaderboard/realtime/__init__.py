"""Live updates over Socket.IO: binding the server to the app."""
from __future__ import annotations

from flask import Flask

from leaderboard.extensions import socketio


def init_app(app: Flask) -> None:
    queue = app.config["REALTIME_MESSAGE_QUEUE"] or None
    socketio.init_app(app, async_mode=app.config["REALTIME_ASYNC_MODE"], message_queue=queue,
                      cors_allowed_origins=app.config["REALTIME_ALLOWED_ORIGINS"] or None)
