"""Console contest pages: the wizard per kind, validation kept next to fields, league preview, detail, edit, cancel."""
import re
from collections import Counter
from datetime import datetime, timedelta
from itertools import combinations
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import NOW
from tests.console.conftest import post_form

PARIS = ZoneInfo("Europe/Paris")



def field_html(page, name):
    """The form-field block (label, input, errors) holding the input called `name`."""
    for block in re.findall(r'<div class="field[^"]*">.*?</div>', page, re.S):
        if f'name="{name}"' in block:
            return block
    raise AssertionError(f"no field {name!r} on the page")


def kpi_index(app, name):
    """Wizard KPI inputs are numbered in the order of the configured catalogue."""
    return list(app.config["KPIS"]).index(name)


def admin_get(client, api, path):
    response = client.get(f"/api/v1{path}", headers=api.admin)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.fixture()
def shop(make):
    make.product("GOLD", points=30)
    make.product("TIN", points=10)


def race_form(app, **changes):
    quality = kpi_index(app, "quality_score")
    data = {"name": "Winter race", "sites": ["paris"], "timezone": "Europe/Paris",
            "starts_at": "2026-11-16T00:00", "ends_at": "2026-11-23T00:00",
            "prizes": "1 × Weekend away\n2 x Cinema tickets", "product_points": "GOLD=50\nTIN = 12.5",
            "count_pending": "y", "sales_weight": "1", f"kpi_{quality}_weight": "2", f"kpi_{quality}_target": "90",
            "gate_kpi": "quality_score", "gate_min": "80", "normalize": "fte", "launch": "1"}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_race_wizard_launches_with_the_rules_typed(app, at_now, lead_client, make, shop, api):
    make.agent("paris", "ana")
    api.sale("s1", "ana", "GOLD", NOW - timedelta(hours=2), quantity=2)
    page = lead_client.get("/console/contests/new/race").get_data(as_text=True)
    assert 'value="paris"' in page and 'value="lyon"' not in page  # only the lead's sites are offered
    response = post_form(lead_client, "/console/contests/new/race", race_form(app))
    assert response.status_code == 302, response.get_data(as_text=True)
    contest_id = int(re.search(r"/console/contests/(\d+)$", response.headers["Location"]).group(1))
    contest = admin_get(api.client, api, f"/contests/{contest_id}")
    assert contest["kind"] == "race" and contest["sites"] == ["paris"] and contest["timezone"] == "Europe/Paris"
    assert datetime.fromisoformat(contest["starts_at"]) == datetime(2026, 11, 16, tzinfo=PARIS)
    assert datetime.fromisoformat(contest["ends_at"]) == datetime(2026, 11, 23, tzinfo=PARIS)
    assert contest["rules"] == {
        "products": {"GOLD": {"points": 50}, "TIN": {"points": 12.5}}, "count_pending": True,
        "gate": {"kpi": "quality_score", "min": 80},
        "score": {"sales": 1, "kpis": {"quality_score": {"weight": 2, "target": 90}}}, "normalize": "fte"}
    assert contest["prizes"] == [{"name": "Weekend away", "quantity": 1, "description": ""},
                                 {"name": "Cinema tickets", "quantity": 2, "description": ""}]
    # Two GOLD at the override of 50 each; no quality samples, so no KPI points and not qualified.
    row = api.standings(contest_id)["rows"][0]
    assert (row["key"], row["points"], row["qualified"]) == ("ana", 100, False)
    detail = lead_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Winter race" in detail and 'data-key="ana" data-points="100"' in detail


def test_validation_errors_rerender_next_to_fields_with_values_kept(app, at_now, lead_client, shop, api):
    quality = kpi_index(app, "quality_score")
    response = post_form(lead_client, "/console/contests/new/race", race_form(
        app, ends_at="2026-11-10T08:30", **{f"kpi_{quality}_target": "0"}, product_points="GOLD=50\nNOPE=3"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Must be after the start." in field_html(page, "ends_at")
    assert 'value="2026-11-10T08:30"' in field_html(page, "ends_at")
    target = field_html(page, f"kpi_{quality}_target")
    assert "from 0.0001" in target and 'value="0"' in target
    products = field_html(page, "product_points")
    assert "Unknown product “NOPE”." in products and "GOLD=50\nNOPE=3" in products
    assert 'value="Winter race"' in page and "2 x Cinema tickets" in page and 'value="80"' in page
    assert admin_get(api.client, api, "/contests")["items"] == []


def test_form_level_checks_and_unknown_kind(app, lead_client, shop):
    response = post_form(lead_client, "/console/contests/new/race", race_form(
        app, timezone="Mars/Olympus", gate_min="", ends_at="", prizes="0 x Nothing"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Unknown timezone" in field_html(page, "timezone") and 'value="Mars/Olympus"' in page
    assert "Required when a gate KPI is chosen." in field_html(page, "gate_min")
    assert "This field is required." in field_html(page, "ends_at")
    assert "Line 1: the quantity must be from 1 to 1000." in page
    assert lead_client.get("/console/contests/new/marathon").status_code == 404


def test_a_lead_cannot_launch_for_a_site_they_do_not_manage(app, lead_client, shop):
    response = post_form(lead_client, "/console/contests/new/race", race_form(app, sites=["paris", "lyon"]))
    assert response.status_code == 422
    assert "&#39;lyon&#39; is not a valid choice" in field_html(response.get_data(as_text=True), "sites")


FOUR = ["s1", "s2", "s3", "s4"]


def league_form(**changes):
    data = {"name": "Site league", "sites": FOUR, "timezone": "Europe/Paris", "starts_at": "2026-11-23T00:00",
            "format": "league", "legs": "2", "match_days": "1", "points_per_goal": "auto", "normalize": "fte",
            "win": "3", "draw": "1", "loss": "0"}
    data.update(changes)
    return data


def fixtures_of(page, row_pattern, item_pattern):
    rounds = {}
    for number, body in re.findall(row_pattern, page, re.S):
        rounds[int(number)] = re.findall(item_pattern, body)
    return rounds


def assert_double_round_robin(rounds):
    assert sorted(rounds) == [1, 2, 3, 4, 5, 6]
    for _number, pairs in rounds.items():
        assert len(pairs) == 2
        assert sorted(site for pair in pairs for site in pair) == FOUR  # everyone plays every round
    played = Counter(pair for pairs in rounds.values() for pair in pairs)
    assert set(played) == {(a, b) for a, b in combinations(FOUR, 2)} | {(b, a) for a, b in combinations(FOUR, 2)}
    assert set(played.values()) == {1}  # each pair twice: once at each home


def test_league_preview_shows_every_fixture_and_creates_nothing(app, at_now, admin_client, make, api):
    for key in FOUR:
        make.site(key, "Europe/Paris")
        make.agent(key)
    response = post_form(admin_client, "/console/contests/new/league", league_form(preview="1"))
    assert response.status_code == 200, response.get_data(as_text=True)
    page = response.get_data(as_text=True)
    rounds = fixtures_of(page, r'<tr class="round" data-round="(\d+)"(.*?)</tr>',
                         r'data-home="(\w+)" data-away="(\w+)"')
    assert_double_round_robin(rounds)
    starts = [datetime.fromisoformat(s) for s in re.findall(r'data-starts="([^"]+)"', page)]
    assert starts == [datetime(2026, 11, 23 + day, tzinfo=PARIS) for day in range(6)]  # one Paris day each
    # No sales history at all: "auto" falls back to its documented default of 10 points per goal.
    assert '<strong class="points-per-goal">10</strong>' in page
    assert 'value="Site league"' in page and "Nothing has been created yet." in page
    assert admin_get(api.client, api, "/contests")["items"] == []

    launched = post_form(admin_client, "/console/contests/new/league", league_form(launch="1"))
    assert launched.status_code == 302, launched.get_data(as_text=True)
    detail = admin_client.get(launched.headers["Location"]).get_data(as_text=True)
    fixtures = detail[detail.index('id="fixtures"'):]
    by_round = {}
    for number, home, away in re.findall(r'<tr class="match" data-round="(\d+)" data-home="(\w+)" '
                                         r'data-away="(\w+)"', fixtures):
        by_round.setdefault(int(number), []).append((home, away))
    assert_double_round_robin(by_round)
    assert by_round == rounds  # what was previewed is what was launched
    assert 'id="table"' in detail and "Current matches" in detail


def test_league_preview_errors_stay_next_to_fields(app, admin_client, make):
    make.site("s1", "Europe/Paris")
    make.site("s2", "Europe/Paris")
    response = post_form(admin_client, "/console/contests/new/league",
                         league_form(sites=["s1"], points_per_goal="-4", preview="1"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "A positive number, or auto." in field_html(page, "points_per_goal")
    response = post_form(admin_client, "/console/contests/new/league", league_form(sites=["s1"], preview="1"))
    assert "Choose at least two sites." in field_html(response.get_data(as_text=True), "sites")
    response = post_form(admin_client, "/console/contests/new/league",
                         league_form(sites=["s1", "s2"], ends_at="2026-12-30T00:00", preview="1"))
    assert "does not match the fixtures" in field_html(response.get_data(as_text=True), "ends_at")


def race(api, **fields):
    body = {"sites": ["paris"], "rules": {}}
    body.update(fields)
    return api.contest(**body)


def test_edit_rules_rescores_and_warns(app, at_now, lead_client, make, shop, api):
    make.agent("paris", "ana")
    make.agent("paris", "bob")
    contest = race(api)
    api.sale("s1", "ana", "GOLD", NOW - timedelta(hours=3), quantity=2)
    api.sale("s2", "bob", "TIN", NOW - timedelta(hours=2), quantity=7)
    url = f"/console/contests/{contest['id']}"
    page = lead_client.get(url).get_data(as_text=True)
    assert "re-scores the whole contest from the event log" in page
    assert {r["key"]: r["points"] for r in api.standings(contest["id"])["rows"]} == {"ana": 60, "bob": 70}
    response = post_form(lead_client, f"{url}/edit", {"name": "Renamed race", "ends_at": "2026-11-23T00:00",
                                                      "rules": '{"products": {"GOLD": {"points": 45}}}'}, page=url)
    assert response.status_code == 302
    assert {r["key"]: r["points"] for r in api.standings(contest["id"])["rows"]} == {"ana": 90, "bob": 70}
    after = lead_client.get(url).get_data(as_text=True)
    assert "re-scored from the event log" in after and "Renamed race" in after
    assert admin_get(api.client, api, f"/contests/{contest['id']}")["rules"] == {"products": {"GOLD": {"points": 45}}}


def test_edit_rules_errors_are_next_to_the_rules(app, at_now, lead_client, shop, api):
    contest = race(api)
    url = f"/console/contests/{contest['id']}"
    response = post_form(lead_client, f"{url}/edit", {"name": "Race", "ends_at": "", "rules": '{"products": '},
                         page=url)
    assert response.status_code == 422
    rules = field_html(response.get_data(as_text=True), "rules")
    assert "Not valid JSON" in rules and "{&#34;products&#34;: </textarea>" in rules
    response = post_form(lead_client, f"{url}/edit", {"name": "Race", "ends_at": "2026-11-10T00:00",
                                                      "rules": '{"gate": {"kpi": "nope", "min": 1}}'}, page=url)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    advanced = page[page.index('id="advanced"'):]  # the JSON view, behind its details element
    assert "Unknown KPI “nope”" in field_html(advanced, "rules")
    assert "Must be after the start." in field_html(advanced, "ends_at")
    assert admin_get(api.client, api, f"/contests/{contest['id']}")["rules"] == {}


def test_a_lead_gets_403_on_another_sites_contest_and_does_not_see_it(app, at_now, lead_client, shop, api):
    theirs = race(api, name="Lyon only", sites=["lyon"])
    mine = race(api, name="Paris only")
    dashboard = lead_client.get("/console/").get_data(as_text=True)
    assert "Paris only" in dashboard and "Lyon only" not in dashboard
    assert lead_client.get(f"/console/contests/{theirs['id']}").status_code == 403
    page = f"/console/contests/{mine['id']}"
    assert post_form(lead_client, f"/console/contests/{theirs['id']}/edit",
                     {"name": "Mine now", "rules": "{}"}, page=page).status_code == 403
    assert post_form(lead_client, f"/console/contests/{theirs['id']}/cancel", {"confirm": "y"},
                     page=page).status_code == 403
    assert admin_get(api.client, api, f"/contests/{theirs['id']}")["name"] == "Lyon only"
    # A contest spanning both sites is listed and readable, but only a lead of every site may change it.
    shared = race(api, name="Shared", sites=["paris", "lyon"])
    assert "Shared" in lead_client.get("/console/").get_data(as_text=True)
    page = lead_client.get(f"/console/contests/{shared['id']}").get_data(as_text=True)
    assert "Shared" in page and 'id="edit"' not in page
    assert post_form(lead_client, f"/console/contests/{shared['id']}/edit", {"name": "Mine now", "rules": "{}"},
                     page=f"/console/contests/{shared['id']}").status_code == 403
    assert lead_client.get("/console/contests/999999").status_code == 404


def test_cancel_needs_the_confirmation_box(app, at_now, lead_client, shop, api):
    contest = race(api)
    url = f"/console/contests/{contest['id']}"
    response = post_form(lead_client, f"{url}/cancel", {}, page=url)
    assert response.status_code == 422
    assert "Tick the box to confirm." in field_html(response.get_data(as_text=True), "confirm")
    assert admin_get(api.client, api, f"/contests/{contest['id']}")["status"] == "live"
    assert post_form(lead_client, f"{url}/cancel", {"confirm": "y"}, page=url).status_code == 302
    assert admin_get(api.client, api, f"/contests/{contest['id']}")["status"] == "cancelled"
    assert "it can no longer be changed" in lead_client.get(url).get_data(as_text=True)


def test_standings_tabs_by_team_and_site(app, at_now, lead_client, make, shop, api):
    red = make.team("paris", "red")
    make.agent("paris", "ana", team=red)
    make.agent("paris", "bob", team=red)
    contest = race(api)
    api.sale("s1", "ana", "GOLD", NOW - timedelta(hours=3))
    api.sale("s2", "bob", "TIN", NOW - timedelta(hours=2))
    url = f"/console/contests/{contest['id']}"
    assert 'data-key="red" data-points="40"' in lead_client.get(f"{url}?by=team").get_data(as_text=True)
    assert 'data-key="paris" data-points="40"' in lead_client.get(f"{url}?by=site").get_data(as_text=True)
    assert 'data-key="ana" data-points="30"' in lead_client.get(f"{url}?by=nonsense").get_data(as_text=True)


def test_contest_posts_without_csrf_are_rejected(app, at_now, lead_client, shop, api):
    contest = race(api)
    assert lead_client.post("/console/contests/new/race", data=race_form(app)).status_code == 400
    assert lead_client.post(f"/console/contests/{contest['id']}/edit", data={"name": "x", "rules": "{}"}
                            ).status_code == 400
    assert lead_client.post(f"/console/contests/{contest['id']}/cancel", data={"confirm": "y"}).status_code == 400
    assert admin_get(api.client, api, f"/contests/{contest['id']}")["status"] == "live"
    assert admin_get(api.client, api, "/contests")["items"] == [contest]
