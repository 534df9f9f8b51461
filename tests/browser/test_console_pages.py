"""Console pages in real Chromium: the channel editor (fields per slide type, no sideways scroll at 1280 px, live
preview) and the sales log read in one time zone, sorted by instant."""
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from leaderboard.domain import slides
from tests.browser.conftest import SCREENSHOTS, console_sign_in, every_slide, screenshot

pytestmark = pytest.mark.browser
PASSWORD = "a-long-demo-password"
DESKTOP = {"width": 1280, "height": 800}
FIELDS = ("contest", "by", "seconds", "text", "chart", "target")


@pytest.fixture(scope="module")
def people(office):
    office.dep.cli("user", "create", "admin@office.test", "--role", "admin", "--password", PASSWORD)
    # Sites in three time zones: each row in its own site's zone would jump back and forth.
    office.put("/api/v1/sites/montreal", {"name": "Montréal", "timezone": "America/Toronto"})
    office.put("/api/v1/sites/tokyo", {"name": "Tōkyō", "timezone": "Asia/Tokyo"})
    office.put("/api/v1/agents/mo", {"name": "Mo Tremblay", "site": "montreal"})
    office.put("/api/v1/agents/yu", {"name": "Yūki Satō", "site": "tokyo"})
    office.dep.cli("user", "create", "world@office.test", "--role", "lead", "--password", PASSWORD,
                   "--site", "montreal", "--site", "paris", "--site", "tokyo")
    return {"admin": "admin@office.test", "world": "world@office.test"}


SESSIONS: dict[str, dict] = {}  # one sign-in per person and module: the sign-in form is rate-limited


def sign_in(office, browser, email, **options):
    """A console tab of `email` (signed in through the form once, then through the saved session cookie)."""
    key = f"{office.url} {email}"
    if key not in SESSIONS:
        page = console_sign_in(browser, office.url, email, PASSWORD, viewport=DESKTOP)
        SESSIONS[key] = page.context.storage_state()
        page.context.close()
    context = browser.new_context(viewport=DESKTOP, storage_state=SESSIONS[key], **options)
    page = context.new_page()
    page.goto(office.url + "/console/")
    return page


def no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.evaluate("window.innerWidth"), f"the page is {width} px wide"


def visible_fields(row):
    return {name for name in FIELDS if row.locator(f'[data-field="{name}"]').is_visible()}


def expected_fields(type_name, chart="sales_per_hour"):
    used = set(slides.slide_type(type_name).fields)
    if chart != "progress":
        used.discard("target")
    return used


def test_channel_editor_shows_only_the_fields_of_each_type_without_sideways_scroll(office, browser, people):
    console = sign_in(office, browser, people["admin"])
    console.goto(office.url + "/console/screens/channels/lobby")
    rows = console.locator(".slide-row")
    saved = list(every_slide(office, ""))  # the lobby's slides, one of each type the office set up
    for index, type_name in enumerate(saved):
        row = rows.nth(index)
        expect(row.locator('[data-field="type"] select')).to_have_value(type_name)
        assert visible_fields(row) == expected_fields(type_name), type_name
    no_sideways_scroll(console)
    # Changing a row's type changes its fields at once; a progress chart adds its target.
    row = rows.nth(len(saved))
    row.locator('[data-field="type"] select').select_option("chart")
    assert visible_fields(row) == {"contest", "chart", "seconds"}
    row.locator('[data-field="chart"] select').select_option("progress")
    assert visible_fields(row) == {"contest", "chart", "target", "seconds"}
    row.locator('[data-field="type"] select').select_option("bracket")
    assert visible_fields(row) == {"contest", "seconds"}
    offered = row.locator('[data-field="contest"] option:not([hidden])').all_inner_texts()
    assert offered == ["—", f"#{office.cup['id']} Site cup (Cup)"]  # only cups for a bracket
    no_sideways_scroll(console)
    # The live preview is the real TV page, framed from the console.
    frame = console.frame_locator(".tv-frame iframe")
    expect(frame.locator("#stage")).to_be_attached(timeout=15000)
    expect(frame.locator("#connection[data-state=live]")).to_be_attached(timeout=15000)
    screenshot(console, "console-channel-editor-1280")
    console.locator("#slides").screenshot(path=str(SCREENSHOTS / "console-channel-editor-1280-slides.png"))
    console.context.close()


def test_channel_editor_in_french_fits_at_1280(office, browser, people):
    console = sign_in(office, browser, people["admin"], locale="fr-FR")
    console.goto(office.url + "/console/screens/channels/lobby")
    expect(console.locator("h2", has_text="Aperçu en direct")).to_be_visible()
    frame = console.frame_locator(".tv-frame iframe")
    expect(frame.locator("#connection[data-state=live]")).to_be_attached(timeout=15000)
    expect(frame.locator("#stage .podium, #stage [data-key]").first).to_be_attached(timeout=15000)
    screenshot(console, "console-channel-editor-1280-fr")
    no_sideways_scroll(console)
    console.context.close()


def test_sales_log_is_sorted_by_instant_in_one_time_zone(office, browser, people):
    now = datetime.now(UTC).replace(microsecond=0)
    # Local clocks in these sites make the newest sale look the oldest: Tokyo is 14 h ahead of Montréal.
    posted = {"mo": now - timedelta(minutes=10), "yu": now - timedelta(minutes=40),
              "julie": now - timedelta(minutes=25)}
    ids = {agent: office.sale(agent, at=at)["id"] for agent, at in posted.items()}
    console = sign_in(office, browser, people["world"], locale="en-GB")
    console.goto(office.url + "/console/sales/")
    expect(console.locator("#zone")).to_contain_text("America/Toronto")  # the first of the lead's sites by key
    shown = console.locator("#sales tbody tr[data-sale]").evaluate_all(
        "rows => rows.map(r => [r.dataset.sale, r.querySelector('td.when').dataset.instant])")
    instants = [datetime.fromisoformat(instant) for _sale, instant in shown]
    assert instants == sorted(instants, reverse=True)
    ours = [sale for sale, _instant in shown if sale in ids.values()]
    assert ours == [ids[agent] for agent in sorted(posted, key=posted.get, reverse=True)]
    # The one zone's times read in order too (en-GB: day first, 24-hour clock).
    texts = console.locator("#sales td.when").all_inner_texts()
    clock = [datetime.strptime(text.strip(), "%d %b %Y, %H:%M:%S") for text in texts]
    assert clock == sorted(clock, reverse=True)
    screenshot(console, "console-sales-log-1280")
    no_sideways_scroll(console)
    console.context.close()


def test_audit_log_reads_as_lines_and_fits_at_1280(office, browser, people):
    office.put("/api/v1/channels/lobby", {"name": "Lobby (renamed)", "slides": list(every_slide(office, "Hi").values())})
    console = sign_in(office, browser, people["admin"])
    console.goto(office.url + "/console/audit/?action=channel.upsert")
    entry = console.locator("#audit tbody tr[data-entry]").first
    expect(entry.locator(".diff li").first).to_have_text("name: Lobby → Lobby (renamed)")
    expect(entry.locator("details.raw code").first).to_be_hidden()  # the JSON waits until asked for
    entry.locator("details.raw summary").click()
    expect(entry.locator("details.raw code").first).to_be_visible()
    screenshot(console, "console-audit-1280")
    no_sideways_scroll(console)
    console.context.close()


def test_dashboard_in_french_shows_no_raw_value(office, browser, people):
    console = sign_in(office, browser, people["admin"], locale="fr-FR")
    table = console.locator("#contests")
    expect(table).to_contain_text("Tirage au sort")
    words = set(table.locator("td.kind").all_inner_texts()) | set(table.locator(".status").all_inner_texts())
    assert words <= {"Course", "Tirage au sort", "Championnat", "Coupe", "programmé", "en cours", "terminé",
                     "définitif", "annulé"}, words
    assert "Europe/Paris" in table.inner_text()
    screenshot(console, "console-dashboard-1280-fr")
    no_sideways_scroll(console)
    console.context.close()


@pytest.mark.parametrize("path", ["roster/", "sales/", "screens/", "audit/", "exports/"])
def test_console_pages_in_german_fit_at_1280(office, browser, people, path):
    console = sign_in(office, browser, people["world"], locale="de-DE")
    console.goto(f"{office.url}/console/{path}")
    screenshot(console, f"console-{path.strip('/')}-1280-de")
    no_sideways_scroll(console)
    console.context.close()


def test_channel_editor_without_scripts_shows_every_field_grouped_by_type(office, browser, people):
    console = sign_in(office, browser, people["admin"], java_script_enabled=False)
    console.goto(office.url + "/console/screens/channels/lobby")
    row = console.locator(".slide-row").first
    assert visible_fields(row) == set(FIELDS)
    expect(row.locator(".group-title")).to_have_text(["Contest slides", "Charts", "Messages"])
    console.locator("#slides").screenshot(path=str(SCREENSHOTS / "console-channel-editor-1280-no-js.png"))
    no_sideways_scroll(console)
    console.context.close()


def test_a_lead_creates_a_channel_and_watches_it_play_in_the_preview(office, browser, people):
    console = sign_in(office, browser, people["world"])
    console.goto(office.url + "/console/screens/new")
    console.fill("input[name=key]", "world-hall")
    console.fill("input[name=name]", "World hall")
    first = console.locator(".slide-row").first
    first.locator('[data-field="type"] select').select_option("message")
    first.locator('[data-field="text"] input').fill("Welcome to every site")
    console.click("form#channel-editor button.primary")
    console.wait_for_url("**/console/screens/channels/world-hall")
    frame = console.frame_locator(".tv-frame iframe")
    expect(frame.locator("#connection[data-state=live]")).to_be_attached(timeout=15000)
    expect(frame.locator("#stage .message")).to_have_text("Welcome to every site", timeout=15000)
    console.context.close()
