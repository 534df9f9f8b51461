"""The access policy of every /live socket event and topic: the same decisions as HTTP (domain/access.py).

`subscribe` and `snapshot` name topics; both are checked by `may_follow`, so a screen can never read
by snapshot what it may not subscribe to. tests/security/test_authorization_matrix.py checks the table.
"""
from __future__ import annotations

from leaderboard.domain.access import PUBLIC, Resource
from leaderboard.services.access import policy
from leaderboard.services.access.auth import Principal

# Socket event → the action it takes ("topic": decided per topic by may_follow).
BY_TOPIC = "topic"
SOCKET_EVENTS: dict[str, str] = {
    "connect": "live.connect",
    "disconnect": PUBLIC,
    "subscribe": BY_TOPIC,
    "snapshot": BY_TOPIC,
}


def may_connect(principal: Principal | None) -> bool:
    return principal is not None and policy.allows(principal, SOCKET_EVENTS["connect"])


def topic_access(topic: str) -> tuple[str, Resource] | None:
    """The action and resource behind a topic name, or None for a topic nobody may follow."""
    kind, _, ident = topic.partition(":")
    if kind in ("contest", "phone") and ident.isdigit():
        return "contest.read", policy.contest_resource(int(ident))
    if kind == "channel" and ident:
        return "channel.read", policy.channel_resource(ident)
    if kind == "agent" and ident.isdigit():
        return "self.read", Resource(agent_id=int(ident))
    if kind == "site" and ident:
        return "board.read", policy.query_site_resource(ident)
    return None


def may_follow(principal: Principal | None, topic: str) -> bool:
    """May this connection subscribe to, or ask a snapshot of, the topic?"""
    found = topic_access(topic)
    if principal is None or found is None:
        return False
    action, resource = found
    return policy.allows(principal, action, resource)
