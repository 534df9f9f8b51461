"""The demo channel plays every slide type in one rotation; each is saved at 1920×1080 for the docs gallery."""
import re

import pytest

from tests.browser.conftest import screenshot
from tests.live_server import Deployment

pytestmark = pytest.mark.browser
SLIDE_TYPES = {"standings", "match_centre", "league_table", "bracket", "lucky_draw", "chart", "message"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    dep = Deployment(tmp_path_factory.mktemp("demo"))
    printed = dep.cli("demo", "--no-serve")
    server = dep.start()
    path = re.search(r"(/tv/demo#token=\S+)", printed).group(1)
    yield server.url + path
    dep.stop()


def test_the_demo_channel_shows_every_slide_type_within_one_rotation(demo, browser):
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    page.clock.install()
    page.goto(demo)
    page.wait_for_selector("#connection[data-state=live]", timeout=15000)
    page.wait_for_selector("body[data-slide=standings] .standings [data-key]")
    rotation = page.evaluate("() => window.leaderboardFeed && [...document.querySelectorAll('#slide-dots span')].length")
    assert rotation == 9
    shown, saved = set(), set()
    for _ in range(130):  # the demo channel's 120 s, one second of the page's clock at a time
        kind = page.evaluate("document.body.dataset.slide")
        shown.add(kind)
        if kind not in saved and page.locator("#stage > .message").count() == (1 if kind == "message" else 0):
            page.evaluate("() => document.getAnimations().forEach((a) => a.finish())")
            screenshot(page, f"demo-{kind}")
            saved.add(kind)
        page.clock.run_for(1000)
    assert shown == SLIDE_TYPES
    context.close()
