"""Instant prizes through the API: every `when`, stock, clawback, hand-over, the chance check and the rebuild.

Expected winners are worked out in each test from the sales it posts; the chance check recomputes
HMAC-SHA256 from the seed the contest reveals, with code of its own.
"""
import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leaderboard.domain import changes
from leaderboard.services.access import auth
from leaderboard.services.boards import live_snapshots
from leaderboard.services.core import projections
from leaderboard.services.core.publishing import EXTENSION_KEY
from leaderboard.services.sales import confirmations
from tests.conftest import NOW, bearer

WINDOW = {"starts_at": (NOW - timedelta(days=1)).isoformat(), "ends_at": (NOW + timedelta(days=1)).isoformat()}


class World:
    def __init__(self, app, client, make, api, traveller):
        self.app, self.client, self.api, self.traveller = app, client, api, traveller
        self.site = make.site("paris", "Europe/Paris")
        self.other_site = make.site("lyon", "Europe/Paris")
        self.julie = make.agent(self.site, "julie", name="Julie")
        self.marc = make.agent(self.site, "marc", name="Marc")
        self.lea = make.agent(self.other_site, "lea", name="Léa")
        self.gold = make.product("GOLD", points=20)
        self.silver = make.product("SILVER", points=5)
        self.lead = bearer(make.lead_token(self.site))
        self.other_lead = bearer(make.lead_token(self.other_site))
        with app.app_context():
            _, secret = auth.create_api_key("julie-phone", "agent", agent_key="julie")
        self.agent_token = bearer(secret)

    def contest(self, prizes, expect=201, sites=("paris", "lyon"), **rules):
        return self.api.contest(name="Prizes", kind="race", sites=list(sites), expect=expect,
                                rules={"instant_prizes": prizes, **rules}, **WINDOW)

    def sale(self, sale_id, agent, product="GOLD", at=None, amount=None):
        """One sale, received a second after the previous one (arrival order is the posting order)."""
        self.traveller.shift(timedelta(seconds=1))
        body = {"id": sale_id, "agent": agent, "product": product, "quantity": 1,
                "occurred_at": (at or NOW - timedelta(minutes=5)).isoformat()}
        if amount is not None:
            body["amount"] = amount
        response = self.client.post("/api/v1/sales", headers=self.api.integration, json=body)
        assert response.status_code == 201, response.get_json()

    def traveller_now(self):
        return datetime.now(UTC)

    def wins(self, contest_id, headers=None, **query):
        response = self.client.get(f"/api/v1/contests/{contest_id}/prizes", headers=headers or self.api.admin,
                                   query_string=query)
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def won(self, contest_id):
        """(prize, sale) of live wins, oldest first."""
        return [(w["prize"], w["sale"]) for w in reversed(self.wins(contest_id)) if w["status"] != "revoked"]

    def hand_over(self, win_id, headers=None):
        return self.client.post(f"/api/v1/prize-wins/{win_id}/hand-over", headers=headers or self.lead)


@pytest.fixture()
def world(app, client, make, api, at_now):
    return World(app, client, make, api, at_now)


def test_bad_prize_rules_are_422_with_field_paths(world):
    body = world.contest([{"name": "A", "stock": 0, "when": {"kind": "every_nth", "n": 10, "scope": "team"}},
                          {"name": "B", "stock": 1, "when": {"kind": "product", "product": "NOPE"}}], expect=422)
    fields = {e["field"] for e in body["errors"]}
    assert fields == {"rules.instant_prizes[0].stock", "rules.instant_prizes[0].when.scope",
                      "rules.instant_prizes[1].when.product"}


def test_first_sale_of_day_is_per_agent_and_site_local_day(world):
    contest = world.contest([{"name": "Croissant", "stock": 10, "when": {"kind": "first_sale_of_day"}}])
    # Paris is UTC+1: 22:30 UTC on the 17th is already the 17th's 23:30; 23:30 UTC is the 18th's 00:30.
    day_before_late = NOW.replace(hour=22, minute=30) - timedelta(days=1)
    world.sale("j1", "julie", at=day_before_late)
    world.sale("j2", "julie", at=day_before_late + timedelta(minutes=20))  # same local day
    world.sale("j3", "julie", at=day_before_late + timedelta(hours=1))     # the next local day
    world.sale("m1", "marc")
    world.sale("j4", "julie")  # still the 18th locally, like j3
    assert world.won(contest["id"]) == [("Croissant", "j1"), ("Croissant", "j3"), ("Croissant", "m1")]


def test_every_nth_per_site_and_per_contest(world):
    contest = world.contest([
        {"name": "Site third", "stock": 10, "when": {"kind": "every_nth", "n": 3, "scope": "site"}},
        {"name": "Contest fourth", "stock": 10, "when": {"kind": "every_nth", "n": 4, "scope": "contest"}}])
    sellers = ["julie", "lea", "marc", "lea", "julie", "lea", "lea", "marc"]
    for i, agent in enumerate(sellers):
        world.sale(f"s{i}", agent)
    # Independently: count per site (julie and marc are paris, lea is lyon) and overall.
    site_of = {"julie": "paris", "marc": "paris", "lea": "lyon"}
    per_site: dict[str, int] = {}
    expected = []
    for i, agent in enumerate(sellers):
        per_site[site_of[agent]] = per_site.get(site_of[agent], 0) + 1
        if per_site[site_of[agent]] % 3 == 0:
            expected.append(("Site third", f"s{i}"))
        if (i + 1) % 4 == 0:
            expected.append(("Contest fourth", f"s{i}"))
    assert sorted(world.won(contest["id"])) == sorted(expected)


def test_product_with_minimum_amount_and_stock_running_out(world):
    contest = world.contest([{"name": "Champagne", "stock": 2,
                              "when": {"kind": "product", "product": "GOLD", "min_amount": "100.00"}}])
    world.sale("a", "julie", amount="99.99")
    world.sale("b", "julie", "SILVER", amount="500.00")
    world.sale("c", "marc", amount="100.00")
    world.sale("d", "lea")  # no amount: cannot reach the minimum
    world.sale("e", "lea", amount="250.00")
    world.sale("f", "julie", amount="300.00")  # the stock (2) is gone
    assert world.won(contest["id"]) == [("Champagne", "c"), ("Champagne", "e")]
    view = world.client.get(f"/api/v1/contests/{contest['id']}", headers=world.api.admin).get_json()
    assert view["instant_prizes"]["stock"] == [{"prize": "Champagne", "stock": 2, "left": 0}]


def test_a_contest_left_out_product_wins_nothing(world):
    contest = world.contest([{"name": "Any", "stock": 5, "when": {"kind": "first_sale_of_day"}}],
                            include_products=["SILVER"])
    world.sale("g1", "julie", "GOLD")
    world.sale("s1", "julie", "SILVER")
    assert world.won(contest["id"]) == [("Any", "s1")]


def independent_draw(seed: bytes, sale_id: str) -> float:
    digest = hmac.new(seed, sale_id.encode("utf-8"), hashlib.sha256).digest()
    return int.from_bytes(digest, "big") / 2**256


def test_chance_wins_check_out_against_the_seed_revealed_after_the_end(world):
    contest = world.contest([{"name": "Golden sale", "stock": 1000, "when": {"kind": "chance",
                                                                             "probability": 0.25}}])
    view = world.client.get(f"/api/v1/contests/{contest['id']}", headers=world.api.admin).get_json()
    assert view["instant_prizes"]["seed"] is None
    commitment = view["instant_prizes"]["commitment"]
    assert len(commitment) == 64
    ids = [f"golden-{i}" for i in range(40)]
    for sale_id in ids:
        world.sale(sale_id, "julie")
    world.traveller.move_to(NOW + timedelta(days=1, minutes=1))
    revealed = world.client.get(f"/api/v1/contests/{contest['id']}", headers=world.api.admin).get_json()
    seed = bytes.fromhex(revealed["instant_prizes"]["seed"])
    assert hashlib.sha256(seed).hexdigest() == commitment
    expected = [i for i in ids if independent_draw(seed, i) < 0.25]
    assert 0 < len(expected) < len(ids)
    assert [sale for _, sale in world.won(contest["id"])] == expected


def test_a_sale_received_after_the_end_cannot_win_by_chance(world):
    contest = world.contest([{"name": "Golden", "stock": 1000, "when": {"kind": "chance", "probability": 1}}])
    world.sale("in-time", "julie")
    world.traveller.move_to(NOW + timedelta(days=1, minutes=1))
    world.sale("backdated", "julie", at=NOW)  # occurred inside the window, received once the seed is public
    assert world.won(contest["id"]) == [("Golden", "in-time")]


def test_clawback_revokes_and_gives_stock_back_unless_handed_over(world):
    contest = world.contest([{"name": "Bottle", "stock": 1, "when": {"kind": "product", "product": "GOLD"}}])
    world.sale("a", "julie")
    world.sale("b", "marc")  # no stock left
    assert world.api.cancel("a").status_code in (200, 201)
    wins = {w["sale"]: w for w in world.wins(contest["id"])}
    assert wins["a"]["status"] == "revoked"
    world.sale("c", "marc")  # the bottle came back
    live = [w for w in world.wins(contest["id"]) if w["status"] == "won"]
    assert [w["sale"] for w in live] == ["c"]
    assert world.hand_over(live[0]["id"]).status_code == 200
    assert world.api.cancel("c").status_code in (200, 201)
    kept = {w["sale"]: w for w in world.wins(contest["id"])}["c"]
    assert kept["status"] == "handed_over" and kept["cancelled_after_hand_over"] is True
    world.sale("d", "julie")  # a handed-over bottle does not come back
    assert world.won(contest["id"]) == [("Bottle", "c")]


def test_a_late_cancellation_changes_nothing(world):
    contest = world.contest([{"name": "Bottle", "stock": 1, "when": {"kind": "product", "product": "GOLD"}}])
    world.sale("a", "julie", at=NOW - timedelta(hours=20))
    world.traveller.move_to(NOW + timedelta(days=30))
    world.api.cancel("a")
    assert [w["status"] for w in world.wins(contest["id"])] == ["won"]


def test_hand_over_rules(world):
    contest = world.contest([{"name": "Bottle", "stock": 2, "when": {"kind": "product", "product": "GOLD"}}])
    world.sale("a", "julie")
    world.sale("b", "julie")
    win_a, win_b = sorted(world.wins(contest["id"]), key=lambda w: w["sale"])
    assert world.hand_over("0" * 32).status_code == 404
    assert world.hand_over(win_a["id"], world.other_lead).status_code == 403
    assert world.hand_over(win_a["id"], world.agent_token).status_code == 403
    first = world.hand_over(win_a["id"])
    assert first.status_code == 200 and first.get_json()["status"] == "handed_over"
    again = world.hand_over(win_a["id"], world.api.admin)
    assert again.status_code == 200 and again.get_json()["handed_over_at"] == first.get_json()["handed_over_at"]
    world.api.cancel("b")
    assert world.hand_over(win_b["id"]).status_code == 409
    assert [w["sale"] for w in world.wins(contest["id"], status="handed_over")] == ["a"]
    assert world.client.get(f"/api/v1/contests/{contest['id']}/prizes", headers=world.api.admin,
                            query_string={"status": "lost"}).status_code == 422


def test_list_shape(world):
    contest = world.contest([{"name": "Bottle", "stock": 2, "when": {"kind": "product", "product": "GOLD"}}])
    world.sale("a", "julie")
    [win] = world.wins(contest["id"])
    assert set(win) == {"id", "prize", "agent", "sale", "won_at", "status", "cancelled_after_hand_over",
                        "handed_over_at"}
    assert (win["prize"], win["agent"], win["sale"], win["status"]) == ("Bottle", "julie", "a", "won")


def test_wins_are_published_to_the_contest_and_the_winner(world):
    heard: list = []
    world.app.extensions.setdefault(EXTENSION_KEY, []).append(heard.extend)
    try:
        contest = world.contest([{"name": "Bottle", "stock": 1, "when": {"kind": "product", "product": "GOLD"}}])
        world.sale("a", "julie")
    finally:
        world.app.extensions[EXTENSION_KEY].remove(heard.extend)
    won = [n for n in heard if isinstance(n, changes.PrizeWon)]
    mine = [n for n in heard if isinstance(n, changes.MyPrizeWon)]
    assert [(n.contest_id, n.prize, n.agent.name, n.sale) for n in won] == [(contest["id"], "Bottle", "Julie", "a")]
    assert [(n.prize, n.contest) for n in mine] == [("Bottle", "Prizes")]


def test_rebuild_gives_the_same_wins_and_keeps_hand_overs(world):
    contest = world.contest([
        {"name": "Bottle", "stock": 2, "when": {"kind": "product", "product": "GOLD"}},
        {"name": "Croissant", "stock": 3, "when": {"kind": "first_sale_of_day"}},
        {"name": "Fifth", "stock": 1, "when": {"kind": "every_nth", "n": 5, "scope": "contest"}},
        {"name": "Golden", "stock": 2, "when": {"kind": "chance", "probability": 0.3}}])
    for i in range(6):
        world.sale(f"r{i}", ["julie", "marc", "lea"][i % 3], ["GOLD", "SILVER"][i % 2])
    first = sorted(world.wins(contest["id"]), key=lambda w: w["id"])
    handed = next(w for w in first if w["prize"] == "Bottle")
    assert world.hand_over(handed["id"], world.api.admin).status_code == 200
    world.api.cancel(handed["sale"])
    world.api.cancel("r1")
    for i in range(6, 10):
        world.sale(f"r{i}", ["julie", "marc", "lea"][i % 3], "GOLD")
    before = sorted(world.wins(contest["id"]), key=lambda w: w["id"])
    assert any(w["status"] == "revoked" for w in before) or not any(w["sale"] == "r1" for w in first)
    with world.app.app_context():
        projections.rebuild()
    assert sorted(world.wins(contest["id"]), key=lambda w: w["id"]) == before
    view = world.client.get(f"/api/v1/contests/{contest['id']}", headers=world.api.admin).get_json()
    assert view["instant_prizes"]["commitment"] is not None


def test_when_pending_sales_do_not_count_prizes_wait_for_confirmation(world):
    contest = world.api.contest(name="Confirmed", kind="race", sites=["paris"], rules={
        "count_pending": False,
        "instant_prizes": [{"name": "Croissant", "stock": 5, "when": {"kind": "first_sale_of_day"}}]},
        starts_at=(NOW - timedelta(days=40)).isoformat(), ends_at=(NOW + timedelta(days=1)).isoformat())
    world.sale("old-2", "julie", at=NOW - timedelta(days=30, hours=-1))
    world.sale("old-1", "julie", at=NOW - timedelta(days=30))  # arrived second, happened first that day
    world.sale("recent", "marc", at=NOW - timedelta(hours=1))
    assert world.won(contest["id"]) == []
    with world.app.app_context():
        confirmations.advance()
    # Confirmed in the order they happened: old-1 is julie's first sale of that day; recent is still pending.
    assert world.won(contest["id"]) == [("Croissant", "old-1")]
    before = world.wins(contest["id"])
    with world.app.app_context():
        projections.rebuild()
    assert world.wins(contest["id"]) == before


def test_screens_and_agents_see_a_hidden_colleague_as_nobody(world, make):
    contest = world.contest([{"name": "Bottle", "stock": 5, "when": {"kind": "product", "product": "GOLD"}}])
    world.sale("by-julie", "julie")
    world.sale("by-marc", "marc")
    hidden = world.client.put("/api/v1/agents/marc", headers=world.api.admin,
                              json={"name": "Marc", "site": "paris", "hidden_on_screens": True})
    assert hidden.status_code == 200, hidden.get_json()
    display = bearer(make.token("display"))
    by_sale = {w["sale"]: w["agent"] for w in world.wins(contest["id"], headers=display)}
    assert by_sale == {"by-julie": "julie", "by-marc": None}
    by_sale = {w["sale"]: w["agent"] for w in world.wins(contest["id"], headers=world.agent_token)}
    assert by_sale == {"by-julie": "julie", "by-marc": None}
    assert {w["agent"] for w in world.wins(contest["id"], headers=world.lead)} == {"julie", "marc"}


def test_the_commitment_is_public_from_launch_even_without_a_chance_prize(world):
    contest = world.contest([{"name": "Croissant", "stock": 5, "when": {"kind": "first_sale_of_day"}}])
    assert len(contest["instant_prizes"]["commitment"]) == 64
    assert contest["instant_prizes"]["seed"] is None


OPERATIONS = st.lists(st.one_of(
    st.tuples(st.just("sale"), st.sampled_from(["julie", "marc", "lea"]), st.sampled_from(["GOLD", "SILVER"]),
              st.integers(0, 30)),
    st.tuples(st.just("cancel"), st.integers(0, 50)),
    st.tuples(st.just("hand_over"), st.integers(0, 50))), min_size=1, max_size=25)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=OPERATIONS)
def test_any_history_of_sales_cancellations_and_hand_overs_rebuilds_to_the_same_prizes(world, operations):
    """Arrival order decides stock, so the rebuild must replay the same order: checked on random histories."""
    world.traveller.shift(timedelta(days=1))  # each example a fresh contest, a day later
    now = world.traveller_now()
    contest = world.api.contest(name="Property", kind="race", sites=["paris", "lyon"], rules={"instant_prizes": [
        {"name": "Bottle", "stock": 2, "when": {"kind": "product", "product": "GOLD"}},
        {"name": "Croissant", "stock": 3, "when": {"kind": "first_sale_of_day"}},
        {"name": "Third", "stock": 2, "when": {"kind": "every_nth", "n": 3, "scope": "site"}},
        {"name": "Golden", "stock": 1, "when": {"kind": "chance", "probability": 0.3}}]},
        starts_at=(now - timedelta(days=1)).isoformat(), ends_at=(now + timedelta(hours=1)).isoformat(),
        expect=201)
    sales: list[str] = []
    for operation in operations:
        if operation[0] == "sale":
            _, agent, product, hours_ago = operation
            sales.append(f"p{contest['id']}-{len(sales)}")
            world.sale(sales[-1], agent, product, at=now - timedelta(hours=hours_ago, minutes=1))
        elif operation[0] == "cancel" and sales:
            world.traveller.shift(timedelta(seconds=1))
            world.api.cancel(sales[operation[1] % len(sales)])
        elif operation[0] == "hand_over":
            live = [w for w in world.wins(contest["id"]) if w["status"] == "won"]
            if live:
                world.traveller.shift(timedelta(seconds=1))
                assert world.hand_over(live[operation[1] % len(live)]["id"], world.api.admin).status_code == 200
    before = sorted(world.wins(contest["id"]), key=lambda w: w["id"])
    for prize, stock in (("Bottle", 2), ("Croissant", 3), ("Third", 2), ("Golden", 1)):
        assert len([w for w in before if w["prize"] == prize and w["status"] != "revoked"]) <= stock
    with world.app.app_context():
        projections.rebuild()
    assert sorted(world.wins(contest["id"]), key=lambda w: w["id"]) == before


def test_the_tv_slide_picture_shows_what_is_left_and_the_latest_winners(world):
    contest = world.contest([
        {"name": "Bottle", "stock": 2, "when": {"kind": "product", "product": "GOLD", "min_amount": "50.00"}},
        {"name": "Golden", "stock": 1, "when": {"kind": "chance", "probability": 0.000001}}])
    channel = world.client.put("/api/v1/channels/prizes-tv", headers=world.api.admin, json={
        "name": "Prizes", "slides": [{"type": "instant_prizes", "contest": contest["id"], "seconds": 10}]})
    assert channel.status_code == 201, channel.get_json()
    world.sale("a", "julie", amount="80.00")
    world.sale("b", "marc", amount="10.00")
    with world.app.app_context():
        picture = live_snapshots.contest_snapshot(contest["id"])
    assert picture["prizes"]["offers"] == [
        {"prize": "Bottle", "when": {"kind": "product", "product": "Product GOLD", "min_amount": "50.00"},
         "stock": 2, "left": 1},
        {"prize": "Golden", "when": {"kind": "chance", "probability": 0.000001}, "stock": 1, "left": 1}]
    assert [(w["prize"], w["agent"]["name"]) for w in picture["prizes"]["wins"]] == [("Bottle", "Julie")]
