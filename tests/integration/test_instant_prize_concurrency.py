"""Concurrent sales against instant prizes: never more wins than the stock, counters lose no sale.

Runs on SQLite and, with LEADERBOARD_TEST_DATABASE_URL set, on PostgreSQL (where the races are real).
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from leaderboard.extensions import db
from leaderboard.models.prizes import PrizeCounter, PrizeHandOver, PrizeStock, PrizeWin
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


def test_hand_overs_racing_each_other_and_a_cancellation_stay_consistent(app, api, prize_shop, at_now):
    contest = prize_shop["contest"]
    for n in range(4):
        at_now.shift(timedelta(seconds=1))
        api.sale(f"race-{n}", prize_shop["agents"][n], prize_shop["product"], NOW - timedelta(minutes=3))
    wins = {sale: win_id for win_id, sale in _win_ids(app, contest, "Bottle")}
    at_now.shift(timedelta(seconds=1))

    def hand_over(win_id):
        def call():
            response = app.test_client().post(f"/api/v1/prize-wins/{win_id}/hand-over", headers=api.admin)
            return response.status_code, response.get_json()
        return call

    # Ten hand-overs of one win at once: every answer is 200 and one hand-over is logged.
    results = run_together([hand_over(wins["race-0"]) for _ in range(10)])
    assert {status for status, _ in results} == {200}
    assert len({body["handed_over_at"] for _, body in results}) == 1
    # A hand-over racing the cancellation of its sale: either it came first (kept, flagged) or it is refused.
    results = run_together([hand_over(wins["race-1"]), post_cancel(app, api.integration, "race-1")], workers=2)
    with app.app_context():
        win = db.session.get(PrizeWin, wins["race-1"])
        handed = db.session.scalar(select(func.count()).select_from(PrizeHandOver)
                                   .where(PrizeHandOver.win_id == wins["race-1"]))
        outcome = (win.status, win.cancelled_after_hand_over, handed)
        db.session.remove()
    assert outcome in (("handed_over", True, 1), ("revoked", False, 0))
    assert results[0][0] == (200 if outcome[0] == "handed_over" else 409)
    assert stock_left(app, contest, "Bottle") == (0 if outcome[0] == "handed_over" else 1)


def _win_ids(app, contest_id: int, prize: str) -> list[tuple[str, str]]:
    with app.app_context():
        rows = [(row.id, row.sale_id) for row in db.session.scalars(
            select(PrizeWin).where(PrizeWin.contest_id == contest_id, PrizeWin.prize == prize))]
        db.session.remove()
        return rows
