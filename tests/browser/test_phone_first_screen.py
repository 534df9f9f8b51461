"""The phone page at 390×844 in real Chromium: one first screen (rank, gap, match), a draw card of tickets and odds,
nothing wider than the phone, French throughout, and an installable web app (issue 16)."""
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
import requests
from babel.support import Translations
from playwright.sync_api import expect

from leaderboard.config import PROJECT_ROOT
from tests.browser.conftest import screenshot
from tests.browser.test_console_and_phone import PASSWORD, PHONE, issue_link, sign_in

pytestmark = pytest.mark.browser
LONG_SITE = "Paris – Rive Gauche, plateau de relation client Montparnasse"  # 60 characters, must wrap
UNBROKEN = "محمد Wolfeschlegelsteinhausenbergerdorffvoralternwarengewissenhaftschaferswessen"  # one 70-letter word


@pytest.fixture(scope="module")
def lead(office):
    office.dep.cli("user", "create", "phone@office.test", "--role", "lead", "--password", PASSWORD,
                   "--site", "paris", "--site", "lyon")
    office.put("/api/v1/sites/paris", {"name": LONG_SITE, "timezone": "Europe/Paris"})
    office.put("/api/v1/agents/marc", {"name": UNBROKEN, "site": "lyon"})  # Julie's neighbour on the race
    return "phone@office.test"


@pytest.fixture(scope="module")
def julie_link(office, browser, lead):
    console = sign_in(office, browser, lead)
    link = issue_link(console, "julie")
    console.context.close()
    return link


def open_phone(browser, link, **options):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, **options)
    phone = context.new_page()
    phone.errors = []
    phone.on("pageerror", lambda error: phone.errors.append(str(error)))
    phone.on("console", lambda message: message.type == "error" and phone.errors.append(message.text))
    phone.goto(link)
    phone.wait_for_url("**/me")
    expect(phone.locator("#connection")).to_have_attribute("data-state", "live")
    return phone


def inside_first_screen(phone, selector):
    box = phone.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not displayed"
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (selector, box)
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], (selector, box)


def too_wide(phone):
    return phone.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter((n) => n.getClientRects().length && n.getBoundingClientRect().right > window.innerWidth + 0.5)
        .map((n) => n.tagName + '.' + n.className + ': ' + n.textContent.slice(0, 40))""")


def test_the_first_screen_shows_rank_gap_and_my_match_without_scrolling(office, browser, julie_link):
    phone = open_phone(browser, julie_link)
    race = f"details[data-contest='{office.race['id']}']"
    league = "#featured details[data-kind=league]"  # the league or the cup: both have my site playing now
    expect(phone.locator(f"{race} [data-field=gap]")).to_have_text(re.compile(r"\d"))
    expect(phone.locator(f"{league} [data-field=score]")).to_contain_text(LONG_SITE)
    assert phone.evaluate("window.scrollY") == 0
    for selector in (f"{race} [data-field=rank]", f"{race} [data-field=gap]", f"{league} [data-field=score]",
                     f"{league} [data-field=minute]"):
        inside_first_screen(phone, selector)
    # The other contests wait below, compact, one tap from their detail.
    draw = phone.locator(f"details[data-contest='{office.draw['id']}']")
    assert draw.get_attribute("open") is None
    screenshot(phone, "phone-first-screen")
    assert phone.errors == []
    phone.screenshot(path=str(PROJECT_ROOT / "test-output" / "screenshots" / "phone-full.png"), full_page=True)


def test_no_element_is_wider_than_the_phone_and_long_names_wrap_whole(office, browser, julie_link):
    phone = open_phone(browser, julie_link)
    while phone.locator("details:not([open]) > summary:visible").count():  # every card and detail open: the widest page
        phone.locator("details:not([open]) > summary:visible").first.click()
    expect(phone.locator(".site-name")).to_have_text(LONG_SITE)
    expect(phone.locator(f"details[data-contest='{office.race['id']}'] .nearby")).to_contain_text(UNBROKEN)
    site = phone.locator(".site-name").bounding_box()
    assert site is not None and site["height"] > 30  # on two lines or more, not cut
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], too_wide(phone)
    assert too_wide(phone) == []
    cut = phone.evaluate("""() => [...document.querySelectorAll('body *')].filter((n) =>
        getComputedStyle(n).textOverflow === 'ellipsis' && n.scrollWidth > n.clientWidth).map((n) => n.textContent)""")
    assert cut == []
    phone.screenshot(path=str(screenshot(phone, "phone-all-open")), full_page=True)


def test_a_draw_card_shows_tickets_and_odds_per_prize_and_never_a_rank(office, browser, julie_link):
    phone = open_phone(browser, julie_link)
    card = phone.locator(f"details[data-contest='{office.draw['id']}']")
    card.locator(":scope > summary").click()
    tickets = requests.get(f"{office.url}/api/v1/contests/{office.draw['id']}/tickets",
                           headers=office.admin, timeout=10).json()
    counts = {row["agent"]: row["count"] for row in tickets["agents"]}
    expect(card.locator("[data-field=tickets]")).to_have_text(str(counts["julie"]))
    expect(card.locator("[data-field=tickets-total]")).to_have_text(str(tickets["total"]))
    prizes = [("Weekend for two", 1), ("Theatre voucher", 2)]
    expected = exact_odds(counts, "julie", prizes)
    rows = card.locator("[data-list=odds] li")
    expect(rows).to_have_count(3)  # two prizes and "any prize"
    expect(rows.nth(0)).to_contain_text("Weekend for two")
    expect(rows.nth(1)).to_contain_text("Theatre voucher ×2")
    for index, (name, _) in enumerate(prizes):
        expect(rows.nth(index).locator(".value")).to_have_text(f"{expected[name] * 100:.1f}%")
    expect(rows.nth(2).locator(".value")).to_have_text(f"{sum(expected.values()) * 100:.1f}%")  # one prize each
    # The draw follows the contest's end, Paris midnight, shown in the agent's site time zone as the page says.
    assert card.locator("[data-field=draw-at]").inner_text().endswith("12:00 AM")
    expect(phone.locator("main")).to_contain_text("in the time zone Europe/Paris")
    # A draw has no ranking: no rank, no points, no gap on its card.
    for field in ("rank", "points", "gap", "podium"):
        assert not card.locator(f"[data-field={field}]").is_visible()
    expect(card.locator(":scope > summary .headline")).to_be_hidden()  # open: the summary's number gives way to the detail
    card.scroll_into_view_if_needed()
    screenshot(phone, "phone-draw-card")


def exact_odds(counts: dict[str, int], me: str, prizes: list[tuple[str, int]]) -> dict[str, float]:
    """Chance that `me` wins each prize: one slot per unit, one prize per agent, agents drawn in proportion to
    their tickets among those left; computed over every draw order of the agents, without the page's maths."""
    slots = [name for name, quantity in prizes for _ in range(quantity)]
    odds = dict.fromkeys([name for name, _ in prizes], 0.0)

    def walk(left: dict[str, int], slot: int, chance: float) -> None:
        if slot == len(slots) or not left:
            return
        total = sum(left.values())
        for agent, count in left.items():
            p = chance * count / total
            if agent == me:
                odds[slots[slot]] += p
            else:
                walk({a: c for a, c in left.items() if a != agent}, slot + 1, p)

    walk(dict(counts), 0, 1.0)
    return odds


def test_the_french_first_screen_has_no_english_words(office, browser, julie_link):
    catalog = Translations.load(str(PROJECT_ROOT / "leaderboard" / "translations"), ["fr"])
    phone = open_phone(browser, julie_link, locale="fr-FR", extra_http_headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert phone.get_attribute("html", "lang") == "fr"
    expect(phone.locator("#connection")).to_have_text(catalog.gettext("● Live"))
    assert catalog.gettext("● Live") != "● Live"
    words = set(re.findall(r"[A-Za-zÀ-ÿ']+", phone.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter((n) => n.children.length === 0 && n.checkVisibility() && n.getBoundingClientRect().top < innerHeight)
        .map((n) => n.textContent).join(' ')""")))
    names = " ".join([LONG_SITE, "Julie Lefèvre", "Lyon Part-Dieu", "Race of the week", "Site league", "Site cup",
                      "Friday jackpot", "Zoë Maximilienne de la Tour-Fontaine", UNBROKEN])
    # English words of the first screen that French does not share ("points", "match", "podium" it does).
    english = {"live", "rank", "gap", "next", "goal", "my", "the", "to", "of", "round", "odds", "draw",
               "reconnecting", "connecting", "you", "lead", "overtake", "goals", "fixture", "other", "contests",
               "standing", "nearby", "site's", "sign", "out"}
    found = {w for w in words if w.lower() in english and w not in names.split()}
    assert found == set(), found
    screenshot(phone, "phone-first-screen-fr")


def test_the_web_app_manifest_is_served_with_icons_that_exist(office, browser, julie_link):
    phone = open_phone(browser, julie_link)
    href = phone.get_attribute("link[rel=manifest]", "href")
    assert phone.get_attribute("meta[name=theme-color]", "content") == "#0b0f17"  # tokens.css --bg
    response = requests.get(office.url + href, timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/manifest+json")
    manifest = json.loads(response.text)
    assert manifest["start_url"] == "/me" and manifest["display"] == "standalone"
    assert manifest["name"] and manifest["short_name"]
    sizes = {(icon["sizes"], icon.get("purpose", "any")) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        image = requests.get(office.url + icon["src"], timeout=10)
        assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
        width, height = int.from_bytes(image.content[16:20], "big"), int.from_bytes(image.content[20:24], "big")
        assert f"{width}x{height}" == icon["sizes"]
    # The page's own CSP lets the browser load it.
    csp = requests.get(office.url + "/me", timeout=10).headers["Content-Security-Policy"]
    assert "manifest-src 'self'" in csp


def test_a_sale_moves_the_first_screen_live(office, browser, julie_link):
    phone = open_phone(browser, julie_link)
    race = phone.locator(f"details[data-contest='{office.race['id']}']")
    match = phone.locator("#featured details[data-kind=league]")
    draw = phone.locator(f"details[data-contest='{office.draw['id']}']")
    draw.locator(":scope > summary").click()  # a card the agent opened stays open through live updates
    before = race.locator("[data-field=points]").inner_text()
    side = "home" if match.locator("[data-field=home-name]").inner_text() == LONG_SITE else "away"
    goals = int(match.locator(f"[data-field={side}-goals]").inner_text())
    tickets = int(draw.locator("[data-field=tickets]").inner_text())
    # Two sales of 50 points: one more goal at 100 points a goal, two more tickets.
    office.sale("julie", "CARD", at=datetime.now(UTC) - timedelta(seconds=5))
    office.sale("julie", "CARD", at=datetime.now(UTC) - timedelta(seconds=4))
    expect(race.locator("[data-field=points]")).not_to_have_text(before, timeout=5000)
    expect(match.locator(f"[data-field={side}-goals]")).to_have_text(str(goals + 1), timeout=5000)
    expect(draw.locator("[data-field=tickets]")).to_have_text(str(tickets + 2), timeout=5000)
    assert draw.get_attribute("open") is not None
    assert phone.evaluate("window.performance.getEntriesByType('navigation').length") == 1  # no reload


def test_far_from_the_podium_the_next_goal_is_the_podium(office, browser, lead):
    office.put("/api/v1/agents/newbie", {"name": "Nina Newcomer", "site": "paris"})
    console = sign_in(office, browser, lead)
    phone = open_phone(browser, issue_link(console, "newbie"))
    board = requests.get(f"{office.url}/api/v1/contests/{office.race['id']}/standings", headers=office.admin,
                         params={"limit": 100}, timeout=10).json()
    rows = board["rows"]
    third = min(row["points"] for row in rows if row["rank"] <= 3)
    mine = next(row for row in rows if row["key"] == "newbie")
    assert mine["rank"] > 3 and mine["points"] == 0
    race = phone.locator(f"details[data-contest='{office.race['id']}']")
    expect(race.locator("[data-field=podium]")).to_have_text(f"{third - mine['points']:g}")
    expect(race.locator("[data-field=goal]")).to_have_text("Reach the podium")
    inside_first_screen(phone, f"details[data-contest='{office.race['id']}'] [data-field=podium]")
    screenshot(phone, "phone-podium-goal")
