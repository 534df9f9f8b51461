"""Concurrent sales against instant prizes: never more wins than the stock, counters lose no sale.

Runs on SQLite and, with LEADERBOARD_TEST_DATABASE_URL set, on PostgreSQL (where the races are real).
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from leaderboard.extensions import db
from leaderboard.models.prizes import PrizeCounter, PrizeStock, PrizeWin
from leaderboard.services.core import projections
from tests.conftest import NOW
from tests.integration.test_concurrency import post_cancel, post_sale, run_together

WINDOW = {"starts_at": (NOW - timedelta(days=2)).isoformat(), "ends_at": (NOW + timedelta(days=2)).isoformat()}


@pytest.fixture()
def prize_shop(app, make, api, at_now):
    site = make.site("rush", "Europe/Paris")
    product = make.product("RUSH", points=5)
    agents = [make.agent(site, f"rush{n}") for n in range(10)]
    contest = api.contest(name="Rush", kind="race", sites=[site], rules={"instant_prizes": [
        {"name": "Bottle", "stock": 3, "when": {"kind": "product", "product": "RUSH"}},
        {"name": "Every fifth", "stock": 100, "when": {"kind": "every_nth", "n": 5, "scope": "contest"}}]},
        **WINDOW)
    return {"product": product, "agents": agents, "contest": contest["id"]}


def wins_of(app, contest_id: int) -> dict[str, list[tuple[str, str]]]:
    """prize → [(sale, status)]"""
    with app.app_context():
        found: dict[str, list[tuple[str, str]]] = {}
        for prize, sale, status in db.session.execute(select(PrizeWin.prize, PrizeWin.sale_id, PrizeWin.status)
                                                      .where(PrizeWin.contest_id == contest_id)):
            found.setdefault(prize, []).append((sale, status))
        db.session.remove()
        return found


def stock_left(app, contest_id: int, prize: str) -> int:
    with app.app_context():
        left = db.session.scalar(select(PrizeStock.remaining).where(PrizeStock.contest_id == contest_id,
                                                                    PrizeStock.prize == prize))
        db.session.remove()
        return int(left or 0)


def test_50_concurrent_qualifying_sales_win_exactly_the_stock(app, api, prize_shop, at_now):
    contest = prize_shop["contest"]
    calls = [post_sale(app, api.integration, f"rush-{n}", prize_shop["agents"][n % 10], prize_shop["product"],
                       minutes_ago=1 + n % 30) for n in range(50)]
    assert sorted({status for status, _ in run_together(calls)}) == [201]
    wins = wins_of(app, contest)
    assert len(wins["Bottle"]) == 3 and {status for _, status in wins["Bottle"]} == {"won"}
    assert stock_left(app, contest, "Bottle") == 0
    # The contest-wide counter saw every sale once: 50 sales, so exactly 10 fifths.
    assert len(wins["Every fifth"]) == 10
    with app.app_context():
        assert db.session.scalar(select(PrizeCounter.count).where(PrizeCounter.contest_id == contest)) == 50
        db.session.remove()

    at_now.shift(timedelta(minutes=1))  # the clock is frozen: the second wave arrives a minute later
    # Cancelling the three winners while 20 more sales arrive: stock comes back and is never over-given.
    winners = [sale for sale, _ in wins["Bottle"]]
    more = [post_sale(app, api.integration, f"late-{n}", prize_shop["agents"][n % 10], prize_shop["product"],
                      minutes_ago=2) for n in range(20)]
    results = run_together([post_cancel(app, api.integration, sale) for sale in winners] + more)
    assert all(status in (200, 201) for status, _ in results)
    bottles = wins_of(app, contest)["Bottle"]
    live = [sale for sale, status in bottles if status == "won"]
    assert sorted(sale for sale, status in bottles if status == "revoked") == sorted(winners)
    # However the sales and cancellations interleaved, live wins and stock left always add up to the stock.
    assert len(live) + stock_left(app, contest, "Bottle") == 3
    assert set(live).isdisjoint(winners)

    # The rebuild replays in arrival order; the count of wins comes out the same.
    with app.app_context():
        projections.rebuild()
        db.session.remove()
    rebuilt = wins_of(app, contest)
    assert len([s for s, status in rebuilt["Bottle"] if status == "won"]) <= 3
    assert len(rebuilt["Every fifth"]) == 14  # 70 counted arrivals: the 5th, 10th, … 70th
