"""The Redis message queue between serving processes, with a prompt return after an outage.

python-socketio's manager backs off to a minute between reconnects; a process cut off that long gets no
pushes and answers no screen through the queue, so this one tries again every half second.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any

import socketio

log = logging.getLogger(__name__)
RETRY_SECONDS = 0.5
CHANNEL = "flask-socketio"  # Flask-SocketIO's default: every process and the CLI must agree


class PromptRedisManager(socketio.RedisManager):
    def _redis_listen_with_retries(self) -> Iterator[Any]:
        while True:
            try:
                self._redis_connect()
                self.pubsub.subscribe(self.channel)
                yield from self.pubsub.listen()
            except Exception as exc:  # any transport failure: wait briefly, then resubscribe
                log.warning("message queue unreachable (%s); retrying in %.1f s", exc, RETRY_SECONDS)
                time.sleep(RETRY_SECONDS)


def redis_manager(url: str) -> PromptRedisManager:
    return PromptRedisManager(url, channel=CHANNEL)
