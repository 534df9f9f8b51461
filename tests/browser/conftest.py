"""Real Chromium through Playwright against a real server: fixtures for pages, screenshots and data."""
import os
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests

from tests.conftest import CHROMIUM  # the `browser` fixture itself is shared from tests/conftest.py
from tests.live_server import ROOT, Deployment

SCREENSHOTS = ROOT / "test-output" / "screenshots"
XSS_NAME = "<img src=x onerror=alert(1)>"

if CHROMIUM is None:
    if os.environ.get("CI") == "true":
        raise RuntimeError("CI=true but Chromium is missing: .ci/run installs Debian's chromium package")
    pytest.skip("Chromium is not installed (apt-get install chromium); browser tests skipped",
                allow_module_level=True)



class Office:
    """A small company on a live server, set up through the public API."""

    def __init__(self, deployment: Deployment):
        self.dep = deployment
        self.server = deployment.start()
        self.admin = {"Authorization": f"Bearer {deployment.token('admin')}"}
        self.display = deployment.token("display")
        self.seq = 0

    @property
    def url(self):
        return self.server.url

    def put(self, path, body):
        response = requests.put(self.url + path, json=body, headers=self.admin, timeout=10)
        assert response.ok, response.text
        return response.json()

    def post(self, path, body=None, expect=(200, 201)):
        response = requests.post(self.url + path, json=body, headers=self.admin, timeout=10)
        assert response.status_code in expect, response.text
        return response.json()

    def sale(self, agent, product="CARD", quantity=1, at=None):
        self.seq += 1
        at = at or datetime.now(UTC) - timedelta(seconds=1)
        return self.post("/api/v1/sales", {"id": f"b{self.seq}-{at.timestamp():.0f}", "agent": agent,
                                           "product": product, "quantity": quantity, "occurred_at": at.isoformat()})

    def tv(self, page, channel):
        page.goto(f"{self.url}/tv/{channel}#token={self.display}")
        page.wait_for_selector("#connection[data-state=live]", timeout=15000)


def every_slide(office, message: str) -> dict[str, dict]:
    """One slide of each type on the office's race, league, cup and draw, a minute each."""
    return {
        "standings": {"type": "standings", "contest": office.race["id"], "by": "agent", "seconds": 60},
        "match_centre": {"type": "match_centre", "contest": office.league["id"], "seconds": 60},
        "league_table": {"type": "league_table", "contest": office.league["id"], "seconds": 60},
        "bracket": {"type": "bracket", "contest": office.cup["id"], "seconds": 60},
        "lucky_draw": {"type": "lucky_draw", "contest": office.draw["id"], "seconds": 60},
        "chart": {"type": "chart", "contest": office.race["id"], "seconds": 60},
        "message": {"type": "message", "text": message, "seconds": 60},
    }


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    dep = Deployment(tmp_path_factory.mktemp("browser"))
    office = Office(dep)
    office.put("/api/v1/sites/paris", {"name": "Paris – Rive Gauche", "timezone": "Europe/Paris"})
    office.put("/api/v1/sites/lyon", {"name": "Lyon Part-Dieu", "timezone": "Europe/Paris"})
    office.put("/api/v1/products/CARD", {"name": "Credit card", "points": 50, "bonus": "25.00"})
    office.put("/api/v1/products/ENROL", {"name": "Rewards enrolment", "points": 30, "bonus": "15.00"})
    people = [("julie", "Julie Lefèvre", "paris"), ("leader", "Zoë Maximilienne de la Tour-Fontaine", "paris"),
              ("xss", XSS_NAME, "lyon"), ("marc", "Marc Dubois", "lyon")]
    for key, name, site in people:
        office.put(f"/api/v1/agents/{key}", {"name": name, "site": site})
    paris_midnight = datetime.now(ZoneInfo("Europe/Paris")).replace(hour=0, minute=0, second=0, microsecond=0)
    office.race = office.post("/api/v1/contests", {"name": "Race of the week", "kind": "race",
                                                   "starts_at": (paris_midnight - timedelta(days=3)).isoformat(),
                                                   "ends_at": (paris_midnight + timedelta(days=4)).isoformat()})
    office.draw = office.post("/api/v1/contests", {
        "name": "Friday jackpot", "kind": "lucky_draw", "starts_at": (paris_midnight - timedelta(days=3)).isoformat(),
        "ends_at": (paris_midnight + timedelta(days=4)).isoformat(),
        "prizes": [{"name": "Weekend for two", "quantity": 1}, {"name": "Theatre voucher", "quantity": 2}]})
    office.past_draw = office.post("/api/v1/contests", {
        "name": "Last week's jackpot", "kind": "lucky_draw",
        "starts_at": (paris_midnight - timedelta(days=8)).isoformat(),
        "ends_at": (paris_midnight - timedelta(days=1)).isoformat(),
        "prizes": [{"name": "Weekend for two", "quantity": 1}, {"name": "Theatre voucher", "quantity": 2}]})
    office.league = office.post("/api/v1/contests", {
        "name": "Site league", "kind": "league", "sites": ["paris", "lyon"], "timezone": "Europe/Paris",
        "starts_at": paris_midnight.isoformat(),
        "rules": {"format": "league", "legs": 2, "match_length": "P1D", "points_per_goal": 100, "normalize": "none"}})
    office.cup = office.post("/api/v1/contests", {
        "name": "Site cup", "kind": "league", "sites": ["paris", "lyon"], "timezone": "Europe/Paris",
        "starts_at": paris_midnight.isoformat(),
        "rules": {"format": "cup", "match_length": "P1D", "points_per_goal": 100, "normalize": "none"}})
    for n, agent in enumerate(["leader", "leader", "leader", "julie", "marc", "xss"]):
        office.sale(agent, at=datetime.now(UTC) - timedelta(hours=2, minutes=n))
        office.sale(agent, at=paris_midnight - timedelta(days=2) + timedelta(hours=n))
    slides = every_slide(office, "Every sale is a ticket for Friday's jackpot!")
    for kind, slide in slides.items():
        office.put(f"/api/v1/channels/only-{kind.replace('_', '-')}", {"name": f"Only {kind}", "slides": [slide]})
    office.put("/api/v1/channels/ceremony", {"name": "Ceremony", "slides": [
        {"type": "lucky_draw", "contest": office.past_draw["id"], "seconds": 60}]})
    office.put("/api/v1/channels/lobby", {"name": "Lobby", "slides": list(slides.values())})
    yield office
    dep.stop()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    tab = context.new_page()
    tab.dialogs = []
    tab.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()))
    yield tab
    context.close()


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


CONSOLE_PASSWORD = "a-long-demo-password"
CONSOLE_VIEWPORT = {"width": 1366, "height": 900}


def console_sign_in(browser, url: str, email: str, password: str = CONSOLE_PASSWORD,
                    viewport: dict | None = None, **context_options):
    """A new console tab of `email`, signed in through the sign-in form."""
    context = browser.new_context(viewport=viewport or CONSOLE_VIEWPORT, **context_options)
    tab = context.new_page()
    tab.goto(url + "/login")
    tab.fill("input[name=email]", email)
    tab.fill("input[name=password]", password)
    tab.click("button.primary")
    tab.wait_for_url("**/console/")
    return tab
