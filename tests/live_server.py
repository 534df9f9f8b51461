"""Runs real `leaderboard serve` processes (gevent) on free ports against a temporary database."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
LEADERBOARD = str(Path(sys.executable).parent / "leaderboard")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_healthy(process: subprocess.Popen, url: str, seconds: float, explain: Callable[[], str]) -> None:
    """Wait until a started process answers /api/v1/health, or fail with its exit or a time-out."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}: {explain()}")
        try:
            if requests.get(f"{url}/api/v1/health", timeout=1).ok:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.1)  # waiting for a process to listen, not timing logic
    raise RuntimeError(f"{process.args[0]} did not answer within {seconds:g} s: {explain()}")


class Deployment:
    """One database (and optionally a message queue) shared by one or more server processes."""

    def __init__(self, tmp_path: Path, message_queue: str = "", database_url: str | None = None):
        self.env = {**os.environ, "LEADERBOARD_INSTANCE_PATH": str(tmp_path),
                    "LEADERBOARD_DATABASE_URL": database_url or f"sqlite:///{tmp_path}/live.db",
                    "LEADERBOARD_REALTIME_MESSAGE_QUEUE": message_queue, "LEADERBOARD_SECRET_KEY": "live-tests"}
        self.env.pop("LEADERBOARD_REALTIME_PUBLIC_BOARDS", None)
        self.cli("db", "upgrade")
        self.servers: list[LiveServer] = []

    def cli(self, *args: str) -> str:
        result = subprocess.run([LEADERBOARD, *args], env=self.env, cwd=ROOT, capture_output=True, text=True,
                                timeout=120)
        if result.returncode != 0:
            raise RuntimeError(f"leaderboard {' '.join(args)} failed: {result.stderr}")
        return result.stdout

    def token(self, role: str) -> str:
        return self.cli("apikey", "create", f"{role}-{time.monotonic_ns()}", "--role", role).strip().splitlines()[-1]

    def start(self) -> LiveServer:
        server = LiveServer(self.env)
        self.servers.append(server)
        return server

    def stop(self) -> None:
        for server in self.servers:
            server.stop()


class LiveServer:
    def __init__(self, env: dict[str, str], port: int | None = None):
        self.env = env
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.start()

    def start(self) -> None:
        self.log = open(Path(self.env["LEADERBOARD_INSTANCE_PATH"]) / f"server-{self.port}.log", "ab")  # noqa: SIM115 - open for the life of the process; closed in stop()
        self.process = subprocess.Popen([LEADERBOARD, "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                                        env=self.env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT)
        wait_until_healthy(self.process, self.url, 30, lambda: f"see {self.log.name}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()

    def restart(self) -> None:
        self.stop()
        self.start()
