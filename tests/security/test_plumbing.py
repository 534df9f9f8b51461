"""Safe plumbing: redirects stay on this site, cookies behind a TLS proxy, sign-in with Redis down, rate limits."""
from __future__ import annotations

import socket
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import pytest

from leaderboard import create_app
from leaderboard.extensions import db, limiter
from leaderboard.services.access import auth
from leaderboard.services.roster.people import agent_by_key
from leaderboard.web.security import safe_next
from tests.conftest import bearer, reset_schema
from tests.console.conftest import PASSWORD, csrf_from, sign_in

HOSTILE = ["//evil.example/", "/\t/evil.example/", "/\\evil.example", "https://evil.example/",
           "/\n/evil.example", "http:/evil.example", "javascript:alert(1)", "", "evil.example"]


@pytest.mark.parametrize("target", HOSTILE)
def test_redirect_targets_off_this_site_fall_back(target):
    assert safe_next(target, "/home") == "/home"


@pytest.mark.parametrize("target", ["/", "/console/contests/3?by=team", "/me#rank", "/lang/fr?next=/x"])
def test_same_origin_paths_are_kept(target):
    assert safe_next(target, "/home") == target


@pytest.mark.parametrize("raw", ["/%09/evil.example/", "//evil.example/", "/%5Cevil.example", "https://evil.example"])
def test_language_switch_never_leaves_the_site(client, raw):
    response = client.get(f"/lang/fr?next={raw}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_sign_in_never_redirects_off_the_site(app, make):
    email = make.user("lead")
    client = app.test_client()
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login?next=/%09/evil.example/", data={"email": email, "password": PASSWORD,
                                                                   "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"] == "/console/"
    kept = app.test_client()
    token = csrf_from(kept.get("/login").get_data(as_text=True))
    response = kept.post("/login?next=/console/roster/", data={"email": email, "password": PASSWORD,
                                                              "csrf_token": token})
    assert response.headers["Location"] == "/console/roster/"


def _cookie(response, name: str) -> str:
    found = [value for value in response.headers.getlist("Set-Cookie") if value.startswith(name + "=")]
    assert found, f"no {name} cookie in {response.headers.getlist('Set-Cookie')}"
    return found[0]


def test_session_cookie_is_secure_behind_a_tls_proxy(tmp_path, make):
    proxied = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "proxy",
                          "DATABASE_URL": f"sqlite:///{tmp_path}/proxy.db", "HTTP_TRUSTED_PROXIES": 1})
    reset_schema(proxied)
    client = proxied.test_client()
    over_tls = client.get("/login", headers={"X-Forwarded-Proto": "https"})
    cookie = _cookie(over_tls, "session")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    plain = proxied.test_client().get("/login")
    assert "Secure" not in _cookie(plain, "session")
    with proxied.app_context():
        db.engine.dispose()


def test_the_old_proxy_hops_name_still_sets_the_trusted_proxies(tmp_path):
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x",
                      "DATABASE_URL": f"sqlite:///{tmp_path}/x.db", "SERVER_PROXY_HOPS": 1})
    assert app.config["HTTP_TRUSTED_PROXIES"] == 1
    default = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x",
                          "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})
    assert default.config["HTTP_TRUSTED_PROXIES"] == 0


def test_the_phone_remember_cookie_lasts_30_days_and_is_secure(app, make, client):
    agent = make.agent(key="remembered")
    with app.app_context():
        _, token = auth.issue_agent_link(auth.SYSTEM, agent_by_key(agent))
    response = client.get(f"/me/link/{token}", base_url="https://localhost")
    cookie = _cookie(response, "remember_token")
    assert "Secure" in cookie and "HttpOnly" in cookie
    expires = parsedate_to_datetime(cookie.split("Expires=")[1].split(";")[0])
    days = (expires - datetime.now(UTC)).total_seconds() / 86400
    assert 29 < days <= 30


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens once the probe is closed


def test_sign_in_works_while_the_rate_limit_store_is_down(tmp_path, app):
    """Redis (the shared rate-limit store) stopped: sign-in still answers, throttled in-process, never a 500."""
    down = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "down",
                       "DATABASE_URL": app.config["DATABASE_URL"],
                       "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{_closed_port()}/15"})
    try:
        with down.app_context():
            auth.create_user("down@example.test", "lead", PASSWORD)
        sign_in(down.test_client(), "down@example.test")  # a 302 to the console
        wrong = down.test_client()
        token = csrf_from(wrong.get("/login").get_data(as_text=True))
        answers = [wrong.post("/login", data={"email": "down@example.test", "password": "nope",
                                              "csrf_token": token}).status_code for _ in range(12)]
        # Ten attempts a minute per address, the successful one included: nine refusals, then throttled.
        assert answers == [422] * 9 + [429] * 3
    finally:
        # The limiter extension is shared by every app of the run: bind it back to an in-memory store.
        create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "memory",
                    "DATABASE_URL": app.config["DATABASE_URL"]})
        limiter._storage_dead = False  # else it keeps using its fallback until a health check


def test_anonymous_screen_registration_is_rate_limited(client):
    answers = [client.post("/api/v1/screens").status_code for _ in range(25)]
    assert answers[:20] == [201] * 20 and set(answers[20:]) == {429}
    throttled = client.post("/api/v1/screens")
    assert throttled.mimetype == "application/problem+json"


def test_pairing_attempts_are_rate_limited(client, make):
    lead = bearer(make.token("admin"))
    answers = [client.post("/api/v1/screens/pair", headers=lead, json={"code": "ZZZZZZ", "channel": "none"}).status_code
               for _ in range(12)]
    assert answers[:10] == [422] * 10 and answers[10:] == [429, 429]


def test_console_pairing_is_rate_limited_in_the_readers_language(app, make):
    make.site("paris")
    client = app.test_client()
    sign_in(client, make.user("lead", ("paris",)))
    token = csrf_from(client.get("/console/screens/").get_data(as_text=True))
    answers = [client.post("/console/screens/pair", data={"code": "ZZZZZZ", "channel": "none", "csrf_token": token},
                           headers={"Accept-Language": "fr"}) for _ in range(11)]
    assert 429 not in [a.status_code for a in answers[:10]] and answers[10].status_code == 429
    assert "Trop de tentatives d’appairage" in answers[10].get_data(as_text=True)
