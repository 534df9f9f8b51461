"""Per-topic sequence counters: in-process by default, in Redis when several processes publish."""
from __future__ import annotations

import threading
from typing import Protocol

import redis


class Sequences(Protocol):
    def current(self, topic: str) -> int: ...

    def next(self, topic: str, skip: int = 0) -> int: ...


class MemorySequences:
    def __init__(self) -> None:
        self._values: dict[str, int] = {}
        self._lock = threading.Lock()

    def current(self, topic: str) -> int:
        return self._values.get(topic, 0)

    def next(self, topic: str, skip: int = 0) -> int:
        with self._lock:
            self._values[topic] = self._values.get(topic, 0) + 1 + skip
            return self._values[topic]


class RedisSequences:
    """Shared counters so every process stamps one sequence per topic."""

    def __init__(self, url: str) -> None:
        self._redis = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)

    def current(self, topic: str) -> int:
        value = self._redis.get(f"leaderboard:seq:{topic}")
        return int(value) if value else 0

    def next(self, topic: str, skip: int = 0) -> int:
        return int(self._redis.incrby(f"leaderboard:seq:{topic}", 1 + skip))
