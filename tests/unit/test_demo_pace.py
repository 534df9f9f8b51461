"""The demo's pace: a local working day per site, points per goal from the expected pace, names true to windows."""
import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from leaderboard.domain import league as rules_of_play
from leaderboard.services.demo import pace
from leaderboard.services.demo.contests import draw_end, draw_name

PARIS = ZoneInfo("Europe/Paris")
POINTS = {"REWARDS": 30, "CARD": 50, "UPGRADE": 20, "INSURE": 40}


def test_nobody_sells_at_night_and_lunch_is_quieter_than_the_morning():
    wednesday = datetime(2026, 11, 18, tzinfo=PARIS)
    at = lambda hour: pace.hourly_rate("paris", "Europe/Paris", wednesday + timedelta(hours=hour))  # noqa: E731
    assert at(3) == 0 and at(22) == 0
    assert 0 < at(12) < at(10) and at(12) < at(15) and 0 < at(20) < at(17)


def test_a_site_sells_on_its_own_local_clock():
    instant = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)  # 11:00 in Paris, 05:00 in Montréal, 18:00 in Manila
    assert pace.hourly_rate("montreal", "America/Toronto", instant) == 0
    assert pace.hourly_rate("paris", "Europe/Paris", instant) > pace.hourly_rate("manila", "Asia/Manila", instant) > 0


def test_the_stream_follows_the_expected_rate():
    sellers = [pace.seller(f"a{n}", "paris", Decimal(1)) for n in range(15)]
    start = datetime(2026, 11, 18, 10, 0, tzinfo=PARIS)
    drawn = pace.sales_between("paris", "Europe/Paris", sellers, start, start + timedelta(hours=1), random.Random(5))
    expected = pace.hourly_rate("paris", "Europe/Paris", start) * sum(s.weight for s in sellers)
    assert abs(len(drawn) - expected) < 4 * expected**0.5  # a Poisson count: within four standard deviations
    assert all(start <= sale.at < start + timedelta(hours=1) for sale in drawn)
    assert drawn == sorted(drawn, key=lambda sale: sale.at)


def test_points_per_goal_gives_a_typical_site_about_two_and_a_half_goals_a_day():
    sellers = [pace.seller(f"a{n}", "paris", Decimal(1)) for n in range(15)]
    fte = Decimal(15)
    typical = pace.typical_day_points_per_fte("paris", sellers, fte, POINTS)
    # Independently: 4 sales an hour at peak × the day's shape × mean points (with doubles) × skill per FTE.
    mean_points = (0.35 * 30 + 0.30 * 20 + 0.20 * 40 + 0.15 * 50) * 1.1
    by_hand = 4.0 * sum(pace.HOURLY_SHAPE) * mean_points * sum(s.weight for s in sellers) / 15
    assert abs(float(typical) - by_hand) < 0.01
    goal = pace.points_per_goal([typical])
    assert Decimal("2.3") <= typical / goal <= Decimal("2.7")
    assert goal == rules_of_play.auto_points_per_goal([typical])


@given(st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)))
def test_the_draw_is_named_after_the_weekday_it_ends_and_ends_at_least_a_day_later(now):
    ends = draw_end(now)
    assert draw_name(ends) == f"{ends.astimezone(PARIS).strftime('%A')} jackpot" == "Friday jackpot"
    assert timedelta(days=1) <= ends - now <= timedelta(days=8)
