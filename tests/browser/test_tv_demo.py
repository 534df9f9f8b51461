"""The demo channel plays every slide type in one rotation; each slide is saved at 1920×1080 for docs/gallery."""
import re

import pytest
import requests

from leaderboard.domain.slides import NAMES
from tests.browser.conftest import screenshot
from tests.live_server import Deployment

pytestmark = pytest.mark.browser
SLIDE_TYPES = set(NAMES)  # the demo channel shows every type the TV knows
DEMO_SLIDES = len(NAMES) + 2  # standings three times (agents, sites, teams), every other type once


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    dep = Deployment(tmp_path_factory.mktemp("demo"))
    printed = dep.cli("demo", "--no-serve")
    server = dep.start()
    path = re.search(r"(/tv/demo#token=\S+)", printed).group(1)
    yield Demo(server.url, path, dep.token("admin"))
    dep.stop()


class Demo:
    def __init__(self, url, tv_path, admin_token):
        self.url, self.tv_path = url, tv_path
        self.admin = {"Authorization": f"Bearer {admin_token}"}
        self.token = tv_path.split("#token=", 1)[1]

    def channel_slides(self):
        return requests.get(f"{self.url}/api/v1/channels/demo", headers=self.admin, timeout=10).json()["slides"]


def test_the_demo_channel_shows_every_slide_type_within_one_rotation(demo, browser):
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    page.clock.install()
    page.goto(demo.url + demo.tv_path)
    page.wait_for_selector("#connection[data-state=live]", timeout=15000)
    page.wait_for_selector("body[data-slide=standings] .standings [data-key]")
    rotation = page.evaluate("() => window.leaderboardFeed && [...document.querySelectorAll('#slide-dots span')].length")
    assert rotation == DEMO_SLIDES
    rotation_seconds = sum(slide["seconds"] for slide in demo.channel_slides())
    shown = set()
    for _ in range(rotation_seconds):  # one rotation, a second of the page's own clock at a time
        shown.add(page.evaluate("document.body.dataset.slide"))
        page.clock.run_for(1000)
    assert shown == SLIDE_TYPES
    context.close()


@pytest.mark.parametrize("index", range(DEMO_SLIDES))
def test_each_demo_slide_at_1080p_for_the_gallery(demo, browser, index):
    """Each slide of the demo channel on a channel of its own, with a real clock, saved for docs/gallery."""
    slide = demo.channel_slides()[index]
    key = f"gallery-{index}"
    response = requests.put(f"{demo.url}/api/v1/channels/{key}", headers=demo.admin, timeout=10,
                            json={"name": "Demo office", "slides": [slide]})
    assert response.ok, response.text
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    page.goto(f"{demo.url}/tv/{key}#token={demo.token}")
    page.wait_for_selector("#connection[data-state=live]", timeout=15000)
    page.wait_for_selector(f"body[data-slide={slide['type']}]")
    page.wait_for_function("() => document.body.dataset.slide === 'message' || !document.querySelector('#stage > .message')")
    if slide["type"] == "chart":
        page.wait_for_selector(".chart .main-svg")
    page.evaluate("() => document.fonts.ready")
    page.wait_for_function("() => document.getAnimations().every((a) => a.playState !== 'running')")
    assert page.evaluate("() => document.documentElement.scrollHeight") == 1080
    assert page.query_selector("#stage .empty") is None, f"the demo leaves the {slide['type']} slide empty"
    by = f"-{slide['by']}" if slide["type"] == "standings" and slide.get("by", "agent") != "agent" else ""
    screenshot(page, f"demo-{slide['type']}{by}")
    context.close()
