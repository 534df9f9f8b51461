"""Anonymous values pulses: open, answer once (409 after), results from 5 answers, nothing links answer to agent."""
from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta
from statistics import mean

import pytest
import time_machine
from sqlalchemy import inspect, select

from leaderboard.extensions import db
from leaderboard.models.people import PulseAnswer, PulseBallot
from leaderboard.models.roster import Agent
from tests.conftest import NOW, bearer
from tests.people_support import agent_headers

ACTION = "Offer Gold Rewards when the savings balance qualifies"
AGENTS = [f"a{i}" for i in range(7)]


@pytest.fixture()
def floor(make):
    make.site("paris", "Europe/Paris")
    make.site("lyon", "Europe/Paris")
    for key in AGENTS:
        make.agent("paris", key)
    make.agent("lyon", "lyon1")


def open_pulse(client, headers, **fields):
    body = {"action": ACTION, "values": ["honesty", "respect"], "sites": ["paris"],
            "closes_at": (NOW + timedelta(days=7)).isoformat(), **fields}
    return client.post("/api/v1/pulses", json=body, headers=headers)


def answer(client, headers, pulse_id, score=4, conflicts=(), comment=""):
    return client.post(f"/api/v1/pulses/{pulse_id}/answers", headers=headers,
                       json={"score": score, "conflicts": list(conflicts), "comment": comment})


@pytest.fixture()
def pulse(app, client, make, floor, at_now):
    lead = bearer(make.lead_token("paris"))
    opened = open_pulse(client, lead)
    assert opened.status_code == 201, opened.get_json()
    return opened.get_json()["id"], lead


ANSWERS = [(5, [], "Customers like it"), (4, ["honesty"], ""), (2, ["honesty", "respect"], "Feels pushy"),
           (1, ["respect"], "Not when they are upset"), (3, [], "")]


def test_results_are_hidden_below_five_answers_then_shown(app, client, pulse):
    pulse_id, lead = pulse
    for key, (score, conflicts, comment) in zip(AGENTS[:4], ANSWERS[:4], strict=True):
        assert answer(client, agent_headers(app, key), pulse_id, score, conflicts, comment).status_code == 201
    assert client.get(f"/api/v1/pulses/{pulse_id}/results", headers=lead).get_json() == {"answers": 4, "hidden": True}
    score, conflicts, comment = ANSWERS[4]
    assert answer(client, agent_headers(app, AGENTS[4]), pulse_id, score, conflicts, comment).status_code == 201
    got = client.get(f"/api/v1/pulses/{pulse_id}/results", headers=lead).get_json()
    scores = [a[0] for a in ANSWERS]
    assert got["answers"] == 5
    assert got["mean"] == round(mean(scores), 2)
    assert got["distribution"] == {str(s): scores.count(s) for s in range(1, 6)}
    assert got["conflicts"] == {"honesty": 2, "respect": 2}
    assert sorted(got["comments"]) == sorted(a[2] for a in ANSWERS if a[2])
    assert "hidden" not in got


def test_comments_come_back_in_random_order(app, client, pulse):
    pulse_id, lead = pulse
    for i, key in enumerate(AGENTS):
        answer(client, agent_headers(app, key), pulse_id, 3, comment=f"comment {i}")
    orders = {tuple(client.get(f"/api/v1/pulses/{pulse_id}/results", headers=lead).get_json()["comments"])
              for _ in range(12)}
    assert len(orders) > 1  # 7! orders: twelve draws all alike would be a (1/5040)^11 chance


def test_a_second_answer_is_409_and_changes_nothing(app, client, pulse):
    pulse_id, _ = pulse
    headers = agent_headers(app, "a0")
    assert answer(client, headers, pulse_id, 5).status_code == 201
    again = answer(client, headers, pulse_id, 1)
    assert again.status_code == 409
    # Another key for the same agent is the same person.
    assert answer(client, agent_headers(app, "a0"), pulse_id, 1).status_code == 409
    with app.app_context():
        assert [a.score for a in db.session.scalars(select(PulseAnswer))] == [5]


def test_stored_rows_link_no_answer_to_an_agent(app, client, pulse):
    pulse_id, _ = pulse
    with time_machine.travel(NOW + timedelta(hours=3, minutes=17, seconds=5), tick=False):
        assert answer(client, agent_headers(app, "a3"), pulse_id, 2, ["respect"], "Too pushy").status_code == 201
    with app.app_context():
        agent_id = db.session.scalar(select(Agent.id).where(Agent.key == "a3"))
        columns = {c["name"] for c in inspect(db.engine).get_columns("pulse_answer")}
        assert columns == {"id", "pulse_id", "score", "conflicts", "comment", "day"}
        assert {c["name"] for c in inspect(db.engine).get_columns("pulse_ballot")} == {"pulse_id", "voter"}
        assert inspect(db.engine).get_foreign_keys("pulse_ballot")[0]["referred_table"] == "pulse"
        stored = db.session.scalars(select(PulseAnswer)).one()
        assert stored.day == (NOW + timedelta(hours=3)).date()  # the day, no time
        assert len(stored.id) == 32 and stored.id != str(agent_id)
        ballot = db.session.scalars(select(PulseBallot)).one()
        # The ballot is a keyed hash: not the agent's id or key, nor their plain hash.
        for guess in (str(agent_id), "a3", f"{pulse_id}:{agent_id}", f"pulse:{pulse_id}:agent:{agent_id}"):
            assert ballot.voter not in (guess, hashlib.sha256(guess.encode()).hexdigest())
        expected = hmac.new(hmac.new(b"test-secret", b"leaderboard values pulse ballots", hashlib.sha256).digest(),
                            f"pulse:{pulse_id}:agent:{agent_id}".encode(), hashlib.sha256).hexdigest()
        assert ballot.voter == expected  # only the server's secret recomputes it
        audit = db.session.execute(db.text("SELECT action, object_key, after FROM audit_entry")).all()
        assert not [row for row in audit if "answer" in row[0]]


def test_who_may_open_answer_and_read(app, client, make, api, pulse):
    pulse_id, lead_paris = pulse
    lead_lyon = bearer(make.lead_token("lyon"))
    assert open_pulse(client, lead_lyon).status_code == 403                 # not Lyon's lead's site
    assert open_pulse(client, agent_headers(app, "a1")).status_code == 403
    assert open_pulse(client, api.admin, sites=["paris", "lyon"]).status_code == 201
    assert answer(client, agent_headers(app, "lyon1"), pulse_id).status_code == 403  # another site's agents
    assert answer(client, lead_paris, pulse_id).status_code == 403
    assert client.get(f"/api/v1/pulses/{pulse_id}/results", headers=lead_lyon).status_code == 403
    assert client.get(f"/api/v1/pulses/{pulse_id}/results", headers=agent_headers(app, "a1")).status_code == 403
    assert client.get(f"/api/v1/pulses/{pulse_id}/results", headers=api.admin).status_code == 200
    assert client.get("/api/v1/pulses/999/results", headers=api.admin).status_code == 404


def test_closed_pulses_take_no_answers(app, client, pulse):
    pulse_id, _ = pulse
    with time_machine.travel(NOW + timedelta(days=8), tick=False):
        assert answer(client, agent_headers(app, "a1"), pulse_id).status_code == 409


@pytest.mark.parametrize("fields, field", [
    ({"values": ["greed"]}, "values[0]"), ({"sites": ["mars"]}, "sites[0]"),
    ({"closes_at": (NOW - timedelta(hours=1)).isoformat()}, "closes_at"), ({"action": ""}, "action"),
    ({"values": []}, "values"),
])
def test_bad_pulses(client, pulse, fields, field):
    _, lead = pulse
    refused = open_pulse(client, lead, **fields)
    assert refused.status_code == 422 and refused.get_json()["errors"][0]["field"] == field


@pytest.mark.parametrize("body, field", [
    ({"score": 6}, "score"), ({"score": 0}, "score"), ({"score": "4"}, "score"),
    ({"score": 3, "conflicts": ["empathy"]}, "conflicts"), ({"score": 3, "conflicts": ["respect", "respect"]},
                                                            "conflicts"),
])
def test_bad_answers(app, client, pulse, body, field):
    pulse_id, _ = pulse
    headers = agent_headers(app, "a2")
    refused = client.post(f"/api/v1/pulses/{pulse_id}/answers", json=body, headers=headers)
    assert refused.status_code == 422 and refused.get_json()["errors"][0]["field"] == field
    assert answer(client, headers, pulse_id).status_code == 201  # a refused answer left no ballot behind


def test_list_pulses_for_leads_and_agents(app, client, make, pulse):
    pulse_id, lead = pulse
    assert [p["id"] for p in client.get("/api/v1/pulses", headers=lead).get_json()["pulses"]] == [pulse_id]
    lyon_lead = bearer(make.lead_token("lyon"))
    assert client.get("/api/v1/pulses", headers=lyon_lead).get_json()["pulses"] == []
    headers = agent_headers(app, "a1")
    assert [p["id"] for p in client.get("/api/v1/pulses", headers=headers).get_json()["pulses"]] == [pulse_id]
    answer(client, headers, pulse_id)
    assert client.get("/api/v1/pulses", headers=headers).get_json()["pulses"] == []  # answered: gone
    assert client.get("/api/v1/pulses", headers=agent_headers(app, "lyon1")).get_json()["pulses"] == []
