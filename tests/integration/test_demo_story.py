"""The demo tells a story: a few simulated minutes after seeding, every league and cup match has a football
score, goals fall at minutes spread over their windows, and the printed agent is mid-table with recent sales."""
import math
import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import delete, func, select

from leaderboard.domain.slides import NAMES as SLIDE_TYPES
from leaderboard.extensions import db
from leaderboard.models.base import Base
from leaderboard.models.contests import Contest
from leaderboard.models.events import Sale
from leaderboard.models.league import Match, MatchGoal
from leaderboard.models.people import Goal, Kudos
from leaderboard.models.roster import Agent
from leaderboard.services.boards.standings import contest_agent_entries
from leaderboard.services.core.clock import utcnow
from leaderboard.services.demo import people, seed, simulator
from leaderboard.services.people import kudos

PARIS = ZoneInfo("Europe/Paris")
START = datetime(2026, 11, 18, 10, 3, tzinfo=UTC)  # a Wednesday: 11:03 in Paris and Lisbon 10:03, Manila 18:03
SIMULATED = timedelta(minutes=5)
STEP = timedelta(seconds=10)


@pytest.fixture(scope="module")
def story(app, tmp_path_factory):
    """Seed, then five simulated minutes of the live stream, once for the module; rows are wiped at its end."""
    with time_machine.travel(START, tick=False) as clock, app.app_context():
        summary = seed.seed(tmp_path_factory.mktemp("demo-instance"))
        stream = simulator.start(utcnow(), random.Random(2026))
        for _ in range(SIMULATED // STEP):
            clock.shift(STEP)
            simulator.step(stream, utcnow())
        now = utcnow()
        db.session.remove()
    yield summary, stream, now
    wipe(app)


@pytest.fixture(autouse=True)
def _clean_rows():
    """Overrides the per-test wipe: the module's tests all read the one seeded demo."""
    yield


def wipe(app):
    with app.app_context():
        db.session.remove()
        app.extensions.pop("leaderboard.board_cache", None)
        app.extensions["leaderboard.snapshot_cache"].clear()
        with db.engine.begin() as conn:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(delete(table))


def league_matches(now):
    leagues = db.session.scalars(select(Contest).where(Contest.kind == "league")).all()
    assert sorted(c.rules["format"] for c in leagues) == ["cup", "league"]
    return [m for c in leagues for m in db.session.scalars(select(Match).where(Match.contest_id == c.id))
            if m.starts_at <= now]


def test_the_stream_posts_sales_at_the_sites_that_are_open(app, story):
    summary, stream, now = story
    with app.app_context():
        live = db.session.scalars(select(Sale).where(Sale.id.like("sim-%"))).all()
        # At 11:00 in Paris the day is in full swing; it is 05:00 in Montréal, where nobody sells yet.
        assert len(live) == stream.posted > 0
        assert {sale.agent.site.key for sale in live} <= {"paris", "lisbon", "manila"}
        # The stream goes on from where the seeded history stopped: the start of the 10-minute slot.
        assert all(START.replace(minute=0) <= sale.occurred_at <= now for sale in live)
        assert summary.sales > 1000  # yesterday's matchday and this morning, at the same pace


def test_every_match_played_so_far_has_a_football_score(app, story):
    _, _, now = story
    with app.app_context():
        played = league_matches(now)
        assert len(played) == 2 + 2 + 2 + 1  # league: two matchdays of two; cup: semi-finals, then the final
        scores = []
        for match in played:
            for site_id in (match.home_site_id, match.away_site_id):
                scores.append(db.session.scalar(select(func.count()).select_from(MatchGoal).where(
                    MatchGoal.match_id == match.id, MatchGoal.site_id == site_id, MatchGoal.disallowed_at.is_(None))))
        assert all(0 <= goals <= 6 for goals in scores), scores
        assert sum(scores) >= 4  # a full matchday was played yesterday: goals were scored


def test_goal_minutes_follow_the_clock_of_their_window(app, story):
    _, _, now = story
    with app.app_context():
        minutes = []
        for match in league_matches(now):
            length = (match.ends_at - match.starts_at).total_seconds()
            for goal in db.session.scalars(select(MatchGoal).where(MatchGoal.match_id == match.id)):
                at = goal.at.replace(tzinfo=UTC) if goal.at.tzinfo is None else goal.at
                expected = math.floor(90 * (at - match.starts_at).total_seconds() / length)
                assert 0 <= expected <= 90
                minutes.append(expected)
        assert len(set(minutes)) >= 6, minutes  # not "6'" for every goal
        assert max(minutes) - min(minutes) >= 45, minutes  # yesterday's goals spread over the whole day


def test_goal_minutes_shown_are_the_sale_instants_scaled_to_ninety(app, client, story, make):
    _, _, now = story
    admin = {"Authorization": f"Bearer {make.token('admin')}"}
    with app.app_context():
        contest_ids = db.session.scalars(select(Contest.id).where(Contest.kind == "league")).all()
    shown = 0
    with time_machine.travel(now, tick=False):
        for contest_id in contest_ids:
            for match in client.get(f"/api/v1/contests/{contest_id}/matches", headers=admin).get_json()["items"]:
                start, end = datetime.fromisoformat(match["starts_at"]), datetime.fromisoformat(match["ends_at"])
                for goal in match["goals"]:
                    at = datetime.fromisoformat(goal["at"])
                    assert goal["minute"] == math.floor(90 * (at - start) / (end - start))
                    shown += 1
    assert shown > 0


def test_the_printed_agent_is_mid_table_with_sales_inside_live_contests(app, story):
    summary, _, now = story
    with app.app_context():
        agent = db.session.scalar(select(Agent).where(Agent.key == summary.agent_key))
        race = db.session.scalar(select(Contest).where(Contest.kind == "race"))
        assert race.starts_at <= now < race.ends_at
        recent = db.session.scalars(select(Sale).where(Sale.agent_id == agent.id,
                                                       Sale.occurred_at >= now - timedelta(hours=1))).all()
        assert recent, "the printed agent sold nothing in the last hour"
        board = contest_agent_entries(race)
        entry = next(e for e in board if e.key == agent.key)
        assert entry.sales > 0
        assert len(board) * 0.25 <= entry.rank <= len(board) * 0.75, (entry.rank, len(board))
        assert summary.agent_key in "\n".join(summary.lines("http://demo"))


def test_contest_names_match_their_windows(app, story):
    _, _, now = story
    with app.app_context():
        draw = db.session.scalar(select(Contest).where(Contest.kind == "lucky_draw"))
        ends = draw.ends_at.astimezone(PARIS)
        assert draw.name == f"{ends.strftime('%A')} jackpot" and draw.name == "Friday jackpot"
        assert draw.starts_at <= now < draw.ends_at and ends - now.astimezone(PARIS) >= timedelta(days=1)
        race = db.session.scalar(select(Contest).where(Contest.kind == "race"))
        start = race.starts_at.astimezone(PARIS)
        assert race.name == "Race of the week"
        assert (start.weekday(), start.hour, race.ends_at - race.starts_at) == (0, 0, timedelta(days=7))


def test_goal_posters_and_kudos_are_there_from_the_first_minute(app, story):
    with app.app_context():
        on_wall = db.session.scalar(select(func.count()).select_from(Goal).where(Goal.on_wall.is_(True)))
        given = db.session.scalars(select(Kudos)).all()
        assert on_wall == len(people.GOAL_POSTERS)
        assert len(given) == len(people.KUDOS) and {k.value for k in given} <= set(kudos.company_values())
        sites_with_posters = set(db.session.scalars(select(Agent.site_id).join(Goal, Goal.agent_id == Agent.id)))
        assert len(sites_with_posters) == 4  # every office's wall shows some


def test_the_demo_channel_shows_every_slide_type_this_version_knows(app, story, client, make):
    admin = {"Authorization": f"Bearer {make.token('admin')}"}
    slides = client.get("/api/v1/channels/demo", headers=admin).get_json()["slides"]
    assert {slide["type"] for slide in slides} == set(SLIDE_TYPES)
