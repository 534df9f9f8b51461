"""Privacy on the TV in real Chromium: display modes, hidden agents, and an opt-in race before and after consent."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import requests

from tests.browser.conftest import screenshot
from tests.live_server import Deployment

pytestmark = pytest.mark.browser
PLACEHOLDER = "—"


class Floor:
    """A site with three agents on a live server, one of them hidden from screens."""

    def __init__(self, deployment: Deployment):
        self.dep = deployment
        self.url = deployment.start().url
        self.admin = {"Authorization": f"Bearer {deployment.token('admin')}"}
        self.display = deployment.token("display")
        self.count = 0

    def call(self, method: str, path: str, body=None, headers=None, expect=(200, 201, 204)):
        response = requests.request(method, self.url + path, json=body, headers=headers or self.admin, timeout=10)
        assert response.status_code in expect, response.text
        return response.json() if response.content else None

    def sale(self, agent: str, quantity: int = 1) -> None:
        self.count += 1
        at = datetime.now(UTC) - timedelta(seconds=1)
        self.call("POST", "/api/v1/sales", {"id": f"p{self.count}", "agent": agent, "product": "CARD",
                                           "quantity": quantity, "occurred_at": at.isoformat()})


@pytest.fixture(scope="module")
def floor(tmp_path_factory):
    floor = Floor(Deployment(tmp_path_factory.mktemp("tv-privacy")))
    floor.call("PUT", "/api/v1/sites/paris", {"name": "Paris", "timezone": "Europe/Paris"})
    floor.call("PUT", "/api/v1/products/CARD", {"name": "Credit card", "points": 50})
    for key, name in (("zoe", "Zoë Quintessa"), ("bruno", "Bruno Keller"), ("ana", "Ana Lima")):
        floor.call("PUT", f"/api/v1/agents/{key}", {"name": name, "site": "paris"})
    floor.call("PUT", "/api/v1/agents/zoe", {"name": "Zoë Quintessa", "site": "paris", "hidden_on_screens": True})
    now = datetime.now(UTC)
    window = {"starts_at": (now - timedelta(days=1)).isoformat(), "ends_at": (now + timedelta(days=1)).isoformat()}
    race = floor.call("POST", "/api/v1/contests", {"name": "Race", "kind": "race", **window})
    floor.opt_in = floor.call("POST", "/api/v1/contests", {"name": "Opt-in race", "kind": "race",
                                                          "rules": {"opt_in": True}, **window})
    for key, display in (("privacy-full", {}), ("privacy-initials", {"names": "first_initial", "top": 2}),
                         ("privacy-none", {"names": "none"})):
        floor.call("PUT", f"/api/v1/channels/{key}", {
            "name": key, "display": display, "slides": [{"type": "standings", "contest": race["id"], "seconds": 60}]})
    floor.call("PUT", "/api/v1/channels/privacy-opt-in", {
        "name": "Opt-in", "slides": [{"type": "standings", "contest": floor.opt_in["id"], "seconds": 60}]})
    floor.sale("zoe", 3)
    floor.sale("bruno", 2)
    floor.sale("ana", 1)
    yield floor
    floor.dep.stop()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    yield context.new_page()
    context.close()


def _show(floor: Floor, page, channel: str) -> None:
    page.goto(f"{floor.url}/tv/{channel}#token={floor.display}")
    page.wait_for_selector("#connection[data-state=live]", timeout=15000)
    page.wait_for_selector("body[data-slide=standings]", timeout=15000)


def _names(page) -> list[str]:
    return [name.strip() for name in page.locator(".standings [data-key] .name").all_inner_texts()]


def test_full_names_with_the_hidden_agent_as_a_placeholder(floor, page):
    _show(floor, page, "privacy-full")
    page.locator(".standings [data-key]").nth(2).wait_for()
    assert _names(page) == [PLACEHOLDER, "Bruno Keller", "Ana Lima"]
    html = page.content()
    assert "Zoë" not in html and "Quintessa" not in html and 'data-key="zoe"' not in html
    screenshot(page, "privacy-full-names-hidden-agent")


def test_initials_and_top_two_never_send_a_full_name(floor, page):
    _show(floor, page, "privacy-initials")
    page.locator(".standings [data-key]").nth(1).wait_for()
    assert _names(page) == [PLACEHOLDER, "Bruno K."]
    html = page.content()
    assert "Keller" not in html and "Ana" not in html and "Zoë" not in html
    screenshot(page, "privacy-initials-top-2")


def test_no_names_mode_shows_no_individual(floor, page):
    _show(floor, page, "privacy-none")
    page.wait_for_selector("#connection[data-state=live]")
    expect_no_rows = page.locator(".standings [data-key]")
    assert expect_no_rows.count() == 0
    html = page.content()
    assert all(name not in html for name in ("Bruno", "Keller", "Ana Lima", "Zoë"))
    screenshot(page, "privacy-no-names")


def test_an_opt_in_race_shows_an_agent_once_they_accept(floor, page):
    _show(floor, page, "privacy-opt-in")
    assert page.locator(".standings [data-key]").count() == 0
    bruno_key = floor.dep.cli("apikey", "create", "bruno-phone", "--role", "agent", "--agent", "bruno")
    bruno = {"Authorization": f"Bearer {bruno_key.strip().splitlines()[-1]}"}
    floor.call("POST", f"/api/v1/contests/{floor.opt_in['id']}/consent", headers=bruno)
    page.wait_for_selector(".standings [data-key] .name >> text=Bruno Keller", timeout=5000)
    assert _names(page) == ["Bruno Keller"]
    screenshot(page, "privacy-opt-in-after-consent")
    floor.call("DELETE", f"/api/v1/contests/{floor.opt_in['id']}/consent", headers=bruno)
    page.wait_for_selector(".standings [data-key]", state="detached", timeout=5000)
