"""Console helpers: sign a lead in through the real form, and read CSRF tokens from pages."""
import re

import pytest

PASSWORD = "correct horse battery"  # what Factory.user gives every user


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def sign_in(client, email, password=PASSWORD):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": email, "password": password, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def post_form(client, url, data, page=None):
    """Post a console form the way a browser does: with the CSRF token of the page it came from."""
    token = csrf_from(client.get(page or url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


@pytest.fixture()
def lead_client(app, make):
    """A test client signed in as a lead of site 'paris' (also creates site 'lyon' they do not manage)."""
    make.site("paris", "Europe/Paris", name="Paris")
    make.site("lyon", "Europe/Paris", name="Lyon")
    email = make.user("lead", ("paris",))
    client = app.test_client()
    sign_in(client, email)
    return client


@pytest.fixture()
def admin_client(app, make):
    email = make.user("admin")
    client = app.test_client()
    sign_in(client, email)
    return client
