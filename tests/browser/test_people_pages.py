"""The people side in real Chromium: the goal poster on a 390×844 phone, kudos and goal wall TV slides,
the console's pulse page. Screenshots go to test-output/screenshots (people-*.png)."""
from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
import requests
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from leaderboard import create_app
from leaderboard.extensions import db
from leaderboard.services.access import auth
from leaderboard.services.roster.people import agent_by_key
from tests.browser.conftest import XSS_NAME, console_sign_in, screenshot
from tests.live_server import Deployment

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
PASSWORD = "a-long-demo-password"


class Floor:
    """A small site on a live server, with API keys for an admin and for two agents."""

    def __init__(self, dep: Deployment):
        self.dep = dep
        self.server = dep.start()
        self.url = self.server.url
        self.admin = {"Authorization": f"Bearer {dep.token('admin')}"}
        self.display = dep.token("display")

    def call(self, method: str, path: str, body=None, headers=None, expect_status=(200, 201)):
        response = requests.request(method, self.url + path, json=body, headers=headers or self.admin, timeout=10)
        assert response.status_code in expect_status, response.text
        return response.json() if response.content else None

    def in_app(self, fn):
        app = create_app({"DATABASE_URL": self.dep.env["LEADERBOARD_DATABASE_URL"], "SECRET_KEY": "live-tests",
                          "INSTANCE_PATH": self.dep.env["LEADERBOARD_INSTANCE_PATH"]})
        with app.app_context():
            try:
                return fn()
            finally:
                db.session.remove()
                db.engine.dispose()

    def link(self, agent_key: str) -> str:
        _, token = self.in_app(lambda: auth.issue_agent_link(auth.SYSTEM, agent_by_key(agent_key)))
        return f"{self.url}/me/link/{token}"

    def agent_key(self, agent_key: str) -> dict[str, str]:
        _, secret = self.in_app(lambda: auth.create_api_key(f"key-{agent_key}", "agent", agent_key=agent_key))
        return {"Authorization": f"Bearer {secret}"}


@pytest.fixture(scope="module")
def floor(tmp_path_factory):
    dep = Deployment(tmp_path_factory.mktemp("people"))
    dep.env["LEADERBOARD_SALES_CLAWBACK_DAYS"] = "0"  # bonuses confirm at once: a goal can be reached in a test
    floor = Floor(dep)
    floor.call("PUT", "/api/v1/sites/paris", {"name": "Paris – Rive Gauche", "timezone": "Europe/Paris"})
    floor.call("PUT", "/api/v1/products/CARD", {"name": "Credit card", "points": 50, "bonus": "25.00",
                                                "currency": "EUR"})
    for key, name in (("julie", "Julie Lefèvre"), ("zoe", "Zoë Maximilienne de la Tour-Fontaine"),
                      ("xss", XSS_NAME), ("hidden", "Hidden Person"), ("marc", "Marc Dubois")):
        floor.call("PUT", f"/api/v1/agents/{key}", {"name": name, "site": "paris"})
    floor.call("PUT", "/api/v1/agents/hidden", {"name": "Hidden Person", "site": "paris", "hidden_on_screens": True})
    now = datetime.now(UTC)
    floor.call("POST", "/api/v1/contests", {"name": "Race of the week", "kind": "race",
                                            "starts_at": (now - timedelta(days=1)).isoformat(),
                                            "ends_at": (now + timedelta(days=6)).isoformat()})
    yield floor
    dep.stop()


def open_phone(browser, link):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    phone = context.new_page()
    phone.goto(link)
    phone.wait_for_url("**/me")
    return phone


def settled(page) -> None:
    """Rows glide to their new places: wait until no slide element is moving before a screenshot."""
    page.wait_for_function("() => ![...document.querySelectorAll('#stage *')].some((n) => n.getAnimations().length)",
                           timeout=5000)


def no_side_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_an_agent_sets_a_goal_and_sees_the_poster_on_a_phone(floor, browser, tmp_path):
    phone = open_phone(browser, floor.link("julie"))
    poster = phone.locator("#goal-poster")
    poster.scroll_into_view_if_needed()
    phone.fill("#goal-title", "Un vélo de route « Bianchi »")
    phone.fill("#goal-target", "1200")
    phone.fill("#goal-currency", "EUR")
    picture = tmp_path / "bike.png"
    picture.write_bytes(png())
    phone.set_input_files("#goal-picture", str(picture))
    phone.check(".goal-form input[name=on_wall]")
    with phone.expect_navigation():  # the form posts, then the page comes back with the poster
        phone.click(".goal-form button.primary")
    expect(poster.locator("[data-field=title]")).to_have_text("Un vélo de route « Bianchi »")
    expect(poster.locator("[data-field=saved]")).to_contain_text("1,200.00")
    phone.wait_for_selector("#connection[data-state=live]", timeout=15000)
    for n in range(2):  # sales after the goal: 50.00 pending, shown live (the race's personal deltas)
        floor.call("POST", "/api/v1/sales", {"id": f"julie-{n}", "agent": "julie", "product": "CARD",
                                             "occurred_at": datetime.now(UTC).isoformat()})
    expect(poster.locator("[data-field=saved]")).to_contain_text("50.00 of", timeout=10000)
    expect(poster.locator("img.poster-picture")).to_be_visible()
    assert poster.locator("progress").evaluate("bar => bar.value") == round(50 / 1200, 4)
    # The first screen reminds the agent of the goal in one line, and follows the poster live.
    strip = phone.locator("[data-goal-strip]")
    expect(strip.locator("[data-goal-strip-title]")).to_have_text("Un vélo de route « Bianchi »")
    assert strip.locator("progress").evaluate("bar => bar.value") == round(50 / 1200, 4)
    phone.evaluate("() => window.scrollTo(0, 0)")
    box = strip.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 844
    screenshot(phone, "people-phone-first-screen")
    no_side_scroll(phone)
    poster.scroll_into_view_if_needed()
    screenshot(phone, "people-phone-poster")
    # A smaller target that the savings already cover: the poster says so and celebrates, once.
    phone.click("#goal-poster details.more summary")
    phone.fill("#goal-target", "50")
    with phone.expect_navigation():  # the form posts, then the page comes back with the poster
        phone.click(".goal-form button.primary")
    expect(poster).to_have_class(re.compile(r"\bcelebrate\b"), timeout=5000)
    expect(poster.locator("[data-block=reached]")).to_be_visible()
    expect(poster.locator("[data-field=reached]")).to_contain_text("Goal reached on")
    poster.scroll_into_view_if_needed()
    screenshot(phone, "people-phone-goal-reached")
    phone.reload()
    phone.wait_for_selector("#connection[data-state=live]", timeout=15000)
    phone.evaluate("() => window.leaderboardPeople.refresh()")
    assert "celebrate" not in (poster.get_attribute("class") or "")  # celebrated once on this phone
    kudos = phone.locator("#kudos")
    kudos.scroll_into_view_if_needed()
    screenshot(phone, "people-phone-kudos")
    phone.context.close()


def png() -> bytes:
    image = Image.new("RGB", (640, 400), (30, 110, 200))
    ImageDraw.Draw(image).ellipse((220, 100, 420, 300), fill=(250, 200, 40))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def test_kudos_appear_on_the_tv_slide_live_and_hidden_people_stay_unnamed(floor, page):
    floor.call("PUT", "/api/v1/channels/kudos-tv", {"name": "Kudos", "sites": ["paris"],
                                                    "slides": [{"type": "kudos", "seconds": 60}]})
    zoe = floor.agent_key("zoe")
    floor.call("POST", "/api/v1/kudos", {"to": "hidden", "value": "respect", "message": "Discreet but great"},
               headers=zoe)
    page.goto(f"{floor.url}/tv/kudos-tv#token={floor.display}")
    page.wait_for_selector("#connection[data-state=live]", timeout=15000)
    first = page.locator(".kudos-card").first
    expect(first.locator(".kudos-to")).to_have_text("—")  # hidden on screens: a placeholder
    floor.call("POST", "/api/v1/kudos", {"to": "xss", "value": "honesty",
                                         "message": "Told the customer the truth about the fees 👍"}, headers=zoe)
    expect(first.locator(".kudos-to")).to_have_text(XSS_NAME, timeout=5000)  # as text, never as markup
    expect(first.locator(".kudos-value")).to_have_text("Honesty")
    expect(first.locator(".kudos-from")).to_have_text("Zoë Maximilienne de la Tour-Fontaine")
    assert page.locator(".kudos-card img").count() == 0 and page.dialogs == []
    settled(page)
    screenshot(page, "people-tv-kudos")


def test_goal_wall_shows_opted_in_posters_only(floor, page):
    zoe, hidden = floor.agent_key("zoe"), floor.agent_key("hidden")
    floor.call("PUT", "/api/v1/agents/zoe/goal", {"title": "Un week-end à Lisbonne avec toute la famille",
                                                  "target_amount": "800.00", "currency": "EUR", "on_wall": True},
               headers=zoe)
    floor.call("PUT", "/api/v1/agents/hidden/goal", {"title": "Secret plan", "target_amount": "10.00",
                                                     "currency": "EUR", "on_wall": True}, headers=hidden)
    floor.call("PUT", "/api/v1/agents/xss/goal", {"title": "Not on the wall", "target_amount": "10.00",
                                                  "currency": "EUR"}, headers=floor.agent_key("xss"))
    floor.call("PUT", "/api/v1/channels/wall-tv", {"name": "Wall", "sites": ["paris"],
                                                   "slides": [{"type": "goal_wall", "seconds": 60}]})
    page.goto(f"{floor.url}/tv/wall-tv#token={floor.display}")
    page.wait_for_selector("#connection[data-state=live]", timeout=15000)
    titles = page.locator(".tv-poster .poster-title")
    expect(titles.first).to_be_visible()
    shown = titles.all_inner_texts()
    assert "Un week-end à Lisbonne avec toute la famille" in shown
    assert "Secret plan" not in shown and "Not on the wall" not in shown
    # A goal changed while the TV shows the wall: the poster follows.
    floor.call("PUT", "/api/v1/agents/zoe/goal", {"title": "Un week-end à Lisbonne avec toute la famille",
                                                  "target_amount": "400.00", "currency": "EUR"}, headers=zoe)
    no_overflow = page.evaluate("""() => [...document.querySelectorAll('.tv-poster')].every(
        (p) => p.scrollWidth <= p.clientWidth + 1 && p.getBoundingClientRect().bottom <= innerHeight)""")
    assert no_overflow
    settled(page)
    screenshot(page, "people-tv-goal-wall")


def test_console_pulse_page_shows_results_beside_the_action(floor, browser):
    floor.dep.cli("user", "create", "lead@people.test", "--role", "lead", "--password", PASSWORD, "--site", "paris")
    pulse = floor.call("POST", "/api/v1/pulses", {
        "action": "Offer Gold Rewards when the savings balance qualifies", "values": ["honesty", "respect", "empathy"],
        "sites": ["paris"], "closes_at": (datetime.now(UTC) + timedelta(days=5)).isoformat()})
    answers = [("julie", 4, [], "Customers often thank us for it"), ("zoe", 2, ["honesty"], "Feels pushy at the end of a call"),
               ("xss", 5, [], XSS_NAME), ("hidden", 3, ["respect"], ""), ("marc", 1, ["honesty", "empathy"],
                                                                          "Not when the customer is grieving")]
    for key, score, conflicts, comment in answers:
        floor.call("POST", f"/api/v1/pulses/{pulse['id']}/answers",
                   {"score": score, "conflicts": conflicts, "comment": comment}, headers=floor.agent_key(key))
    console = console_sign_in(browser, floor.url, "lead@people.test", PASSWORD)
    console.goto(floor.url + "/console/pulses/")
    row = console.locator(f"[data-pulse='{pulse['id']}']")
    expect(row.locator(".pulse-mean")).to_contain_text("3")
    expect(row.locator(".comments")).to_contain_text(XSS_NAME)  # as text
    assert console.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(console, "people-console-pulses")
    console.goto(floor.url + "/console/pulses/kudos?period=month")
    screenshot(console, "people-console-kudos")
    console.context.close()


def test_a_new_pulse_is_announced_on_the_phone_and_answered_there(floor, browser):
    phone = open_phone(browser, floor.link("marc"))
    phone.wait_for_selector("#connection[data-state=live]", timeout=15000)
    floor.call("POST", "/api/v1/pulses", {
        "action": "Mention the premium card at the end of every service call", "values": ["honesty", "empathy"],
        "sites": ["paris"], "closes_at": (datetime.now(UTC) + timedelta(days=2)).isoformat()})
    notice = phone.locator("#new-pulse")
    expect(notice).to_be_visible(timeout=10000)
    with phone.expect_navigation():
        notice.locator("a").click()
    card = phone.locator("#pulses [data-pulse]").last
    expect(card.locator(".pulse-action")).to_have_text("Mention the premium card at the end of every service call")
    card.locator("input[name=score][value='2']").check()
    card.locator("input[name=conflicts][value='empathy']").check()
    card.scroll_into_view_if_needed()
    no_side_scroll(phone)
    screenshot(phone, "people-phone-pulse")
    with phone.expect_navigation():
        card.locator("button.primary").click()
    expect(phone.locator(".flash").first).to_contain_text("nobody can tell it is yours")
    assert phone.locator("#pulses [data-pulse]").count() == 0
    phone.context.close()
