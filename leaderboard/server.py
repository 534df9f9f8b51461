"""Running the server process, optionally with the demo sales simulator beside it."""
from __future__ import annotations

from typing import Optional, Sequence

import click
from flask import Flask

from leaderboard.extensions import socketio
from leaderboard.services import simulator


def run_server(app: Flask, host: Optional[str], port: Optional[int], simulate: bool = False,
               banner: Sequence[str] = ()) -> None:
    host = host or app.config["SERVER_HOST"]
    port = port or app.config["SERVER_PORT"]
    if simulate:
        socketio.start_background_task(simulator.run, app)
    base = f"http://{'localhost' if host in ('0.0.0.0', '127.0.0.1') else host}:{port}"
    for line in banner:
        click.echo(line)
    click.echo(f"serving on {base}  (health: {base}/api/v1/health, API: {base}/api/v1/openapi.json)")
    socketio.run(app, host=host, port=port, use_reloader=False, log_output=False,
                 allow_unsafe_werkzeug=True)
