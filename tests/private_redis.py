"""A redis-server of the test's own, on a free port, that the test may kill and restart empty."""
from __future__ import annotations

import shutil
import subprocess
import time

import redis

from tests.live_server import free_port

REDIS = shutil.which("redis-server")


class PrivateRedis:
    """Our own redis-server, so the test may stop it without touching the machine's.

    It keeps nothing on disk: every start is an empty Redis, as after a crash of a cache-only server."""

    def __init__(self):
        if REDIS is None:
            raise RuntimeError("redis-server is not installed")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.start()

    def start(self):
        self.process = subprocess.Popen([REDIS, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                         "--appendonly", "no"], stdout=subprocess.DEVNULL)
        for _ in range(100):
            try:
                if redis.Redis(port=self.port).ping():
                    return
            except Exception:  # not listening yet
                time.sleep(0.05)  # waiting for a process to listen, not timing logic
        raise RuntimeError("redis-server did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)

    def kill(self):
        """A crash: SIGKILL, no goodbye to the clients."""
        self.process.kill()
        self.process.wait(timeout=10)
