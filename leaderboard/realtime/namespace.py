"""The /live Socket.IO namespace: authenticated connect, subscribe, snapshots on demand."""
from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import current_app, request
from flask_socketio import ConnectionRefusedError, Namespace, emit, join_room, leave_room, rooms

from leaderboard.domain.privacy import PUBLIC_DEFAULT, ChannelDisplay
from leaderboard.extensions import db
from leaderboard.realtime.access import may_connect, may_follow
from leaderboard.realtime.display_rooms import public_snapshot, room_for
from leaderboard.realtime.events import agent_topic, phone_topic, site_topic
from leaderboard.realtime.publisher import PUBLISHER_KEY, LivePublisher
from leaderboard.realtime.sequences import Stamp
from leaderboard.realtime.snapshot_cache import SnapshotCache
from leaderboard.services.access.auth import Principal, principal_for_token
from leaderboard.services.boards import agent_view, live_snapshots
from leaderboard.services.contests.lifecycle import find_contest
from leaderboard.services.core.errors import ServiceError
from leaderboard.services.roster.privacy import channel_display
from leaderboard.web.phone_data import phone_snapshot
from leaderboard.web.signin import session_principal

log = logging.getLogger(__name__)
PUBLIC = Principal(name="public board", role="display")
SNAPSHOT_CACHE_KEY = "leaderboard.snapshot_cache"
SUBSCRIBE_HELP = "subscribe with {contest: id}, {channel: key}, {phone: contest id} or {me: true}"


def socket_id() -> str:
    """The Socket.IO session id of the client whose event is being handled."""
    # Flask-SocketIO sets `sid` on the request while it runs a handler; Flask's stubs do not know it.
    return request.sid  # type: ignore[attr-defined]


def releases_session(handler: Callable) -> Callable:
    """Release the DB session when a socket event ends: do not rely on request teardown for sockets."""
    @wraps(handler)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return handler(*args, **kwargs)
        finally:
            db.session.remove()
    return wrapped


class LiveNamespace(Namespace):
    def __init__(self, namespace: str):
        super().__init__(namespace)
        self.viewers: dict[str, Principal] = {}
        self.displays: dict[str, ChannelDisplay] = {}  # a TV's channel display: its contest rooms' variant

    @property
    def snapshots(self) -> SnapshotCache:
        return current_app.extensions[SNAPSHOT_CACHE_KEY]

    @property
    def publisher(self) -> LivePublisher:
        # Looked up per event: the app handling the event owns the publisher and its seq counters.
        return current_app.extensions[PUBLISHER_KEY]

    @releases_session
    def on_connect(self, auth: dict | None = None) -> None:
        principal = self._authenticate(auth)
        if principal is None:
            raise ConnectionRefusedError("unauthorized: send auth {token} with a display, agent, lead or admin token")
        self.viewers[socket_id()] = principal

    def on_disconnect(self, reason: Any = None) -> None:
        self.viewers.pop(socket_id(), None)
        self.displays.pop(socket_id(), None)

    def _display(self) -> ChannelDisplay:
        return self.displays.get(socket_id(), PUBLIC_DEFAULT)

    @releases_session
    def on_subscribe(self, data: Any) -> None:
        """{"contest": id} or {"channel": key}: join the topics and get a snapshot of each."""
        principal = self.viewers.get(socket_id())
        if principal is None or not isinstance(data, dict):
            emit("error", {"message": SUBSCRIBE_HELP})
            return
        try:
            if "me" in data:
                self._subscribe_me(principal)
            elif "channel" in data:
                self._subscribe_channel(str(data["channel"]), principal)
            elif "contest" in data:
                self._subscribe_contest(int(data["contest"]), principal)
            elif "phone" in data:
                self._subscribe_contest(int(data["phone"]), principal, topic=phone_topic(int(data["phone"])))
            else:
                emit("error", {"message": SUBSCRIBE_HELP})
        except (ServiceError, ValueError, TypeError) as exc:
            emit("error", {"message": str(exc)})

    @releases_session
    def on_snapshot(self, data: Any) -> None:
        """A screen that saw a gap asks again: {"topic": "contest:<id>"} or "channel:<key>"."""
        topic = data.get("topic", "") if isinstance(data, dict) else ""
        kind, _, ident = topic.partition(":")
        if not may_follow(self.viewers.get(socket_id()), topic):  # the same check as subscribe
            emit("error", {"message": f"{topic or 'that topic'} is not yours to follow"})
            return
        try:
            if kind in ("contest", "phone"):
                self._send_contest_snapshot(topic)
            elif kind == "channel":
                # The channel may have changed since the screen subscribed: join its new contests too.
                self._subscribe_channel(ident, self.viewers.get(socket_id(), PUBLIC), only_new_contests=True)
            elif kind in ("agent", "site"):
                self._send_personal_snapshots(self._own_agent(), only=topic)
        except (ServiceError, ValueError) as exc:
            emit("error", {"message": str(exc)})

    def _own_agent(self) -> int:
        principal = self.viewers.get(socket_id())
        if principal is None or principal.role != "agent" or principal.agent_id is None:
            raise ValueError("only an agent's personal link has numbers of its own")
        return principal.agent_id

    def _subscribe_me(self, principal: Principal) -> None:
        """An agent's phone: its own topic (personal deltas) and its site's (contests starting or ending)."""
        agent_id = self._own_agent()
        join_room(agent_topic(agent_id))
        self._send_personal_snapshots(agent_id, join_site=True)

    def _send_personal_snapshots(self, agent_id: int, only: str | None = None, join_site: bool = False) -> None:
        mine = agent_topic(agent_id)
        # Stamps are read before the data, so a change made meanwhile comes as a delta, not as "seen".
        stamp = self.publisher.current_stamp(mine)
        view = agent_view.overview(agent_id)
        site = site_topic(view["agent"]["site"])
        if only not in (None, mine, site):
            raise ValueError("that topic is not yours")
        if join_site:
            join_room(site)
        if only in (None, site):
            self._send_snapshot(site, {})
        if only in (None, mine):
            self._send_snapshot(mine, phone_snapshot(view), stamp)

    def _subscribe_channel(self, key: str, principal: Principal, only_new_contests: bool = False) -> None:
        topic = f"channel:{key}"
        if not may_follow(principal, topic):
            emit("error", {"message": f"channel {key!r} is not one of your sites'"})
            return
        display = channel_display(key)
        if display != self._display():  # the channel's display changed: leave the old variant's rooms
            for room in rooms():
                if room.startswith("contest:"):
                    leave_room(room)
        self.displays[socket_id()] = display
        snapshot = live_snapshots.channel_snapshot(key)
        join_room(topic)
        self._send_snapshot(topic, snapshot)
        joined = set(rooms()) if only_new_contests else set()
        for contest_id in live_snapshots.channel_contests(key):
            if room_for(f"contest:{contest_id}", self._display()) not in joined:
                self._subscribe_contest(contest_id, principal)

    def _subscribe_contest(self, contest_id: int, principal: Principal, topic: str = "") -> None:
        """A contest's full topic (TVs, consoles) or, with `topic`, its phones' lean one."""
        topic = topic or f"contest:{contest_id}"
        contest = find_contest(contest_id)
        if contest is None:
            emit("error", {"message": f"no contest {contest_id}"})
            return
        if not may_follow(principal, topic):
            emit("error", {"message": f"contest {contest_id} is not one of your sites'"})
            return
        join_room(room_for(topic, self._display()))
        self._send_contest_snapshot(topic)

    def _send_contest_snapshot(self, topic: str) -> None:
        stamp = self.publisher.current_stamp(topic)  # read before the data: a later change re-triggers
        data = public_snapshot(self.snapshots, topic, stamp, self._display())
        # Straight to this client, not through the message queue: resyncs work while the queue is down.
        emit("snapshot", {"topic": topic, "epoch": stamp.epoch, "seq": stamp.seq, "data": data}, ignore_queue=True)

    def _send_snapshot(self, topic: str, data: dict, stamp: Stamp | None = None) -> None:
        stamp = stamp or self.publisher.current_stamp(topic)
        emit("snapshot", {"topic": topic, "epoch": stamp.epoch, "seq": stamp.seq, "data": data}, ignore_queue=True)

    def _authenticate(self, auth: dict | None) -> Principal | None:
        token = auth.get("token") if isinstance(auth, dict) else None
        if isinstance(token, str) and token:
            principal = principal_for_token(token)
            if may_connect(principal):
                return principal
            return None
        signed_in = session_principal()  # the console's or phone page's browser session
        if may_connect(signed_in):
            return signed_in
        return PUBLIC if current_app.config["REALTIME_PUBLIC_BOARDS"] else None
