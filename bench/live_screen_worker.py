"""One client process of bench/live_screens.py: holds many real python-socketio websocket screens on /live."""
from __future__ import annotations

import json
import logging
import os
import select
import sys
import threading
import time
from typing import Any, Optional

import engineio
import socketio

# Each python-socketio Client runs a read thread and a write thread (websocket-client transport): keep stacks small.
threading.stack_size(512 * 1024)
logging.getLogger("socketio").setLevel(logging.CRITICAL)
logging.getLogger("engineio").setLevel(logging.CRITICAL)

RESYNC_MIN_SECONDS = 0.5  # as wallboard/static/js/live.js (RESYNC_MIN_MS)


class InlineEngineIO(engineio.Client):
    """Stock engineio.Client starts a new thread for every incoming message (run_async=True): at hundreds of
    screens per process that costs most of the client CPU and delivers deltas out of order (seq "gaps").
    Browsers handle socket messages in order on one loop; so does this: handlers run on the read thread."""

    def _trigger_event(self, event, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        if event == "message":
            kwargs["run_async"] = False
        return super()._trigger_event(event, *args, **kwargs)


class InlineClient(socketio.Client):
    def _engineio_client_class(self):  # noqa: ANN202
        return InlineEngineIO


def say(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


class Screen:
    """A screen subscribed to one contest. Records every `sale` delta with time.time() at receipt.

    mode "passive": only records. mode "tv": behaves like the TV page (live.js + wallboard.js): asks for a
    snapshot on a seq gap, on a heartbeat that is ahead, and on every `standings` delta ("changed: fetch
    the picture"), at most once per RESYNC_MIN_SECONDS.
    """

    def __init__(self, url: str, token: str, contest_id: int, mode: str, dispatch: str = "inline"):
        self.url, self.token, self.contest_id, self.mode = url, token, contest_id, mode
        self.topic = f"contest:{contest_id}"
        self.seq: Optional[int] = None
        self.sales: list[tuple[int, float, int]] = []  # (sale index, receive time, more)
        self.counts = {"snapshot": 0, "standings": 0, "heartbeat": 0, "gap": 0, "stale_heartbeat": 0,
                       "resync_sent": 0, "error": 0, "disconnect": 0, "other_sale": 0}
        self.subscribe_wait: Optional[float] = None  # seconds from subscribe to the first snapshot
        self.snapshot_waits: list[float] = []  # seconds from a later snapshot request (resync) to the snapshot
        self.asked_at: Optional[float] = None
        self.last_resync = 0.0
        self.subscribed_at: Optional[float] = None
        self.first_snapshot = threading.Event()
        self.lock = threading.Lock()
        self.client = (InlineClient if dispatch == "inline" else socketio.Client)(reconnection=False)
        self.client.on("snapshot", self._snapshot, namespace="/live")
        self.client.on("sale", self._sale, namespace="/live")
        self.client.on("standings", self._standings, namespace="/live")
        self.client.on("heartbeat", self._heartbeat, namespace="/live")
        self.client.on("error", self._error, namespace="/live")
        self.client.on("disconnect", self._disconnected, namespace="/live")

    def connect(self, timeout: float) -> None:
        self.client.connect(self.url, namespaces=["/live"], auth={"token": self.token}, transports=["websocket"],
                            wait_timeout=timeout)
        self.subscribed_at = time.time()
        self.asked_at = time.monotonic()
        self.client.emit("subscribe", {"contest": self.contest_id}, namespace="/live")

    # handlers run on the client's read thread
    def _snapshot(self, message: dict) -> None:
        with self.lock:
            self.counts["snapshot"] += 1
            if self.asked_at is not None:
                if self.subscribe_wait is None:
                    self.subscribe_wait = time.monotonic() - self.asked_at
                else:
                    self.snapshot_waits.append(time.monotonic() - self.asked_at)
                self.asked_at = None
            self.seq = message.get("seq")
        self.first_snapshot.set()

    def _sale(self, message: dict) -> None:
        received = time.time()
        sale_id = str(message.get("sale", ""))
        head, _, tail = sale_id.rpartition("-")
        if head.startswith("lvs") and tail.isdigit():
            self.sales.append((int(tail), received, int(message.get("more") or 0)))
        else:
            self.counts["other_sale"] += 1
        self._delta(message, refetch=False)

    def _standings(self, message: dict) -> None:
        self.counts["standings"] += 1
        self._delta(message, refetch=True)

    def _heartbeat(self, message: dict) -> None:
        self.counts["heartbeat"] += 1
        with self.lock:
            stale = self.seq is not None and message.get("seq", 0) > self.seq
            if stale:
                self.counts["stale_heartbeat"] += 1
        if stale and self.mode == "tv":
            self._resync()

    def _delta(self, message: dict, refetch: bool) -> None:
        with self.lock:
            if self.seq is None or message.get("seq", 0) <= self.seq:
                return
            gap = message["seq"] != self.seq + 1
            if gap:
                self.counts["gap"] += 1
            if not gap or self.mode == "passive":
                self.seq = message["seq"]  # a passive screen counts the gap and follows on
        if self.mode == "tv" and (gap or refetch):
            self._resync()

    def _resync(self) -> None:
        now = time.monotonic()
        with self.lock:
            if now - self.last_resync < RESYNC_MIN_SECONDS:
                return
            self.last_resync = now
            if self.asked_at is None:
                self.asked_at = now
            self.counts["resync_sent"] += 1
        try:
            self.client.emit("snapshot", {"topic": self.topic}, namespace="/live")
        except socketio.exceptions.SocketIOError:
            pass

    def _error(self, message: Any) -> None:
        self.counts["error"] += 1

    def _disconnected(self, *args: Any) -> None:
        self.counts["disconnect"] += 1

    def result(self) -> dict[str, Any]:
        return {"sales": self.sales, "counts": self.counts, "snapshot_waits": self.snapshot_waits,
                "subscribe_wait": self.subscribe_wait,
                "connected": self.client.connected}


def main() -> None:
    spec = json.loads(sys.argv[1])
    deadline = time.monotonic() + spec["max_seconds"]
    screens: list[Screen] = []
    failures: list[str] = []
    connect_started = time.monotonic()
    pause = 1.0 / spec["connects_per_second"] if spec["connects_per_second"] > 0 else 0.0
    for i in range(spec["screens"]):
        if time.monotonic() > deadline:
            failures.append("deadline reached while connecting")
            break
        screen = Screen(spec["url"], spec["token"], spec["contest"], spec["mode"], spec["dispatch"])
        try:
            screen.connect(spec["connect_timeout"])
            screens.append(screen)
        except Exception as exc:  # noqa: BLE001 - counted and reported, the run goes on
            failures.append(f"{type(exc).__name__}: {exc}"[:200])
        if pause:
            time.sleep(pause)
    snap_deadline = min(deadline, time.monotonic() + spec["connect_timeout"])
    for screen in screens:
        screen.first_snapshot.wait(max(0.0, snap_deadline - time.monotonic()))
    say({"event": "ready", "worker": spec["worker"], "connected": len(screens), "failed": len(failures),
         "with_snapshot": sum(s.first_snapshot.is_set() for s in screens),
         "connect_seconds": time.monotonic() - connect_started, "failures": failures[:5]})

    # Wait for "stop" on stdin, bounded by the deadline.
    while time.monotonic() < deadline:
        ready, _, _ = select.select([sys.stdin], [], [], min(1.0, max(0.0, deadline - time.monotonic())))
        if ready:
            line = sys.stdin.readline()
            if not line or line.strip() == "stop":
                break

    results = [s.result() for s in screens]
    with open(spec["out"], "w") as fh:
        json.dump({"worker": spec["worker"], "screens": results, "connect_failures": failures}, fh)
    say({"event": "done", "worker": spec["worker"]})
    # Close politely within a bounded time, then leave regardless of lingering client threads.
    stop_by = time.monotonic() + spec.get("close_seconds", 10)
    for screen in screens:
        if time.monotonic() > stop_by:
            break
        try:
            screen.client.disconnect()
        except Exception:  # noqa: BLE001
            pass
    os._exit(0)


if __name__ == "__main__":
    main()
