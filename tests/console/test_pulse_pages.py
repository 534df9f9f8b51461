"""Console: a lead opens a values pulse, reads its results beside the action once five agents answered,
and follows (and gives) kudos on the kudos board."""
from __future__ import annotations

from datetime import timedelta

from tests.conftest import NOW
from tests.console.conftest import post_form
from tests.people_support import agent_headers


def test_a_lead_opens_a_pulse_and_reads_results_from_five_answers(app, make, at_now, lead_client, client):
    keys = [make.agent("paris", f"p{i}") for i in range(5)]
    make.agent("lyon", "l1")
    page = lead_client.get("/console/pulses/").get_data(as_text=True)
    assert 'value="paris"' in page and 'value="lyon"' not in page  # only the lead's sites
    local_close = (NOW + timedelta(days=2)).astimezone().strftime("%Y-%m-%dT%H:%M")
    opened = post_form(lead_client, "/console/pulses/", {"action": "Offer Gold Rewards on every call",
                                                         "values": ["honesty", "respect"], "sites": ["paris"],
                                                         "closes_at": local_close})
    assert opened.status_code == 302, opened.get_data(as_text=True)[:2000]
    listed = client.get("/api/v1/kudos", headers=agent_headers(app, keys[0]))  # the agent key works
    assert listed.status_code == 200
    pulse_id = int(lead_client.get("/console/pulses/").get_data(as_text=True).split('data-pulse="')[1].split('"')[0])
    scores = [5, 4, 2, 2, 1]
    for key, score in zip(keys[:4], scores[:4], strict=True):
        client.post(f"/api/v1/pulses/{pulse_id}/answers", headers=agent_headers(app, key),
                    json={"score": score, "conflicts": ["honesty"] if score < 3 else [],
                          "comment": f"comment with score {score}"})
    page = lead_client.get("/console/pulses/").get_data(as_text=True)
    assert "4 answers" in page and "comment with score 5" not in page  # hidden below five
    client.post(f"/api/v1/pulses/{pulse_id}/answers", headers=agent_headers(app, keys[4]),
                json={"score": 1, "conflicts": ["honesty", "respect"], "comment": "Feels pushy"})
    page = lead_client.get("/console/pulses/").get_data(as_text=True)
    assert "Offer Gold Rewards on every call" in page and "5 answers" in page
    assert f">{sum(scores) / 5:.1f}<" in page  # the mean
    assert "Feels pushy" in page and "comment with score 5" in page


def test_a_refused_pulse_says_why(at_now, lead_client):
    refused = post_form(lead_client, "/console/pulses/", {"action": "x", "values": ["honesty"], "sites": ["paris"],
                                                          "closes_at": "2020-01-01T10:00"})
    assert refused.status_code == 200
    assert "must be in the future" in refused.get_data(as_text=True)


def test_kudos_board_and_a_lead_gives_kudos(app, make, at_now, lead_client, client):
    make.agent("paris", "ana", name="Ana")
    make.agent("paris", "bob", name="Bob")
    client.post("/api/v1/kudos", headers=agent_headers(app, "ana"), json={"to": "bob", "value": "teamwork"})
    given = post_form(lead_client, "/console/pulses/kudos", {"to": "ana", "value": "empathy", "message": "Bravo"})
    assert given.status_code == 302
    page = lead_client.get("/console/pulses/kudos?period=today").get_data(as_text=True)
    board = page.split('id="kudos-board"')[1].split("</table>")[0]
    assert board.index('data-key="ana"') < board.index('data-key="bob"')  # one each: by name
    assert "Bravo" in page and "a team lead" in page
