"""Inputs that once answered 500 or were wrongly accepted: each answers a 4xx problem+json (SQLite and PostgreSQL)."""
from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import pytest

from tests.conftest import bearer

# What the columns hold (models): money is numeric(14,2), points and ids are 32-bit integers.
LARGEST_MONEY = Decimal(10) ** (14 - 2) - Decimal("0.01")
LARGEST_INT32 = 2**31 - 1
BODY_LIMIT = 1_048_576  # config.toml [http] max_body_bytes


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    path: str
    status: int
    json: Any = None
    raw: bytes | None = None  # sent as application/json instead of `json`
    chunked: bool = False
    csv: str | None = None


def sale(**fields: Any) -> dict[str, Any]:
    now = datetime.now(UTC).replace(microsecond=0)
    return {"id": "s-1", "agent": "ny-agent", "product": "P", "occurred_at": now.isoformat(), **fields}


def contest(**fields: Any) -> dict[str, Any]:
    now = datetime.now(UTC).replace(microsecond=0)
    return {"name": "Race", "kind": "race", "starts_at": (now - timedelta(days=1)).isoformat(),
            "ends_at": (now + timedelta(days=1)).isoformat(), **fields}


def raw_sale_with(fragment: str) -> bytes:
    body = json.dumps(sale())
    return (body[:-1] + ", " + fragment + "}").encode()


def kpi(**fields: Any) -> dict[str, Any]:
    return {"samples": [{"agent": "ny-agent", "kpi": "csat", "value": 4.5, "date": "2026-11-18", **fields}]}


CASES = [
    # Numbers beyond what the columns (or Decimal's precision) hold.
    Case("amount 1e26", "POST", "/api/v1/sales", 422, json=sale(amount=1e26)),
    Case("amount of 28 digits", "POST", "/api/v1/sales", 422, json=sale(amount="99999999999999999999999999.99")),
    Case("amount 1e12", "POST", "/api/v1/sales", 422, json=sale(amount=str(LARGEST_MONEY + Decimal("0.01")))),
    Case("product bonus 1e30", "PUT", "/api/v1/products/BIG", 422, json={"name": "Big", "points": 1, "bonus": 1e30}),
    Case("bonus x quantity beyond numeric(14,2)", "PUT", "/api/v1/products/BIG", 422,
         json={"name": "Big", "points": 1, "bonus": str(LARGEST_MONEY)}),
    Case("points x quantity beyond int32", "PUT", "/api/v1/products/BIG", 422,
         json={"name": "Big", "points": LARGEST_INT32 // 10_000 + 1}),
    Case("rules.score.sales 1e308", "POST", "/api/v1/contests", 422, json=contest(rules={"score": {"sales": 1e308}})),
    Case("KPI weight 1e308", "POST", "/api/v1/contests", 422,
         json=contest(rules={"score": {"kpis": {"csat": {"weight": 1e308, "target": 4}}}})),
    Case("KPI target 1e-999999", "POST", "/api/v1/contests", 422,
         json=contest(rules={"score": {"kpis": {"csat": {"weight": 1, "target": "1e-999999"}}}})),
    Case("slide contest 1e20", "PUT", "/api/v1/channels/tv", 422,
         json={"name": "TV", "slides": [{"type": "standings", "contest": 1e20}]}),
    Case("KPI value 1e300", "POST", "/api/v1/kpis", 422, json=kpi(value=1e300)),
    Case("number overflowing to infinity", "POST", "/api/v1/sales", 400, raw=raw_sale_with('"amount": 1e400')),
    Case("NaN literal", "POST", "/api/v1/sales", 400, raw=raw_sale_with('"amount": NaN')),
    # Dates every time zone can convert.
    Case("occurred_at in year 1 (New York)", "POST", "/api/v1/sales", 422,
         json=sale(occurred_at="0001-01-01T00:00:00Z")),
    Case("occurred_at in year 9999", "POST", "/api/v1/sales", 422, json=sale(occurred_at="9999-12-31T23:59:59-01:00")),
    Case("KPI date 0001-01-01", "POST", "/api/v1/kpis", 422, json=kpi(date="0001-01-01")),
    Case("contest starting in year 1", "POST", "/api/v1/contests", 422, json=contest(starts_at="0001-01-01T00:00:00Z")),
    # Ids: the same key pattern in paths as in bodies, and ids a 32-bit column can hold.
    Case("SQL in an agent key", "PUT", "/api/v1/agents/" + quote("a';DROP TABLE agent;--"), 422,
         json={"name": "Bobby", "site": "ny"}),
    Case("HTML in a site key", "PUT", "/api/v1/sites/" + quote("<img src=x>"), 422,
         json={"name": "X", "timezone": "UTC"}),
    Case("NUL in a path key", "GET", "/api/v1/agents/a%00b", 422),
    Case("NUL in a cancelled sale id", "POST", "/api/v1/sales/a%00b/cancel", 422, json={}),
    Case("contest id beyond int32", "GET", "/api/v1/contests/99999999999999999999", 404),
    Case("standings of a contest id beyond int32", "GET", "/api/v1/contests/99999999999999999999/standings", 404),
    Case("limit beyond int32", "GET", "/api/v1/standings?limit=99999999999999999999", 400),
    Case("NUL in a query", "GET", "/api/v1/standings?site=%00", 400),
    # NUL bytes and control characters in strings.
    Case("NUL in a name", "PUT", "/api/v1/sites/nul", 400, json={"name": "a\x00b", "timezone": "UTC"}),
    Case("NUL in a sale id", "POST", "/api/v1/sales", 400, json=sale(id="a\x00b")),
    Case("escape character in a reason", "POST", "/api/v1/sales/s-1/cancel", 400, json={"reason": "\x1b[31m"}),
    Case("NUL in a roster CSV", "POST", "/api/v1/roster/import", 400, csv="key,name,site,team,fte\nk\x00,A,ny,,1\n"),
    Case("lone CR in a roster CSV", "POST", "/api/v1/roster/import", 400, csv="key,name,site,team,fte\nk,A\rB,ny,,1\n"),
    Case("NUL in a rules key", "POST", "/api/v1/contests", 400, json=contest(rules={"products": {"\x00": {}}})),
    # JSON shape.
    Case("duplicate keys", "POST", "/api/v1/sales", 400, raw=raw_sale_with('"quantity": -5, "quantity": 2')),
    Case("'[' x 50,000", "POST", "/api/v1/sales", 400, raw=b"[" * 50_000),
    Case("nesting 33 deep", "POST", "/api/v1/contests", 400,
         json=contest(rules={"products": json.loads("[" * 31 + "]" * 31)})),
    # Sizes.
    Case("2.6 MB chunked body", "POST", "/api/v1/sales", 413, raw=b'{"x": "' + b"x" * 2_600_000 + b'"}', chunked=True),
    Case("URL over 8 KB", "GET", "/api/v1/contests?filler=" + "x" * 8200, 414),
]


@pytest.fixture()
def world(make):
    make.site("ny", tz="America/New_York")
    make.agent(site="ny", key="ny-agent")
    make.product("P", points=10, bonus="5.00")
    return {"token": make.token("admin")}


def send(client, token: str, case: Case):
    headers = bearer(token)
    if case.csv is not None:
        return client.open(case.path, method=case.method, headers=headers, data=case.csv, content_type="text/csv")
    if case.raw is None:
        return client.open(case.path, method=case.method, headers=headers, json=case.json)
    headers["Content-Type"] = "application/json"
    if not case.chunked:
        return client.open(case.path, method=case.method, headers=headers, data=case.raw)
    # What gevent and Werkzeug's server hand over for Transfer-Encoding: chunked: no length, a terminated stream.
    headers["Transfer-Encoding"] = "chunked"
    return client.open(case.path, method=case.method, headers=headers, input_stream=io.BytesIO(case.raw),
                       environ_overrides={"wsgi.input_terminated": True})


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_answers_a_problem(client, world, case: Case):
    response = send(client, world["token"], case)
    assert response.status_code == case.status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["status"] == case.status and problem["title"]


def test_duplicate_free_twin_of_the_duplicate_key_case_is_accepted(client, world):
    response = client.post("/api/v1/sales", headers={**bearer(world["token"]), "Content-Type": "application/json"},
                           data=raw_sale_with('"quantity": 2'))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["points"] == 2 * 10


def test_largest_accepted_sale_fits_every_column(client, world):
    """The bounds the API publishes still store: the largest product × quantity and money."""
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    max_points = schemas["ProductIn"]["properties"]["points"]["maximum"]
    max_quantity = schemas["SaleIn"]["properties"]["quantity"]["maximum"]
    assert max_points * max_quantity <= LARGEST_INT32
    unit_bonus = (LARGEST_MONEY / max_quantity).quantize(Decimal("0.01"), rounding="ROUND_DOWN")
    headers = bearer(world["token"])
    product = client.put("/api/v1/products/MAX", headers=headers,
                         json={"name": "Max", "points": max_points, "bonus": str(unit_bonus)})
    assert product.status_code == 201, product.get_json()
    response = client.post("/api/v1/sales", headers=headers,
                           json=sale(product="MAX", quantity=max_quantity, amount=str(LARGEST_MONEY)))
    assert response.status_code == 201, response.get_json()
    stored = response.get_json()
    assert stored["points"] == max_points * max_quantity
    assert Decimal(stored["bonus"]) == unit_bonus * max_quantity
    assert Decimal(stored["amount"]) == LARGEST_MONEY


def test_huge_weight_is_refused_so_standings_stay_readable(client, world):
    headers = bearer(world["token"])
    refused = client.post("/api/v1/contests", headers=headers, json=contest(rules={"score": {"sales": 1e308}}))
    assert refused.status_code == 422
    assert any(e["field"] == "rules.score.sales" for e in refused.get_json()["errors"])
    created = client.post("/api/v1/contests", headers=headers, json=contest(rules={"score": {"sales": 1000}}))
    assert created.status_code == 201, created.get_json()
    client.post("/api/v1/sales", headers=headers, json=sale(quantity=3))
    board = client.get(f"/api/v1/contests/{created.get_json()['id']}/standings", headers=headers)
    assert board.status_code == 200
    assert board.get_json()["rows"][0]["points"] == 1000 * 3 * 10
