"""One room per (contest, display variant): every message of a contest topic goes to each variant's room
as that variant may show it, so a full name never reaches a screen that shows initials.

The contest's picture is still built once per stamp; each variant adds one pure transform
(domain/privacy.public_picture), cached per stamp like the picture. Screens of the default variant
(full names, hidden agents as placeholders) stay in the plain `contest:<id>` room.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from leaderboard.domain.privacy import PUBLIC_DEFAULT, ChannelDisplay, agent_notice, public_picture
from leaderboard.realtime.sequences import Stamp
from leaderboard.realtime.snapshot_cache import SnapshotCache, picture_builder, shared_picture

log = logging.getLogger(__name__)
VARIANTS_TTL_SECONDS = 5.0
Emit = Callable[[str, dict[str, Any], str], None]


def room_for(topic: str, display: ChannelDisplay) -> str:
    """The room a screen with this display joins for a topic (only contest topics have variants)."""
    return topic if display == PUBLIC_DEFAULT or not topic.startswith("contest:") else f"{topic}~{display.variant}"


def public_snapshot(cache: SnapshotCache, topic: str, stamp: Stamp, display: ChannelDisplay) -> dict | None:
    """A snapshot as a screen with this display may see it (contest topics); other topics as they are."""
    if not topic.startswith("contest:"):
        return shared_picture(cache, topic, stamp)
    return variant_picture(cache, topic, stamp, picture_builder(topic) or _no_picture, display)


def _no_picture() -> None:
    return None


def variant_picture(cache: SnapshotCache, topic: str, stamp: Stamp, base: Callable[[], dict | None],
                    display: ChannelDisplay) -> dict[str, Any] | None:
    """The picture of `topic` at `stamp` as `display` shows it: one base build, one transform per variant."""
    def transform() -> dict[str, Any] | None:
        picture = cache.get(topic, stamp, base)
        return public_picture(picture, display) if isinstance(picture, dict) else picture
    return cache.get(f"{topic}~{display.variant}", stamp, transform, counted=False)


class DisplayRooms:
    """Wraps the publisher's emit: contest messages fan out to the variant rooms, each made public."""

    def __init__(self, emit: Emit, cache: SnapshotCache, variants: Callable[[], list[ChannelDisplay]],
                 hidden: Callable[[str], bool], clock: Callable[[], float] = time.monotonic) -> None:
        self._emit, self._cache, self._variants, self._hidden, self._clock = emit, cache, variants, hidden, clock
        self._known: tuple[float, list[ChannelDisplay]] = (-1e9, [])
        self._lock = threading.Lock()

    def __call__(self, event: str, payload: dict[str, Any], room: str) -> None:
        if room.startswith("phone:"):  # colleagues' phones name a hidden agent no more than a TV does
            self._emit(event, agent_notice(payload, self._agent_hidden(payload), PUBLIC_DEFAULT), room)
            return
        if not room.startswith("contest:") or "~" in room:
            if room.startswith("channel:"):
                self.forget_variants()  # a channel changed here: its display may be a new variant
            self._emit(event, payload, room)
            return
        hidden = self._agent_hidden(payload)
        for display in [PUBLIC_DEFAULT, *self.variants()]:
            self._emit(event, self._public(event, payload, room, display, hidden), room_for(room, display))

    def forget_variants(self) -> None:
        with self._lock:
            self._known = (-1e9, [])

    def variants(self) -> list[ChannelDisplay]:
        """The display variants channels use besides the default, re-read every few seconds."""
        now = self._clock()
        with self._lock:
            if now - self._known[0] < VARIANTS_TTL_SECONDS:
                return self._known[1]
        try:
            found = [d for d in dict.fromkeys(self._variants()) if d != PUBLIC_DEFAULT]
        except Exception:  # keep the last known variants; their screens resync on heartbeats
            log.warning("could not read the channels' display variants", exc_info=True)
            return self._known[1]
        with self._lock:
            self._known = (now, found)
        return found

    def _agent_hidden(self, payload: dict[str, Any]) -> bool:
        agent = payload.get("agent")
        key = agent.get("key") if isinstance(agent, dict) else agent
        if not isinstance(key, str):
            return False
        try:
            return self._hidden(key)
        except Exception:  # the delta still goes out, naming nobody
            log.warning("could not tell whether agent %s is hidden; shown as hidden", key, exc_info=True)
            return True

    def _public(self, event: str, payload: dict[str, Any], topic: str, display: ChannelDisplay,
                hidden: bool) -> dict[str, Any]:
        if isinstance(payload.get("data"), dict) and "epoch" in payload and "seq" in payload:
            stamp = Stamp(payload["epoch"], payload["seq"])
            data = variant_picture(self._cache, topic, stamp, lambda: payload["data"], display)
            payload = {**payload, "data": data}
        return agent_notice(payload, hidden, display)
