"""Agent photos: a lead uploads one, the server checks it, stores it square and small, screens get its address."""
import io

import pytest
from PIL import Image

from leaderboard.services.boards import live_snapshots
from leaderboard.services.roster import photos
from tests.conftest import bearer


def image_bytes(fmt="PNG", size=(1200, 800), colour=(200, 30, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format=fmt)
    return buffer.getvalue()


@pytest.fixture()
def agent(make):
    site = make.site()
    return site, make.agent(site=site)


def put_photo(client, headers, key, data, mimetype="image/png"):
    return client.put(f"/api/v1/agents/{key}/photo", data=data, headers={**headers, "Content-Type": mimetype})


def test_an_upload_is_stored_as_a_small_square_jpeg_behind_an_unguessable_address(client, make, agent):
    site, key = agent
    lead = bearer(make.lead_token(site))
    response = put_photo(client, lead, key, image_bytes(size=(1200, 800)))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["agent"] == key and body["content_type"] == "image/jpeg"
    served = client.get(body["url"])
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    stored = Image.open(io.BytesIO(served.data))
    assert (stored.format, stored.size) == ("JPEG", (photos.SIDE, photos.SIDE))
    assert served.headers["Cache-Control"].startswith("private")
    assert len(body["url"].rsplit("/", 1)[1].removesuffix(".jpg")) >= 24  # 18 random bytes, base64


def test_a_new_upload_gets_a_new_address_and_the_old_one_is_gone(client, make, agent):
    _, key = agent
    admin = bearer(make.token("admin"))
    first = put_photo(client, admin, key, image_bytes()).get_json()["url"]
    second = put_photo(client, admin, key, image_bytes(fmt="JPEG", colour=(0, 90, 200)), "image/jpeg").get_json()["url"]
    assert first != second
    assert client.get(first).status_code == 404 and client.get(second).status_code == 200
    assert client.delete(f"/api/v1/agents/{key}/photo", headers=admin).status_code == 204
    assert client.get(second).status_code == 404
    assert client.delete(f"/api/v1/agents/{key}/photo", headers=admin).status_code == 404


@pytest.mark.parametrize("data, why", [
    (b"", "empty"),
    (b"GIF89a not really", "not an image"),
    (b"%PDF-1.7 a document", "not an image"),
])
def test_what_is_not_a_readable_photo_is_a_clear_422(client, make, agent, data, why):
    _, key = agent
    response = put_photo(client, bearer(make.token("admin")), key, data)
    assert response.status_code == 422, why
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["errors"][0]["field"] == "photo"


def test_a_gif_is_refused_by_type(client, make, agent):
    _, key = agent
    response = put_photo(client, bearer(make.token("admin")), key, image_bytes(fmt="GIF"), "image/gif")
    assert response.status_code == 422
    assert "JPEG, PNG or WebP" in response.get_json()["errors"][0]["message"]


def test_too_many_pixels_are_refused_before_decoding(client, make, agent):
    _, key = agent
    # A tiny PNG that claims 9000 × 9000 pixels (81 M): refused from its header.
    huge = image_bytes(size=(9000, 9000), colour=(0, 0, 0))
    assert len(huge) < photos.MAX_UPLOAD_BYTES
    response = put_photo(client, bearer(make.token("admin")), key, huge)
    assert response.status_code == 422


def test_a_file_over_the_size_limit_is_refused(app, make, agent):
    too_big = b"\xff" * (photos.MAX_UPLOAD_BYTES + 1)
    with app.app_context(), pytest.raises(photos.InvalidInput):
        photos.square_jpeg(too_big)


def test_only_leads_of_the_agents_site_and_admins_change_photos(client, make, agent):
    _, key = agent
    other_lead = bearer(make.lead_token(make.site()))
    assert put_photo(client, other_lead, key, image_bytes()).status_code == 403
    assert put_photo(client, bearer(make.token("display")), key, image_bytes()).status_code == 403
    assert put_photo(client, {}, key, image_bytes()).status_code == 401
    assert put_photo(client, bearer(make.token("admin")), "ghost", image_bytes()).status_code == 404


def test_the_tv_picture_carries_the_photo_and_the_site_tone(app, client, make, agent):
    site, key = agent
    url = put_photo(client, bearer(make.token("admin")), key, image_bytes()).get_json()["url"]
    contest = client.post("/api/v1/contests", headers=bearer(make.token("admin")), json={
        "name": "Race", "kind": "race", "timezone": "Europe/Paris", "sites": [site],
        "starts_at": "2026-11-16T00:00:00+01:00", "ends_at": "2026-11-23T00:00:00+01:00"}).get_json()
    with app.app_context():
        picture = live_snapshots.contest_snapshot(contest["id"])
    assert picture["roster"]["photos"] == {key: url}
    assert picture["roster"]["sites"][site]["name"] == site.title()
    assert picture["roster"]["sites"][site]["tone"] in range(8)
