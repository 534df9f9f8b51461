"""One client process of bench/live_screens.py: many TVs and phones on /live, each doing what wallboard/static/js/
live.js + wallboard.js (TV) or live.js + phone.js (phone) do on every event, and recording what it shows and when."""
from __future__ import annotations

import asyncio
import base64
import json
import os
import random
import socket
import sys
import time
import zlib
from typing import Any
from urllib.parse import urlsplit

from socketio import packet as sio_packet

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import contextlib

from live_setup import board_fingerprint

from leaderboard.realtime.events import DELTA_EVENTS

NAMESPACE = "/live"
RESYNC_MIN = 0.5  # live.js RESYNC_MIN_MS
SILENCE = 4.0  # live.js SILENCE_MS
HEARTBEAT_GRACE = 1.0  # live.js HEARTBEAT_GRACE_MS
PHONE_LOOK_AGAIN_JITTER = 5.0  # phone.js LOOK_AGAIN_JITTER_MS
PHONE_FROM_DELTA = {"me.card", "contests", "sale", "standings"}  # phone.js applies these without asking
# wallboard.js onDelta: `sale` and `draw.winner` are shown from the delta itself, a `standings` delta carries its
# picture; every other delta refreshes.
TV_NO_REFRESH = {"sale", "draw.winner"}


def say(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


class Client:
    """A LiveFeed (live.js) over a real websocket (Engine.IO 4 / Socket.IO 5, python-socketio's packet codec)."""

    def __init__(self, spec: dict[str, Any], role: str, ident: str, cookie: str = ""):
        self.spec, self.role, self.ident, self.cookie = spec, role, ident, cookie
        self.loop = asyncio.get_running_loop()
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.connected = False
        self.seq: dict[str, int] = {}
        self.epoch: dict[str, str] = {}
        self.last_resync: dict[str, float] = {}
        self.deferred: dict[str, asyncio.TimerHandle] = {}
        self.last_heard = time.monotonic()
        self.agent_topic: str | None = None
        self.states: list[tuple[float, Any]] = []  # (time.time(), what the screen shows) on each change
        self.bytes_in = 0
        self.bytes_out = 0
        self.counts: dict[str, int] = {}
        self.reconnects = 0

    # ------------------------------------------------------------ transport
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
            header = bytes((0x81, 0xFF)) + n.to_bytes(8, "big")
        mask = os.urandom(4)
        masked = (int.from_bytes(payload, "big") ^ int.from_bytes((mask * (n // 4 + 1))[:n], "big")).to_bytes(n, "big")
        self.bytes_out += n
        self.writer.write(header + mask + masked)

    def emit(self, event: str, data: Any = None) -> None:
        self.count(f"sent:{event}")
        body = [event] if data is None else [event, data]
        self.send_text("4" + sio_packet.Packet(sio_packet.EVENT, data=body, namespace=NAMESPACE).encode())

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
            data = await self.reader.readexactly(n) if n else b""
            if opcode == 0x8:
                raise ConnectionError("closed by the server")
            if opcode in (0x9, 0xA):
                if opcode == 0x9 and self.writer is not None:
                    self.writer.write(bytes((0x8A, 0x80 | len(data))) + b"\0\0\0\0" + data)
                continue
            self.bytes_in += n
            parts.append(data)
            if head[0] & 0x80:
                return b"".join(parts).decode()

    async def open(self) -> None:
        url = urlsplit(self.spec["url"])
        self.reader, self.writer = await asyncio.open_connection(url.hostname, url.port, limit=2 ** 22,
                                                                 local_addr=source_address(self.spec, self.ident))
        self.writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        key = base64.b64encode(os.urandom(16)).decode()
        cookie = f"Cookie: {self.cookie}\r\n" if self.cookie else ""
        self.writer.write((f"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: {url.netloc}\r\n"
                           f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                           f"Sec-WebSocket-Version: 13\r\n{cookie}\r\n").encode())
        response = await self.reader.readuntil(b"\r\n\r\n")
        if b" 101 " not in response.split(b"\r\n", 1)[0]:
            raise ConnectionError(f"upgrade refused: {response[:80]!r}")
        if not (await self.recv_text()).startswith("0"):
            raise ConnectionError("no Engine.IO open packet")
        auth = {"token": self.spec["token"]} if self.role == "tv" else {}  # a phone signs in with its cookie
        self.send_text("4" + sio_packet.Packet(sio_packet.CONNECT, data=auth, namespace=NAMESPACE).encode())
        while True:
            text = await self.recv_text()
            if text == "2":
                self.send_text("3")
                continue
            pkt = sio_packet.Packet(encoded_packet=text[1:])
            if pkt.packet_type == sio_packet.CONNECT and pkt.namespace == NAMESPACE:
                break
            if pkt.packet_type == sio_packet.CONNECT_ERROR:
                raise ConnectionError(f"refused: {pkt.data}")
        self.on_connected()

    async def run(self, deadline: float) -> None:
        """Read until the deadline; on a lost connection reconnect as Socket.IO's client does (1 s, ×2, ≤ 15 s)."""
        delay = 1.0
        while time.monotonic() < deadline:
            try:
                if not self.connected:
                    await asyncio.wait_for(self.open(), 30)
                    delay = 1.0
                await self.read_forever()
            except (TimeoutError, ConnectionError, asyncio.IncompleteReadError, OSError):
                pass
            if self.connected:
                self.connected = False
                self.count("disconnect")
            if self.writer is not None:
                self.writer.close()
            await asyncio.sleep(min(15.0, delay) * random.uniform(0.5, 1.5))
            delay *= 2
            self.reconnects += 1

    async def read_forever(self) -> None:
        while True:
            text = await self.recv_text()
            kind = text[:1]
            if kind == "4":
                pkt = sio_packet.Packet(encoded_packet=text[1:])
                if pkt.packet_type == sio_packet.EVENT and pkt.data:
                    self.count(f"got:{pkt.data[0]}", len(text))
                    self.on_event(pkt.data[0], pkt.data[1] if len(pkt.data) > 1 else None)
                elif pkt.packet_type == sio_packet.DISCONNECT:
                    raise ConnectionError("namespace disconnect")
            elif kind == "2":
                self.send_text("3")
            elif kind == "1":
                raise ConnectionError("engine.io close")

    def close(self) -> None:
        if self.writer is not None and not self.writer.is_closing():
            self.send_text("1")
            self.writer.close()

    def count(self, name: str, size: int = 0) -> None:
        self.counts[name] = self.counts.get(name, 0) + 1
        if size:
            self.counts[f"bytes:{name[4:]}"] = self.counts.get(f"bytes:{name[4:]}", 0) + size

    # ------------------------------------------------------------ live.js
    def on_connected(self) -> None:
        self.connected = True
        self.seq.clear()  # a (re)connect always starts from fresh snapshots
        self.last_heard = time.monotonic()
        if self.role == "tv":
            self.emit("subscribe", {"channel": self.spec["channel"]})
        else:
            self.emit("subscribe", {"me": True})
            self.emit("subscribe", {"phone": self.spec["contest"]})

    def watchdog(self) -> None:
        if not self.connected or time.monotonic() - self.last_heard < SILENCE:
            return
        self.last_heard = time.monotonic()
        self.count("silence")
        for topic in list(self.seq):
            self.resync(topic)

    def on_event(self, event: str, message: Any) -> None:
        if not isinstance(message, dict):
            return
        if event == "snapshot":
            self.last_heard = time.monotonic()
            self.seq[message["topic"]] = message["seq"]
            self.epoch[message["topic"]] = message["epoch"]
            self.on_snapshot(message["topic"], message.get("data") or {})
        elif event == "heartbeat":
            self.last_heard = time.monotonic()
            topic, known = message.get("topic"), self.seq.get(message.get("topic"))
            if known is None:
                return
            if message.get("epoch") != self.epoch.get(topic):
                self.count(f"resync:heartbeat:{topic.partition(':')[0]}")
                self.resync(topic)
            elif message.get("seq") > known:  # live.js: resync only if the delta is still missing after the grace
                self.loop.call_later(HEARTBEAT_GRACE, self._heartbeat_grace, topic, message["seq"])
        elif event in DELTA_EVENTS:
            self.last_heard = time.monotonic()
            topic, known = message.get("topic"), self.seq.get(message.get("topic"))
            if known is None:
                return
            if message.get("epoch") != self.epoch.get(topic):
                self.count(f"resync:epoch:{topic.partition(':')[0]}")
                return self.resync(topic)
            if message.get("seq") == known:
                return
            if message.get("seq") > known + 1 and event == "standings" and message.get("data"):
                self.count("gap:standings-as-snapshot")
                self.seq[topic] = message["seq"]
                return self.on_snapshot(topic, message["data"])
            if message.get("seq") != known + 1:
                self.count(f"resync:gap:{topic.partition(':')[0]}")
                return self.resync(topic)
            self.seq[topic] = message["seq"]
            self.on_delta(event, message)

    def _heartbeat_grace(self, topic: str, seq: int) -> None:
        if self.seq.get(topic, seq) < seq:
            self.count(f"resync:heartbeat:{topic.partition(':')[0]}")
            self.resync(topic)

    def resync(self, topic: str) -> None:
        wait = self.last_resync.get(topic, -1e9) + RESYNC_MIN - time.monotonic()
        if wait > 0:
            if topic not in self.deferred:
                self.deferred[topic] = self.loop.call_later(wait, self._deferred, topic)
            return
        self.last_resync[topic] = time.monotonic()
        self.emit("snapshot", {"topic": topic})

    def _deferred(self, topic: str) -> None:
        self.deferred.pop(topic, None)
        self.resync(topic)

    # ------------------------------------------------------------ wallboard.js / phone.js
    def on_snapshot(self, topic: str, data: dict[str, Any]) -> None:
        if self.role == "phone":
            if topic.startswith("agent:"):
                self.agent_topic = topic
                card = next((c for c in data.get("cards") or [] if c.get("id") == self.spec["contest"]), None)
                if card is not None:
                    self.show(float(card["points"]))
        elif topic.startswith("contest:") and "standings" in data:
            self.show(board_fingerprint(data["standings"]))

    def on_delta(self, event: str, message: dict[str, Any]) -> None:
        if self.role == "phone":
            if event == "me.card" and message["card"]["contest_id"] == self.spec["contest"]:
                self.show(float(message["card"]["points"]))
            elif event == "contests" and self.agent_topic:
                self.loop.call_later(random.uniform(0, PHONE_LOOK_AGAIN_JITTER), self.resync, self.agent_topic)
            elif event not in PHONE_FROM_DELTA and message["topic"].startswith("phone:"):
                self.resync(message["topic"])  # goals, statuses, draws: the shared picture, from cache
        elif event == "standings" and message.get("data"):
            self.on_snapshot(message["topic"], message["data"])  # the picture came with the push
        elif event not in TV_NO_REFRESH:
            self.resync(message["topic"])  # feed.refresh(topic)

    def show(self, value: Any) -> None:
        if not self.states or self.states[-1][1] != value:
            self.states.append((time.time(), value))

    def result(self) -> dict[str, Any]:
        return {"role": self.role, "id": self.ident, "connected": self.connected, "states": self.states,
                "bytes_in": self.bytes_in, "bytes_out": self.bytes_out, "counts": self.counts,
                "reconnects": self.reconnects}


def source_address(spec: dict[str, Any], ident: str) -> tuple[str, int] | None:
    """Behind nginx's ip_hash (which hashes an IPv4 address's first three octets), clients from 127.0.N.1 with
    varied N spread over the processes as real offices' screens do; otherwise the default source."""
    if not spec.get("spread_sources"):
        return None
    return (f"127.0.{zlib.crc32(ident.encode()) % 250 + 1}.1", 0)


async def sign_in(url: str, token: str, source: tuple[str, int] | None = None) -> str:
    """GET /me/link/<token> as a phone's browser does; returns the Cookie header the session cookies make."""
    parts = urlsplit(url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port, local_addr=source)
    writer.write(f"GET /me/link/{token} HTTP/1.1\r\nHost: {parts.netloc}\r\nConnection: close\r\n\r\n".encode())
    head = (await reader.readuntil(b"\r\n\r\n")).decode(errors="replace")
    writer.close()
    cookies = [line.split(":", 1)[1].strip().split(";", 1)[0] for line in head.split("\r\n")
               if line.lower().startswith("set-cookie:")]
    if not head.startswith("HTTP/1.1 302") or not cookies:
        raise ConnectionError(f"sign-in refused: {head[:60]!r}")
    return "; ".join(cookies)


async def main_async(spec: dict[str, Any]) -> None:
    deadline = time.monotonic() + spec["max_seconds"]
    gate = asyncio.Semaphore(8)
    failures: list[str] = []
    clients: list[Client] = []
    tasks: list[asyncio.Task] = []

    async def start(role: str, ident: str, token: str = "") -> None:
        async with gate:
            try:
                cookie = await sign_in(spec["url"], token, source_address(spec, ident)) if role == "phone" else ""
                client = Client(spec, role, ident, cookie)
                await asyncio.wait_for(client.open(), spec["connect_timeout"])
            except Exception as exc:  # counted and reported
                failures.append(f"{role} {ident}: {type(exc).__name__}: {exc}"[:200])
                return
            clients.append(client)
            tasks.append(asyncio.create_task(client.run(deadline)))

    started = time.monotonic()
    jobs = [start("tv", f"tv{spec['worker']}-{n}") for n in range(spec["tvs"])]
    jobs += [start("phone", key, token) for key, token in spec["phones"]]
    await asyncio.gather(*jobs)
    shown = lambda: sum(bool(c.states) for c in clients)  # noqa: E731
    while time.monotonic() < min(deadline, started + spec["connect_timeout"] + 60) and shown() < len(clients):
        await asyncio.sleep(0.2)
    say({"event": "ready", "worker": spec["worker"], "clients": len(clients), "showing": shown(),
         "failed": len(failures), "failures": failures[:5], "seconds": round(time.monotonic() - started, 1)})

    marks: dict[str, dict[str, Any]] = {}
    stop = asyncio.Event()

    def on_stdin() -> None:
        line = sys.stdin.readline().split()
        if not line or line[0] == "stop":
            stop.set()
        elif line[0] == "mark":
            marks[line[1]] = {"t": time.time(), **{role: sum(c.bytes_in for c in clients if c.role == role)
                                                   for role in ("tv", "phone")}}

    asyncio.get_running_loop().add_reader(sys.stdin.fileno(), on_stdin)
    while not stop.is_set() and time.monotonic() < deadline:
        for client in clients:
            client.watchdog()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 1.0)
    with open(spec["out"], "w") as fh:
        json.dump({"worker": spec["worker"], "clients": [c.result() for c in clients], "failures": failures,
                   "marks": marks}, fh)
    say({"event": "done", "worker": spec["worker"]})
    for client in clients:
        client.close()
    for task in tasks:
        task.cancel()


def main() -> None:
    asyncio.run(main_async(json.loads(sys.argv[1])))
    os._exit(0)


if __name__ == "__main__":
    main()
