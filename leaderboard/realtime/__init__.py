"""Live updates over Socket.IO: binds the server, the /live namespace and the publisher to the app."""
from __future__ import annotations

import logging

from flask import Flask

from leaderboard.domain.changes import Change
from leaderboard.extensions import db, socketio
from leaderboard.realtime.display_rooms import DisplayRooms
from leaderboard.realtime.namespace import SNAPSHOT_CACHE_KEY, LiveNamespace
from leaderboard.realtime.publisher import HEARTBEAT_SECONDS, NAMESPACE, PUBLISHER_KEY, LivePublisher
from leaderboard.realtime.queue import redis_manager
from leaderboard.realtime.sequences import MemorySequences, RedisSequences
from leaderboard.realtime.snapshot_cache import SnapshotCache, shared_picture
from leaderboard.services.boards.personal import PersonalLines
from leaderboard.services.core.publishing import register_publisher
from leaderboard.services.roster.privacy import display_variants, is_hidden

log = logging.getLogger(__name__)
FLUSH_SECONDS = 0.1


def init_app(app: Flask) -> None:
    queue: str | None = app.config["REALTIME_MESSAGE_QUEUE"] or None
    managers = ({"client_manager": redis_manager(queue)}
                if queue is not None and queue.startswith(("redis://", "rediss://")) else {})
    socketio.init_app(app, async_mode=app.config["REALTIME_ASYNC_MODE"], message_queue=queue,
                      cors_allowed_origins=app.config["REALTIME_ALLOWED_ORIGINS"] or None, **managers)
    sequences = RedisSequences(queue) if queue and queue.startswith("redis") else MemorySequences()
    cache = app.extensions[SNAPSHOT_CACHE_KEY] = SnapshotCache()
    # Contest messages reach each channel display variant's room as that variant may show them.
    rooms = DisplayRooms(lambda event, payload, room: socketio.emit(event, payload, to=room, namespace=NAMESPACE),
                         cache, display_variants, is_hidden)
    publisher = LivePublisher(rooms, sequences)
    app.extensions[PUBLISHER_KEY] = publisher
    publisher.snapshotter = lambda topic, stamp: shared_picture(cache, topic, stamp)
    lines = PersonalLines()
    publisher.personal = lambda topic, picture: personal_deltas(lines, topic, picture)
    register_publisher(app, publisher)
    # The extension object is shared by every app built in this process: register the namespace once.
    if not any(isinstance(handler, LiveNamespace) for handler in socketio.namespace_handlers):
        socketio.on_namespace(LiveNamespace(NAMESPACE))


def personal_deltas(lines: PersonalLines, topic: str, picture: dict | None) -> list[Change]:
    kind, _, ident = topic.partition(":")
    return list(lines.changes_for(int(ident), picture)) if kind == "contest" else []


def run_flusher(app: Flask, publisher: LivePublisher) -> None:
    """Background loop of a serving process: coalesced pushes (with their pictures) and heartbeats."""
    publisher.coalesce = True
    beats = 0.0
    while True:
        socketio.sleep(FLUSH_SECONDS)
        beats += FLUSH_SECONDS
        beat = beats >= HEARTBEAT_SECONDS
        if beat:
            beats = 0.0
        flusher_round(app, publisher, beat)


def flusher_round(app: Flask, publisher: LivePublisher, beat: bool) -> None:
    """One round, in the app's context: heartbeats need it too, because the display rooms read the channels'
    variants from the database, and a beat that fails marks its topic broken (every screen then resyncs)."""
    with app.app_context():
        try:
            publisher.flush()
            if beat:
                publisher.heartbeat()
        except Exception:
            log.exception("live flusher round failed")  # the loop must outlive any one bad round
        finally:
            db.session.remove()
