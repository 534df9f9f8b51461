"""One client process of bench/live_screens.py: holds many real Socket.IO websocket screens on /live."""
from __future__ import annotations

import asyncio
import base64
import json
import logging
import os
import select
import socket
import sys
import threading
import time
from typing import Any, Callable, Optional
from urllib.parse import urlsplit

import engineio
import socketio
from socketio import packet as sio_packet

# Each python-socketio Client runs a read thread and a write thread (websocket-client transport): keep stacks small.
threading.stack_size(512 * 1024)
logging.getLogger("socketio").setLevel(logging.CRITICAL)
logging.getLogger("engineio").setLevel(logging.CRITICAL)
logging.getLogger("engineio.client").setLevel(logging.CRITICAL)

NAMESPACE = "/live"
RESYNC_MIN_SECONDS = 0.5  # as wallboard/static/js/live.js (RESYNC_MIN_MS)


def say(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


class Recorder:
    """What a screen sees, whatever its transport. Records every `sale` delta with time.time() at receipt.

    mode "passive": only records (a seq gap is counted, then followed). mode "tv": behaves like the TV page
    (live.js + wallboard.js): asks for a snapshot on a seq gap, on a heartbeat that is ahead, and on every
    `standings` delta ("changed: fetch the picture"), at most once per RESYNC_MIN_SECONDS.
    """

    def __init__(self, contest_id: int, mode: str):
        self.contest_id, self.mode = contest_id, mode
        self.topic = f"contest:{contest_id}"
        self.seq: Optional[int] = None
        self.sales: list[tuple[int, float, int]] = []  # (sale index, receive time, more)
        self.counts = {"snapshot": 0, "standings": 0, "heartbeat": 0, "gap": 0, "stale_heartbeat": 0,
                       "resync_sent": 0, "error": 0, "disconnect": 0, "other_sale": 0}
        self.subscribe_wait: Optional[float] = None  # seconds from subscribe to the first snapshot
        self.snapshot_waits: list[float] = []  # seconds from a later snapshot request (resync) to the snapshot
        self.asked_at: Optional[float] = None
        self.last_resync = 0.0
        self.first_snapshot = threading.Event()
        self.alive = False
        self.lock = threading.Lock()
        self.send_snapshot_request: Callable[[], None] = lambda: None

    def on_event(self, event: str, message: Any) -> None:
        if event == "sale":
            self._sale(message)
        elif event == "standings":
            self.counts["standings"] += 1
            self._delta(message, refetch=True)
        elif event == "heartbeat":
            self._heartbeat(message)
        elif event == "snapshot":
            self._snapshot(message)
        elif event == "error":
            self.counts["error"] += 1

    def subscribing(self) -> None:
        self.asked_at = time.monotonic()

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
                self.seq = message["seq"]
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
        self.send_snapshot_request()

    def disconnected(self) -> None:
        if self.alive:
            self.counts["disconnect"] += 1
        self.alive = False

    def result(self) -> dict[str, Any]:
        return {"sales": self.sales, "counts": self.counts, "snapshot_waits": self.snapshot_waits,
                "subscribe_wait": self.subscribe_wait, "connected": self.alive}


# ---------------------------------------------------------------- client "socketio": python-socketio's Client

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


class ThreadedScreen:
    """python-socketio Client, websocket transport (websocket-client): a read and a write thread per screen."""

    def __init__(self, spec: dict[str, Any]):
        self.rec = Recorder(spec["contest"], spec["mode"])
        self.client = (InlineClient if spec["dispatch"] == "inline" else socketio.Client)(reconnection=False)
        for event in ("snapshot", "sale", "standings", "heartbeat", "error"):
            self.client.on(event, (lambda name: lambda message=None: self.rec.on_event(name, message))(event),
                           namespace=NAMESPACE)
        self.client.on("disconnect", lambda *a: self.rec.disconnected(), namespace=NAMESPACE)
        self.rec.send_snapshot_request = self._ask_snapshot

    def _ask_snapshot(self) -> None:
        try:
            self.client.emit("snapshot", {"topic": self.rec.topic}, namespace=NAMESPACE)
        except socketio.exceptions.SocketIOError:
            pass

    def connect(self, spec: dict[str, Any]) -> None:
        self.client.connect(spec["url"], namespaces=[NAMESPACE], auth={"token": spec["token"]},
                            transports=["websocket"], wait_timeout=spec["connect_timeout"])
        self.rec.alive = True
        self.rec.subscribing()
        self.client.emit("subscribe", {"contest": self.rec.contest_id}, namespace=NAMESPACE)

    def close(self) -> None:
        self.client.disconnect()


def run_threaded(spec: dict[str, Any], deadline: float) -> None:
    screens: list[ThreadedScreen] = []
    failures: list[str] = []
    started = time.monotonic()
    pause = 1.0 / spec["connects_per_second"] if spec["connects_per_second"] > 0 else 0.0
    for _ in range(spec["screens"]):
        if time.monotonic() > deadline:
            failures.append("deadline reached while connecting")
            break
        screen = ThreadedScreen(spec)
        try:
            screen.connect(spec)
            screens.append(screen)
        except Exception as exc:  # noqa: BLE001 - counted and reported, the run goes on
            failures.append(f"{type(exc).__name__}: {exc}"[:200])
        if pause:
            time.sleep(pause)
    snap_deadline = min(deadline, time.monotonic() + spec["connect_timeout"])
    for screen in screens:
        screen.rec.first_snapshot.wait(max(0.0, snap_deadline - time.monotonic()))
    report_ready(spec, [s.rec for s in screens], failures, started)
    while time.monotonic() < deadline:  # wait for "stop" on stdin, bounded
        ready, _, _ = select.select([sys.stdin], [], [], min(1.0, max(0.0, deadline - time.monotonic())))
        if ready:
            line = sys.stdin.readline()
            if not line or line.strip() == "stop":
                break
    write_results(spec, [s.rec for s in screens], failures)
    stop_by = time.monotonic() + spec.get("close_seconds", 10)
    for screen in screens:  # close politely within a bounded time
        if time.monotonic() > stop_by:
            break
        try:
            screen.close()
        except Exception:  # noqa: BLE001
            pass


# ---------------------------------------------------------------- client "aio": one asyncio loop per process

class AioScreen:
    """The same Engine.IO 4 / Socket.IO 5 protocol over a plain RFC 6455 websocket on asyncio streams, decoded
    with python-socketio's own packet class: no thread per screen, so hundreds fit in one process."""

    def __init__(self, spec: dict[str, Any]):
        self.spec = spec
        self.rec = Recorder(spec["contest"], spec["mode"])
        self.rec.send_snapshot_request = lambda: self.emit("snapshot", {"topic": self.rec.topic})
        self.reader: Optional[asyncio.StreamReader] = None
        self.writer: Optional[asyncio.StreamWriter] = None

    def send_text(self, text: str) -> None:
        if self.writer is None or self.writer.is_closing():
            return
        payload = text.encode()
        n = len(payload)
        if n < 126:
            header = bytes((0x81, 0x80 | n))
        elif n < 65536:
            header = bytes((0x81, 0x80 | 126)) + n.to_bytes(2, "big")
        else:
            header = bytes((0x81, 0x80 | 127)) + n.to_bytes(8, "big")
        mask = os.urandom(4)
        masked = (int.from_bytes(payload, "big") ^ int.from_bytes((mask * (n // 4 + 1))[:n], "big")).to_bytes(n, "big")
        self.writer.write(header + mask + masked)

    def emit(self, event: str, data: Any) -> None:
        self.send_text("4" + sio_packet.Packet(sio_packet.EVENT, data=[event, data], namespace=NAMESPACE).encode())

    async def recv_text(self) -> str:
        assert self.reader is not None
        parts: list[bytes] = []
        while True:
            head = await self.reader.readexactly(2)
            opcode, n = head[0] & 0x0F, head[1] & 0x7F
            if n == 126:
                n = int.from_bytes(await self.reader.readexactly(2), "big")
            elif n == 127:
                n = int.from_bytes(await self.reader.readexactly(8), "big")
            mask = await self.reader.readexactly(4) if head[1] & 0x80 else None
            data = await self.reader.readexactly(n) if n else b""
            if mask:
                data = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
            if opcode == 0x8:
                raise ConnectionError("websocket closed by the server")
            if opcode == 0x9:  # ping → pong
                self.writer.write(bytes((0x8A, 0x80 | len(data))) + b"\0\0\0\0" + data)
                continue
            if opcode == 0xA:
                continue
            parts.append(data)
            if head[0] & 0x80:
                return b"".join(parts).decode()

    async def connect(self) -> None:
        url = urlsplit(self.spec["url"])
        self.reader, self.writer = await asyncio.open_connection(url.hostname, url.port, limit=2 ** 22)
        self.writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        key = base64.b64encode(os.urandom(16)).decode()
        self.writer.write((f"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: {url.netloc}\r\n"
                           f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                           f"Sec-WebSocket-Version: 13\r\n\r\n").encode())
        response = await self.reader.readuntil(b"\r\n\r\n")
        if b" 101 " not in response.split(b"\r\n", 1)[0]:
            raise ConnectionError(f"upgrade refused: {response[:80]!r}")
        opened = await self.recv_text()
        if not opened.startswith("0"):
            raise ConnectionError(f"no Engine.IO open packet: {opened[:80]!r}")
        self.send_text("4" + sio_packet.Packet(sio_packet.CONNECT, data={"token": self.spec["token"]},
                                               namespace=NAMESPACE).encode())
        while True:
            text = await self.recv_text()
            if text == "2":
                self.send_text("3")
                continue
            pkt = sio_packet.Packet(encoded_packet=text[1:])
            if pkt.packet_type == sio_packet.CONNECT and pkt.namespace == NAMESPACE:
                break
            if pkt.packet_type == sio_packet.CONNECT_ERROR:
                raise ConnectionError(f"namespace refused: {pkt.data}")
        self.rec.alive = True
        self.rec.subscribing()
        self.emit("subscribe", {"contest": self.rec.contest_id})

    async def read_forever(self) -> None:
        try:
            while True:
                text = await self.recv_text()
                kind = text[:1]
                if kind == "4":
                    pkt = sio_packet.Packet(encoded_packet=text[1:])
                    if pkt.packet_type == sio_packet.EVENT and pkt.namespace == NAMESPACE and pkt.data:
                        self.rec.on_event(pkt.data[0], pkt.data[1] if len(pkt.data) > 1 else None)
                    elif pkt.packet_type == sio_packet.DISCONNECT:
                        break
                elif kind == "2":
                    self.send_text("3")  # Engine.IO ping → pong
                elif kind == "1":
                    break
        except (ConnectionError, asyncio.IncompleteReadError, OSError):
            pass
        finally:
            self.rec.disconnected()

    def close(self) -> None:
        if self.writer is not None and not self.writer.is_closing():
            self.send_text("1")
            self.writer.close()


async def run_aio(spec: dict[str, Any], deadline: float) -> None:
    loop = asyncio.get_running_loop()
    screens = [AioScreen(spec) for _ in range(spec["screens"])]
    failures: list[str] = []
    readers: list[asyncio.Task] = []
    gate = asyncio.Semaphore(spec.get("connect_concurrency", 8))
    started = time.monotonic()

    async def open_one(screen: AioScreen) -> Optional[AioScreen]:
        async with gate:
            try:
                await asyncio.wait_for(screen.connect(), spec["connect_timeout"])
            except Exception as exc:  # noqa: BLE001 - counted and reported
                failures.append(f"{type(exc).__name__}: {exc}"[:200])
                screen.close()
                return None
            readers.append(asyncio.create_task(screen.read_forever()))
            if spec["connects_per_second"] > 0:
                await asyncio.sleep(1.0 / spec["connects_per_second"])
            return screen

    opened = await asyncio.wait_for(asyncio.gather(*(open_one(s) for s in screens)),
                                    max(1.0, deadline - time.monotonic()))
    live = [s for s in opened if s is not None]
    snap_deadline = min(deadline, time.monotonic() + spec["connect_timeout"])
    while time.monotonic() < snap_deadline and not all(s.rec.first_snapshot.is_set() for s in live):
        await asyncio.sleep(0.1)
    report_ready(spec, [s.rec for s in live], failures, started)

    stop = asyncio.Event()

    def on_stdin() -> None:
        line = sys.stdin.readline()
        if not line or line.strip() == "stop":
            stop.set()

    loop.add_reader(sys.stdin.fileno(), on_stdin)
    try:
        await asyncio.wait_for(stop.wait(), max(0.0, deadline - time.monotonic()))
    except asyncio.TimeoutError:
        pass
    loop.remove_reader(sys.stdin.fileno())
    write_results(spec, [s.rec for s in live], failures)
    for screen in live:
        screen.close()
    for task in readers:
        task.cancel()
    await asyncio.sleep(0.2)


# ---------------------------------------------------------------- both

def report_ready(spec: dict[str, Any], recs: list[Recorder], failures: list[str], started: float) -> None:
    say({"event": "ready", "worker": spec["worker"], "connected": len(recs), "failed": len(failures),
         "with_snapshot": sum(r.first_snapshot.is_set() for r in recs),
         "connect_seconds": time.monotonic() - started, "failures": failures[:5]})


def write_results(spec: dict[str, Any], recs: list[Recorder], failures: list[str]) -> None:
    with open(spec["out"], "w") as fh:
        json.dump({"worker": spec["worker"], "screens": [r.result() for r in recs], "connect_failures": failures},
                  fh)
    say({"event": "done", "worker": spec["worker"]})


def main() -> None:
    spec = json.loads(sys.argv[1])
    deadline = time.monotonic() + spec["max_seconds"]
    if spec["client"] == "aio":
        asyncio.run(run_aio(spec, deadline))
    else:
        run_threaded(spec, deadline)
    os._exit(0)  # leave regardless of lingering client threads


if __name__ == "__main__":
    main()
