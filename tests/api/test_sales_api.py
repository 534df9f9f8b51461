"""POST /sales (single, batch), idempotent replays, validation, and cancellations via HTTP."""
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from tests.conftest import bearer

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@pytest.fixture()
def world(make):
    site = make.site(tz="Europe/Paris")
    agent = make.agent(site=site)
    product = make.product(points=30, bonus="15.00")
    return {"site": site, "agent": agent, "product": product, "token": make.token("integration")}


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def sale(world, sale_id="s-1", **extra):
    body = {"id": sale_id, "agent": world["agent"], "product": world["product"],
            "occurred_at": "2026-11-23T10:30:00+01:00"}
    body.update(extra)
    return body


def post(client, world, body):
    return client.post("/api/v1/sales", json=body, headers=bearer(world["token"]))


def test_new_sale_is_created_with_points_status_and_money(client, world):
    response = post(client, world, sale(world, quantity=2, amount=99.9))
    assert response.status_code == 201
    stored = response.get_json()
    assert stored["points"] == 30 * 2
    assert stored["bonus"] == "30.00"
    assert stored["amount"] == "99.90"
    assert stored["status"] == "pending"
    assert datetime.fromisoformat(stored["occurred_at"]) == datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def test_replay_with_same_body_answers_200_with_same_sale(client, world):
    first = post(client, world, sale(world))
    replay = post(client, world, {**sale(world), "quantity": 1})  # explicit default is the same body
    assert replay.status_code == 200
    assert replay.get_json() == first.get_json()


def test_replay_with_different_body_conflicts(client, world):
    post(client, world, sale(world))
    response = post(client, world, sale(world, quantity=3))
    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"


def test_status_is_confirmed_after_the_clawback_window(client, world):
    post(client, world, sale(world))
    with time_machine.travel(NOW + timedelta(days=15), tick=False):
        assert post(client, world, sale(world)).get_json()["status"] == "confirmed"


@pytest.mark.parametrize("change, field, fragment", [
    ({"agent": "nobody"}, "agent", "unknown agent"),
    ({"product": "NOPE"}, "product", "unknown product"),
    ({"occurred_at": "2026-11-23T10:30:00"}, "occurred_at", "offset"),
    ({"occurred_at": "2026-11-23T10:06:00Z"}, "occurred_at", "future"),
    ({"quantity": 0}, "quantity", "greater than or equal to 1"),
    ({"quantity": "2"}, "quantity", "integer"),
    ({"id": ""}, "id", ""),
    ({"extra": 1}, "extra", "unknown field"),
])
def test_each_bad_field_is_named(client, world, change, field, fragment):
    response = post(client, world, sale(world, **change))
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    errors = response.get_json()["errors"]
    assert any(e["field"] == field and fragment in e["message"] for e in errors), errors


def test_missing_occurred_at_is_a_field_error(client, world):
    body = sale(world)
    del body["occurred_at"]
    errors = post(client, world, body).get_json()["errors"]
    assert {"field": "occurred_at", "message": "Field required"} in errors


def test_wrong_content_type_malformed_json_and_bare_array(client, world):
    headers = bearer(world["token"])
    wrong_type = client.post("/api/v1/sales", data="id=1", headers=headers, content_type="text/plain")
    assert wrong_type.status_code == 415 and wrong_type.mimetype == "application/problem+json"
    malformed = client.post("/api/v1/sales", data="{", headers=headers, content_type="application/json")
    assert malformed.status_code == 400 and malformed.mimetype == "application/problem+json"
    bare = client.post("/api/v1/sales", json=[sale(world)], headers=headers)
    assert bare.status_code == 422


def test_body_over_the_limit_is_413_problem(client, world, app):
    big = "x" * (app.config["HTTP_MAX_BODY_BYTES"] + 10)
    response = client.post("/api/v1/sales", data=big, headers=bearer(world["token"]),
                           content_type="application/json")
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"


def test_batch_stores_every_valid_item_and_reports_each(client, world):
    post(client, world, sale(world, "dup"))
    items = [sale(world, "b1"), sale(world, "b2", agent="ghost"), sale(world, "dup"),
             sale(world, "dup", quantity=5), {"id": "b4"}, sale(world, "b1")]
    response = post(client, world, {"sales": items})
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert [r["result"] for r in results] == ["created", "invalid", "duplicate", "conflict", "invalid", "duplicate"]
    assert results[1]["errors"][0]["field"] == "sales[1].agent"
    assert {e["field"] for e in results[4]["errors"]} >= {"sales[4].agent", "sales[4].product", "sales[4].occurred_at"}
    assert post(client, world, sale(world, "b1")).status_code == 200


def test_batch_over_the_limit_is_rejected_whole(client, world, app):
    limit = app.config["SALES_MAX_BATCH"]
    items = [sale(world, f"big-{n}") for n in range(limit + 1)]
    response = post(client, world, {"sales": items})
    assert response.status_code == 413
    assert post(client, world, sale(world, "big-0")).status_code == 201


def test_cancellation_before_the_sale_is_kept_and_applied(client, world):
    headers = bearer(world["token"])
    early = client.post("/api/v1/sales/late-1/cancel", json={"reason": "refused delivery"}, headers=headers)
    assert early.status_code == 202
    assert early.get_json() == {"id": "late-1", "status": "cancellation_pending"}
    created = post(client, world, sale(world, "late-1"))
    assert created.status_code == 201
    assert created.get_json()["status"] == "cancelled"


def test_cancellation_is_idempotent_and_replay_shows_it(client, world):
    headers = bearer(world["token"])
    post(client, world, sale(world))
    first = client.post("/api/v1/sales/s-1/cancel", json={"reason": "changed mind"}, headers=headers)
    again = client.post("/api/v1/sales/s-1/cancel", json={"reason": "changed mind"}, headers=headers)
    assert first.status_code == again.status_code == 200
    assert first.get_json() == again.get_json()
    assert post(client, world, sale(world)).get_json()["status"] == "cancelled"


def test_cancellation_after_the_window_is_late_and_keeps_the_sale(client, world):
    headers = bearer(world["token"])
    post(client, world, sale(world))
    with time_machine.travel(NOW + timedelta(days=20), tick=False):
        answer = client.post("/api/v1/sales/s-1/cancel", json={"reason": "too late"}, headers=headers).get_json()
    assert answer["status"] == "confirmed"
    assert answer["cancellation"]["late"] is True


def test_kpi_samples_are_validated_against_the_catalogue(client, world):
    headers = bearer(world["token"])
    good = {"samples": [{"agent": world["agent"], "kpi": "aht_seconds", "value": 280, "date": "2026-11-23"}]}
    assert client.post("/api/v1/kpis", json=good, headers=headers).status_code == 201
    bad = {"samples": [{"agent": world["agent"], "kpi": "mood", "value": 1, "date": "2026-11-23"}]}
    response = client.post("/api/v1/kpis", json=bad, headers=headers)
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "samples[0].kpi"


def test_cancellation_with_an_empty_body_is_accepted(client, world):
    post(client, world, sale(world))
    response = client.post("/api/v1/sales/s-1/cancel", headers=bearer(world["token"]))
    assert response.status_code == 200
    assert response.get_json()["status"] == "cancelled"
    assert response.get_json()["cancellation"]["reason"] == ""
