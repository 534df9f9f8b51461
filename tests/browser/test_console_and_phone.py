"""Leads' console and agents' phone page in real Chromium: the journeys issue 7 names."""
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from babel.support import Translations
from playwright.sync_api import expect

from leaderboard.config import PROJECT_ROOT
from tests.browser.conftest import console_sign_in, screenshot

pytestmark = pytest.mark.browser
PASSWORD = "a-long-demo-password"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def leads(office):
    office.dep.cli("user", "create", "both@office.test", "--role", "lead", "--password", PASSWORD,
                   "--site", "paris", "--site", "lyon")
    office.dep.cli("user", "create", "paris@office.test", "--role", "lead", "--password", PASSWORD,
                   "--site", "paris")
    return {"both": "both@office.test", "paris": "paris@office.test"}


def sign_in(office, browser, email, **context_options):
    return console_sign_in(browser, office.url, email, PASSWORD, **context_options)


def issue_link(console, agent_key):
    console.goto(f"{console.url.split('/console')[0]}/console/roster/agents/{agent_key}/edit")
    console.click("form[action$='/links'] button")
    return console.inner_text("#link-url").strip()


def open_phone(browser, link):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    phone = context.new_page()
    phone.goto(link)
    phone.wait_for_url("**/me")
    return phone


def test_lead_imports_a_roster_and_launches_a_league_seeing_its_fixtures(office, browser, leads, tmp_path):
    console = sign_in(office, browser, leads["both"])
    roster_csv = tmp_path / "roster.csv"
    roster_csv.write_text("key,name,site,team,fte\nnoe,Noé Garnier,paris,,0.8\nines,Inès Roux,lyon,,1\n"
                          "bad,Bad Row,mars,,1\n", encoding="utf-8")
    console.goto(office.url + "/console/roster/")
    console.set_input_files("input[type=file]", str(roster_csv))
    console.click("form[enctype='multipart/form-data'] button")
    report = console.locator("table").last
    expect(report).to_contain_text("noe")
    expect(report).to_contain_text("created")
    expect(report).to_contain_text("invalid")
    console.goto(office.url + "/console/contests/new/league")
    console.fill("input[name=name]", "Browser league")
    start = (datetime.now(ZoneInfo("Europe/Paris")) + timedelta(days=1)).strftime("%Y-%m-%dT00:00")
    console.fill("input[name=starts_at]", start)
    console.fill("input[name=timezone]", "Europe/Paris")
    console.click("button.primary[name=go]")  # the wizard's steps: basics, sites, matches
    for site in ("lyon", "paris"):
        console.check(f"input[name=sites][value={site}]")
    console.click("button.primary[name=go]")
    console.select_option("select[name=legs]", "2")
    console.fill("input[name=points_per_goal]", "100")
    console.click("button[name=preview]")
    preview = console.locator("li.fixture")
    expect(preview).to_have_count(2)  # two sites, two legs: one match a round
    pairs = sorted((item.get_attribute("data-home"), item.get_attribute("data-away")) for item in preview.all())
    assert pairs == [("lyon", "paris"), ("paris", "lyon")]
    console.click("button[name=launch]")
    console.wait_for_url("**/console/contests/*")
    expect(console.locator("#fixtures tbody tr")).to_have_count(2)
    screenshot(console, "console-league-fixtures")


def test_lead_cancels_a_sale_and_the_agents_points_drop_live_on_the_phone(office, browser, leads):
    console = sign_in(office, browser, leads["paris"])
    phone = open_phone(browser, issue_link(console, "julie"))
    race_card = phone.locator(f"details[data-contest='{office.race['id']}']")
    before = float(race_card.locator("[data-field=points]").inner_text().replace(",", "").replace("\u202f", ""))
    # A choice being made (not saved yet) must survive every live update.
    phone.click("#earnings > summary")  # earnings sit below the contests, one tap away
    phone.select_option("#charity", index=2)
    chosen = phone.locator("#charity").input_value()
    phone.evaluate("() => { window.htmlFetches = 0; const fetch0 = window.fetch;"
                   " window.fetch = (...args) => { window.htmlFetches += 1; return fetch0(...args); }; }")
    sale = office.sale("julie", "CARD", at=datetime.now(UTC) - timedelta(minutes=1))
    expect(race_card.locator("[data-field=points]")).not_to_have_text(str(int(before)), timeout=5000)
    assert phone.locator("#charity").input_value() == chosen and chosen
    assert phone.evaluate("window.htmlFetches") == 0  # numbers arrive as data over the socket
    after_sale = float(race_card.locator("[data-field=points]").inner_text().replace(",", ""))
    assert after_sale == before + 50
    console.goto(office.url + "/console/sales/?agent=julie")
    row = console.locator("tr", has_text=sale["id"])
    row.locator("input[name=reason]").fill("customer called back to cancel")
    row.locator("button").click()
    expect(race_card.locator("[data-field=points]")).to_have_text(f"{before:g}", timeout=5000)
    assert phone.evaluate("window.performance.getEntriesByType('navigation').length") == 1  # no reload
    assert phone.locator("#charity").input_value() == chosen


def test_agent_link_on_a_phone_shows_rank_tickets_and_match_without_side_scrolling(office, browser, leads):
    console = sign_in(office, browser, leads["paris"])
    phone = open_phone(browser, issue_link(console, "leader"))
    race = phone.locator(f"details[data-contest='{office.race['id']}']")
    expect(race.locator("[data-field=rank]")).to_have_text("1")
    draw = phone.locator(f"details[data-contest='{office.draw['id']}']")
    assert int(draw.locator("[data-field=tickets]").text_content()) >= 3  # a compact card: its detail is folded
    league = phone.locator(f"details[data-contest='{office.league['id']}']")
    expect(league.locator("[data-field=score]")).to_contain_text("Paris")
    expect(phone.locator("#connection")).to_have_attribute("data-state", "live")
    screenshot(phone, "phone-me")
    wide = phone.evaluate("""() => [...document.querySelectorAll('body *')].filter(
        (n) => n.getBoundingClientRect().right > window.innerWidth && !n.closest('.ellipsis'))
        .map((n) => n.tagName + '.' + n.className + ':' + n.textContent.slice(0, 40))""")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], wide
    screenshot(phone, "phone-me")


def test_lead_of_one_site_cannot_see_or_change_another(office, browser, leads):
    console = sign_in(office, browser, leads["paris"])
    console.goto(office.url + "/console/roster/")
    expect(console.locator("body")).not_to_contain_text("Marc Dubois")
    assert console.locator("a[href*='/agents/marc/']").count() == 0
    response = console.goto(office.url + "/console/roster/agents/marc/edit")
    assert response.status == 403
    post = console.request.post(office.url + "/console/roster/agents/marc/edit",
                                form={"name": "Hijacked", "site": "lyon", "fte": "1"})
    assert post.status in (400, 403)


def test_form_posts_without_a_csrf_token_are_rejected(office, browser, leads):
    console = sign_in(office, browser, leads["paris"])
    response = console.request.post(office.url + "/console/sales/cancel",
                                    form={"sale_id": "anything", "reason": "no token"})
    assert response.status == 400
    assert console.request.post(office.url + "/logout").status == 400


def test_a_french_browser_gets_french_pages(office, browser):
    catalog = Translations.load(str(PROJECT_ROOT / "leaderboard" / "translations"), ["fr"])
    expected = catalog.gettext("Sign in")
    assert expected != "Sign in", "the French catalogue must translate 'Sign in'"
    context = browser.new_context(locale="fr-FR", extra_http_headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    page = context.new_page()
    page.goto(office.url + "/login")
    assert page.get_attribute("html", "lang") == "fr"
    expect(page.locator("h1")).to_have_text(expected)
    page.goto(office.url + "/me")
    expect(page.locator("h1")).to_have_text(catalog.gettext("Welcome"))


def test_a_contest_launched_while_the_phone_is_open_appears_counts_and_goes(office, browser, leads):
    console = sign_in(office, browser, leads["paris"])
    phone = open_phone(browser, issue_link(console, "julie"))
    expect(phone.locator("#connection")).to_have_attribute("data-state", "live")
    now = datetime.now(UTC)
    sprint = office.post("/api/v1/contests", {"name": "Afternoon sprint", "kind": "race", "sites": ["paris"],
                                              "starts_at": (now - timedelta(minutes=5)).isoformat(),
                                              "ends_at": (now + timedelta(hours=1)).isoformat()})
    card = phone.locator(f"details[data-contest='{sprint['id']}']")
    # Phones of the site look again within a jitter of up to 5 s.
    expect(card.locator("[data-field=name]")).to_have_text("Afternoon sprint", timeout=10000)
    expect(card.locator("[data-field=points]")).to_have_text("0")
    office.sale("julie", "CARD")
    expect(card.locator("[data-field=points]")).to_have_text("50", timeout=5000)
    office.post(f"/api/v1/contests/{sprint['id']}/cancel")
    expect(card).to_have_count(0, timeout=10000)
    assert phone.evaluate("window.performance.getEntriesByType('navigation').length") == 1  # no reload
