"""API helpers: a small company and clients that post sales and contests through HTTP."""
from datetime import datetime, timezone

import pytest
import time_machine

from tests.conftest import bearer

NOW = datetime(2026, 11, 18, 12, 0, tzinfo=timezone.utc)  # a Wednesday


class Api:
    def __init__(self, client, make):  # noqa: ANN001
        self.client = client
        self.admin = bearer(make.token("admin"))
        self.integration = bearer(make.token("integration"))

    def sale(self, sale_id, agent, product, at, quantity=1):  # noqa: ANN001
        response = self.client.post("/api/v1/sales", headers=self.integration, json={
            "id": sale_id, "agent": agent, "product": product, "quantity": quantity,
            "occurred_at": at.isoformat()})
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def cancel(self, sale_id, at=None):  # noqa: ANN001
        body = {"reason": "customer cancelled"}
        if at is not None:
            body["cancelled_at"] = at.isoformat()
        return self.client.post(f"/api/v1/sales/{sale_id}/cancel", headers=self.integration, json=body)

    def contest(self, expect=201, **fields):  # noqa: ANN001
        body = {"name": "November race", "kind": "race", "timezone": "Europe/Paris",
                "starts_at": "2026-11-16T00:00:00+01:00", "ends_at": "2026-11-23T00:00:00+01:00"}
        body.update(fields)
        body = {key: value for key, value in body.items() if value is not None}
        response = self.client.post("/api/v1/contests", headers=self.admin, json=body)
        assert response.status_code == expect, response.get_json()
        return response.get_json()

    def standings(self, contest_id, **params):  # noqa: ANN001
        response = self.client.get(f"/api/v1/contests/{contest_id}/standings", headers=self.admin,
                                   query_string=params)
        assert response.status_code == 200, response.get_json()
        return response.get_json()


@pytest.fixture()
def api(client, make):
    return Api(client, make)


@pytest.fixture()
def at_now():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller
