"""Sign-in, CSRF, rate limiting and cookies of the browser session."""
from tests.console.conftest import PASSWORD, csrf_from, sign_in


def test_sign_in_reaches_the_dashboard_and_sets_safe_cookies(app, make):
    email = make.user("lead", ())
    client = app.test_client()
    response = sign_in(client, email)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert client.get("/console/").status_code == 200


def test_session_cookie_is_secure_over_https(app, make):
    email = make.user("lead", ())
    client = app.test_client()
    token = csrf_from(client.get("/login", base_url="https://localhost").get_data(as_text=True))
    response = client.post("/login", base_url="https://localhost", headers={"Referer": "https://localhost/login"},
                           data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    assert "Secure" in response.headers["Set-Cookie"]


def test_wrong_password_is_shown_next_to_the_field(app, make):
    email = make.user("lead", ())
    client = app.test_client()
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": email, "password": "nope", "csrf_token": token})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Wrong email or password." in page and f'value="{email}"' in page


def test_form_posts_without_csrf_are_rejected(app, make):
    email = make.user("lead", ())
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 400
    sign_in(client, email)
    assert client.post("/logout").status_code == 400


def test_sign_in_is_rate_limited(app, make):
    email = make.user("lead", ())
    client = app.test_client()
    token = csrf_from(client.get("/login").get_data(as_text=True))
    codes = [client.post("/login", data={"email": email, "password": "bad", "csrf_token": token},
                         environ_base={"REMOTE_ADDR": "10.9.8.7"}).status_code for _ in range(12)]
    assert codes[:10] == [422] * 10 and codes[10:] == [429, 429]


def test_console_needs_a_lead_or_admin(app, client):
    response = client.get("/console/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
