"""Hands typed change events to the live layer after commit; a failed push never breaks a write."""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from flask import current_app

from leaderboard.domain.changes import Change

log = logging.getLogger(__name__)
# What services publish: the domain's typed change events.
Notice = Change
EXTENSION_KEY = "leaderboard.publishers"


def register_publisher(app, publisher: Callable[[list[Notice]], None]) -> None:
    app.extensions.setdefault(EXTENSION_KEY, []).append(publisher)


def publish(notices: Iterable[Notice]) -> None:
    """Call only after the transaction committed."""
    batch = list(notices)
    if not batch:
        return
    for publisher in current_app.extensions.get(EXTENSION_KEY, []):
        try:
            publisher(batch)
        except Exception:  # pragma: no cover - depends on the transport failing
            log.exception("publishing %d notices failed; screens will resync from snapshots", len(batch))
