"""The phone's cards as data: my best race and my match first, a draw of tickets and prizes (no rank), a cup's tie
without a league table, the next fixture, the shared pictures' podium and ticket holders, and the web app manifest."""
import re
from collections import Counter
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from leaderboard.services.boards.live_snapshots import phone_picture
from leaderboard.web.phone_data import best_contest
from tests.conftest import NOW
from tests.phone.test_phone_page import my_numbers, open_link

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture()
def world(api, make, at_now):
    make.site("paris", "Europe/Paris", name="Paris")
    make.site("lyon", "Europe/Paris", name="Lyon")
    for key in ("ana", "bob", "cleo", "dan", "eve"):
        make.agent("paris", key, name=key.title())
    make.agent("lyon", "lea", name="Léa")
    make.product("CARD", points=50, bonus="25.00")
    midnight = NOW.astimezone(PARIS).replace(hour=0, minute=0, second=0, microsecond=0)
    window = {"starts_at": (midnight - timedelta(days=2)).isoformat(),
              "ends_at": (midnight + timedelta(days=5)).isoformat()}
    week = api.contest(name="Week race", **window)
    # Listed after the week race (it ends later), but Ana ranks first in it: it is her best race.
    sprint = api.contest(name="Sprint", starts_at=(NOW - timedelta(minutes=90)).isoformat(),
                         ends_at=(midnight + timedelta(days=6)).isoformat())
    draw = api.contest(name="Jackpot", kind="lucky_draw", **window,
                       prizes=[{"name": "Weekend", "quantity": 1}, {"name": "Voucher", "quantity": 2}])
    league_rules = {"match_length": "P1D", "points_per_goal": 50, "normalize": "none"}
    league = api.contest(name="League", kind="league", ends_at=None, sites=["paris", "lyon"],
                         starts_at=midnight.isoformat(), rules={"format": "league", "legs": 2, **league_rules})
    cup = api.contest(name="Cup", kind="league", ends_at=None, sites=["paris", "lyon"],
                      starts_at=midnight.isoformat(), rules={"format": "cup", **league_rules})
    # One ticket per sale: Bob 3, Cleo 2, Dan, Ana and Eve 1 each. Week race: Bob 150, Cleo 100 (first to it),
    # Dan 100, Ana 50 (first to it), Eve 50. Sprint (the last 90 minutes): Ana 50, then Eve 50.
    for n in range(3):
        api.sale(f"b{n}", "bob", "CARD", NOW - timedelta(hours=3) + timedelta(minutes=n))
    for n in range(2):
        api.sale(f"c{n}", "cleo", "CARD", NOW - timedelta(minutes=150) + timedelta(minutes=n))
    api.sale("d1", "dan", "CARD", NOW - timedelta(hours=2), quantity=2)
    api.sale("a1", "ana", "CARD", NOW - timedelta(hours=1))
    api.sale("e1", "eve", "CARD", NOW - timedelta(minutes=30))
    return {"week": week, "sprint": sprint, "draw": draw, "league": league, "cup": cup}


def card(numbers, contest):
    return next(c for c in numbers["cards"] if c["id"] == contest["id"])


def test_a_draw_card_has_tickets_and_prizes_and_no_ranking(app, world):
    phone, _ = open_link(app, "ana")
    draw = card(my_numbers(app, phone), world["draw"])
    assert draw["tickets"] == 1 and draw["tickets_total"] == 3 + 2 + 1 + 1 + 1
    assert draw["prizes"] == [{"name": "Weekend", "quantity": 1}, {"name": "Voucher", "quantity": 2}]
    assert draw["one_prize_per_agent"] is True
    assert draw["rank"] is None and draw["gap"] is None and draw["points"] is None and draw["nearby"] == []
    page = phone.get("/me").get_data(as_text=True)
    markup = page.split(f'data-contest="{world["draw"]["id"]}"')[1].split('<details class="card contest')[0]
    assert 'data-block="race" hidden' in markup and 'data-block="tickets" >' in markup
    assert markup.count("<li>") == 2  # one odds line per prize (the page adds "any prize")


def test_the_draws_shared_picture_counts_ticket_holders_without_names(app, world):
    with app.app_context():
        picture = phone_picture(world["draw"]["id"])
    expected = Counter({"bob": 3, "cleo": 2, "dan": 1, "ana": 1, "eve": 1}.values())
    assert picture["tickets"]["total"] == 8
    assert dict(picture["tickets"]["holders"]) == dict(expected)
    assert "agents" not in picture["tickets"]


def test_a_races_shared_picture_gives_the_podium_score(app, world):
    with app.app_context():
        picture = phone_picture(world["week"]["id"])
    assert picture["podium"] == 100  # Bob 150, Cleo 100, Dan 100 on the podium


def test_my_best_race_and_my_match_come_first(app, world):
    phone, _ = open_link(app, "ana")
    numbers = my_numbers(app, phone)
    assert card(numbers, world["week"])["rank"] == 4 and card(numbers, world["sprint"])["rank"] == 1
    # My match: the cup's (its single day ends before the two-leg league's, so it is listed first).
    assert numbers["featured"] == [world["sprint"]["id"], world["cup"]["id"]]
    assert [c["id"] for c in numbers["cards"]][:2] == numbers["featured"]
    page = phone.get("/me").get_data(as_text=True)
    featured = page.split('id="featured"')[1].split('id="no-contest"')[0]
    assert featured.count('<details class="card contest featured"') == 2
    assert featured.index(f'data-contest="{world["sprint"]["id"]}"') < featured.index(
        f'data-contest="{world["cup"]["id"]}"')
    assert f'data-contest="{world["week"]["id"]}"' not in featured


def test_a_league_card_has_a_table_and_the_next_fixture_and_a_cup_has_no_table(app, world):
    phone, _ = open_link(app, "ana")
    numbers = my_numbers(app, phone)
    league, cup = card(numbers, world["league"]), card(numbers, world["cup"])
    assert league["format"] == "league" and sorted(row["site"] for row in league["table"]) == ["lyon", "paris"]
    assert league["match"]["status"] == "live"
    # Two legs of a day each: the return leg starts tomorrow, away at Lyon.
    assert league["next_match"]["home"] == "lyon" and league["next_match"]["away"] == "paris"
    assert league["next_match"]["starts_at"] == league["match"]["ends_at"]
    assert cup["format"] == "cup" and cup["table"] == []
    # Two sites: the cup is one tie, today's final, and nothing after it.
    assert cup["match"]["round"] == 1 == cup["rounds"] and cup["next_match"] is None


def test_the_web_app_manifest_points_at_the_personal_page_with_icons_that_exist(app, client):
    response = client.get("/me/manifest.webmanifest")
    assert response.status_code == 200 and response.mimetype == "application/manifest+json"
    manifest = response.get_json(force=True)
    assert manifest["start_url"] == "/me" and manifest["display"] == "standalone"
    tokens = (Path(app.static_folder) / "css" / "tokens.css").read_text(encoding="utf-8")
    background = re.search(r"--bg:\s*(#[0-9a-f]{6})", tokens).group(1)
    assert manifest["theme_color"] == manifest["background_color"] == background
    purposes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert purposes == {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}
    for icon in manifest["icons"]:
        image = client.get(icon["src"])
        assert image.status_code == 200 and image.data.startswith(b"\x89PNG")
        image.close()
    page = client.get("/me")
    assert "manifest-src 'self'" in page.headers["Content-Security-Policy"]
    html = page.get_data(as_text=True)
    assert '<link rel="manifest" href="/me/manifest.webmanifest">' in html
    assert f'<meta name="theme-color" content="{background}">' in html


def test_without_a_race_the_draw_is_my_best_contest():
    def data(cid, kind, rank=None, invited=False):
        return {"id": cid, "kind": kind, "rank": rank, "invited": invited}

    assert best_contest([data(1, "lucky_draw"), data(2, "race", rank=3), data(3, "race", rank=2)]) == 3
    assert best_contest([data(1, "league"), data(2, "lucky_draw", invited=True), data(3, "lucky_draw")]) == 3
    assert best_contest([data(1, "league")]) is None


def test_the_first_paint_already_names_the_round(app, world):
    phone, _ = open_link(app, "ana")
    page = phone.get("/me").get_data(as_text=True)
    league = page.split(f'data-contest="{world["league"]["id"]}"')[1].split('<details class="card contest')[0]
    cup = page.split(f'data-contest="{world["cup"]["id"]}"')[1].split('<details class="card contest')[0]
    assert ">Round 1 of 2</p>" in league  # two sites, two legs: two rounds
    assert ">Final</p>" in cup
