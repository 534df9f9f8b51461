"""Per-topic sequence counters and the epoch they belong to: in-process by default, in Redis when
several processes publish. The epoch changes whenever the counters may have been lost."""
from __future__ import annotations

import threading
import uuid
from typing import NamedTuple, Protocol

import redis


class Stamp(NamedTuple):
    epoch: str
    seq: int


class Sequences(Protocol):
    def current(self, topic: str) -> Stamp: ...

    def next(self, topic: str, skip: int = 0) -> Stamp: ...


class MemorySequences:
    """One process, no queue: a restarted process starts a new epoch, so screens resync."""

    def __init__(self) -> None:
        self.epoch = uuid.uuid4().hex
        self._values: dict[str, int] = {}
        self._lock = threading.Lock()

    def current(self, topic: str) -> Stamp:
        return Stamp(self.epoch, self._values.get(topic, 0))

    def next(self, topic: str, skip: int = 0) -> Stamp:
        with self._lock:
            self._values[topic] = self._values.get(topic, 0) + 1 + skip
            return Stamp(self.epoch, self._values[topic])


# Read (or start) the epoch and move or read the counter in one step: a Redis that came back empty has
# no epoch key, so the first stamp after it starts a new epoch together with the reset counters.
STAMP_SCRIPT = """
local epoch = redis.call('GET', KEYS[1])
if not epoch then
  redis.call('SET', KEYS[1], ARGV[1], 'NX')
  epoch = redis.call('GET', KEYS[1])
end
local seq
if tonumber(ARGV[2]) > 0 then
  seq = redis.call('INCRBY', KEYS[2], ARGV[2])
else
  seq = tonumber(redis.call('GET', KEYS[2]) or '0')
end
return {epoch, seq}
"""


class RedisSequences:
    """Shared counters so every process stamps one sequence per topic, in one shared epoch."""

    EPOCH_KEY = "leaderboard:epoch"

    def __init__(self, url: str) -> None:
        self._redis = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        self._stamp = self._redis.register_script(STAMP_SCRIPT)

    def _run(self, topic: str, step: int) -> Stamp:
        epoch, seq = self._stamp(keys=[self.EPOCH_KEY, f"leaderboard:seq:{topic}"], args=[uuid.uuid4().hex, step])
        return Stamp(epoch.decode() if isinstance(epoch, bytes) else str(epoch), int(seq))

    def current(self, topic: str) -> Stamp:
        return self._run(topic, 0)

    def next(self, topic: str, skip: int = 0) -> Stamp:
        return self._run(topic, 1 + skip)
