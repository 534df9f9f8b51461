"""Colleagues outside sales, assists and retention saves through the HTTP API; every expected figure is
worked out here from the rules (issue 15), not read back from the service."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from leaderboard.extensions import db
from leaderboard.services.access import auth
from leaderboard.services.boards import agent_view, standings
from leaderboard.services.contests.lifecycle import find_contest
from leaderboard.services.roster.people import agent_by_key
from tests.conftest import bearer

NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)
GOLD_POINTS, SAVE_POINTS, SAVE_ASSIST = 25, 10, 3
GOLD_BONUS, SAVE_BONUS = "20.00", "4.00"


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture()
def world(client, make):
    admin = bearer(make.token("admin"))
    site = make.site("paris", tz="Europe/Paris")

    def put(path, body):
        response = client.put(f"/api/v1/{path}", json=body, headers=admin)
        assert response.status_code in (200, 201), response.get_json()
        return response.get_json()

    for key in ("ann", "bea"):
        put(f"agents/{key}", {"name": key.title(), "site": site})
    put("agents/ops", {"name": "Office Manager", "site": site, "sells": False})
    put("agents/wh", {"name": "Warehouse", "site": site, "sells": False})
    put("products/GOLD", {"name": "Gold", "points": GOLD_POINTS, "bonus": GOLD_BONUS})
    put("products/KEEP", {"name": "Kept customer", "points": SAVE_POINTS, "bonus": SAVE_BONUS, "kind": "save",
                          "assist_points": SAVE_ASSIST})
    return {"admin": admin, "integration": bearer(make.token("integration")), "site": site, "put": put}


def post_sale(client, world, sale_id, agent, product="GOLD", assists=(), minutes=0, quantity=1, expect=201):
    body = {"id": sale_id, "agent": agent, "product": product, "quantity": quantity,
            "occurred_at": (NOW - timedelta(hours=1, minutes=minutes)).isoformat()}
    if assists:
        body["assists"] = list(assists)
    response = client.post("/api/v1/sales", json=body, headers=world["integration"])
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def new_contest(client, world, **rules):
    response = client.post("/api/v1/contests", headers=world["admin"], json={
        "name": "Week", "kind": "race", "timezone": "Europe/Paris", "rules": rules,
        "starts_at": "2026-11-16T00:00:00+01:00", "ends_at": "2026-11-23T00:00:00+01:00"})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def board(client, world, contest_id, by="agent"):
    response = client.get(f"/api/v1/contests/{contest_id}/standings", headers=world["admin"],
                          query_string={"by": by})
    assert response.status_code == 200, response.get_json()
    return {row["key"]: row for row in response.get_json()["rows"]}


def figures(row):
    return row["points"], row["sales"], row["saves"], row["assists"]


def test_roster_stores_sells_kind_and_assist_points_with_defaults(client, world):
    agents = {a["key"]: a for a in client.get("/api/v1/agents", headers=world["admin"]).get_json()["items"]}
    assert agents["ops"]["sells"] is False and agents["ann"]["sells"] is True
    # Omitted on a later PUT: unchanged.
    world["put"]("agents/ops", {"name": "Office Manager", "site": world["site"]})
    assert client.get("/api/v1/agents/ops", headers=world["admin"]).get_json()["sells"] is False
    products = {p["code"]: p for p in client.get("/api/v1/products", headers=world["admin"]).get_json()["items"]}
    assert (products["GOLD"]["kind"], products["GOLD"]["assist_points"]) == ("sale", GOLD_POINTS // 2)
    assert (products["KEEP"]["kind"], products["KEEP"]["assist_points"]) == ("save", SAVE_ASSIST)
    bad = client.put("/api/v1/products/BAD", json={"name": "x", "points": 1, "kind": "refund"},
                     headers=world["admin"])
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "kind"


def test_a_sale_for_someone_outside_sales_is_refused_with_a_clear_message(client, world):
    errors = post_sale(client, world, "x-1", "ops", expect=422)["errors"]
    assert errors[0]["field"] == "agent" and "outside sales" in errors[0]["message"]


def test_bad_assists_are_field_errors(client, world):
    def fields(assists):
        return [e["field"] for e in post_sale(client, world, "x-1", "ann", assists=assists, expect=422)["errors"]]

    assert fields(["ann"]) == ["assists[0]"]
    assert fields(["ops", "ops"]) == ["assists[1]"]
    assert fields(["ghost"]) == ["assists[0]"]
    assert fields(["ops", "wh", "bea", "ghost"]) == ["assists", "assists[3]"]


def test_a_batch_reports_bad_assists_per_item_and_stores_the_rest(client, world):
    response = client.post("/api/v1/sales", headers=world["integration"], json={"sales": [
        {"id": "b-1", "agent": "ann", "product": "GOLD", "occurred_at": NOW.isoformat(), "assists": ["ops"]},
        {"id": "b-2", "agent": "ann", "product": "GOLD", "occurred_at": NOW.isoformat(), "assists": ["ann"]},
        {"id": "b-3", "agent": "ops", "product": "GOLD", "occurred_at": NOW.isoformat()},
    ]})
    results = response.get_json()["results"]
    assert [r["result"] for r in results] == ["created", "invalid", "invalid"]
    assert results[1]["errors"][0]["field"] == "sales[1].assists[0]"
    assert results[2]["errors"][0]["field"] == "sales[2].agent"


def test_replays_with_assists_are_idempotent_and_a_changed_list_conflicts(client, world):
    first = post_sale(client, world, "r-1", "ann", assists=["ops", "wh"])
    assert first["assists"] == ["ops", "wh"] and first["kind"] == "sale"
    body = {"id": "r-1", "agent": "ann", "product": "GOLD", "quantity": 1,
            "occurred_at": (NOW - timedelta(hours=1)).isoformat()}
    replay = client.post("/api/v1/sales", json={**body, "assists": ["wh", "ops"]}, headers=world["integration"])
    assert replay.status_code == 200 and replay.get_json() == first
    for changed in (["ops"], []):
        response = client.post("/api/v1/sales", json={**body, "assists": changed}, headers=world["integration"])
        assert response.status_code == 409
    batch = client.post("/api/v1/sales", headers=world["integration"], json={"sales": [
        {**body, "assists": ["ops", "wh"]}, {**body, "assists": ["bea"]}]}).get_json()["results"]
    assert [r["result"] for r in batch] == ["duplicate", "conflict"]


def test_assisting_colleagues_earn_assist_points_and_appear_only_then(client, world):
    contest = new_contest(client, world, assists=True)
    plain = new_contest(client, world)
    before = board(client, world, contest)
    assert set(before) == {"ann", "bea"}  # people outside sales are not on sales boards
    post_sale(client, world, "a-1", "ann", assists=["ops", "bea"], quantity=2)
    post_sale(client, world, "a-2", "bea", product="KEEP", assists=["ops"])
    rows = board(client, world, contest)
    assert set(rows) == {"ann", "bea", "ops"}  # ops has assists now; wh still has none
    gold_assist = (GOLD_POINTS // 2) * 2  # half the points, rounded down, per unit, x quantity
    assert figures(rows["ann"]) == (GOLD_POINTS * 2, 1, 0, 0)
    assert figures(rows["bea"]) == (SAVE_POINTS + gold_assist, 0, 1, 1)
    assert figures(rows["ops"]) == (gold_assist + SAVE_ASSIST, 0, 0, 2)
    # Without "assists": true nobody earns from assists and the non-seller stays off the board.
    rows = board(client, world, plain)
    assert set(rows) == {"ann", "bea"}
    assert figures(rows["bea"]) == (SAVE_POINTS, 0, 1, 0)
    site_row = board(client, world, contest, by="site")["paris"]
    assert (site_row["sales"], site_row["saves"], site_row["assists"]) == (1, 1, 3)


def test_a_contest_can_override_assist_points_per_product(client, world):
    contest = new_contest(client, world, assists=True, products={"GOLD": {"assist_points": 4}})
    post_sale(client, world, "o-1", "ann", assists=["ops"], quantity=3)
    assert figures(board(client, world, contest)["ops"]) == (4 * 3, 0, 0, 1)


def test_cancellation_inside_the_window_takes_assists_back_and_a_late_one_does_not(client, world):
    contest = new_contest(client, world, assists=True)
    post_sale(client, world, "c-1", "ann", assists=["ops"])
    post_sale(client, world, "c-2", "bea", assists=["ops", "wh"], minutes=5)
    cancel = client.post("/api/v1/sales/c-1/cancel", json={"reason": "churn"}, headers=world["integration"])
    assert cancel.status_code == 200
    rows = board(client, world, contest)
    assert figures(rows["ops"]) == (GOLD_POINTS // 2, 0, 0, 1)
    assert figures(rows["ann"]) == (0, 0, 0, 0)
    client.post("/api/v1/sales/c-2/cancel", json={"reason": "churn"}, headers=world["integration"])
    assert set(board(client, world, contest)) == {"ann", "bea"}  # nothing of ops or wh counts any more


def test_late_cancellation_keeps_assists(client, world):
    contest = new_contest(client, world, assists=True)
    post_sale(client, world, "l-1", "ann", assists=["ops"])
    with time_machine.travel(NOW + timedelta(days=20), tick=False):
        client.post("/api/v1/sales/l-1/cancel", json={"reason": "late"}, headers=world["integration"])
    assert figures(board(client, world, contest)["ops"]) == (GOLD_POINTS // 2, 0, 0, 1)


def test_kinds_restrict_what_a_contest_counts(client, world):
    saves_only = new_contest(client, world, kinds=["save"], assists=True)
    both = new_contest(client, world, kinds=["sale", "save"])
    post_sale(client, world, "k-1", "ann", assists=["ops"])
    post_sale(client, world, "k-2", "ann", product="KEEP")
    post_sale(client, world, "k-3", "bea", product="KEEP", assists=["ops"])
    rows = board(client, world, saves_only)
    assert figures(rows["ann"]) == (SAVE_POINTS, 0, 1, 0)
    assert figures(rows["ops"]) == (SAVE_ASSIST, 0, 0, 1)  # the assist on a sale does not count here
    rows = board(client, world, both)
    assert figures(rows["ann"]) == (GOLD_POINTS + SAVE_POINTS, 1, 1, 0)
    refused = client.post("/api/v1/contests", headers=world["admin"], json={
        "name": "x", "kind": "race", "starts_at": "2026-11-16T00:00:00+01:00",
        "ends_at": "2026-11-23T00:00:00+01:00", "rules": {"kinds": ["refund"]}})
    assert refused.status_code == 422 and refused.get_json()["errors"][0]["field"] == "rules.kinds"


def test_lucky_draw_tickets_obey_kinds(client, world):
    response = client.post("/api/v1/contests", headers=world["admin"], json={
        "name": "Draw", "kind": "lucky_draw", "timezone": "Europe/Paris", "rules": {"kinds": ["save"]},
        "starts_at": "2026-11-16T00:00:00+01:00", "ends_at": "2026-11-23T00:00:00+01:00"})
    draw = response.get_json()["id"]
    post_sale(client, world, "t-1", "ann")
    post_sale(client, world, "t-2", "bea", product="KEEP")
    tickets = client.get(f"/api/v1/contests/{draw}/tickets", headers=world["admin"]).get_json()
    assert {row["agent"]: row["count"] for row in tickets["agents"]} == {"bea": 1}


def test_saves_earn_like_sales_and_assists_earn_nothing(client, world):
    post_sale(client, world, "e-1", "ann", product="KEEP", assists=["ops"])
    post_sale(client, world, "e-2", "ann", assists=["ops"])
    month = NOW.strftime("%Y-%m")

    def pending(key):
        response = client.get(f"/api/v1/agents/{key}/earnings", headers=world["admin"], query_string={"month": month})
        return response.get_json()["pending"]

    assert pending("ann") == f"{float(SAVE_BONUS) + float(GOLD_BONUS):.2f}"
    assert pending("ops") == "0.00"


def test_tv_rows_and_phone_card_show_sales_saves_and_assists(app, client, world):
    contest_id = new_contest(client, world, assists=True)
    post_sale(client, world, "p-1", "ann", product="KEEP", assists=["ops"])
    post_sale(client, world, "p-2", "ann")
    with app.app_context():
        contest = find_contest(contest_id)
        rows = {row["key"]: row for row in standings.screen_rows(contest, "agent", 10)}
        assert (rows["ann"]["sales"], rows["ann"]["saves"], rows["ann"]["assists"]) == (1, 1, 0)
        assert rows["ops"]["assists"] == 1
        me = agent_view.contest_card(contest, agent_by_key("ann"), NOW)["me"]
        assert (me["sales"], me["saves"], me["assists"]) == (1, 1, 0)
        # Warehouse has no assist: no line of theirs on the board, an empty card instead of an error.
        card = agent_view.contest_card(contest, agent_by_key("wh"), NOW)
        assert card["me"] is None and card["nearby"] == []
        db.session.remove()


def test_csv_import_sets_sells_and_keeps_it_when_empty(client, world):
    csv_text = "key,name,site,team,fte,sells\nit,IT Desk,paris,,1,false\nops,Office Manager,paris,,1,\n" \
               "bad,Bad,paris,,1,maybe\n"
    response = client.post("/api/v1/roster/import", data=csv_text.encode(), content_type="text/csv",
                           headers=world["admin"])
    results = response.get_json()["results"]
    assert [r["result"] for r in results] == ["created", "unchanged", "invalid"]
    assert results[2]["errors"][0]["field"] == "sells"
    agents = {a["key"]: a for a in client.get("/api/v1/agents", headers=world["admin"]).get_json()["items"]}
    assert agents["it"]["sells"] is False and agents["ops"]["sells"] is False


def test_calendar_boards_show_sales_and_saves_apart_and_no_one_outside_sales(client, world):
    post_sale(client, world, "d-1", "ann", assists=["ops"])
    post_sale(client, world, "d-2", "ann", product="KEEP")
    post_sale(client, world, "d-3", "ann", product="KEEP", minutes=5)
    client.post("/api/v1/sales/d-3/cancel", json={"reason": "churn"}, headers=world["integration"])
    response = client.get("/api/v1/standings", headers=world["admin"], query_string={"period": "today"})
    rows = {row["key"]: row for row in response.get_json()["rows"]}
    assert set(rows) == {"ann", "bea"}
    assert (rows["ann"]["points"], rows["ann"]["sales"], rows["ann"]["saves"]) == (GOLD_POINTS + SAVE_POINTS, 1, 1)


def test_a_colleague_outside_sales_gets_a_personal_link_and_a_phone_page(app, client, world):
    contest_id = new_contest(client, world, assists=True)
    with app.app_context():
        _, token = auth.issue_agent_link(auth.SYSTEM, agent_by_key("wh"))
    phone = app.test_client()
    assert phone.get(f"/me/link/{token}").status_code == 302
    assert phone.get("/me").status_code == 200
    post_sale(client, world, "m-1", "ann", assists=["wh"])
    assert phone.get("/me").status_code == 200
    with app.app_context():
        me = agent_view.contest_card(find_contest(contest_id), agent_by_key("wh"), NOW)["me"]
        assert (me["points"], me["sales"], me["assists"]) == (GOLD_POINTS // 2, 0, 1)
        db.session.remove()


def test_fte_normalised_group_boards_divide_by_the_sellers_time_only(client, world):
    contest = new_contest(client, world, assists=True, normalize="fte")
    post_sale(client, world, "f-1", "ann", assists=["ops"])
    site_row = board(client, world, contest, by="site")["paris"]
    # ann and bea sell full time; ops adds assist points to the site, not selling time.
    assert site_row["points"] == (GOLD_POINTS + GOLD_POINTS // 2) / 2
