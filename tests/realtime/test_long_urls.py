"""A real gevent server: URLs too long for it answer problem+json 414, like URLs the app itself refuses."""
from __future__ import annotations

import pytest
import requests

from tests.live_server import Deployment

# gevent reads at most this many bytes of a request line, then refuses the request itself.
GEVENT_REQUEST_LINE_LIMIT = 8192


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    deployment = Deployment(tmp_path_factory.mktemp("long-urls"))
    yield deployment.start()
    deployment.stop()


def long_url(server, length: int) -> str:
    """A health URL whose path and query are `length` bytes long."""
    path = "/api/v1/health?filler="
    return server.url + path + "x" * (length - len(path))


def assert_problem_414(response: requests.Response) -> None:
    assert response.status_code == 414, response.text[:300]
    assert response.headers["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 414 and problem["type"] == "about:blank"
    assert "URI Too Long" in problem["title"] and "URL" in problem["detail"]


@pytest.mark.parametrize("length", [GEVENT_REQUEST_LINE_LIMIT, 9 * 1024])
def test_a_url_gevent_refuses_answers_a_problem(server, length):
    response = requests.get(long_url(server, length), timeout=10)
    assert_problem_414(response)
    assert response.json()["title"] == "URI Too Long"
    assert response.headers["Connection"] == "close"
    assert int(response.headers["Content-Length"]) == len(response.content)


def test_a_url_just_under_gevent_limit_is_refused_by_the_app_alike(server):
    # "GET " + target + " HTTP/1.1\r\n" stays under gevent's limit, so the app answers this one.
    response = requests.get(long_url(server, GEVENT_REQUEST_LINE_LIMIT - 100), timeout=10)
    assert_problem_414(response)


def test_the_server_still_answers_after_refusing(server):
    requests.get(long_url(server, 9 * 1024), timeout=10)
    assert requests.get(server.url + "/api/v1/health", timeout=10).ok
