"""Console screens page: channel editor (slides, errors next to the row), pairing a TV by its code."""
import re

import pytest

from tests.conftest import bearer
from tests.console.conftest import post_form


def field_html(page, name):
    for block in re.findall(r'<div class="field[^"]*">.*?</div>', page, re.S):
        if f'name="{name}"' in block:
            return block
    raise AssertionError(f"no field {name!r} on the page")


@pytest.fixture()
def race_id(lead_client, api):
    return api.contest(name="Paris race", sites=["paris"])["id"]


def slide_rows(*rows):
    """Form data for the editor's rows; rows not given stay empty (no type) and are ignored."""
    data = {}
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"slides-{index}-{name}"] = value
    return data


def test_channel_editor_saves_slides_and_skips_empty_rows(lead_client, race_id, api):
    page = lead_client.get("/console/screens/new").get_data(as_text=True)
    assert len(re.findall(r'name="slides-\d+-type"', page)) == 8
    data = {"key": "lobby", "name": "Lobby TV", **slide_rows(
        {"type": "standings", "contest": str(race_id), "by": "team", "seconds": "20"},
        {"type": "", "contest": "", "seconds": "15"},
        {"type": "message", "text": "Coffee at 3", "seconds": "10"},
        {"type": "chart", "contest": str(race_id), "chart": "progress", "target": "500", "seconds": "15"})}
    response = post_form(lead_client, "/console/screens/new", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"].endswith("/console/screens/channels/lobby")
    channel = api.client.get("/api/v1/channels/lobby", headers=api.admin).get_json()
    defaults = {"contest": None, "by": "agent", "seconds": 15, "text": "", "chart": "sales_per_hour", "target": None}
    assert channel["name"] == "Lobby TV"
    assert channel["slides"] == [
        {**defaults, "type": "standings", "contest": race_id, "by": "team", "seconds": 20},
        {**defaults, "type": "message", "text": "Coffee at 3", "seconds": 10},
        {**defaults, "type": "chart", "contest": race_id, "chart": "progress", "target": 500}]
    listing = lead_client.get("/console/screens/").get_data(as_text=True)
    assert 'data-key="lobby"' in listing and 'href="/tv/lobby"' in listing
    editor = lead_client.get("/console/screens/channels/lobby").get_data(as_text=True)
    assert 'value="Coffee at 3"' in editor and 'href="/tv/lobby"' in editor


def test_match_centre_slide_on_a_race_is_rejected_next_to_its_row(lead_client, race_id, api):
    data = {"key": "hall", "name": "Hall", **slide_rows(
        {"type": "message", "text": "Hello", "seconds": "10"},
        {"type": "", "seconds": "15"},
        {"type": "match_centre", "contest": str(race_id), "seconds": "15"})}
    response = post_form(lead_client, "/console/screens/new", data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    # The service numbers slides without the empty row; the error belongs to the third form row.
    refusal = "A “Match centre” slide cannot show “Paris race” (Race); it shows: League."
    assert refusal in field_html(page, "slides-2-contest").replace("&#34;", '"')
    assert "cannot show" not in field_html(page, "slides-0-contest")
    assert 'value="Hello"' in page and 'value="hall"' in page
    assert api.client.get("/api/v1/channels/hall", headers=api.admin).status_code == 404


def test_editor_field_checks(lead_client, race_id):
    data = {"key": "bad key!", "name": "", **slide_rows({"type": "message", "text": "", "seconds": "2"},
                                                         {"type": "standings", "contest": "", "seconds": "15"})}
    response = post_form(lead_client, "/console/screens/new", data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Letters, digits" in field_html(page, "key")
    assert "This field is required." in field_html(page, "name")
    assert "Number must be between 5 and 600." in field_html(page, "slides-0-seconds")
    response = post_form(lead_client, "/console/screens/new", {**data, "key": "ok", "name": "Ok",
                                                               "slides-0-seconds": "10"})
    page = response.get_data(as_text=True)
    assert "Write the message." in field_html(page, "slides-0-text")
    assert "Choose a contest." in field_html(page, "slides-1-contest")
    assert lead_client.get("/console/screens/channels/nope").status_code == 404


def make_channel(client, key="lobby"):
    response = post_form(client, "/console/screens/new", {"key": key, "name": key.title(), **slide_rows(
        {"type": "message", "text": "Welcome", "seconds": "10"})})
    assert response.status_code == 302, response.get_data(as_text=True)


def test_pairing_a_registered_screen_through_the_form(lead_client, client):
    make_channel(lead_client)
    registered = client.post("/api/v1/screens").get_json()
    response = post_form(lead_client, "/console/screens/pair",
                         {"code": registered["code"].lower(), "channel": "lobby"}, page="/console/screens/")
    assert response.status_code == 302
    status = client.get("/api/v1/screens/me", headers=bearer(registered["secret"])).get_json()
    assert status == {"code": registered["code"], "paired": True, "channel": "lobby"}
    listing = lead_client.get("/console/screens/").get_data(as_text=True)
    row = re.search(rf'<tr class="screen" data-code="{registered["code"]}">.*?</tr>', listing, re.S).group(0)
    assert "Lobby" in row


def test_pairing_an_unknown_code_is_a_field_error(lead_client):
    make_channel(lead_client)
    # 0 is not in the alphabet of pairing codes, so no TV can ever show this one.
    response = post_form(lead_client, "/console/screens/pair", {"code": "000000", "channel": "lobby"},
                         page="/console/screens/")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "no screen is showing this code" in field_html(page, "code") and 'value="000000"' in page
    response = post_form(lead_client, "/console/screens/pair", {"code": "12", "channel": "lobby"},
                         page="/console/screens/")
    assert "Six letters or digits" in field_html(response.get_data(as_text=True), "code")


def test_screen_posts_without_csrf_are_rejected(lead_client, client, api):
    make_channel(lead_client)
    registered = client.post("/api/v1/screens").get_json()
    assert lead_client.post("/console/screens/pair", data={"code": registered["code"],
                                                           "channel": "lobby"}).status_code == 400
    assert lead_client.post("/console/screens/channels/lobby", data={"name": "Changed"}).status_code == 400
    assert client.get("/api/v1/screens/me", headers=bearer(registered["secret"])).get_json()["paired"] is False
    assert api.client.get("/api/v1/channels/lobby", headers=api.admin).get_json()["name"] == "Lobby"


def test_editor_saves_the_channel_settings_and_drops_fields_the_type_does_not_use(lead_client, race_id, api):
    data = {"key": "hall", "name": "Hall", "language": "fr", "names": "first_initial", "top": "10",
            "big_sale_points": "200", "sound": "y", "sites": "paris", **slide_rows(
                {"type": "message", "text": "Bonjour", "seconds": "10", "contest": str(race_id), "by": "site",
                 "chart": "progress", "target": "9"},
                {"type": "chart", "contest": str(race_id), "chart": "sales_per_hour", "target": "500"})}
    response = post_form(lead_client, "/console/screens/new", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    channel = api.client.get("/api/v1/channels/hall", headers=api.admin).get_json()
    settings = ("language", "display", "big_sale_points", "sound", "sites")
    assert [channel[name] for name in settings] == ["fr", {"names": "first_initial", "top": 10}, 200, True, ["paris"]]
    defaults = {"contest": None, "by": "agent", "seconds": 15, "text": "", "chart": "sales_per_hour", "target": None}
    # A message keeps only its text; a points-per-hour chart has no target.
    assert channel["slides"] == [{**defaults, "type": "message", "text": "Bonjour", "seconds": 10},
                                 {**defaults, "type": "chart", "contest": race_id}]
    editor = lead_client.get("/console/screens/channels/hall").get_data(as_text=True)
    assert '<option selected value="fr">' in editor and 'value="200"' in editor
    assert re.search(r'<input checked id="sites-\d+" name="sites" type="checkbox" value="paris">', editor)


def test_only_the_preview_of_the_tv_page_may_be_framed_and_only_by_this_site(lead_client):
    make_channel(lead_client)
    plain = lead_client.get("/tv/lobby")
    assert "frame-ancestors 'none'" in plain.headers["Content-Security-Policy"]
    assert plain.headers["X-Frame-Options"] == "DENY"
    preview = lead_client.get("/tv/lobby?preview=1")
    assert "frame-ancestors 'self'" in preview.headers["Content-Security-Policy"]
    assert preview.headers["X-Frame-Options"] == "SAMEORIGIN"
    editor = lead_client.get("/console/screens/channels/lobby").get_data(as_text=True)
    assert '<iframe src="/tv/lobby?preview=1"' in editor


def test_a_site_the_lead_does_not_manage_is_refused_next_to_the_sites(lead_client, api):
    data = {"key": "x1", "name": "X", "sites": "lyon", **slide_rows({"type": "message", "text": "Hi", "seconds": "10"})}
    response = post_form(lead_client, "/console/screens/new", data)
    assert response.status_code == 422
    assert "Choose among your own sites." in response.get_data(as_text=True)
    assert api.client.get("/api/v1/channels/x1", headers=api.admin).status_code == 404
