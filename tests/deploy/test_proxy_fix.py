"""`server.proxy_hops`: the app trusts X-Forwarded-For/Proto/Host from that many proxies, and none by default."""
from flask import request

from leaderboard import create_app
from leaderboard.web.access import ENDPOINTS, OPEN

ENDPOINTS.setdefault("whoami", OPEN)  # every route needs an access policy


def whoami_app(tmp_path, hops=None):
    overrides = {"TESTING": True, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "proxy",
                 "DATABASE_URL": f"sqlite:///{tmp_path}/proxy.db"}
    app = create_app(overrides if hops is None else {**overrides, "SERVER_PROXY_HOPS": hops})

    @app.get("/_whoami")
    def whoami():  # a probe route of this test: open to anyone, like /api/v1/health
        return {"addr": request.remote_addr, "scheme": request.scheme, "host": request.host}

    return app.test_client()


FORWARDED = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "board.example"}


def test_behind_one_proxy_the_forwarded_client_scheme_and_host_are_used(tmp_path):
    seen = whoami_app(tmp_path, 1).get("/_whoami", headers=FORWARDED, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert seen.json == {"addr": "203.0.113.7", "scheme": "https", "host": "board.example"}


def test_only_the_last_hop_is_trusted(tmp_path):
    headers = {**FORWARDED, "X-Forwarded-For": "6.6.6.6, 203.0.113.7"}  # the client forged the first entry
    seen = whoami_app(tmp_path, 1).get("/_whoami", headers=headers, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert seen.json["addr"] == "203.0.113.7"


def test_by_default_forwarded_headers_are_ignored(tmp_path):
    seen = whoami_app(tmp_path).get("/_whoami", headers=FORWARDED, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert seen.json == {"addr": "127.0.0.1", "scheme": "http", "host": "localhost"}
