"""The OpenAPI document is complete: every status real requests get, every query parameter, integer ids."""
from __future__ import annotations

from datetime import timedelta

from tests.conftest import NOW, bearer


def _document(client) -> dict:
    return client.get("/api/v1/openapi.json").get_json()


def _documented(document: dict, method: str, path: str, status: int) -> bool:
    responses = document["paths"][path][method.lower()]["responses"]
    return str(status) in responses or (400 <= status < 500 and "4XX" in responses)


def test_statuses_that_real_requests_get_are_documented(client, api, make, at_now):
    make.site("paris", "Europe/Paris")
    make.agent("paris", "ana")
    make.product("CARD", points=10)
    seen: list[tuple[str, str, int]] = []
    contest = client.post("/api/v1/contests", headers=api.admin, json={
        "name": "R", "kind": "race", "starts_at": (NOW - timedelta(days=1)).isoformat(),
        "ends_at": (NOW + timedelta(days=1)).isoformat()})
    seen.append(("POST", "/api/v1/contests", contest.status_code))
    pending = client.post("/api/v1/sales/later/cancel", headers=api.integration, json={})
    seen.append(("POST", "/api/v1/sales/{sale_id}/cancel", pending.status_code))
    sale = {"id": "s1", "agent": "ana", "product": "CARD", "occurred_at": (NOW - timedelta(hours=1)).isoformat()}
    seen.append(("POST", "/api/v1/sales", client.post("/api/v1/sales", headers=api.integration, json=sale).status_code))
    changed = client.post("/api/v1/sales", headers=api.integration, json={**sale, "quantity": 3})
    seen.append(("POST", "/api/v1/sales", changed.status_code))
    seen.append(("POST", "/api/v1/screens", client.post("/api/v1/screens").status_code))
    seen.append(("PUT", "/api/v1/products/{code}", client.put("/api/v1/products/NEW", headers=api.admin, json={
        "name": "New", "points": 1}).status_code))
    assert [code for _, _, code in seen] == [201, 202, 201, 409, 201, 201]
    document = _document(client)
    assert [s for s in seen if not _documented(document, *s)] == []


def test_query_parameters_and_integer_ids_are_in_the_document(client):
    document = _document(client)

    def query(path: str) -> set[str]:
        return {p["name"] for p in document["paths"][path]["get"].get("parameters", []) if p["in"] == "query"}

    assert query("/api/v1/standings") == {"by", "limit", "around", "period", "site"}
    assert query("/api/v1/contests/{contest_id}/standings") == {"by", "limit", "around"}
    assert query("/api/v1/agents/{key}/earnings") == {"month"}
    contest_id = document["paths"]["/api/v1/contests/{contest_id}"]["get"]["parameters"][0]
    assert contest_id["name"] == "contest_id" and contest_id["schema"]["type"] == "integer"
    products = [path for path in document["paths"] if path.startswith("/api/v1/products/")]
    assert products == ["/api/v1/products/{code}"]  # one template for the product resource
    consent = document["paths"]["/api/v1/contests/{contest_id}/consent"]
    assert {"200", "201", "409"} <= set(consent["post"]["responses"]) and "204" in consent["delete"]["responses"]


def test_method_not_allowed_says_which_are(client):
    response = client.delete("/api/v1/contests", headers=bearer("whatever"))
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}
    assert response.mimetype == "application/problem+json"
