"""The console's instant prizes page and the phone's prize list: what a lead and a winner see and do."""
from datetime import timedelta

import pytest

from leaderboard.services.access import auth
from leaderboard.services.roster import people
from tests.conftest import NOW
from tests.console.conftest import csrf_from, post_form

WINDOW = {"starts_at": (NOW - timedelta(days=1)).isoformat(), "ends_at": (NOW + timedelta(days=1)).isoformat()}


@pytest.fixture()
def prizes(at_now, app, make, api, lead_client):
    make.agent("paris", "julie", name="Julie Café")
    make.agent("lyon", "lea", name="Léa")
    make.product("GOLD", points=20)
    contest = api.contest(name="Champagne week", kind="race", sites=["paris", "lyon"], rules={"instant_prizes": [
        {"name": "Bottle of champagne", "stock": 5, "when": {"kind": "product", "product": "GOLD"}}]}, **WINDOW)
    for sale_id, agent in (("s-julie-1", "julie"), ("s-julie-2", "julie"), ("s-lea-1", "lea")):
        at_now.shift(timedelta(seconds=1))
        api.sale(sale_id, agent, "GOLD", NOW - timedelta(minutes=5))
    wins = {w["sale"]: w for w in api.client.get(f"/api/v1/contests/{contest['id']}/prizes",
                                                   headers=api.admin).get_json()}
    return {"contest": contest, "wins": wins}


def test_a_lead_sees_their_sites_wins_and_hands_one_over(prizes, lead_client):
    page = lead_client.get("/console/prizes/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Bottle of champagne" in html and "Julie Café" in html
    assert "Léa" not in html  # Lyon is not this lead's site
    assert html.count('data-status="won"') == 2
    assert '<tr data-left="2">' in html and "A GOLD sale" in html  # stock 5, three won (one in Lyon)
    win = prizes["wins"]["s-julie-1"]
    response = post_form(lead_client, f"/console/prizes/{win['id']}/hand-over", {}, page="/console/prizes/")
    assert response.status_code == 302
    after = lead_client.get("/console/prizes/?status=handed_over").get_data(as_text=True)
    assert f'data-win="{win["id"]}" data-status="handed_over"' in after
    assert 'data-status="won"' not in after
    # Another site's win: refused.
    other = prizes["wins"]["s-lea-1"]
    assert post_form(lead_client, f"/console/prizes/{other['id']}/hand-over", {},
                     page="/console/prizes/").status_code == 403


def test_a_hand_over_without_csrf_is_refused(prizes, lead_client):
    win = prizes["wins"]["s-julie-1"]
    assert lead_client.post(f"/console/prizes/{win['id']}/hand-over").status_code == 400


def test_cancelled_after_hand_over_is_flagged_and_revoked_ones_say_so(prizes, lead_client, api):
    win = prizes["wins"]["s-julie-1"]
    post_form(lead_client, f"/console/prizes/{win['id']}/hand-over", {}, page="/console/prizes/")
    api.cancel("s-julie-1")
    api.cancel("s-julie-2")
    html = lead_client.get("/console/prizes/").get_data(as_text=True)
    assert "Sale cancelled after the hand-over" in html
    assert html.count('data-status="revoked"') == 1
    revoked = prizes["wins"]["s-julie-2"]
    response = post_form(lead_client, f"/console/prizes/{revoked['id']}/hand-over", {}, page="/console/prizes/")
    assert response.status_code == 302
    assert "was revoked" in lead_client.get("/console/prizes/").get_data(as_text=True)


def test_the_page_speaks_french(prizes, lead_client):
    lead_client.get("/lang/fr")
    html = lead_client.get("/console/prizes/").get_data(as_text=True)
    assert "Gains instantanés" in html and "à remettre" in html and "Gagné le" in html


def test_the_winner_sees_their_prizes_on_the_phone(app, client, prizes):
    with app.app_context():
        _, token = auth.issue_agent_link(auth.SYSTEM, people.agent_by_key("julie"))
    client.get(f"/me/link/{token}")
    html = client.get("/me").get_data(as_text=True)
    assert 'id="my-prizes"' in html and html.count("Bottle of champagne") == 3  # two won, one still to win
    assert 'src="/static/js/phone_prizes.js"' in html
    answer = client.get("/me/prizes.json").get_json()
    assert answer["offers"] == [{"prize": "Bottle of champagne", "contest": "Champagne week", "when": "A GOLD sale",
                                 "left": 2}]
    assert "Still to win" in html and "2 left" in html
    items = answer["items"]
    assert [(i["prize"], i["contest"], i["status"]) for i in items] == [("Bottle of champagne", "Champagne week",
                                                                          "won")] * 2
    assert csrf_from(html)
