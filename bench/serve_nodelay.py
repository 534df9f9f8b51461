"""Diagnostic launcher: `leaderboard serve` with TCP_NODELAY set on every accepted socket (not the product)."""
from __future__ import annotations

import os
import socket
import sys

from gevent import monkey

monkey.patch_all()
os.environ.setdefault("LEADERBOARD_REALTIME_ASYNC_MODE", "gevent")

from gevent import pywsgi  # noqa: E402

_original_init = pywsgi.WSGIHandler.__init__


def _init_with_nodelay(self, sock, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
    # gevent's pywsgi sends the headers and the body in two send() calls; with Nagle on, the body waits for
    # the client's delayed ACK (~40 ms on Linux) on every keep-alive response. This is what the bench
    # compares against; the real fix belongs in leaderboard/server.py.
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except OSError:
        pass
    _original_init(self, sock, *args, **kwargs)


pywsgi.WSGIHandler.__init__ = _init_with_nodelay

if __name__ == "__main__":
    from leaderboard.console import main

    sys.argv = ["leaderboard", "serve", *sys.argv[1:]]
    main()
