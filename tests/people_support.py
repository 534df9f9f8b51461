"""Helpers for the people-side tests: agent API keys (they act as the agent) and a small shop."""
from __future__ import annotations

from leaderboard.services.access import auth
from tests.conftest import bearer


def agent_headers(app, agent_key: str) -> dict[str, str]:
    with app.app_context():
        _, secret = auth.create_api_key(f"phone-{agent_key}", "agent", agent_key=agent_key)
    return bearer(secret)
