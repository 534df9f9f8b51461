"""Snapshots shared by every screen of a process: computed once per (topic, epoch, seq), not once per client.

A push moves the topic's seq on, so a cached picture is never older than the last change it was asked
after. A short time-to-live refreshes what moves with the clock alone (match minutes, countdowns).
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from leaderboard.realtime.sequences import Stamp
from leaderboard.services.boards import live_snapshots

TTL_SECONDS = 5.0
MAX_ENTRIES = 512


class SnapshotCache:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._entries: OrderedDict[tuple[str, str, int], tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self.computed = 0  # how many snapshots were really built (tests and benchmarks read it)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def get(self, topic: str, stamp: Stamp, build: Callable[[], Any], counted: bool = True) -> Any:
        """The cached value for (topic, stamp), built once; `counted=False` for cheap derived values
        (a display variant's transform of a picture), which `computed` does not count as builds."""
        key = (topic, stamp.epoch, stamp.seq)
        now = self._clock()
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None and now - hit[0] < TTL_SECONDS:
                self._entries.move_to_end(key)
                return hit[1]
        data = build()  # outside the lock: a slow build must not hold up other topics
        with self._lock:
            self.computed += int(counted)
            self._entries[key] = (now, data)
            self._entries.move_to_end(key)
            while len(self._entries) > MAX_ENTRIES:
                self._entries.popitem(last=False)
        return data


def picture_builder(topic: str) -> Callable[[], dict[str, Any]] | None:
    """How a topic's shared picture is built: a contest's full one for TVs, a lean one for phones."""
    kind, _, ident = topic.partition(":")
    if not ident.isdigit():
        return None
    if kind == "contest":
        return lambda: live_snapshots.contest_snapshot(int(ident))
    if kind == "phone":
        return lambda: live_snapshots.phone_picture(int(ident))
    return None


def shared_picture(cache: SnapshotCache, topic: str, stamp: Stamp) -> dict[str, Any] | None:
    """The picture every screen (or phone) of the topic shares, for this stamp (built at most once)."""
    build = picture_builder(topic)
    return cache.get(topic, stamp, build) if build else None
