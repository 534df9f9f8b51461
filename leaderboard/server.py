"""Running the server process, optionally with the demo sales simulator beside it."""
from __future__ import annotations

import contextlib
import json
import logging
import socket
from collections.abc import Sequence

import click
import gevent
from flask import Flask
from gevent import pywsgi
from geventwebsocket.handler import WebSocketHandler

from leaderboard import worker
from leaderboard.extensions import socketio
from leaderboard.realtime import run_flusher
from leaderboard.realtime.publisher import PUBLISHER_KEY
from leaderboard.services.core.settings import WorkerSettings
from leaderboard.services.demo import simulator
from leaderboard.web.security import MAX_URL_BYTES

log = logging.getLogger(__name__)


def _problem_response(status: int, reason: str, detail: str) -> bytes:
    """A complete HTTP response carrying an RFC 9457 problem, for refusals made before the app runs."""
    problem = {"type": "about:blank", "title": reason, "status": status, "detail": detail}
    body = json.dumps(problem, separators=(",", ":")).encode()
    head = (f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/problem+json\r\n"
            f"Content-Length: {len(body)}\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n")
    return head.encode("latin-1") + body


# The same detail the app gives URLs just under gevent's limit (leaderboard.web.security).
URI_TOO_LONG = _problem_response(414, "URI Too Long", f"the URL is longer than {MAX_URL_BYTES} bytes")


class PromptHandler(WebSocketHandler):
    """gevent's handler, tuned for many small keep-alive answers and thousands of sockets."""

    def __init__(self, sock, *args, **kwargs):
        # pywsgi writes headers and body separately: without TCP_NODELAY the body waits ~40 ms
        # for the client's delayed ACK on every keep-alive response.
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().__init__(sock, *args, **kwargs)

    def handle_one_request(self):
        # A connection whose next request is already buffered never blocks, so never yields:
        # give the other greenlets (screens, other clients) a turn between requests.
        gevent.sleep(0)
        result = super().handle_one_request()
        # gevent refuses a request line of 8 KB or more itself, before the app could answer
        # with a problem like every other refusal: replace its empty 414 with one.
        if isinstance(result, tuple) and result[0] == "414":
            return "414", URI_TOO_LONG
        return result


def run_server(app: Flask, host: str | None, port: int | None, simulate: bool = False,
               banner: Sequence[str] = ()) -> None:
    host = host or app.config["SERVER_HOST"]
    port = port or app.config["SERVER_PORT"]
    duties = WorkerSettings.from_config(app.config)
    if duties.embedded:  # the one-process default; with `leaderboard worker` beside it, set worker.embedded false
        socketio.start_background_task(worker.run_forever, app, duties, socketio.sleep)
    socketio.start_background_task(run_flusher, app, app.extensions[PUBLISHER_KEY])
    if simulate:
        socketio.start_background_task(simulator.run, app)
    base = f"http://{'localhost' if host in ('0.0.0.0', '127.0.0.1') else host}:{port}"
    for line in banner:
        click.echo(line)
    click.echo(f"serving on {base}  (health: {base}/api/v1/health, API: {base}/api/v1/openapi.json)")
    if app.config["REALTIME_ASYNC_MODE"] == "gevent":
        pywsgi.WSGIServer((host, port), app, handler_class=PromptHandler, log=None).serve_forever()
    else:
        socketio.run(app, host=host, port=port, use_reloader=False, log_output=False, allow_unsafe_werkzeug=True)

