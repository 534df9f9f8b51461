"""Instant prizes in real Chromium: the TV celebrates a win, the lead hands it over, the winner's phone shows it."""
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.conftest import Office, console_sign_in, screenshot
from tests.live_server import Deployment

pytestmark = pytest.mark.browser
PASSWORD = "a-long-demo-password"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    dep = Deployment(tmp_path_factory.mktemp("prizes"))
    office = Office(dep)
    office.put("/api/v1/sites/paris", {"name": "Paris – Rive Gauche", "timezone": "Europe/Paris"})
    office.put("/api/v1/products/GOLD", {"name": "Gold Rewards card", "points": 50, "bonus": "25.00"})
    office.put("/api/v1/agents/julie", {"name": "Julie Lefèvre", "site": "paris"})
    office.put("/api/v1/agents/marc", {"name": "Marc Dubois", "site": "paris"})
    midnight = datetime.now(ZoneInfo("Europe/Paris")).replace(hour=0, minute=0, second=0, microsecond=0)
    office.race = office.post("/api/v1/contests", {
        "name": "Champagne week", "kind": "race", "starts_at": (midnight - timedelta(days=1)).isoformat(),
        "ends_at": (midnight + timedelta(days=6)).isoformat(), "rules": {"instant_prizes": [
            {"name": "a bottle of champagne", "stock": 4, "when": {"kind": "product", "product": "GOLD"}},
            {"name": "a golden voucher", "stock": 2, "when": {"kind": "chance", "probability": 0.000001}}]}})
    office.put("/api/v1/channels/floor", {"name": "Floor", "slides": [
        {"type": "standings", "contest": office.race["id"], "by": "agent", "seconds": 60}]})
    office.put("/api/v1/channels/prizes", {"name": "Prizes", "slides": [
        {"type": "instant_prizes", "contest": office.race["id"], "seconds": 60}]})
    dep.cli("user", "create", "lead@shop.test", "--role", "lead", "--password", PASSWORD, "--site", "paris")
    yield office
    dep.stop()


def settled(page, seconds: float = 5) -> None:
    """Wait until the slide's rows stopped gliding (polled from here: the page's CSP forbids eval)."""
    deadline = time.monotonic() + seconds
    script = ("document.querySelector('.prize-slide').getAnimations({ subtree: true })"
              ".every((a) => a.playState !== 'running')")
    while not page.evaluate(script):
        assert time.monotonic() < deadline, "the slide kept moving"
        page.wait_for_timeout(50)


def cut_off(page) -> int:
    """Prize cards and winners that do not fit inside the slide's stage (the band and QR corner stay clear)."""
    return page.evaluate("""(() => { const stage = document.getElementById('stage').getBoundingClientRect();
        return [...document.querySelectorAll('.prize-offer, .prize-winner')]
          .filter((n) => n.getBoundingClientRect().bottom > stage.bottom + 1).length; })()""")


def wins(shop):
    response = requests.get(f"{shop.url}/api/v1/contests/{shop.race['id']}/prizes", headers=shop.admin, timeout=10)
    assert response.ok, response.text
    return response.json()


def test_the_tv_celebrates_a_prize_in_the_band(shop, page):
    shop.tv(page, "floor")
    shop.sale("julie", "GOLD", at=datetime.now(UTC) - timedelta(seconds=5))
    page.wait_for_selector("#band.active.prize", timeout=5000)
    expect(page.locator("#band-headline")).to_have_text("Julie Lefèvre wins a bottle of champagne!")
    assert page.inner_text("#band-detail").startswith("Instant prize")
    screenshot(page, "instant-prize-band")


def test_the_lead_hands_the_prize_over_and_the_winner_sees_it_on_the_phone(shop, browser):
    shop.sale("marc", "GOLD", at=datetime.now(UTC) - timedelta(seconds=3))
    console = console_sign_in(browser, shop.url, "lead@shop.test", PASSWORD)
    console.click("nav.nav >> text=Instant prizes")
    expect(console.locator("#prizes tbody tr[data-status=won]")).to_have_count(len(wins(shop)))
    screenshot(console, "instant-prizes-console")
    marc = next(w for w in wins(shop) if w["agent"] == "marc")
    console.click(f"tr[data-win='{marc['id']}'] button")
    expect(console.locator(f"tr[data-win='{marc['id']}']")).to_have_attribute("data-status", "handed_over")
    screenshot(console, "instant-prizes-console-handed-over")

    console.goto(shop.url + "/console/roster/agents/marc/edit")
    console.click("form[action$='/links'] button")
    link = console.inner_text("#link-url").strip()
    phone_context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    phone = phone_context.new_page()
    phone.goto(link)
    phone.wait_for_url("**/me")
    phone.wait_for_selector("#connection[data-state=live]", timeout=15000)
    prizes = phone.locator("#my-prizes")
    expect(prizes).to_be_visible()
    expect(prizes.locator("#prize-list li")).to_have_count(1)
    expect(prizes.locator("#prize-list li .prize-status")).to_have_text("received")
    left = 4 - len([w for w in wins(shop) if w["prize"] == "a bottle of champagne" and w["status"] != "revoked"])
    expect(prizes.locator("#prize-offers li:first-child .prize-left")).to_have_text(f"{left} left")
    shop.sale("marc", "GOLD", at=datetime.now(UTC) - timedelta(seconds=1))
    expect(phone.locator("#prize-news")).to_have_text("You won a bottle of champagne!", timeout=5000)
    expect(prizes.locator("#prize-list li")).to_have_count(2)
    expect(prizes.locator("#prize-offers li:first-child .prize-left")).to_have_text(f"{left - 1} left")
    prizes.scroll_into_view_if_needed()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the prize card makes the phone page scroll sideways"
    screenshot(phone, "instant-prizes-phone")
    console.context.close()
    phone_context.close()


def test_the_instant_prizes_slide_shows_what_is_left_and_who_won(shop, page):
    shop.tv(page, "prizes")
    page.wait_for_selector(".prize-slide", timeout=5000)
    left = page.locator(".prize-offer").first.locator(".prize-offer-left")
    before = left.inner_text()
    shop.sale("julie", "GOLD", at=datetime.now(UTC) - timedelta(seconds=1))
    expect(left).not_to_have_text(before, timeout=5000)  # the slide follows the win without a reload
    expect(page.locator(".prize-offer").nth(1).locator(".prize-offer-when")).to_have_text(
        "A golden sale: 0.0001% chance per sale")
    expect(page.locator(".prize-winner").first.locator(".prize-winner-name")).to_have_text("Julie Lefèvre")
    settled(page)
    sizes = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    assert sizes == [1920, 1080], "the slide overflows the screen"
    for _ in range(4):  # a full list of winners still fits
        shop.sale("marc", "GOLD", at=datetime.now(UTC) - timedelta(seconds=1))
    live = [w for w in wins(shop) if w["status"] != "revoked"]
    expect(page.locator(".prize-winner")).to_have_count(min(5, len(live)), timeout=5000)
    settled(page)
    assert cut_off(page) == 0
    screenshot(page, "instant-prizes-slide")


def test_many_prizes_page_through_and_long_names_stay_inside(shop, page):
    prizes = [{"name": f"Prize {n}: " + "a very long prize name that keeps going " * 3, "stock": 3,
               "when": {"kind": "every_nth", "n": n + 2, "scope": "site"}} for n in range(6)]
    midnight = datetime.now(ZoneInfo("Europe/Paris")).replace(hour=0, minute=0, second=0, microsecond=0)
    many = shop.post("/api/v1/contests", {
        "name": "Many prizes", "kind": "race", "starts_at": (midnight - timedelta(days=1)).isoformat(),
        "ends_at": (midnight + timedelta(days=6)).isoformat(), "rules": {"instant_prizes": prizes}})
    shop.put("/api/v1/channels/many", {"name": "Many", "slides": [
        {"type": "instant_prizes", "contest": many["id"], "seconds": 60}]})
    shop.tv(page, "many")
    page.wait_for_selector(".prize-slide", timeout=5000)
    expect(page.locator(".prize-offer")).to_have_count(3)
    expect(page.locator("#page-note")).to_have_text("page 1 of 2")
    overflowing = page.evaluate("""[...document.querySelectorAll('.prize-offer-name')]
        .filter((n) => n.getBoundingClientRect().right > n.closest('.prize-offer').getBoundingClientRect().right).length""")
    assert overflowing == 0
    sizes = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    assert sizes == [1920, 1080]
    assert cut_off(page) == 0
    screenshot(page, "instant-prizes-slide-many")
