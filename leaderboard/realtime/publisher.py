"""Turns service notices into small Socket.IO deltas: seq-stamped, coalesced, never blocking a write.

Standings pushes are coalesced to at most STANDINGS_PER_SECOND per topic. Sales go out one delta
each up to SALES_PER_SECOND per topic; beyond that they are folded into one delta carrying `more`.
When a push fails (message queue down) the topic's next seq skips a number, so screens see a gap
and ask for a snapshot; heartbeats carry the current seq so idle screens notice too. Every message
also carries the counters' epoch: a new epoch (an emptied Redis, a restarted process) means resync.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from leaderboard.domain.changes import Change
from leaderboard.realtime.events import event_name, payload_of, topic_of, topics_of
from leaderboard.realtime.sequences import Sequences, Stamp

log = logging.getLogger(__name__)
NAMESPACE = "/live"
PUBLISHER_KEY = "leaderboard.live_publisher"
STANDINGS_PER_SECOND = 2
SALES_PER_SECOND = 5
HEARTBEAT_SECONDS = 2.0
Emit = Callable[[str, dict[str, Any], str], None]
# Builds (or reuses) the topic's picture for a stamp; None when the topic has no shared view.
Snapshotter = Callable[[str, Stamp], dict[str, Any] | None]
# After a standings push: the personal deltas of the agents whose own line moved (picture given when built).
PersonalLines = Callable[[str, dict[str, Any] | None], list[Change]]
UNKNOWN_EPOCH = "unknown"
# A phone's personal topic is heartbeated this long after its last delta: enough to reveal a lost one,
# without beating for every agent who ever sold.
PERSONAL_BEAT_SECONDS = 10.0


@dataclass
class TopicState:
    last_standings: float = -1e9
    standings_pending: bool = False
    sales_window_start: float = -1e9
    sales_in_window: int = 0
    folded: dict[str, Any] | None = None
    folded_count: int = 0
    broken: bool = False
    touched: float = field(default_factory=time.monotonic)


class LivePublisher:
    def __init__(self, emit: Emit, sequences: Sequences, clock: Callable[[], float] = time.monotonic):
        self._emit = emit
        self._sequences = sequences
        self._clock = clock
        self._topics: dict[str, TopicState] = {}
        self._lock = threading.RLock()
        # Coalescing needs the flusher loop of a serving process; a CLI run sends everything at once.
        self.coalesce = False
        # With it, a standings delta carries the new picture: encoded once for the room, no round trips.
        self.snapshotter: Snapshotter | None = None
        self.personal: PersonalLines | None = None

    def __call__(self, notices: list[Change]) -> None:
        """The services' publisher hook: runs after commit, in the request that wrote."""
        now = self._clock()
        with self._lock:
            for change in notices:
                event, payload = event_name(change), payload_of(change)
                for topic in topics_of(change):
                    self._route(topic, event, payload, now)

    def _route(self, topic: str, event: str, notice: dict[str, Any], now: float) -> None:
        state = self._topics.setdefault(topic, TopicState())
        state.touched = now
        if not self.coalesce:
            self._send(topic, event, notice, state)
        elif event == "standings":
            if now - state.last_standings >= 1 / STANDINGS_PER_SECOND:
                self._send(topic, "standings", {}, state)
                state.last_standings, state.standings_pending = now, False
            else:
                state.standings_pending = True
        elif event == "sale":
            if now - state.sales_window_start >= 1.0:
                self._flush_folded(topic, state)
                state.sales_window_start, state.sales_in_window = now, 0
            if state.sales_in_window < SALES_PER_SECOND:
                state.sales_in_window += 1
                self._send(topic, "sale", notice, state)
            else:
                state.folded, state.folded_count = notice, state.folded_count + 1
        else:
            self._send(topic, event, notice, state)

    def flush(self) -> None:
        """Send what coalescing held back once its time has come (called by a background loop)."""
        now = self._clock()
        with self._lock:
            for topic, state in self._topics.items():
                if state.standings_pending and now - state.last_standings >= 1 / STANDINGS_PER_SECOND:
                    self._send(topic, "standings", {}, state)
                    state.last_standings, state.standings_pending = now, False
                if state.folded is not None and now - state.sales_window_start >= 1.0:
                    self._flush_folded(topic, state)
                    state.sales_window_start, state.sales_in_window = now, 0

    def heartbeat(self, active_within: float = 600.0) -> None:
        now = self._clock()
        with self._lock:
            for topic, state in list(self._topics.items()):
                personal = topic.startswith("agent:")
                if now - state.touched > (min(active_within, PERSONAL_BEAT_SECONDS) if personal else active_within):
                    del self._topics[topic]
                    continue
                try:
                    # After a failed push, move the seq on so every screen sees it is behind.
                    stamp = self._sequences.next(topic, skip=1) if state.broken else self._sequences.current(topic)
                    self._emit("heartbeat", {"topic": topic, "epoch": stamp.epoch, "seq": stamp.seq}, topic)
                    state.broken = False
                except Exception:  # transport down; the next beat retries
                    log.warning("heartbeat on %s failed; its screens will resync", topic, exc_info=True)
                    state.broken = True

    def current_stamp(self, topic: str) -> Stamp:
        try:
            return self._sequences.current(topic)
        except Exception:  # counter store down: an epoch of its own makes the next delta a resync
            return Stamp(UNKNOWN_EPOCH, 0)

    def _picture(self, topic: str, stamp: Stamp) -> dict[str, Any] | None:
        try:
            return self.snapshotter(topic, stamp) if self.snapshotter else None
        except Exception:  # no picture: screens ask for one as before
            log.warning("building the %s picture for a push failed", topic, exc_info=True)
            return None

    def _flush_folded(self, topic: str, state: TopicState) -> None:
        if state.folded is None:
            return
        self._send(topic, "sale", {**state.folded, "more": state.folded_count - 1}, state)
        state.folded, state.folded_count = None, 0

    def _send(self, topic: str, event: str, payload: dict[str, Any], state: TopicState) -> None:
        picture = None
        try:
            stamp = self._sequences.next(topic, skip=1 if state.broken else 0)
            if event == "standings" and self.snapshotter is not None:
                picture = self._picture(topic, stamp)
                payload = {**payload, "data": picture}
            self._emit(event, {"topic": topic, "epoch": stamp.epoch, "seq": stamp.seq, **payload}, topic)
            state.broken = False
        except Exception:  # a failed push must never break the write path
            state.broken = True
            log.warning("live push %s on %s failed; screens will resync", event, topic, exc_info=True)
        if event == "standings" and topic.startswith("contest:"):
            self._send_personal(topic, picture)

    def _send_personal(self, topic: str, picture: dict[str, Any] | None) -> None:
        if self.personal is None:
            return
        try:
            personal = self.personal(topic, picture)
        except Exception:  # phones keep their numbers until the next push or resync
            log.warning("personal deltas for %s failed", topic, exc_info=True)
            return
        now = self._clock()
        for change in personal:
            self._route(topic_of(change), event_name(change), payload_of(change), now)
