"""A Python screen that follows the same protocol as the TV page: epochs, seq checks, gaps, heartbeats, silence."""
from __future__ import annotations

import contextlib
import threading
import time
from typing import Any

import socketio

SILENCE_SECONDS = 4.0  # two heartbeat intervals


class ConvergingScreen:
    def __init__(self, url: str, token: str, contest_id: int):
        self.topic = f"contest:{contest_id}"
        self.contest_id = contest_id
        self.seq: int | None = None
        self.epoch: str | None = None
        self.data: dict[str, Any] | None = None
        self.sales_seen: list[str] = []
        self.last_heard = time.monotonic()
        self.lock = threading.Lock()
        self.client = socketio.Client(reconnection=True, reconnection_delay=0.5, reconnection_delay_max=2)
        for event in ("sale", "standings", "heartbeat"):
            self.client.on(event, self._handler(event), namespace="/live")
        self.client.on("snapshot", self._snapshot, namespace="/live")
        self.client.on("connect", self._connected, namespace="/live")
        self.client.connect(url, namespaces=["/live"], auth={"token": token}, transports=["websocket"],
                            wait_timeout=10)
        self._stop = threading.Event()
        self._watchdog = threading.Thread(target=self._watch, daemon=True)
        self._watchdog.start()

    def _connected(self) -> None:
        self.seq = None
        self.client.emit("subscribe", {"contest": self.contest_id}, namespace="/live")

    def _snapshot(self, message: dict) -> None:
        with self.lock:
            self.last_heard = time.monotonic()
            self.epoch, self.seq, self.data = message["epoch"], message["seq"], message["data"]

    def _handler(self, event: str):
        def handle(message: dict) -> None:
            with self.lock:
                self.last_heard = time.monotonic()
                if self.seq is None:
                    return
                if message["epoch"] != self.epoch:
                    stale = True  # the counters were lost (Redis emptied, process restarted)
                elif event == "heartbeat":
                    stale = message["seq"] != self.seq
                elif message["seq"] == self.seq:
                    return
                elif message["seq"] < self.seq:
                    stale = True
                else:
                    stale = message["seq"] != self.seq + 1
                    if not stale:
                        self.seq = message["seq"]
                        if event == "sale":
                            self.sales_seen.append(message["sale"])
                        # A standings delta says "changed": fetch the new picture.
                        stale = event == "standings"
            if stale:
                self.resync()
        return handle

    def resync(self) -> None:
        with contextlib.suppress(socketio.exceptions.SocketIOError):
            self.client.emit("snapshot", {"topic": self.topic}, namespace="/live")

    def _watch(self) -> None:
        while not self._stop.wait(0.5):
            if time.monotonic() - self.last_heard > SILENCE_SECONDS:
                self.last_heard = time.monotonic()
                self.resync()

    def points(self) -> dict[str, float]:
        with self.lock:
            rows = (self.data or {}).get("standings", {}).get("agent", [])
            return {row["key"]: row["points"] for row in rows}

    def close(self) -> None:
        self._stop.set()
        self.client.disconnect()
