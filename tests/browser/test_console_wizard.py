"""The contest wizard in real Chromium: steps without side scrolling at 1280 px, every problem at once in French."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import console_sign_in, screenshot

pytestmark = pytest.mark.browser
PASSWORD = "a-long-demo-password"
WIDE = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def lead(office):
    office.dep.cli("user", "create", "wizard@office.test", "--role", "lead", "--password", PASSWORD,
                   "--site", "paris", "--site", "lyon")
    return "wizard@office.test"


def signed_in(office, browser, email, **options):
    return console_sign_in(browser, office.url, email, PASSWORD, viewport=WIDE, **options)


def no_side_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def step(page, key):
    page.click(f"button[name=go][value={key}]:not(.default-action)")
    expect(page.locator(f"#step-{key}")).to_be_visible()


def error_of(page, name):
    return page.locator(f".field:has([name={name}]) .error")


def test_three_different_errors_show_at_once_translated_on_a_french_page(office, browser, lead):
    page = signed_in(office, browser, lead, locale="fr-FR")
    page.goto(office.url + "/console/contests/new/race")
    assert page.get_attribute("html", "lang") == "fr"
    expect(page.locator("#tz-note")).to_contain_text("Europe/Paris")
    screenshot(page, "console-wizard-basics-fr")
    no_side_scroll(page)
    page.fill("input[name=name]", "Course d’hiver")
    step(page, "sites")
    step(page, "scoring")
    page.fill("textarea[name=product_points]", "CARD=60\nNOPE=3")  # NOPE is no product: the service says so
    screenshot(page, "console-wizard-scoring-fr")
    no_side_scroll(page)
    step(page, "basics")  # back: allowed whatever the other steps hold
    page.fill("input[name=name]", "")  # the form's own check
    start = (datetime.now(ZoneInfo("Europe/Paris")) + timedelta(days=2)).strftime("%Y-%m-%dT09:00")
    end = (datetime.now(ZoneInfo("Europe/Paris")) + timedelta(days=1)).strftime("%Y-%m-%dT09:00")
    page.fill("input[name=starts_at]", start)
    page.fill("input[name=ends_at]", end)  # before the start: the service's check
    page.click("button[name=go][value=preview]:not(.default-action)")
    summary = page.locator("#problems")
    expect(summary).to_be_visible()
    expect(summary.locator("li")).to_have_count(3)
    # All three at once, each next to its field, in French (none of the English service wording).
    expect(error_of(page, "name")).to_have_text("Ce champ est requis.")
    expect(error_of(page, "ends_at")).to_have_text("Doit être après le début.")
    expect(error_of(page, "product_points")).to_have_text("Produit inconnu « NOPE ».")
    for english in ("must be after starts_at", "unknown product", "This field is required"):
        assert english not in page.content()
    expect(page.locator("#step-basics")).to_be_visible()
    expect(page.locator("#step-scoring")).to_be_visible()
    screenshot(page, "console-wizard-errors-fr")
    no_side_scroll(page)
    # Fix them in one round, then preview and launch.
    page.fill("input[name=name]", "Course d’hiver")
    page.fill("input[name=ends_at]", (datetime.now(ZoneInfo("Europe/Paris")) + timedelta(days=9))
              .strftime("%Y-%m-%dT09:00"))
    page.fill("textarea[name=product_points]", "CARD=60")
    page.click("button[name=preview]")
    expect(page.locator("#step-preview")).to_be_visible()
    expect(page.locator("table.first-standings")).to_be_visible()
    screenshot(page, "console-wizard-preview-fr")
    no_side_scroll(page)
    page.click("button[name=launch]")
    page.wait_for_url("**/console/contests/*")
    expect(page.locator("h1")).to_have_text("Course d’hiver")


def test_rules_are_edited_with_controls_and_json_stays_behind_advanced(office, browser, lead):
    page = signed_in(office, browser, lead, locale="de-DE")
    page.goto(office.url + f"/console/contests/{office.race['id']}")
    expect(page.locator(".rules-summary")).to_contain_text("Gewichtung der Verkaufspunkte")  # rules as words
    screenshot(page, "console-contest-detail-de")
    controls = page.locator("form.rule-controls")
    expect(controls.locator("textarea[name=product_points]")).to_be_visible()
    expect(page.locator("textarea[name=rules]")).to_be_hidden()  # inside the closed "Advanced" details
    controls.locator("input[name=sales_weight]").fill("-1")
    controls.locator("button[name=save]").click()
    expect(error_of(page, "sales_weight").first).to_contain_text("von 0 bis 1000")
    page.locator("#edit").screenshot(path=str(screenshot(page, "console-rules-edit-error").parent
                                               / "console-rules-edit-error-section.png"))
    no_side_scroll(page)


@pytest.mark.parametrize(("kind", "locale"), [("lucky_draw", "en-GB"), ("league", "en-GB"), ("race", "de-DE")])
def test_every_step_fits_1280_px_and_instant_prizes_show_only_their_inputs(office, browser, lead, kind, locale):
    page = signed_in(office, browser, lead, locale=locale)
    page.goto(office.url + f"/console/contests/new/{kind}")
    page.fill("input[name=name]", "Une très longue désignation de concours pour voir si rien ne déborde — 2026")
    keys = page.eval_on_selector_all(".wizard-steps button", "buttons => buttons.map(b => b.value)")
    for key in keys[1:-1]:
        step(page, key)
        no_side_scroll(page)
        screenshot(page, f"console-wizard-{kind}-{key}-{locale}")
    row = page.locator(".instant-row").first
    expect(row.locator("[name=ip_0_n]")).to_be_hidden()  # an agent's first sale of the day needs no n
    row.locator("select[name=ip_0_when]").select_option("every_nth")
    expect(row.locator("[name=ip_0_n]")).to_be_visible()
    expect(row.locator("[name=ip_0_chance]")).to_be_hidden()
    page.fill("input[name=ip_0_name]", "Café offert")
    page.click("button[name=preview]")
    expect(error_of(page, "ip_0_stock")).to_be_visible()  # a named instant prize needs its stock and its n
    expect(error_of(page, "ip_0_n")).to_be_visible()
    screenshot(page, f"console-wizard-{kind}-review-{locale}")
    no_side_scroll(page)
