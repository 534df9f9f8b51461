"""Privacy on public screens: hidden agents and channel display modes, applied on the server per variant room."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from leaderboard.domain.privacy import (
    HIDDEN_KEY,
    PLACEHOLDER,
    ChannelDisplay,
    agent_notice,
    first_initial,
    public_picture,
)
from leaderboard.extensions import socketio
from leaderboard.services.access import auth
from tests.conftest import NOW

# --- the pure transform -------------------------------------------------------------------------

PICTURE = {
    "contest": {"id": 1},
    "standings": {
        "agent": [{"rank": 1, "key": "zoe", "name": "Zoë Martin", "points": 90, "sales": 3, "qualified": True,
                   "site": "paris", "team": "t1", "breakdown": {"sales_points": 90}},
                  {"rank": 2, "key": "bruno", "name": "Bruno Keller", "points": 50, "sales": 1, "qualified": True,
                   "site": "paris", "team": "t1", "breakdown": {}},
                  {"rank": 3, "key": "li", "name": "Li", "points": 10, "sales": 1, "qualified": True,
                   "site": "paris", "team": None, "breakdown": {}}],
        "team": [{"rank": 1, "key": "t1", "name": "Team One", "points": 140}],
        "site": [{"rank": 1, "key": "paris", "name": "Paris", "points": 150}]},
    "roster": {"sites": {}, "teams": {}, "photos": {"zoe": "/photos/z.jpg", "bruno": "/photos/b.jpg"}},
    HIDDEN_KEY: ["zoe"],
}


def test_first_initial_keeps_the_first_name_and_the_last_initial():
    assert first_initial("Bruno Keller") == "Bruno K."
    assert first_initial("Zoë Martin-Durand") == "Zoë M."
    assert first_initial("Ana María de la Cruz") == "Ana C."
    assert first_initial("Li") == "Li"


def test_a_hidden_agent_is_a_placeholder_with_nothing_identifying():
    shown = public_picture(PICTURE, ChannelDisplay())
    first = shown["standings"]["agent"][0]
    assert first == {"rank": 1, "key": "hidden-1", "name": PLACEHOLDER, "hidden": True, "points": 90, "sales": 3,
                     "qualified": True, "site": "paris", "team": None, "breakdown": {}}
    assert shown["roster"]["photos"] == {"bruno": "/photos/b.jpg"}
    assert HIDDEN_KEY not in shown
    text = json.dumps(shown, ensure_ascii=False)
    assert "Zoë" not in text and "zoe" not in text
    assert PICTURE["standings"]["agent"][0]["name"] == "Zoë Martin"  # the shared picture is untouched


def test_initials_mode_and_top_rows():
    shown = public_picture(PICTURE, ChannelDisplay(names="first_initial", top=2))
    assert [row["name"] for row in shown["standings"]["agent"]] == [PLACEHOLDER, "Bruno K."]
    assert shown["standings"]["team"] == PICTURE["standings"]["team"]
    assert shown["roster"]["photos"] == {}  # a face names someone as surely as a name
    assert "Keller" not in json.dumps(shown)


def test_no_names_mode_leaves_only_team_and_site_boards():
    shown = public_picture(PICTURE, ChannelDisplay(names="none"))
    assert shown["standings"]["agent"] == []
    assert shown["standings"]["team"][0]["name"] == "Team One"
    assert shown["standings"]["site"][0]["name"] == "Paris"


def test_deltas_naming_an_agent_follow_the_display():
    sale = {"topic": "contest:1", "sale": "s1", "agent": {"key": "bruno", "name": "Bruno Keller"}, "points": 5}
    assert agent_notice(sale, False, ChannelDisplay(names="first_initial"))["agent"]["name"] == "Bruno K."
    assert agent_notice(sale, True, ChannelDisplay())["agent"] == {"key": "hidden", "name": PLACEHOLDER}
    winner = {"slot": 0, "agent": "bruno", "agent_name": "Bruno Keller", "ticket": "s1#1"}
    assert agent_notice(winner, False, ChannelDisplay(names="none"))["agent_name"] == PLACEHOLDER


# --- end to end over /live ------------------------------------------------------------------------

@pytest.fixture()
def screens(api, make, client, at_now):
    make.site("paris", "Europe/Paris")
    make.agent("paris", "zoe", name="Zoë Martin")
    make.agent("paris", "bruno", name="Bruno Keller")
    make.product("CARD", points=50)
    race = api.contest(name="Privacy race")
    hidden = client.put("/api/v1/agents/zoe", headers=api.admin,
                        json={"name": "Zoë Martin", "site": "paris", "hidden_on_screens": True})
    assert hidden.status_code == 200 and hidden.get_json()["hidden_on_screens"] is True
    slides = [{"type": "standings", "contest": race["id"]}]
    for key, display in (("full", {}), ("initials", {"names": "first_initial"}), ("teams", {"names": "none"})):
        made = client.put(f"/api/v1/channels/{key}", headers=api.admin,
                          json={"name": key, "slides": slides, **({"display": display} if display else {})})
        assert made.status_code == 201, made.get_json()
        assert made.get_json()["display"] == {"names": display.get("names", "full"), "top": None}
    return race


def _tv(app, make, channel):
    tv = socketio.test_client(app, namespace="/live", auth={"token": make.token("display")})
    tv.emit("subscribe", {"channel": channel}, namespace="/live")
    return tv


def _agent_board(messages, name):
    pictures = [m["args"][0]["data"] for m in messages
                if m["name"] == name and m["args"][0]["topic"].startswith("contest:")]
    return [[row["name"] for row in picture["standings"]["agent"]] for picture in pictures]


def test_each_channel_gets_its_own_picture_and_no_name_it_must_not_show(app, api, make, screens):
    tvs = {key: _tv(app, make, key) for key in ("full", "initials", "teams")}
    first = {key: tv.get_received("/live") for key, tv in tvs.items()}
    assert _agent_board(first["full"], "snapshot") == [["Bruno Keller", PLACEHOLDER]]  # no points: key order
    assert _agent_board(first["initials"], "snapshot") == [["Bruno K.", PLACEHOLDER]]
    assert _agent_board(first["teams"], "snapshot") == [[]]
    api.sale("s1", "bruno", "CARD", NOW - timedelta(minutes=5))
    api.sale("s2", "zoe", "CARD", NOW - timedelta(minutes=4))
    api.sale("s3", "zoe", "CARD", NOW - timedelta(minutes=3))
    later = {key: tv.get_received("/live") for key, tv in tvs.items()}
    assert _agent_board(later["full"], "standings")[-1] == [PLACEHOLDER, "Bruno Keller"]
    assert _agent_board(later["initials"], "standings")[-1] == [PLACEHOLDER, "Bruno K."]
    assert _agent_board(later["teams"], "standings")[-1] == []
    sellers = {key: [m["args"][0]["agent"]["name"] for m in messages if m["name"] == "sale"]
               for key, messages in later.items()}
    assert sellers == {"full": ["Bruno Keller", PLACEHOLDER, PLACEHOLDER],
                       "initials": ["Bruno K.", PLACEHOLDER, PLACEHOLDER],
                       "teams": [PLACEHOLDER, PLACEHOLDER, PLACEHOLDER]}
    everything = {key: json.dumps([first[key], later[key]], ensure_ascii=False) for key in tvs}
    assert all("Zoë" not in text and "Martin" not in text for text in everything.values())
    assert "Keller" not in everything["initials"] and "Bruno" not in everything["teams"]
    for tv in tvs.values():
        tv.disconnect(namespace="/live")


def test_a_lead_sees_the_hidden_flag_and_the_api_keeps_full_names_for_staff(client, api, screens):
    agent = client.get("/api/v1/agents/zoe", headers=api.admin).get_json()
    assert agent["name"] == "Zoë Martin" and agent["hidden_on_screens"] is True
    # A roster re-import without the column keeps the flag.
    again = client.put("/api/v1/agents/zoe", headers=api.admin, json={"name": "Zoë Martin", "site": "paris"})
    assert again.get_json()["hidden_on_screens"] is True


def test_channel_display_is_validated(client, api, screens):
    bad = client.put("/api/v1/channels/x", headers=api.admin, json={
        "name": "x", "slides": [{"type": "message", "text": "hi"}], "display": {"names": "nicknames", "top": 0}})
    assert bad.status_code == 422
    assert {e["field"] for e in bad.get_json()["errors"]} == {"display.names", "display.top"}


def test_a_screens_token_reads_boards_with_hidden_agents_as_placeholders(client, api, make, screens):
    api.sale("p1", "zoe", "CARD", NOW - timedelta(minutes=2))
    display = {"Authorization": f"Bearer {make.token('display')}"}
    for path in (f"/api/v1/contests/{screens['id']}/standings", "/api/v1/standings?period=month"):
        public = client.get(path, headers=display).get_json()["rows"]
        staff = client.get(path, headers=api.admin).get_json()["rows"]
        assert [row["name"] for row in public] == [PLACEHOLDER, "Bruno Keller"], path
        assert [row["name"] for row in staff] == ["Zoë Martin", "Bruno Keller"], path
        assert "zoe" not in json.dumps(public)


def test_a_draws_proof_on_screens_names_no_hidden_winner_and_lists_no_tickets():
    proof = {"seed": "ab", "tickets": ["s1#1 zoe", "s2#1 bruno"], "tickets_digest": "d",
             "winners": [{"slot": 0, "prize": "Mug", "ticket": "s1#1", "agent": "zoe"},
                         {"slot": 1, "prize": "Pen", "ticket": "s2#1", "agent": "bruno"}]}
    shown = public_picture({"proof": proof, HIDDEN_KEY: ["zoe"]}, ChannelDisplay())["proof"]
    assert [w["agent"] for w in shown["winners"]] == [PLACEHOLDER, "bruno"]
    assert "tickets" not in shown and shown["tickets_digest"] == "d"
    assert proof["winners"][0]["agent"] == "zoe"  # the stored proof is untouched
    nobody = public_picture({"proof": proof, HIDDEN_KEY: []}, ChannelDisplay(names="none"))["proof"]
    assert [w["agent"] for w in nobody["winners"]] == [PLACEHOLDER, PLACEHOLDER]


def test_agents_read_colleagues_hidden_but_themselves_in_full(app, client, api, screens):
    api.sale("p2", "zoe", "CARD", NOW - timedelta(minutes=2))
    with app.app_context():
        _, zoe = auth.create_api_key("zoe's script", "agent", agent_key="zoe")
        _, bruno = auth.create_api_key("bruno's script", "agent", agent_key="bruno")
    path = f"/api/v1/contests/{screens['id']}/standings"
    mine = client.get(path, headers={"Authorization": f"Bearer {zoe}"}).get_json()["rows"]
    theirs = client.get(path, headers={"Authorization": f"Bearer {bruno}"}).get_json()["rows"]
    assert [row["name"] for row in mine] == ["Zoë Martin", "Bruno Keller"]
    assert [row["name"] for row in theirs] == [PLACEHOLDER, "Bruno Keller"]


def test_a_tv_follows_its_channels_new_display_and_leaves_the_old_room(app, api, make, client, screens):
    tv = _tv(app, make, "full")
    tv.get_received("/live")
    slides = [{"type": "standings", "contest": screens["id"]}]
    changed = client.put("/api/v1/channels/full", headers=api.admin,
                         json={"name": "full", "slides": slides, "display": {"names": "first_initial"}})
    assert changed.status_code == 200
    assert [m["name"] for m in tv.get_received("/live")] == ["channel"]
    tv.emit("snapshot", {"topic": "channel:full"}, namespace="/live")  # what the page does on a channel delta
    assert _agent_board(tv.get_received("/live"), "snapshot") == [["Bruno K.", PLACEHOLDER]]
    api.sale("c1", "bruno", "CARD", NOW - timedelta(minutes=1))
    messages = tv.get_received("/live")
    assert [m["args"][0]["agent"]["name"] for m in messages if m["name"] == "sale"] == ["Bruno K."]
    assert "Keller" not in json.dumps(messages)
    tv.disconnect(namespace="/live")
