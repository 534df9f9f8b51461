"""An hour of the demo across Paris midnight, the hardest hour: the cup final ends, a new league matchday starts,
a new local day begins. At every check every slide of the demo channel still has something to show."""
import random
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import time_machine

from leaderboard.extensions import db
from leaderboard.services.boards import live_snapshots
from leaderboard.services.core.clock import utcnow
from leaderboard.services.demo import seed, simulator
from leaderboard.services.league import upkeep as league_upkeep

PARIS = ZoneInfo("Europe/Paris")
START = datetime(2026, 11, 17, 22, 40, tzinfo=UTC)  # a Tuesday, 23:40 in Paris: the cup final's last 20 minutes
STEP = timedelta(minutes=2)
CHECK_EVERY = 5  # steps: every ten minutes


def shows(slide: dict, data: dict, people: dict) -> bool:
    """Whether the slide's picture has something to show."""
    kind = slide["type"]
    if kind == "standings":
        return bool(data["standings"][slide.get("by", "agent")])
    if kind == "match_centre":
        return bool(data["matches"])
    if kind == "league_table":
        return bool(data["table"]["rows"])
    if kind == "bracket":
        return any(r["slots"] for r in data["bracket"]["rounds"])
    if kind == "lucky_draw":
        return data["tickets"]["total"] > 0
    if kind == "chart":
        return sum(sum(series["points"]) for series in data["chart"]["series"]) > 0
    if kind == "message":
        return bool(slide["text"])
    if kind in ("goal_wall", "kudos"):
        return bool(people["goals" if kind == "goal_wall" else "kudos"])
    if kind == "instant_prizes":
        return bool(data.get("prizes") and data["prizes"]["offers"] and data["prizes"]["wins"])
    raise AssertionError(f"the test does not know the {kind} slide yet")


def empty_slides(channel: dict, now: datetime) -> list[str]:
    """The slides of the channel whose picture has nothing to show. "Points per hour today" starts afresh at
    the contest's local midnight, by design: its first minutes are left out (nobody has sold yet)."""
    contests = {cid: live_snapshots.contest_snapshot(cid) for cid in {s["contest"] for s in channel["slides"]
                                                                     if s.get("contest")}}
    fresh_day = now.astimezone(PARIS).time() < time(0, 10)
    return [slide["type"] for slide in channel["slides"]
            if not (slide["type"] == "chart" and fresh_day)
            and not shows(slide, contests.get(slide.get("contest"), {}), channel.get("people", {}))]


def test_an_hour_across_midnight_never_leaves_a_slide_empty(app, tmp_path):
    with time_machine.travel(START, tick=False) as clock, app.app_context():
        seed.seed(tmp_path)
        stream = simulator.start(utcnow(), random.Random(11))
        checks = []
        for n in range(1, 31):
            clock.shift(STEP)
            simulator.step(stream, utcnow())
            league_upkeep.tick()  # the worker's duty (every 30 s in a running demo)
            if n % CHECK_EVERY == 0:
                channel = live_snapshots.channel_snapshot(seed.CHANNEL_KEY)
                checks.append((n * 2, empty_slides(channel, utcnow())))
        cup = live_snapshots.contest_snapshot(next(s["contest"] for s in channel["slides"] if s["type"] == "bracket"))
        league = live_snapshots.contest_snapshot(
            next(s["contest"] for s in channel["slides"] if s["type"] == "match_centre"))
        db.session.remove()
    assert checks == [(minute, []) for minute in range(10, 61, 10)]
    assert cup["bracket"]["champion"] is not None  # the final ended at midnight: the cup has its winner
    assert {m["round"] for m in league["matches"]} == {3} and {m["status"] for m in league["matches"]} == {"live"}
