"""Roster upserts, collection reads and the CSV import report."""
import pytest

from tests.conftest import bearer


@pytest.fixture()
def admin(make):
    return bearer(make.token("admin"))


def test_put_creates_then_is_idempotent_then_updates(client, admin):
    body = {"name": "Paris", "timezone": "Europe/Paris"}
    created = client.put("/api/v1/sites/paris", json=body, headers=admin)
    assert created.status_code == 201
    again = client.put("/api/v1/sites/paris", json=body, headers=admin)
    assert again.status_code == 200 and again.get_json() == created.get_json()
    updated = client.put("/api/v1/sites/paris", json={**body, "name": "Paris Nord"}, headers=admin)
    assert updated.get_json()["name"] == "Paris Nord"
    assert client.get("/api/v1/sites", headers=admin).get_json() == {"items": [updated.get_json()]}
    assert client.get("/api/v1/sites/paris", headers=admin).get_json()["name"] == "Paris Nord"
    assert client.get("/api/v1/sites/nowhere", headers=admin).status_code == 404


def test_bad_roster_fields_are_named(client, admin, make):
    site = make.site()
    response = client.put("/api/v1/sites/x", json={"name": "", "timezone": "Mars/Olympus"}, headers=admin)
    assert {e["field"] for e in response.get_json()["errors"]} == {"name", "timezone"}
    response = client.put("/api/v1/agents/a", json={"name": "A", "site": site, "fte": 1.5}, headers=admin)
    assert response.status_code == 422 and response.get_json()["errors"][0]["field"] == "fte"
    response = client.put("/api/v1/agents/a", json={"name": "A", "site": "ghost"}, headers=admin)
    assert response.get_json()["errors"] == [{"field": "site", "message": "unknown site 'ghost'"}]


def test_products_keep_money_as_two_decimal_strings(client, admin):
    body = {"name": "Rewards enrolment", "points": 30, "bonus": "15", "currency": "USD"}
    stored = client.put("/api/v1/products/REWARDS", json=body, headers=admin).get_json()
    assert stored == {"code": "REWARDS", "name": "Rewards enrolment", "points": 30, "bonus": "15.00",
                      "currency": "USD", "kind": "sale", "assist_points": 15}


def test_csv_import_reports_each_row(client, admin, make):
    site = make.site("paris")
    team = make.team(site, "paris-a")
    make.agent(site=site, key="kept", name="Kept Agent", team=team)
    csv_text = (
        "key,name,site,team,fte\n"
        "new1,Zoë Lefèvre,paris,paris-a,0.5\n"
        "kept,Kept Agent,paris,paris-a,1\n"
        "kept2,,paris,,1\n"
        "ghost,Ghost,nowhere,,1\n"
        "kept,Kept Renamed,paris,paris-a,1\n"
    )
    response = client.post("/api/v1/roster/import", data=csv_text.encode(), headers=admin,
                           content_type="text/csv")
    results = response.get_json()["results"]
    assert [(r["row"], r["key"], r["result"]) for r in results] == [
        (1, "new1", "created"), (2, "kept", "unchanged"), (3, "kept2", "invalid"),
        (4, "ghost", "invalid"), (5, "kept", "updated")]
    assert results[2]["errors"][0]["field"] == "name"
    assert results[3]["errors"][0]["field"] == "site"
    agent = client.get("/api/v1/agents/new1", headers=admin).get_json()
    assert agent == {"key": "new1", "name": "Zoë Lefèvre", "site": "paris", "team": "paris-a", "fte": 0.5,
                     "active": True, "hidden_on_screens": False, "sells": True}


def test_csv_import_needs_the_header_and_csv_type(client, admin):
    assert client.post("/api/v1/roster/import", data=b"a,b\n1,2\n", headers=admin,
                       content_type="text/csv").status_code == 422
    assert client.post("/api/v1/roster/import", json={}, headers=admin).status_code == 415


def test_openapi_lists_every_route_with_absolute_paths_and_schemas(client, app):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    assert all(path.startswith("/api/v1/") for path in document["paths"])
    for path in ("/api/v1/sales", "/api/v1/sites/{key}", "/api/v1/agents", "/api/v1/roster/import",
                 "/api/v1/sales/{sale_id}/cancel", "/api/v1/kpis", "/api/v1/health"):
        assert path in document["paths"], path
    sale_schema = document["components"]["schemas"]["SaleIn"]
    assert set(sale_schema["required"]) == {"id", "agent", "product", "occurred_at"}
    api_rules = {r.rule for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1/")}
    assert len(document["paths"]) >= len(api_rules)
