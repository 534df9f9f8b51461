"""The phone's people section: goal poster (with a picture), goal wall switch, kudos and pulse answers by session."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from PIL import Image

from leaderboard.services.access import auth
from leaderboard.services.roster.people import agent_by_key
from tests.conftest import NOW, bearer


@pytest.fixture()
def floor(make, at_now):
    make.site("paris", "Europe/Paris", name="Paris")
    make.site("lyon", "Europe/Paris", name="Lyon")
    make.agent("paris", "ana", name="Ana Lefèvre")
    make.agent("paris", "bob", name="Bob Martin")
    make.agent("lyon", "lea", name="Léa Roux")


def phone_of(app, agent_key):
    with app.app_context():
        _, token = auth.issue_agent_link(auth.SYSTEM, agent_by_key(agent_key))
    phone = app.test_client()
    assert phone.get(f"/me/link/{token}").status_code == 302
    page = phone.get("/me").get_data(as_text=True)
    return phone, page.split('name="csrf_token" value="')[1].split('"')[0]


def jpeg(width=800, height=600) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 40, 40)).save(out, format="JPEG")
    return out.getvalue()


def test_set_a_goal_with_a_picture_and_see_the_poster(app, floor):
    phone, csrf = phone_of(app, "ana")
    saved = phone.post("/me/goal", data={"csrf_token": csrf, "title": "Une Vespa rouge", "target_amount": "900",
                                         "currency": "eur", "picture": (io.BytesIO(jpeg()), "vespa.jpg")},
                       content_type="multipart/form-data")
    assert saved.status_code == 302
    data = phone.get("/me/people.json").get_json()
    assert (data["goal"]["title"], data["goal"]["target_amount"], data["goal"]["currency"]) == (
        "Une Vespa rouge", "900.00", "EUR")
    assert data["goal"]["on_wall"] is False
    picture = phone.get(data["goal"]["picture"])
    assert picture.status_code == 200 and picture.mimetype == "image/jpeg"
    assert Image.open(io.BytesIO(picture.data)).size == (256, 256)  # resized by the server
    page = phone.get("/me").get_data(as_text=True)
    assert "Une Vespa rouge" in page and 'class="poster-bar"' in page


def test_a_refused_picture_keeps_the_goal_and_says_why(app, floor):
    phone, csrf = phone_of(app, "ana")
    phone.post("/me/goal", data={"csrf_token": csrf, "title": "Bike", "target_amount": "100", "currency": "EUR",
                                 "picture": (io.BytesIO(b"not an image"), "x.jpg")},
               content_type="multipart/form-data")
    assert phone.get("/me/people.json").get_json()["goal"]["picture"] is None
    assert "not an image the server can read" in phone.get("/me").get_data(as_text=True)


def test_goal_wall_switch_and_csrf(app, floor):
    phone, csrf = phone_of(app, "ana")
    phone.post("/me/goal", data={"csrf_token": csrf, "title": "Bike", "target_amount": "100", "currency": "EUR"})
    assert phone.post("/me/goal/wall", data={"on_wall": "on"}).status_code == 400  # no CSRF token
    assert phone.post("/me/goal/wall", data={"on_wall": "on", "csrf_token": csrf}).status_code == 302
    assert phone.get("/me/people.json").get_json()["goal"]["on_wall"] is True
    phone.post("/me/goal/wall", data={"csrf_token": csrf})
    assert phone.get("/me/people.json").get_json()["goal"]["on_wall"] is False


def test_kudos_from_the_phone_and_received_on_the_other(app, floor):
    ana, csrf = phone_of(app, "ana")
    data = ana.get("/me/people.json").get_json()
    assert [c["key"] for c in data["colleagues"]] == ["bob"]  # the site's colleagues, not me, not Lyon
    assert [v["key"] for v in data["values"]] == ["respect", "honesty", "empathy", "teamwork"]
    assert data["kudos_left"] == 10
    ana.post("/me/kudos", data={"csrf_token": csrf, "to": "bob", "value": "empathy", "message": "Merci !"})
    assert ana.get("/me/people.json").get_json()["kudos_left"] == 9
    bob, _ = phone_of(app, "bob")
    received = bob.get("/me/people.json").get_json()["received"]
    assert [(k["from"]["key"], k["value"], k["value_label"], k["message"]) for k in received] == [
        ("ana", "empathy", "Empathy", "Merci !")]
    assert "Merci !" in bob.get("/me").get_data(as_text=True)


def test_pulse_answered_on_the_phone_then_gone(app, make, floor, client):
    lead = bearer(make.lead_token("paris"))
    pulse = client.post("/api/v1/pulses", headers=lead, json={
        "action": "Offer the premium card on every call", "values": ["honesty", "respect"], "sites": ["paris"],
        "closes_at": (NOW + timedelta(days=3)).isoformat()}).get_json()
    ana, csrf = phone_of(app, "ana")
    assert "Offer the premium card on every call" in ana.get("/me").get_data(as_text=True)
    lea, _ = phone_of(app, "lea")
    assert lea.get("/me/people.json").get_json()["pulses"] == []  # another site's pulse
    answered = ana.post(f"/me/pulses/{pulse['id']}/answer",
                        data={"csrf_token": csrf, "score": "2", "conflicts": ["honesty"], "comment": "pushy"})
    assert answered.status_code == 302
    assert ana.get("/me/people.json").get_json()["pulses"] == []
    again = ana.post(f"/me/pulses/{pulse['id']}/answer", data={"csrf_token": csrf, "score": "4"})
    assert again.status_code == 302
    assert "already answered" in ana.get("/me").get_data(as_text=True)
    assert client.get(f"/api/v1/pulses/{pulse['id']}/results", headers=lead).get_json() == {"answers": 1,
                                                                                            "hidden": True}


def test_people_routes_need_the_agents_session(app, floor, client):
    assert client.get("/me/people.json").status_code == 401
    assert client.get("/posters/unknown.jpg").status_code == 404
