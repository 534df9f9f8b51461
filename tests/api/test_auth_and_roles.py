"""Bearer tokens and roles: none → 401, wrong role → 403, revoked → 401; leads stay in their sites."""
from leaderboard.extensions import db
from leaderboard.models.auth import ApiKey
from leaderboard.services.access import auth
from tests.conftest import bearer

SITE = {"name": "Paris", "timezone": "Europe/Paris"}


def test_health_and_openapi_need_no_token(client):
    assert client.get("/api/v1/health").get_json()["status"] == "ok"
    assert client.get("/api/v1/openapi.json").status_code == 200


def test_missing_and_unknown_tokens_are_401(client):
    assert client.get("/api/v1/sites").status_code == 401
    response = client.get("/api/v1/sites", headers=bearer("lb_not-a-real-token"))
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


def test_wrong_role_is_403(client, make):
    display = make.token("display")
    integration = make.token("integration")
    assert client.put("/api/v1/sites/paris", json=SITE, headers=bearer(display)).status_code == 403
    assert client.put("/api/v1/sites/paris", json=SITE, headers=bearer(integration)).status_code == 403
    assert client.get("/api/v1/sites", headers=bearer(display)).status_code == 200


def test_revoked_token_is_401(client, make, app):
    token = make.token("admin")
    assert client.get("/api/v1/sites", headers=bearer(token)).status_code == 200
    with app.app_context():
        auth.revoke_api_key(token[:10])
    assert client.get("/api/v1/sites", headers=bearer(token)).status_code == 401


def test_tokens_are_stored_hashed(make, app):
    token = make.token("integration")
    with app.app_context():
        stored = db.session.scalars(db.select(ApiKey)).all()
        assert all(token not in (k.token_hash, k.prefix) for k in stored)
        assert any(k.token_hash == auth.hash_token(token) for k in stored)


def test_lead_changes_own_site_only(client, make):
    mine, theirs = make.site("mine"), make.site("theirs")
    lead = make.lead_token(mine)
    ok = client.put("/api/v1/agents/a1", json={"name": "Zoë", "site": mine}, headers=bearer(lead))
    assert ok.status_code == 201
    denied = client.put("/api/v1/agents/a2", json={"name": "Bo", "site": theirs}, headers=bearer(lead))
    assert denied.status_code == 403
    assert client.put("/api/v1/sites/newsite", json=SITE, headers=bearer(lead)).status_code == 403


def test_lead_cannot_cancel_another_sites_sale(client, make):
    mine, theirs = make.site("mine"), make.site("theirs")
    product = make.product()
    other_agent = make.agent(site=theirs)
    integration = make.token("integration")
    client.post("/api/v1/sales", json={"id": "x1", "agent": other_agent, "product": product,
                                       "occurred_at": "2026-01-05T10:00:00Z"}, headers=bearer(integration))
    lead = make.lead_token(mine)
    response = client.post("/api/v1/sales/x1/cancel", json={"reason": "no"}, headers=bearer(lead))
    assert response.status_code == 403
