"""The contest wizard step by step as a browser drives it (hidden inputs carry the other steps), every problem in
one round, previews, and rule edits with real controls; messages in the page's language."""
import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import NOW
from tests.console.conftest import csrf_from


class FormReader(HTMLParser):
    """The values a browser would send for the page's wizard form (without its buttons)."""

    def __init__(self):
        super().__init__()
        self.values: list[tuple[str, str]] = []
        self.inside, self.select, self.textarea = False, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and "wizard" in (a.get("class") or ""):
            self.inside = True
        if not self.inside:
            return
        if tag == "input" and a.get("name") and a.get("type") not in ("submit",):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.values.append((a["name"], a.get("value") or ("y" if a.get("type") == "checkbox" else "")))
        elif tag == "select":
            self.select = a["name"]
        elif tag == "option" and self.select and "selected" in a:
            self.values.append((self.select, a.get("value", "")))
        elif tag == "textarea":
            self.textarea = a["name"]
            self.values.append((a["name"], ""))

    def handle_data(self, data):
        if self.textarea:
            name, text = self.values[-1]
            self.values[-1] = (name, text + data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None


class Wizard:
    """Drives /console/contests/new/<kind> like a browser: each post sends the page's own values plus changes."""

    def __init__(self, client, kind):
        self.client, self.url = client, f"/console/contests/new/{kind}"
        self.page = client.get(self.url).get_data(as_text=True)

    def values(self):
        reader = FormReader()
        reader.feed(self.page)
        out = {}
        for name, value in reader.values:
            if name == "go":
                continue
            out.setdefault(name, []).append(value.removeprefix("\n") if name in TEXTAREAS else value)
        return out

    def post(self, button, **changes):
        data = self.values()
        for name, value in changes.items():
            data[name] = value if isinstance(value, list) else [value]
        name, _, value = button.partition("=")
        data[name] = [value or "1"]
        data["csrf_token"] = [csrf_from(self.page)]
        response = self.client.post(self.url, data={k: v for k, v in data.items() if v != [None]})
        if response.status_code != 302:
            self.page = response.get_data(as_text=True)
        return response


TEXTAREAS = ("prizes", "product_points", "product_tickets")


def shown_steps(page):
    return re.findall(r'<section class="card wizard-step" id="step-(\w+)"', page)


def error_in(page, name):
    """The error texts of the field holding the input called `name`."""
    for block in re.findall(r'<div class="field[^"]*">.*?</div>', page, re.S):
        if f'name="{name}"' in block:
            return re.findall(r'<small class="error" role="alert">(.*?)</small>', block)
    raise AssertionError(f"no field {name!r}")


@pytest.fixture()
def shop(make):
    make.product("GOLD", points=30)
    make.product("TIN", points=10)


def admin_get(api, path):
    response = api.client.get(f"/api/v1{path}", headers=api.admin)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def launched(api, response):
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return admin_get(api, "/contests/" + response.headers["Location"].rsplit("/", 1)[1])


def quality(app):
    return list(app.config["KPIS"]).index("quality_score")


def test_a_race_walks_every_step_and_launches_what_the_api_would(app, at_now, lead_client, make, shop, api):
    make.agent("paris", "ana")
    api.sale("s1", "ana", "GOLD", NOW - timedelta(hours=2), quantity=2)
    wizard = Wizard(lead_client, "race")
    assert shown_steps(wizard.page) == ["basics"] and "Europe/Paris" in wizard.page
    assert wizard.post("go=sites", name="Winter race", starts_at="2026-11-16T00:00",
                       ends_at="2026-11-23T00:00").status_code == 200
    assert shown_steps(wizard.page) == ["sites"]
    wizard.post("go=scoring", sites=["paris"])
    q = quality(app)
    wizard.post("go=prizes", product_points="GOLD=50\nTIN = 12.5", normalize="fte", gate_kpi="quality_score",
                gate_min="80", sales_weight="1.5", counted_kinds="sale", assists="y",
                **{f"kpi_{q}_weight": "2", f"kpi_{q}_target": "90"})
    assert shown_steps(wizard.page) == ["prizes"]
    wizard.post("go=preview", prizes="1 × Weekend away\n2 x Cinema tickets", ip_0_name="Coffee", ip_0_stock="5",
                ip_0_when="every_nth_site", ip_0_n="10")
    assert shown_steps(wizard.page) == ["preview"] and "Nothing has been created yet." in wizard.page
    # The first standings: two GOLD at the override of 50, times the sales weight of 1.5.
    assert 'data-key="ana" data-points="150"' in wizard.page
    assert admin_get(api, "/contests")["items"] == []  # the preview created nothing
    contest = launched(api, wizard.post("launch"))
    expected = {"products": {"GOLD": {"points": 50}, "TIN": {"points": 12.5}}, "count_pending": True,
                "gate": {"kpi": "quality_score", "min": 80},
                "score": {"sales": 1.5, "kpis": {"quality_score": {"weight": 2, "target": 90}}}, "normalize": "fte",
                "kinds": ["sale"], "assists": True,
                "instant_prizes": [{"name": "Coffee", "stock": 5, "when": {"kind": "every_nth", "n": 10,
                                                                             "scope": "site"}}]}
    assert contest["rules"] == expected
    assert datetime.fromisoformat(contest["starts_at"]) == datetime(2026, 11, 16, tzinfo=ZoneInfo("Europe/Paris"))
    assert contest["sites"] == ["paris"]
    twin = api.contest(name="Twin", sites=["paris"], rules=expected,
                       prizes=[{"name": "Weekend away", "quantity": 1}, {"name": "Cinema tickets", "quantity": 2}])
    assert twin["rules"] == contest["rules"] and twin["prizes"] == contest["prizes"]
    assert api.standings(contest["id"])["rows"][0]["points"] == 150


def test_a_lucky_draw_and_a_cup_launch_the_rules_the_api_takes(app, at_now, admin_client, make, shop, api):
    agents = {}
    for key in ("s1", "s2", "s3"):
        make.site(key, "Europe/Paris")
        agents[key] = make.agent(key)
    api.sale("d1", agents["s1"], "GOLD", NOW - timedelta(hours=2))  # 30 points: at least the minimum of 10
    api.sale("d2", agents["s2"], "TIN", NOW - timedelta(hours=1))  # a TIN earns no ticket here
    draw = Wizard(admin_client, "lucky_draw")
    draw.post("go=draw", name="Jackpot", timezone="UTC", starts_at="2026-11-16T00:00", ends_at="2026-11-20T00:00",
              sites=["s1", "s2"])
    assert shown_steps(draw.page) == ["draw"]
    draw.post("go=prizes", tickets_per_sale="2", product_tickets="GOLD=3\nTIN=0", min_points="10",
              one_prize_per_agent=None)
    draw.post("go=preview", prizes="1 x Weekend")
    assert f'data-key="{agents["s1"]}" data-points="30" data-tickets="3"' in draw.page
    assert f'data-key="{agents["s2"]}" data-points="10" data-tickets="0"' in draw.page
    assert "Tickets so far: 3." in draw.page
    contest = launched(api, draw.post("launch"))
    assert contest["rules"] == {"tickets_per_sale": 2, "min_points": 10, "one_prize_per_agent": False,
                                "products": {"GOLD": {"tickets": 3}, "TIN": {"tickets": 0}}, "count_pending": True}
    assert datetime.fromisoformat(contest["ends_at"]) == datetime(2026, 11, 20, tzinfo=UTC)
    assert contest["prizes"][0]["name"] == "Weekend"

    cup = Wizard(admin_client, "league")
    cup.post("go=league", name="Cup", timezone="Europe/Paris", starts_at="2026-11-23T00:00",
             sites=["s3", "s1", "s2"])
    cup.post("preview", format="cup", match_days="2", points_per_goal="100", normalize="none", win="3", draw="1",
             loss="0")
    assert shown_steps(cup.page) == ["preview"]
    assert re.findall(r'data-home="(\w+)" data-away="(\w+)"', cup.page) == [("s1", "s2")]  # s3 seeded first: bye
    assert 'class="bye" data-site="s3"' in cup.page
    contest = launched(api, cup.post("launch"))
    rules = {"format": "cup", "match_length": "P2D", "points_per_goal": 100, "normalize": "none",
             "match_points": {"win": 3, "draw": 1, "loss": 0}}
    assert contest["rules"] == {**rules, "legs": 1}  # the league defaults fill in legs, for the API too
    assert contest["league"]["seeds"] == ["s3", "s1", "s2"]  # seeded in the order chosen
    twin = api.contest(name="Twin cup", kind="league", sites=["s3", "s1", "s2"], ends_at=None,
                       starts_at="2026-11-23T00:00:00+01:00", rules=rules)
    assert twin["rules"] == contest["rules"] and twin["ends_at"] == contest["ends_at"]


def test_every_problem_shows_at_once_next_to_its_field(app, at_now, lead_client, shop, api):
    wizard = Wizard(lead_client, "race")
    q = quality(app)
    response = wizard.post("launch", name="", starts_at="2026-11-16T00:00", ends_at="2026-11-10T00:00",
                           product_points="NOPE=3", **{f"kpi_{q}_weight": "2"})
    assert response.status_code == 422
    page = wizard.page
    assert error_in(page, "name") == ["This field is required."]  # the form's check
    assert error_in(page, "ends_at") == ["Must be after the start."]  # the service's, same round
    assert error_in(page, "product_points") == ["Unknown product “NOPE”."]  # the service's
    assert error_in(page, f"kpi_{q}_target") == ["Required when a weight is set."]
    assert shown_steps(page) == ["basics", "scoring"] and "Problems to fix before launching: 4" in page
    assert 'value="2026-11-10T00:00"' in page and "NOPE=3" in page  # what was typed is kept
    assert admin_get(api, "/contests")["items"] == []


def test_next_stops_at_a_step_in_error_and_back_always_works(app, lead_client, shop):
    wizard = Wizard(lead_client, "race")
    assert wizard.post("go=sites", name="", ends_at="2026-11-10T00:00", starts_at="2026-11-16T00:00"
                       ).status_code == 422
    assert shown_steps(wizard.page) == ["basics"]
    assert error_in(wizard.page, "name") and error_in(wizard.page, "ends_at") == ["Must be after the start."]
    wizard.post("go=scoring", name="Fixed", ends_at="2026-11-20T00:00")
    assert shown_steps(wizard.page) == ["scoring"]
    wizard.post("go=basics", product_points="nonsense")  # back, even with a step in error
    assert shown_steps(wizard.page) == ["basics"] and 'value="Fixed"' in wizard.page


def test_a_french_page_says_everything_in_french(app, at_now, lead_client, shop, api):
    lead_client.get("/lang/fr")
    wizard = Wizard(lead_client, "race")
    assert "fuseau horaire Europe/Paris" in wizard.page
    wizard.post("launch", name="", ends_at="2026-11-10T00:00", starts_at="2026-11-16T00:00",
                product_points="NOPE=3", sites=[])
    page = wizard.page
    assert error_in(page, "ends_at") == ["Doit être après le début."]
    assert error_in(page, "product_points") == ["Produit inconnu « NOPE »."]
    assert error_in(page, "sites") == ["Choisissez au moins un site."]
    assert error_in(page, "name") == ["Ce champ est requis."]
    for english in ("must be after", "nknown product", "needs at least one site", "This field is required"):
        assert english not in page


def test_rule_edits_use_controls_and_keep_what_they_do_not_show(app, at_now, lead_client, make, shop, api):
    make.agent("paris", "ana")
    contest = api.contest(sites=["paris"], rules={"include_products": ["GOLD"], "opt_in": False,
                                                  "products": {"GOLD": {"points": 45, "tickets": 2}}})
    api.sale("s1", "ana", "GOLD", NOW - timedelta(hours=3), quantity=2)
    url = f"/console/contests/{contest['id']}"
    page = lead_client.get(url).get_data(as_text=True)
    assert "GOLD=45</textarea>" in page and "<details class=\"advanced\" id=\"advanced\">" in page
    token = csrf_from(page)
    response = lead_client.post(f"{url}/edit", data={
        "csrf_token": token, "name": contest["name"], "ends_at": "2026-11-23T00:00", "product_points": "GOLD=60",
        "sales_weight": "2", "normalize": "none", "count_pending": "y", "counted_kinds": "", "save": "1"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert admin_get(api, f"/contests/{contest['id']}")["rules"] == {
        "include_products": ["GOLD"], "opt_in": False, "products": {"GOLD": {"points": 60, "tickets": 2}},
        "score": {"sales": 2}, "normalize": "none", "count_pending": True}
    assert api.standings(contest["id"])["rows"][0]["points"] == 240  # 2 × 60 × weight 2, re-scored


def test_rule_edit_problems_come_in_one_round(app, at_now, lead_client, shop, api):
    contest = api.contest(sites=["paris"])
    url = f"/console/contests/{contest['id']}"
    q = quality(app)
    response = lead_client.post(f"{url}/edit", data={
        "csrf_token": csrf_from(lead_client.get(url).get_data(as_text=True)), "name": "Race",
        "ends_at": "2026-11-01T00:00", "sales_weight": "1", "normalize": "none", "product_points": "NOPE=1",
        f"kpi_{q}_weight": "3", "save": "1"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert error_in(page, f"kpi_{q}_target") == ["Required when a weight is set."]
    assert error_in(page, "ends_at") == ["Must be after the start."]
    assert error_in(page, "product_points") == ["Unknown product “NOPE”."]
    assert admin_get(api, f"/contests/{contest['id']}")["rules"] == {}


def test_a_league_changes_its_points_per_goal_through_the_controls(app, at_now, admin_client, make, api):
    for key in ("s1", "s2"):
        make.site(key, "Europe/Paris")
    league = api.contest(name="League", kind="league", sites=["s1", "s2"], ends_at=None,
                         rules={"format": "league", "legs": 2, "points_per_goal": 100, "normalize": "none"})
    url = f"/console/contests/{league['id']}"
    page = admin_client.get(url).get_data(as_text=True)
    assert 'name="points_per_goal" type="text" value="100"' in page and "fixed once the league" in page
    form = {"csrf_token": csrf_from(page), "name": "League", "format": "league", "legs": "2", "match_days": "1",
            "points_per_goal": "50", "normalize": "none", "win": "3", "draw": "1", "loss": "0", "save": "1"}
    assert admin_client.post(f"{url}/edit", data=form).status_code == 302
    contest = admin_get(api, f"/contests/{league['id']}")
    assert contest["rules"]["points_per_goal"] == 50 and contest["league"]["points_per_goal"] == 50
    assert contest["ends_at"] == league["ends_at"]
    response = admin_client.post(f"{url}/edit", data={**form, "legs": "1"})
    assert response.status_code == 422
    assert error_in(response.get_data(as_text=True), "legs") == [
        "This cannot change once the league has been launched."]


def test_what_a_preview_scored_never_leaks_into_the_launched_contest(app, at_now, lead_client, make, shop, api):
    make.agent("paris", "ana")
    api.sale("s1", "ana", "GOLD", NOW - timedelta(hours=2), quantity=2)
    wizard = Wizard(lead_client, "race")
    wizard.post("preview", name="Race", starts_at="2026-11-16T00:00", ends_at="2026-11-23T00:00",
                sites=["paris"], product_points="GOLD=50")
    assert 'data-key="ana" data-points="100"' in wizard.page
    wizard.post("go=scoring")
    contest = launched(api, wizard.post("launch", product_points="GOLD=7"))
    assert api.standings(contest["id"])["rows"][0]["points"] == 14
    detail = lead_client.get(f"/console/contests/{contest['id']}").get_data(as_text=True)
    assert 'data-key="ana" data-points="14"' in detail


def test_a_site_the_lead_does_not_manage_does_not_hide_the_other_problems(app, at_now, lead_client, shop, api):
    wizard = Wizard(lead_client, "race")
    assert wizard.post("launch", sites=["paris", "lyon"], product_points="NOPE=3").status_code == 422
    assert error_in(wizard.page, "sites") == ["&#39;lyon&#39; is not a valid choice for this field."]
    assert error_in(wizard.page, "product_points") == ["Unknown product “NOPE”."]
