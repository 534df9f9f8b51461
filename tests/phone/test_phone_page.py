"""The agents' phone page: personal link sign-in, my standing in every kind of contest, revocation."""
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from leaderboard.extensions import db, socketio
from leaderboard.models.auth import AgentLink
from leaderboard.services.access import auth
from leaderboard.services.roster.people import agent_by_key
from tests.conftest import NOW

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture()
def agents_world(api, make, at_now, client):
    make.site("paris", "Europe/Paris", name="Paris")
    make.site("lyon", "Europe/Paris", name="Lyon")
    make.agent("paris", "ana", name="Ana Lefèvre")
    make.agent("paris", "bob", name="Bob Martin")
    make.agent("lyon", "lea", name="Léa Roux")
    make.product("CARD", points=50, bonus="25.00")
    midnight = NOW.astimezone(PARIS).replace(hour=0, minute=0, second=0, microsecond=0)
    race = api.contest(name="Race", starts_at=(midnight - timedelta(days=2)).isoformat(),
                       ends_at=(midnight + timedelta(days=5)).isoformat())
    draw = api.contest(name="Jackpot", kind="lucky_draw", starts_at=(midnight - timedelta(days=2)).isoformat(),
                       ends_at=(midnight + timedelta(days=5)).isoformat())
    league = api.contest(name="League", kind="league", ends_at=None, sites=["paris", "lyon"],
                         starts_at=midnight.isoformat(),
                         rules={"format": "league", "legs": 2, "match_length": "P1D", "points_per_goal": 50,
                                "normalize": "none"})
    api.sale("a1", "ana", "CARD", NOW - timedelta(hours=1))
    api.sale("a2", "ana", "CARD", NOW - timedelta(minutes=50))
    api.sale("b1", "bob", "CARD", NOW - timedelta(hours=2), quantity=5)
    return {"race": race, "draw": draw, "league": league}


def open_link(app, agent_key):
    with app.app_context():
        _, token = auth.issue_agent_link(auth.SYSTEM, agent_by_key(agent_key))
    phone = app.test_client()
    response = phone.get(f"/me/link/{token}")
    assert response.status_code == 302 and response.headers["Location"].endswith("/me")
    return phone, token


def card_of(page: str, contest_id: int) -> str:
    """One contest card's markup on /me (cards are <details class="card contest" data-contest=…>)."""
    return page.split(f'data-contest="{contest_id}"')[1].split('<details class="card contest')[0]


def test_personal_link_shows_rank_points_gap_tickets_and_match(app, agents_world):
    phone, _ = open_link(app, "ana")
    page = phone.get("/me").get_data(as_text=True)
    assert "Ana Lefèvre" in page
    race_card = card_of(page, agents_world["race"]["id"])
    assert 'data-field="rank">2<' in race_card  # Bob has 250, Ana 100
    assert 'data-field="points">100<' in race_card
    assert ">150<" in race_card  # gap to Bob
    draw_card = card_of(page, agents_world["draw"]["id"])
    assert 'data-field="tickets">2<' in draw_card
    league_card = card_of(page, agents_world["league"]["id"])
    assert 'data-field="my-goals">2<' in league_card  # 2 sales of 50 points, 50 points a goal
    # Bob's 250 points are 5 goals, Ana's 2: Paris 7 – 0 Lyon
    assert 'data-field="home-name">Paris<' in league_card and 'data-field="home-goals">7<' in league_card
    assert 'data-field="away-name">Lyon<' in league_card and 'data-field="away-goals">0<' in league_card


def my_numbers(app, phone):
    """What the page receives over the socket when it subscribes: its own numbers as data, on its own topic."""
    socket = socketio.test_client(app, namespace="/live", flask_test_client=phone)
    socket.emit("subscribe", {"me": True}, namespace="/live")
    return next(m["args"][0]["data"] for m in socket.get_received("/live")
            if m["name"] == "snapshot" and m["args"][0]["topic"].startswith("agent:"))


def test_cancelling_a_sale_drops_my_points_in_the_live_numbers(app, api, agents_world):
    phone, _ = open_link(app, "ana")
    assert next(c for c in my_numbers(app, phone)["cards"] if c["id"] == agents_world["race"]["id"])["points"] == 100
    api.cancel("a2")
    numbers = my_numbers(app, phone)
    race = next(c for c in numbers["cards"] if c["id"] == agents_world["race"]["id"])
    assert race["points"] == 50 and race["rank"] == 2 and race["gap"] == 200  # Bob has 250
    league = next(c for c in numbers["cards"] if c["id"] == agents_world["league"]["id"])
    assert [g["sale"] for g in league["match"]["goals"] if g["agent"] == "ana" and not g["disallowed"]] == ["a1"]
    assert numbers["earnings"]["clawed_back"] == "25.00"


def test_only_an_agent_link_has_numbers_of_its_own(app, make, agents_world):
    viewer = socketio.test_client(app, namespace="/live", auth={"token": make.token("display")})
    viewer.emit("subscribe", {"me": True}, namespace="/live")
    viewer.emit("snapshot", {"topic": "agent:1"}, namespace="/live")
    assert [m["name"] for m in viewer.get_received("/live")] == ["error", "error"]


def test_an_agent_cannot_read_another_agents_topic(app, agents_world):
    phone, _ = open_link(app, "ana")
    socket = socketio.test_client(app, namespace="/live", flask_test_client=phone)
    with app.app_context():
        bob = agent_by_key("bob").id
    socket.emit("snapshot", {"topic": f"agent:{bob}"}, namespace="/live")
    assert [m["name"] for m in socket.get_received("/live")] == ["error"]


def test_revoked_link_stops_working_and_ends_the_session(app, agents_world):
    phone, token = open_link(app, "ana")
    with app.app_context():
        link_id = db.session.scalars(db.select(AgentLink.id)).first()
        auth.revoke_agent_link(auth.SYSTEM, link_id)
    assert "Ana Lefèvre" not in phone.get("/me").get_data(as_text=True)
    assert app.test_client().get(f"/me/link/{token}").status_code == 404


def test_charity_choice_needs_csrf_and_is_saved(app, agents_world):
    phone, _ = open_link(app, "ana")
    assert phone.post("/me/charity", data={"charity": "Red Cross"}).status_code == 400
    page = phone.get("/me").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    assert phone.post("/me/charity", data={"charity": "Red Cross", "csrf_token": token}).status_code == 302
    assert '<option value="Red Cross" selected>' in phone.get("/me").get_data(as_text=True)


def test_without_a_link_the_page_explains_how_to_get_one(client):
    page = client.get("/me").get_data(as_text=True)
    assert "personal link" in page


def test_gap_is_measured_to_the_next_better_score_not_to_tied_neighbours(app, api, agents_world, make):
    for n in range(6):
        make.agent("paris", f"zero{n}", name=f"Zero {n}")
    phone, _ = open_link(app, "zero3")
    page = phone.get("/me").get_data(as_text=True)
    race_card = card_of(page, agents_world["race"]["id"])
    # Zero 3 has 0 points; the lowest better score on the board is Ana's 100.
    assert 'data-field="points">0<' in race_card
    assert ">100<" in race_card.split("Gap to the next rank")[1].split("</div>")[0]


def test_an_opt_in_contest_invites_on_the_phone_until_the_agent_takes_part(app, api, agents_world):
    starts = (NOW - timedelta(days=1)).isoformat()
    optional = api.contest(name="Optional sprint", starts_at=starts, ends_at=(NOW + timedelta(days=1)).isoformat(),
                           sites=["paris"], rules={"opt_in": True})
    phone, _ = open_link(app, "ana")

    def card_html():
        page = phone.get("/me").get_data(as_text=True)
        return card_of(page, optional["id"]), page

    card, page = card_html()
    assert 'data-block="invite" >' in card or 'data-block="invite">' in card  # shown
    assert 'data-block="numbers" hidden' in card
    snapshot = next(c for c in my_numbers(app, phone)["cards"] if c["id"] == optional["id"])
    assert snapshot["invited"] is True and snapshot["rank"] is None
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    joined = phone.post(f"/me/contests/{optional['id']}/consent", data={"action": "join", "csrf_token": token})
    assert joined.status_code == 302
    snapshot = next(c for c in my_numbers(app, phone)["cards"] if c["id"] == optional["id"])
    assert snapshot["invited"] is False and snapshot["points"] == 100  # her two sales of 50 count now
    card, _ = card_html()
    assert 'data-block="invite" hidden' in card
    left = phone.post(f"/me/contests/{optional['id']}/consent", data={"action": "leave", "csrf_token": token})
    assert left.status_code == 302
    assert next(c for c in my_numbers(app, phone)["cards"] if c["id"] == optional["id"])["invited"] is True


def test_consent_needs_the_agents_own_session_and_a_csrf_token(app, agents_world):
    phone, _ = open_link(app, "ana")
    contest = agents_world["race"]["id"]
    assert phone.post(f"/me/contests/{contest}/consent", data={"action": "join"}).status_code == 400
    assert app.test_client().post(f"/me/contests/{contest}/consent", data={"action": "join"}).status_code == 401
