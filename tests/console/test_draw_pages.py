"""The lucky-draw ceremony in the console: launch with a commitment, freeze, draw, winners, proof download."""
import hashlib
import json
import re
from datetime import timedelta

import pytest

from leaderboard.domain.draws import verify_proof
from tests.conftest import NOW
from tests.console.conftest import post_form


@pytest.fixture()
def draw_world(make):
    for key in ("ana", "bob", "cy"):
        make.agent("paris", key)
    make.product("GOLD", points=50)
    make.product("TIN", points=5)


def launch(client, **changes):
    data = {"name": "Jackpot", "sites": ["paris"], "timezone": "Europe/Paris", "starts_at": "2026-11-16T00:00",
            "ends_at": "2026-11-19T00:00", "prizes": "1 x Weekend for two\n2 x Theatre voucher",
            "tickets_per_sale": "1", "product_tickets": "GOLD=3", "min_points": "0", "one_prize_per_agent": "y",
            "count_pending": "y", "gate_kpi": "", "launch": "1"}
    data.update(changes)
    response = post_form(client, "/console/contests/new/lucky_draw", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def flashes(page):
    return re.findall(r'<p class="flash (\w+)"[^>]*>(.*?)</p>', page, re.S)


def test_full_ceremony_shows_winners_and_a_proof_that_verifies(at_now, lead_client, draw_world, api):
    url = launch(lead_client)
    contest_id = int(url.rsplit("/", 1)[1])
    page = lead_client.get(url).get_data(as_text=True)
    assert 'id="freeze-form"' in page and 'id="draw-form"' not in page  # step one: freeze
    commitment = re.search(r'id="commitment">([0-9a-f]{64})<', page).group(1)
    contest = api.client.get(f"/api/v1/contests/{contest_id}", headers=api.admin).get_json()
    assert contest["draw"]["commitment"] == commitment and contest["draw"]["status"] == "open"
    assert contest["rules"] == {"tickets_per_sale": 1, "min_points": 0, "one_prize_per_agent": True,
                                "products": {"GOLD": {"tickets": 3}}, "count_pending": True}

    api.sale("s1", "ana", "GOLD", NOW - timedelta(hours=3), quantity=4)  # 3 tickets: per sale, not per unit
    api.sale("s2", "bob", "TIN", NOW - timedelta(hours=2))
    api.sale("s3", "cy", "TIN", NOW - timedelta(hours=1))
    early = post_form(lead_client, f"{url}/freeze", {"freeze": "1"}, page=url)
    assert early.status_code == 302
    page = lead_client.get(url).get_data(as_text=True)
    assert any(kind == "error" and "still running" in text for kind, text in flashes(page)), flashes(page)
    assert 'id="draw-status">open<' in page

    at_now.shift(timedelta(days=1))  # the contest ended at midnight, Paris time
    post_form(lead_client, f"{url}/freeze", {"freeze": "1"}, page=url)
    page = lead_client.get(url).get_data(as_text=True)
    lines = ["s1#1 ana", "s1#2 ana", "s1#3 ana", "s2#1 bob", "s3#1 cy"]
    assert ("success", "5 tickets are frozen.") in flashes(page)
    assert hashlib.sha256("\n".join(lines).encode()).hexdigest() in page
    assert 'id="freeze-form"' not in page and 'id="draw-form"' in page  # step two appears only now

    post_form(lead_client, f"{url}/draw", {"public_entropy": "7 12 31 44", "run": "1"}, page=url)
    page = lead_client.get(url).get_data(as_text=True)
    shown = re.findall(r'<tr class="winner" data-slot="(\d)" data-agent="(\w*)" data-ticket="([^"]*)">', page)
    assert len(shown) == 3 and len({agent for _, agent, _ in shown}) == 3  # one prize per agent

    download = lead_client.get(f"{url}/proof.json")
    assert download.status_code == 200 and download.mimetype == "application/json"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    proof = json.loads(download.get_data(as_text=True))
    assert verify_proof(proof).ok
    assert proof["commitment"] == commitment and proof["tickets"] == lines
    assert proof["public_entropy"] == "7 12 31 44"
    assert proof["slots"] == ["Weekend for two", "Theatre voucher", "Theatre voucher"]
    assert [(str(w["slot"]), w["agent"], w["ticket"]) for w in proof["winners"]] == shown

    again = post_form(lead_client, f"{url}/draw", {"public_entropy": "something else", "run": "1"}, page=url)
    assert again.status_code == 302
    page = lead_client.get(url).get_data(as_text=True)
    assert any(kind == "warning" and "already been drawn" in text for kind, text in flashes(page))
    assert json.loads(lead_client.get(f"{url}/proof.json").get_data(as_text=True)) == proof


def test_tickets_cancelled_after_the_freeze_are_flagged(at_now, lead_client, draw_world, api):
    url = launch(lead_client, product_tickets="")
    api.sale("s1", "ana", "GOLD", NOW - timedelta(hours=3))
    api.sale("s2", "bob", "GOLD", NOW - timedelta(hours=2))
    at_now.shift(timedelta(days=1))
    post_form(lead_client, f"{url}/freeze", {"freeze": "1"}, page=url)
    assert api.cancel("s2").status_code == 200
    page = lead_client.get(url).get_data(as_text=True)
    flagged = re.search(r'id="cancelled-after-freeze">(.*?)</div>', page, re.S).group(1)
    assert "s2#1" in flagged and "s1#1" not in flagged
    post_form(lead_client, f"{url}/draw", {"public_entropy": "42", "run": "1"}, page=url)
    page = lead_client.get(url).get_data(as_text=True)
    winners = dict(re.findall(r'data-agent="(\w*)" data-ticket="([^"]*)"', page))
    # The frozen list still holds bob's ticket; the third slot finds no agent left.
    assert winners == {"ana": "s1#1", "bob": "s2#1", "": ""}
    bob_row = re.search(r'<tr class="winner"[^>]*data-agent="bob".*?</tr>', page, re.S).group(0)
    assert "sale cancelled after the freeze" in bob_row


def test_the_draw_needs_entropy_and_a_proof_needs_a_draw(at_now, lead_client, draw_world):
    url = launch(lead_client)
    at_now.shift(timedelta(days=1))
    post_form(lead_client, f"{url}/freeze", {"freeze": "1"}, page=url)
    response = post_form(lead_client, f"{url}/draw", {"public_entropy": "  ", "run": "1"}, page=url)
    assert response.status_code == 422
    block = re.search(r'<div class="field has-error">.*?</div>', response.get_data(as_text=True), re.S).group(0)
    assert 'name="public_entropy"' in block and "This field is required." in block
    assert lead_client.get(f"{url}/proof.json").status_code == 404


def test_a_lucky_draw_needs_a_prize(lead_client, draw_world):
    token_page = "/console/contests/new/lucky_draw"
    response = post_form(lead_client, token_page, {"name": "No prize", "sites": ["paris"], "timezone": "UTC",
                                                   "starts_at": "2026-11-16T00:00", "ends_at": "2026-11-19T00:00",
                                                   "tickets_per_sale": "1", "min_points": "0", "prizes": ""})
    assert response.status_code == 422
    assert "A lucky draw needs at least one prize." in response.get_data(as_text=True)


def test_ceremony_posts_without_csrf_are_rejected(at_now, lead_client, draw_world):
    url = launch(lead_client)
    at_now.shift(timedelta(days=1))
    assert lead_client.post(f"{url}/freeze", data={"freeze": "1"}).status_code == 400
    assert lead_client.post(f"{url}/draw", data={"public_entropy": "x"}).status_code == 400
    assert 'id="draw-status">open<' in lead_client.get(url).get_data(as_text=True)


def test_the_draw_waits_for_the_freeze_and_the_freeze_locks_the_rules(at_now, lead_client, draw_world):
    url = launch(lead_client)
    at_now.shift(timedelta(days=1))
    # A draw posted from a stale page before the freeze is refused, and nothing is drawn.
    post_form(lead_client, f"{url}/draw", {"public_entropy": "too early", "run": "1"}, page=url)
    page = lead_client.get(url).get_data(as_text=True)
    assert any(kind == "error" and "Freeze the tickets first" in text for kind, text in flashes(page))
    assert 'id="draw-status">open<' in page and 'id="draw-locked"' not in page

    post_form(lead_client, f"{url}/freeze", {"freeze": "1"}, page=url)
    page = lead_client.get(url).get_data(as_text=True)
    assert 'id="draw-locked"' in page
    edit = {"name": "Jackpot", "ends_at": "2026-11-19T00:00", "save": "1",
            "rules": '{"tickets_per_sale": 5, "min_points": 0, "one_prize_per_agent": true}'}
    response = post_form(lead_client, f"{url}/edit", edit, page=url)
    assert response.status_code == 409
    assert "its rules, window and sites can no longer change" in response.get_data(as_text=True)
    assert '"tickets_per_sale": 1' in lead_client.get(url).get_data(as_text=True)

    french = lead_client.get(f"{url}?lang=fr").get_data(as_text=True)
    assert "Depuis le gel, les règles, la période et les sites de ce tirage sont verrouillés." in french
