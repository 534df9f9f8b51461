"""Diagnostic launcher: `leaderboard serve` with TCP_NODELAY (and optionally a yield per request); not the product."""
from __future__ import annotations

import contextlib
import os
import socket
import sys

from gevent import monkey

monkey.patch_all()
os.environ.setdefault("LEADERBOARD_REALTIME_ASYNC_MODE", "gevent")

import gevent  # noqa: E402
from gevent import pywsgi  # noqa: E402

_original_init = pywsgi.WSGIHandler.__init__
_original_handle_one_request = pywsgi.WSGIHandler.handle_one_request


def _init_with_nodelay(self, sock, *args, **kwargs):
    # gevent's pywsgi sends the headers and the body in two send() calls; with Nagle on, the body waits for
    # the client's delayed ACK (~40 ms on Linux) on every keep-alive response. The real fix belongs in
    # leaderboard/server.py (run_server); this launcher only shows what it would change.
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    _original_init(self, sock, *args, **kwargs)


def _handle_one_request_fairly(self):
    # A keep-alive greenlet whose next request is already buffered reads it without blocking, so it never
    # yields to the hub: a few connections can monopolise the process. Yield once per request.
    gevent.sleep(0)
    return _original_handle_one_request(self)


pywsgi.WSGIHandler.__init__ = _init_with_nodelay
if os.environ.get("BENCH_SERVER_YIELD") == "1":
    pywsgi.WSGIHandler.handle_one_request = _handle_one_request_fairly

if __name__ == "__main__":
    from leaderboard.console import main

    sys.argv = ["leaderboard", "serve", *sys.argv[1:]]
    main()
