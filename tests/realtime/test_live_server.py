"""A real gevent server and real Socket.IO clients: origins, delivery, and reconnect snapshots."""
import threading
from datetime import UTC, datetime

import pytest
import requests
import socketio

from tests.live_server import Deployment


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    dep = Deployment(tmp_path_factory.mktemp("live"))
    server = dep.start()
    admin = {"Authorization": f"Bearer {dep.token('admin')}"}
    for path, body in (("/api/v1/sites/paris", {"name": "Paris", "timezone": "Europe/Paris"}),
                       ("/api/v1/agents/ana", {"name": "Ana", "site": "paris"}),
                       ("/api/v1/products/CARD", {"name": "Credit card", "points": 50})):
        assert requests.put(server.url + path, json=body, headers=admin, timeout=10).ok
    contest = requests.post(server.url + "/api/v1/contests", headers=admin, timeout=10, json={
        "name": "Live", "kind": "race", "starts_at": "2026-01-01T00:00:00Z", "ends_at": "2030-01-01T00:00:00Z"})
    dep.contest_id = contest.json()["id"]
    dep.admin, dep.display, dep.server = admin, dep.token("display"), server
    yield dep
    dep.stop()


class Screen:
    """A real websocket client that records what it receives."""

    def __init__(self, url, token, contest_id, headers=None):
        self.client = socketio.Client(reconnection=False)
        self.events, self.arrived = [], threading.Event()
        self.client.on("snapshot", lambda m: self._got("snapshot", m), namespace="/live")
        self.client.on("sale", lambda m: self._got("sale", m), namespace="/live")
        self.client.connect(url, namespaces=["/live"], auth={"token": token}, transports=["websocket"],
                            headers=headers or {}, wait_timeout=10)
        self.client.emit("subscribe", {"contest": contest_id}, namespace="/live")

    def _got(self, name, message):
        self.events.append((name, message))
        self.arrived.set()

    def wait_for(self, name, count=1, timeout=10):
        for _ in range(int(timeout * 20)):
            if len([e for e in self.events if e[0] == name]) >= count:
                return [m for n, m in self.events if n == name]
            self.arrived.wait(0.05)
            self.arrived.clear()
        raise AssertionError(f"no {name} within {timeout}s; got {[n for n, _ in self.events]}")


def post_sale(dep, server, sale_id):
    response = requests.post(server.url + "/api/v1/sales", headers=dep.admin, timeout=10, json={
        "id": sale_id, "agent": "ana", "product": "CARD", "occurred_at": datetime.now(UTC).isoformat()})
    assert response.status_code == 201, response.text


def test_a_sale_reaches_a_real_websocket_client(deployment):
    screen = Screen(deployment.server.url, deployment.display, deployment.contest_id)
    snapshot = screen.wait_for("snapshot")[0]
    post_sale(deployment, deployment.server, "ws-1")
    sale = screen.wait_for("sale")[0]
    assert sale["sale"] == "ws-1" and sale["agent"] == {"key": "ana", "name": "Ana"}
    assert sale["seq"] > snapshot["seq"]
    screen.client.disconnect()


def test_cross_origin_handshake_is_refused(deployment):
    handshake = deployment.server.url + "/socket.io/?EIO=4&transport=polling"
    refused = requests.get(handshake, headers={"Origin": "http://evil.example"}, timeout=10)
    assert refused.status_code == 400
    same_origin = requests.get(handshake, headers={"Origin": deployment.server.url}, timeout=10)
    assert same_origin.status_code == 200
    with pytest.raises((socketio.exceptions.ConnectionError, ValueError)):
        Screen(deployment.server.url, deployment.display, deployment.contest_id,
               headers={"Origin": "http://evil.example"})


def test_refused_token_fails_at_connect(deployment):
    with pytest.raises(socketio.exceptions.ConnectionError):
        Screen(deployment.server.url, "lb_not-a-token", deployment.contest_id)


def test_after_a_server_restart_a_new_connection_gets_fresh_data(deployment):
    post_sale(deployment, deployment.server, "before-restart")
    deployment.server.restart()
    post_sale(deployment, deployment.server, "after-restart")
    screen = Screen(deployment.server.url, deployment.display, deployment.contest_id)
    snapshot = screen.wait_for("snapshot")[0]
    ana = snapshot["data"]["standings"]["agent"][0]
    assert ana["key"] == "ana" and ana["sales"] >= 2
    screen.client.disconnect()
