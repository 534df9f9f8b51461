"""Earnings (pending, confirmed, clawed back, donated, matched), payroll CSV and calendar boards."""
import csv
import io
from datetime import UTC, datetime, timedelta, timezone

import pytest

from tests.conftest import NOW, bearer


@pytest.fixture()
def shop(make, at_now):
    make.site("paris", "Europe/Paris")
    make.site("montreal", "America/Toronto")
    make.agent("paris", "ana", name="=HYPERLINK(\"http://evil\")")
    make.agent("paris", "bob")
    make.agent("montreal", "cleo")
    make.product("CARD", points=50, bonus="25.00")
    make.product("ENROL", points=30, bonus="15.00")


def earnings(client, api, agent, month="2026-11"):
    response = client.get(f"/api/v1/agents/{agent}/earnings", query_string={"month": month}, headers=api.admin)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_pending_confirmed_clawed_back_donated_and_matched(client, api, shop, at_now, app):
    api.sale("old", "ana", "CARD", NOW - timedelta(days=16))      # 2 Nov: confirmed by 18 Nov
    api.sale("new", "ana", "ENROL", NOW - timedelta(days=2), quantity=2)  # pending: 30.00
    api.sale("gone", "ana", "CARD", NOW - timedelta(days=1))
    api.cancel("gone")
    put = client.put("/api/v1/agents/ana/charity", json={"charity": "Red Cross"}, headers=api.admin)
    assert put.status_code == 200
    at_now.shift(timedelta(hours=1))
    api.sale("kind", "ana", "ENROL", NOW + timedelta(minutes=30))
    got = earnings(client, api, "ana")
    match = app.config["EARNINGS_COMPANY_MATCH_PERCENT"] / 100
    assert (got["currency"], got["confirmed"], got["pending"], got["clawed_back"]) == ("USD", "25.00", "45.00", "25.00")
    assert got["donated"] == "15.00"
    assert got["matched"] == f"{15 * match:.2f}"
    assert got["charity"] == "Red Cross"


def test_unknown_charity_and_bad_month_are_field_errors(client, api, shop):
    bad = client.put("/api/v1/agents/ana/charity", json={"charity": "My Yacht"}, headers=api.admin)
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "charity"
    bad = client.get("/api/v1/agents/ana/earnings", query_string={"month": "11/2026"}, headers=api.admin)
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "month"


def test_payroll_csv_escapes_formulas(client, api, shop, at_now):
    api.sale("old", "ana", "CARD", NOW - timedelta(days=16))
    response = client.get("/api/v1/exports/payroll.csv", query_string={"month": "2026-11"}, headers=api.admin)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0]["agent"] == "ana"
    assert rows[0]["name"].startswith("'=")
    assert (rows[0]["confirmed"], rows[0]["payable"]) == ("25.00", "25.00")


def test_agents_see_only_their_own_earnings(client, make, shop):
    display = bearer(make.token("display"))
    assert client.get("/api/v1/agents/ana/earnings?month=2026-11", headers=display).status_code == 403


def test_today_follows_each_sites_timezone(client, api, shop, at_now):
    # 23:30 UTC on 18 Nov is 00:30 on the 19th in Paris (UTC+1) but 18:30 on the 18th in Montreal.
    at_now.move_to(datetime(2026, 11, 18, 23, 30, tzinfo=UTC))
    api.sale("p-yesterday", "ana", "CARD", datetime(2026, 11, 18, 22, 0, tzinfo=UTC))  # 23:00 Paris, 18th
    api.sale("p-today", "bob", "CARD", datetime(2026, 11, 18, 23, 10, tzinfo=UTC))     # 00:10 Paris, 19th
    api.sale("m", "cleo", "ENROL", datetime(2026, 11, 18, 12, 0, tzinfo=UTC))          # 07:00 Montreal, 18th
    board = client.get("/api/v1/standings", query_string={"period": "today"}, headers=api.admin).get_json()
    assert {r["key"]: r["points"] for r in board["rows"]} == {"bob": 50, "cleo": 30, "ana": 0}
    assert [r["rank"] for r in board["rows"]] == [1, 2, 3]
    week = client.get("/api/v1/standings", query_string={"period": "week", "site": "paris"},
                      headers=api.admin).get_json()
    assert {r["key"]: r["points"] for r in week["rows"]} == {"ana": 50, "bob": 50}
    assert datetime.fromisoformat(week["from"]) == datetime(2026, 11, 16, 0, 0, tzinfo=timezone(timedelta(hours=1)))
    sites = client.get("/api/v1/standings", query_string={"period": "month", "by": "site"},
                       headers=api.admin).get_json()
    assert {r["key"]: r["points"] for r in sites["rows"]} == {"paris": 100, "montreal": 30}


def test_bad_board_queries_are_field_errors(client, api, shop):
    response = client.get("/api/v1/standings", query_string={"period": "year", "by": "planet"}, headers=api.admin)
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "by"
