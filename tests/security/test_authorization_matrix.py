"""The authorization matrix: every route of the URL map and every /live socket event, for seven callers.

Each route has a row of expected status codes, written here from the rules in the README (not read
from the policy module): none / display / agent / integration / lead of A on A / lead of A on B / admin.
A route of the app without a row fails, and so does a row whose route is gone.
Writes are sent with a body the API refuses (422), so reaching validation proves authorization passed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest

from leaderboard import create_app
from leaderboard.extensions import db, socketio
from leaderboard.models.roster import Agent
from leaderboard.realtime.access import SOCKET_EVENTS
from leaderboard.realtime.namespace import LiveNamespace
from leaderboard.services.access import auth
from leaderboard.services.roster import people
from leaderboard.web.access import ENDPOINTS
from tests.conftest import bearer
from tests.console.conftest import sign_in

SUBJECTS = ("none", "display", "agent", "integration", "lead_on_A", "lead_on_B", "admin")


@dataclass(frozen=True)
class Row:
    endpoint: str
    method: str
    path: str  # {contest} {draw} {agent} {site} {team} {channel}: site A's, or site B's for lead_on_B
    codes: str  # seven status codes in SUBJECTS order
    body: Any = None


# Shorthands for the common shapes.
API_READ_SITED = "401 200 403 200 200 403 200"      # roster reads: not agents; a lead not another site's
CONTEST_READ = "401 200 200 200 200 403 200"        # boards are public to screens and agents of the site
CONTEST_WRITE_422 = "401 403 403 403 422 403 422"   # leads and admins, of the contest's sites
PAGE = "302 302 403 302 200 200 200"                # console page without a site-bound resource
PAGE_SITED = "302 302 403 302 200 403 200"
PAGE_POST = "302 302 403 302 400 400 400"           # allowed through to CSRF, which refuses a bare post
PAGE_POST_SITED = "302 302 403 302 400 403 400"
OPEN_200 = "200 200 200 200 200 200 200"
BAD = {"unexpected": True}  # every request schema is strict: an unknown field is a 422

ROWS = [
    # API: public
    Row("api.health.health", "GET", "/api/v1/health", OPEN_200),
    Row("api.openapi.openapi_document", "GET", "/api/v1/openapi.json", OPEN_200),
    Row("api.screens.register_screen", "POST", "/api/v1/screens", "201 201 201 201 201 201 201"),
    Row("api.screens.screen_status", "GET", "/api/v1/screens/me", "401 401 401 401 401 401 401"),
    # API: roster
    Row("api.roster.list_collection", "GET", "/api/v1/agents", "401 200 403 200 200 200 200"),
    Row("api.roster.get_item", "GET", "/api/v1/agents/{agent}", API_READ_SITED),
    Row("api.roster.put_site", "PUT", "/api/v1/sites/{site}", "401 403 403 403 422 403 422", BAD),
    Row("api.roster.put_team", "PUT", "/api/v1/teams/{team}", "401 403 403 403 422 403 422", BAD),
    Row("api.roster.put_agent", "PUT", "/api/v1/agents/{agent}", "401 403 403 403 422 403 422", BAD),
    Row("api.roster.put_product", "PUT", "/api/v1/products/P", "401 403 403 403 403 403 422", BAD),
    Row("api.roster.import_roster", "POST", "/api/v1/roster/import", "401 403 403 403 415 415 415", BAD),
    # API: events
    Row("api.sales.post_sales", "POST", "/api/v1/sales", "401 403 403 422 403 403 422", BAD),
    Row("api.sales.cancel", "POST", "/api/v1/sales/s-1/cancel", "401 403 403 422 422 422 422", BAD),
    Row("api.kpis.post_kpis", "POST", "/api/v1/kpis", "401 403 403 422 403 403 422", BAD),
    # API: contests and boards
    Row("api.contests.create_contest", "POST", "/api/v1/contests", "401 403 403 403 422 422 422", BAD),
    Row("api.contests.list_contests", "GET", "/api/v1/contests", OPEN_200.replace("200", "401", 1)),
    Row("api.contests.get_contest", "GET", "/api/v1/contests/{contest}", CONTEST_READ),
    Row("api.contests.patch_contest", "PATCH", "/api/v1/contests/{contest}", CONTEST_WRITE_422, BAD),
    Row("api.contests.cancel_contest", "POST", "/api/v1/contests/{contest}/cancel", "401 403 403 403 200 403 200"),
    Row("api.contests.contest_standings", "GET", "/api/v1/contests/{contest}/standings", CONTEST_READ),
    Row("api.contests.calendar_standings", "GET", "/api/v1/standings?site={site}", CONTEST_READ),
    Row("api.draws.list_tickets", "GET", "/api/v1/contests/{draw}/tickets", CONTEST_READ),
    # Freezing a draw that has not ended is a conflict: reached only by those who may run it.
    Row("api.draws.freeze", "POST", "/api/v1/contests/{draw}/freeze", "401 403 403 403 409 403 409"),
    Row("api.draws.run_draw", "POST", "/api/v1/contests/{draw}/draw", CONTEST_WRITE_422, BAD),
    # No proof before the draw: a 404 for whoever may read the contest.
    Row("api.draws.get_proof", "GET", "/api/v1/contests/{draw}/draw", "401 404 404 404 404 403 404"),
    # A race has no matches, table or bracket: 422 for whoever may read it.
    Row("api.leagues.matches", "GET", "/api/v1/contests/{contest}/matches", "401 422 422 422 422 403 422"),
    Row("api.leagues.table", "GET", "/api/v1/contests/{contest}/table", "401 422 422 422 422 403 422"),
    Row("api.leagues.bracket", "GET", "/api/v1/contests/{contest}/bracket", "401 422 422 422 422 403 422"),
    # API: one person's data
    Row("api.earnings.agent_earnings", "GET", "/api/v1/agents/{agent}/earnings?month=2026-11",
        "401 403 200 403 200 403 200"),
    Row("api.earnings.choose_charity", "PUT", "/api/v1/agents/{agent}/charity", "401 403 422 403 422 403 422", BAD),
    Row("api.earnings.payroll", "GET", "/api/v1/exports/payroll.csv?month=2026-11", "401 403 403 403 200 200 200"),
    # API: privacy (access requests and erasure are the admin's; consent is the agent's own, and this race is
    # not opt-in: a conflict for the one caller allowed to ask)
    Row("api.privacy.export_agent", "GET", "/api/v1/agents/{agent}/export", "401 403 403 403 403 403 200"),
    Row("api.privacy.erase_agent", "POST", "/api/v1/agents/{agent}/erase", "401 403 403 403 403 403 200"),
    Row("api.privacy.give_consent", "POST", "/api/v1/contests/{contest}/consent", "401 403 409 403 403 403 403"),
    Row("api.privacy.withdraw_consent", "DELETE", "/api/v1/contests/{contest}/consent",
        "401 403 409 403 403 403 403"),
    # API: people (goal posters: like earnings, agents their own; kudos from agents and leads; pulses: the
    # leads of their sites open and read them, agents answer; pulse 999 does not exist)
    Row("api.people.get_goal", "GET", "/api/v1/agents/{agent}/goal", "401 403 404 403 404 403 404"),
    Row("api.people.put_goal", "PUT", "/api/v1/agents/{agent}/goal", "401 403 422 403 422 403 422", BAD),
    Row("api.people.give_kudos", "POST", "/api/v1/kudos", "401 403 422 403 422 422 403", BAD),
    Row("api.people.list_kudos", "GET", "/api/v1/kudos", "401 403 200 200 200 200 200"),
    Row("api.people.kudos_board", "GET", "/api/v1/kudos/board?period=week", "401 403 200 200 200 200 200"),
    Row("api.people.open_pulse", "POST", "/api/v1/pulses", "401 403 403 403 422 422 422", BAD),
    Row("api.people.list_pulses", "GET", "/api/v1/pulses", "401 403 200 403 200 200 200"),
    Row("api.people.answer_pulse", "POST", "/api/v1/pulses/999/answers", "401 403 422 403 403 403 403", BAD),
    Row("api.people.pulse_results", "GET", "/api/v1/pulses/999/results", "401 403 403 403 404 404 404"),
    # API: instant prizes (no win in this world: hand-over of an unknown win is a 404 for who may hand over)
    Row("api.prizes.contest_prizes", "GET", "/api/v1/contests/{contest}/prizes", CONTEST_READ),
    Row("api.prizes.hand_over", "POST", "/api/v1/prize-wins/0123456789abcdef0123456789abcdef/hand-over",
        "401 403 403 403 404 404 404"),
    # API: screens and channels
    Row("api.screens.pair_screen", "POST", "/api/v1/screens/pair", "401 403 403 403 422 422 422", BAD),
    Row("api.screens.put_channel", "PUT", "/api/v1/channels/{channel}", "401 403 403 403 422 403 422", BAD),
    Row("api.screens.list_channels", "GET", "/api/v1/channels", "401 200 403 200 200 200 200"),
    Row("api.screens.get_channel", "GET", "/api/v1/channels/{channel}", API_READ_SITED),
    # API: photos (the body here is no image: refused as such by those who may upload; nothing to delete)
    Row("api.photos.put_photo", "PUT", "/api/v1/agents/{agent}/photo", "401 403 403 403 422 403 422", BAD),
    Row("api.photos.delete_photo", "DELETE", "/api/v1/agents/{agent}/photo", "401 403 403 403 404 403 404"),
    # Pages open to anyone
    Row("tv.join", "GET", "/tv/join", OPEN_200),
    Row("tv.strings", "GET", "/tv/strings/en.json", OPEN_200),
    Row("tv.photo", "GET", "/photos/nobody.jpg", "404 404 404 404 404 404 404"),
    Row("tv.proof_qr", "GET", "/tv/proof-qr/{draw}.svg", OPEN_200),
    Row("tv.home", "GET", "/", OPEN_200),
    Row("tv.pairing", "GET", "/tv", OPEN_200),
    Row("tv.channel_page", "GET", "/tv/{channel}", OPEN_200),
    Row("tv.phone_qr", "GET", "/tv/qr.svg?url=/me", OPEN_200),
    Row("tv.live_events", "GET", "/live/events.js", OPEN_200),
    Row("tv.vendor", "GET", "/vendor/no-such-file.js", "404 404 404 404 404 404 404"),
    Row("static", "GET", "/static/favicon.svg", OPEN_200),
    Row("i18n.switch", "GET", "/lang/fr", "302 302 302 302 302 302 302"),
    Row("console.login", "GET", "/login", OPEN_200),
    Row("console.logout", "POST", "/logout", "400 400 400 400 400 400 400"),  # CSRF first, for everyone
    Row("phone.me", "GET", "/me", OPEN_200),
    Row("phone.manifest", "GET", "/me/manifest.webmanifest", OPEN_200),
    Row("phone.personal_link", "GET", "/me/link/lba_unknown", "404 404 404 404 404 404 404"),
    Row("phone.sign_out", "POST", "/me/signout", "400 400 400 400 400 400 400"),
    Row("phone.charity", "POST", "/me/charity", "401 401 400 401 403 403 403"),
    Row("phone_prizes.my_prizes", "GET", "/me/prizes.json", "401 401 200 401 403 403 403"),
    Row("phone.consent", "POST", "/me/contests/{contest}/consent", "401 401 400 401 403 403 403"),
    Row("phone_people.people_json", "GET", "/me/people.json", "401 401 200 401 403 403 403"),
    Row("phone_people.set_goal", "POST", "/me/goal", "401 401 400 401 403 403 403"),
    Row("phone_people.goal_wall", "POST", "/me/goal/wall", "401 401 400 401 403 403 403"),
    Row("phone_people.give_kudos", "POST", "/me/kudos", "401 401 400 401 403 403 403"),
    Row("phone_people.answer_pulse", "POST", "/me/pulses/999/answer", "401 401 400 401 403 403 403"),
    Row("phone_people.poster_picture", "GET", "/posters/nobody.jpg", "404 404 404 404 404 404 404"),
    # The console
    Row("console.dashboard", "GET", "/console/", PAGE),
    Row("console_audit.index", "GET", "/console/audit/", PAGE),
    Row("console_contests.index", "GET", "/console/contests/", "302 302 403 302 302 302 302"),  # to the dashboard
    Row("console_contests.detail", "GET", "/console/contests/{contest}", PAGE_SITED),
    Row("console_contests.proof", "GET", "/console/contests/{draw}/proof.json", "302 302 403 302 404 403 404"),
    Row("console_contests.new", "GET", "/console/contests/new/race", PAGE),
    Row("console_contests.edit", "POST", "/console/contests/{contest}/edit", PAGE_POST_SITED),
    Row("console_contests.cancel", "POST", "/console/contests/{contest}/cancel", PAGE_POST_SITED),
    Row("console_contests.freeze", "POST", "/console/contests/{draw}/freeze", PAGE_POST_SITED),
    Row("console_contests.run_draw", "POST", "/console/contests/{draw}/draw", PAGE_POST_SITED),
    Row("console_exports.index", "GET", "/console/exports/", PAGE),
    Row("console_exports.payroll_csv", "GET", "/console/exports/payroll.csv?month=2026-11", PAGE),
    Row("console_exports.standings_csv", "GET", "/console/exports/standings.csv?contest={contest}&by=agent",
        PAGE_SITED),
    Row("console_roster.index", "GET", "/console/roster/", PAGE),
    Row("console_roster.new", "GET", "/console/roster/agents/new", PAGE),
    Row("console_roster.edit", "GET", "/console/roster/agents/{agent}/edit", PAGE_SITED),
    Row("console_roster.export_agents", "GET", "/console/roster/agents.csv", PAGE),
    Row("console_roster.issue_link", "POST", "/console/roster/agents/{agent}/links", PAGE_POST_SITED),
    Row("console_roster.import_csv", "POST", "/console/roster/import", PAGE_POST),
    Row("console_roster.revoke_link", "POST", "/console/roster/links/1/revoke", PAGE_POST),
    Row("console_pulses.index", "GET", "/console/pulses/", PAGE),
    Row("console_pulses.kudos_board", "GET", "/console/pulses/kudos", PAGE),
    Row("console_sales.index", "GET", "/console/sales/", PAGE),
    Row("console_prizes.index", "GET", "/console/prizes/", PAGE),
    Row("console_prizes.hand_over", "POST", "/console/prizes/0123456789abcdef0123456789abcdef/hand-over", PAGE_POST),
    Row("console_sales.cancel", "POST", "/console/sales/cancel", PAGE_POST),
    Row("console_screens.index", "GET", "/console/screens/", PAGE),
    Row("console_screens.channel", "GET", "/console/screens/channels/{channel}", PAGE_SITED),
    Row("console_screens.new_channel", "GET", "/console/screens/new", PAGE),
    Row("console_screens.pair", "POST", "/console/screens/pair", PAGE_POST),
]


@pytest.fixture(scope="module")
def url_map_endpoints() -> set[str]:
    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://", "SECRET_KEY": "matrix"})
    return {rule.endpoint for rule in app.url_map.iter_rules()}


def test_every_route_has_a_row_and_a_policy(url_map_endpoints):
    rows = {row.endpoint for row in ROWS}
    without_row = sorted(url_map_endpoints - rows)
    without_policy = sorted(url_map_endpoints - set(ENDPOINTS))
    assert not without_policy, (
        f"routes without an access policy (they answer 403 to everyone): {without_policy}. Add each to "
        "ENDPOINTS in leaderboard/web/route_policies.py (the action and the resource it touches), then a row here.")
    assert not without_row, f"routes missing from the authorization matrix in {__file__}: {without_row}"
    assert not rows - url_map_endpoints, f"rows for routes that no longer exist: {sorted(rows - url_map_endpoints)}"


def test_every_socket_event_has_a_policy():
    handlers = {name[3:] for name in dir(LiveNamespace)
                if name.startswith("on_") and callable(getattr(LiveNamespace, name))}
    assert handlers, "the namespace has no handlers"
    assert handlers == set(SOCKET_EVENTS), (
        f"socket events without a policy: {sorted(handlers - set(SOCKET_EVENTS))}; "
        f"policies for events that no longer exist: {sorted(set(SOCKET_EVENTS) - handlers)}. "
        "See SOCKET_EVENTS in leaderboard/realtime/access.py.")


@dataclass
class World:
    values: dict[str, dict[str, Any]]  # "A" / "B" → {contest, draw, agent, site, team, channel}
    headers: dict[str, dict[str, str]]  # bearer headers per subject
    clients: dict[str, Any]  # test clients per subject (sessions for agent, leads and admin)


@pytest.fixture()
def world(app, client, make, at_now) -> World:
    values: dict[str, dict[str, Any]] = {}
    make.product("P", points=10)
    admin = bearer(make.token("admin"))
    for side in ("A", "B"):
        site = make.site(f"site{side}")
        team = make.team(site, f"team{side}")
        agent = make.agent(site, f"agent{side}", team=team)
        race = client.post("/api/v1/contests", headers=admin, json={
            "name": f"Race {side}", "kind": "race", "sites": [site], "timezone": "Europe/Paris",
            "starts_at": "2026-11-16T00:00:00+01:00", "ends_at": "2026-11-23T00:00:00+01:00"}).get_json()
        draw = client.post("/api/v1/contests", headers=admin, json={
            "name": f"Draw {side}", "kind": "lucky_draw", "sites": [site], "timezone": "Europe/Paris",
            "starts_at": "2026-11-16T00:00:00+01:00", "ends_at": "2026-11-23T00:00:00+01:00",
            "prizes": [{"name": "Mug", "quantity": 1}]}).get_json()
        channel = client.put(f"/api/v1/channels/tv{side}", headers=admin, json={
            "name": f"TV {side}", "sites": [site], "slides": [{"type": "standings", "contest": race["id"]}]})
        assert channel.status_code == 201, channel.get_json()
        values[side] = {"contest": race["id"], "draw": draw["id"], "agent": agent, "site": site, "team": team,
                        "channel": f"tv{side}"}
    lead_email, admin_email = make.user("lead", ("siteA",)), make.user("admin")
    with app.app_context():
        _, agent_key = auth.create_api_key("agent A's script", "agent", agent_key="agentA")
        _, link = auth.issue_agent_link(auth.SYSTEM, people.agent_by_key("agentA"))
    headers = {"none": {}, "display": bearer(make.token("display")), "agent": bearer(agent_key),
               "integration": bearer(make.token("integration")), "lead_on_A": bearer(make.lead_token("siteA")),
               "admin": admin}
    headers["lead_on_B"] = headers["lead_on_A"]
    clients = {name: app.test_client() for name in SUBJECTS}
    clients["agent"].get(f"/me/link/{link}")
    sign_in(clients["lead_on_A"], lead_email)
    sign_in(clients["lead_on_B"], lead_email)
    sign_in(clients["admin"], admin_email)
    return World(values, headers, clients)


def _request(world: World, row: Row, subject: str):
    side = "B" if subject == "lead_on_B" else "A"
    path = row.path.format(**world.values[side])
    client = world.clients[subject]
    kwargs: dict[str, Any] = {"headers": world.headers[subject]}
    if row.body is not None:
        kwargs["json"] = row.body
    return client.open(path, method=row.method, **kwargs)


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r.method} {r.path}")
def test_route_answers_each_caller_as_the_policy_says(world, row):
    expected = dict(zip(SUBJECTS, (int(code) for code in row.codes.split()), strict=False))
    assert len(expected) == len(SUBJECTS)
    answered = {subject: _request(world, row, subject).status_code for subject in SUBJECTS}
    assert answered == expected


def test_a_leads_lists_hold_only_their_sites(world):
    lead = world.headers["lead_on_A"]
    client = world.clients["none"]
    for collection, key in (("sites", "site"), ("teams", "team"), ("agents", "agent")):
        keys = {item["key"] for item in client.get(f"/api/v1/{collection}", headers=lead).get_json()["items"]}
        assert keys == {world.values["A"][key]}, collection
    contests = {c["id"] for c in client.get("/api/v1/contests", headers=lead).get_json()["items"]}
    assert contests == {world.values["A"]["contest"], world.values["A"]["draw"]}
    channels = {c["key"] for c in client.get("/api/v1/channels", headers=lead).get_json()["items"]}
    assert channels == {"tvA"}
    board = client.get("/api/v1/standings", headers=lead, query_string={"period": "month"}).get_json()
    assert {row["site"] for row in board["rows"]} == {"siteA"}
    everyone = client.get("/api/v1/agents", headers=world.headers["admin"]).get_json()["items"]
    assert {item["key"] for item in everyone} == {"agentA", "agentB"}


def test_a_lead_cannot_take_over_an_admins_channel(world):
    admin, lead = world.headers["admin"], world.headers["lead_on_A"]
    client = world.clients["none"]
    slides = [{"type": "message", "text": "hello"}]
    made = client.put("/api/v1/channels/main", headers=admin, json={"name": "Main", "slides": slides})
    assert made.status_code == 201
    assert client.put("/api/v1/channels/main", headers=lead, json={"name": "Mine", "slides": slides}).status_code == 403
    # A lead's own new channel belongs to their sites; naming a site they do not lead is refused.
    made = client.put("/api/v1/channels/lobby", headers=lead, json={"name": "Lobby", "slides": slides})
    assert made.status_code == 201 and made.get_json()["sites"] == ["siteA"]
    taken = client.put("/api/v1/channels/lobby2", headers=lead,
                       json={"name": "L", "sites": ["siteB"], "slides": slides})
    assert taken.status_code == 403


def _live(app, token):
    return socketio.test_client(app, namespace="/live", auth={"token": token} if token else None)


SOCKET_SUBJECTS = {"none": False, "display": True, "agent": True, "integration": False, "lead_on_A": True,
                   "lead_on_B": True, "admin": True}
# subscribe and snapshot of site A's contest (site B's for lead_on_B): a snapshot, or an error.
FOLLOWS_CONTEST = {"display": True, "agent": True, "lead_on_A": True, "lead_on_B": False, "admin": True}


@pytest.mark.parametrize("subject", SUBJECTS)
def test_socket_connect_subscribe_and_snapshot_follow_the_policy(app, world, subject):
    token = world.headers[subject].get("Authorization", " ").split(" ", 1)[1] or None
    live = _live(app, token)
    assert live.is_connected("/live") is SOCKET_SUBJECTS[subject]
    if not SOCKET_SUBJECTS[subject]:
        return
    side = "B" if subject == "lead_on_B" else "A"
    contest = world.values[side]["contest"]
    for event, data in (("subscribe", {"contest": contest}), ("snapshot", {"topic": f"contest:{contest}"})):
        live.get_received("/live")
        live.emit(event, data, namespace="/live")
        received = live.get_received("/live")
        snapshots = [m["args"][0] for m in received if m["name"] == "snapshot"]
        errors = [m["args"][0] for m in received if m["name"] == "error"]
        if FOLLOWS_CONTEST[subject]:
            assert [s["topic"] for s in snapshots] == [f"contest:{contest}"], (event, errors)
        else:
            assert snapshots == [] and len(errors) == 1, event
    live.disconnect(namespace="/live")


def test_public_boards_keep_other_topics_closed(app, world):
    """An anonymous public-board viewer follows contests and channels, never an agent's own topic."""
    app.config["REALTIME_PUBLIC_BOARDS"] = True
    try:
        live = _live(app, None)
        assert live.is_connected("/live")
        with app.app_context():
            agent_id = db.session.scalar(db.select(Agent.id).where(Agent.key == "agentA"))
        live.emit("snapshot", {"topic": f"agent:{agent_id}"}, namespace="/live")
        names = [m["name"] for m in live.get_received("/live")]
        assert names == ["error"]
        live.disconnect(namespace="/live")
    finally:
        app.config["REALTIME_PUBLIC_BOARDS"] = False


def test_rows_use_known_placeholders():
    for row in ROWS:
        for name in re.findall(r"{(\w+)}", row.path):
            assert name in ("contest", "draw", "agent", "site", "team", "channel"), row


def test_the_console_lists_only_a_leads_channels(world):
    lead_page = world.clients["lead_on_A"].get("/console/screens/").get_data(as_text=True)
    admin_page = world.clients["admin"].get("/console/screens/").get_data(as_text=True)
    assert 'data-key="tvA"' in lead_page and 'data-key="tvB"' not in lead_page
    assert 'data-key="tvA"' in admin_page and 'data-key="tvB"' in admin_page
