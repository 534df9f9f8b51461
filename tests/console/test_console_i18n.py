"""Console words and formats: enum values and KPI names translated (never raw), dates in the reader's regional
format (en-GB day-first), one time zone per sales view, and slides refused for a contest of the wrong kind."""
import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from babel.messages.pofile import read_po

from leaderboard.config import PROJECT_ROOT
from leaderboard.web.labels import KPI_LABELS, LABELS
from tests.conftest import NOW
from tests.console.conftest import post_form, sign_in

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9"}


def page(client, url, headers=None, **query):
    response = client.get(url, headers=headers or {}, query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return unescape(response.get_data(as_text=True))


def row(html, attribute, value):
    match = re.search(rf'<tr [^>]*{attribute}="{re.escape(str(value))}".*?</tr>', html, re.S)
    assert match, f"no row with {attribute}={value}"
    return re.sub(r"\s+", " ", match.group(0))


@pytest.mark.parametrize("language", ["fr", "de"])
def test_every_label_and_kpi_name_has_a_translation(language):
    """Each enum value and KPI name the console shows is in the catalogue, translated and not fuzzy."""
    with (PROJECT_ROOT / "leaderboard" / "translations" / language / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalogue = read_po(f, locale=language)
    msgids = {str(text._args[0]) for group in LABELS.values() for text in group.values()}
    msgids |= {str(text._args[0]) for text in KPI_LABELS.values()}
    missing = sorted(m for m in msgids if not (catalogue.get(m) and catalogue.get(m).string)
                     or catalogue.get(m).fuzzy)
    assert missing == []


def test_dashboard_kinds_and_statuses_in_french_with_their_time_zone(at_now, lead_client, api):
    race = api.contest(name="Course de novembre", sites=["paris"])  # 16–23 Nov: live at NOW
    draw = api.contest(name="Tirage", kind="lucky_draw", sites=["paris"], starts_at="2026-12-01T00:00:00+01:00",
                       ends_at="2026-12-08T00:00:00+01:00", prizes=[{"name": "Bon"}])
    html = page(lead_client, "/console/", FRENCH)
    race_row, draw_row = row(html, "data-contest", race["id"]), row(html, "data-contest", draw["id"])
    assert "Course</td>" in race_row and ">en cours<" in race_row and "Europe/Paris" in race_row
    assert "Tirage au sort</td>" in draw_row and ">programmé<" in draw_row
    for raw in ("lucky_draw", ">live<", ">scheduled<", ">race<"):
        assert raw not in race_row + draw_row


def test_sales_status_and_channel_editor_words_in_french(at_now, lead_client, make, api):
    make.agent("paris", "pa1", name="Pia")
    make.product("P1")
    api.sale("s1", "pa1", "P1", NOW - timedelta(hours=1))
    sales = page(lead_client, "/console/sales/", FRENCH)
    assert ">en attente<" in row(sales, "data-sale", "s1") and "Fuseau horaire" in sales
    editor = page(lead_client, "/console/screens/new", FRENCH)
    for word in ("Classement", "Centre des matchs", "Graphique", "Points par heure aujourd’hui", "Équipes",
                 "Aperçu en direct", "Langue"):
        assert word in editor, word
    for raw in (">match_centre<", ">sales_per_hour<", ">lucky_draw<"):
        assert raw not in editor


def test_audit_actions_in_french(at_now, lead_client, api):
    contest = api.contest(name="Course", sites=["paris"])
    html = page(lead_client, "/console/audit/", FRENCH, object_type="contest")
    assert "a créé un concours" in row(html, "data-entry", re.search(r'data-entry="(\d+)"', html).group(1))
    assert f'concours</span> <span class="mono">{contest["id"]}</span>' in html


@pytest.mark.parametrize("accept, day, time", [
    ("en-GB,en;q=0.9", "17 Nov 2026", "00:30"),  # day first, 24-hour clock
    ("en-US,en;q=0.9", "Nov 17, 2026", "12:30:00 AM"),
    ("de-DE,de;q=0.9", "17.11.2026", "00:30"),
    ("fr-FR,fr;q=0.9", "17 nov. 2026", "00:30"),
])
def test_dates_follow_the_regional_locale(at_now, lead_client, make, api, accept, day, time):
    make.agent("paris", "pa1")
    make.product("P1")
    api.sale("s17", "pa1", "P1", datetime(2026, 11, 16, 23, 30, tzinfo=UTC))  # 17 Nov 00:30 in Paris
    html = page(lead_client, "/console/sales/", {"Accept-Language": accept})
    when = re.search(r'<td class="when"[^>]*>([^<]*)</td>', row(html, "data-sale", "s17")).group(1)
    assert day in when and time in when


def test_sales_log_reads_in_one_zone_with_the_site_time_beside(at_now, app, make, api):
    make.site("ams", "Europe/Amsterdam", name="Amsterdam")
    make.site("nyc", "America/New_York", name="New York")
    make.agent("ams", "a1")
    make.agent("nyc", "n1")
    make.product("P1")
    api.sale("s-ams", "a1", "P1", datetime(2026, 11, 18, 8, 0, tzinfo=UTC))  # 09:00 in Amsterdam
    api.sale("s-nyc", "n1", "P1", datetime(2026, 11, 18, 9, 0, tzinfo=UTC))  # 04:00 in New York
    client = app.test_client()
    sign_in(client, make.user("lead", ("nyc", "ams")))
    html = page(client, "/console/sales/", {"Accept-Language": "en-GB"})
    assert re.findall(r'data-sale="([^"]+)"', html) == ["s-nyc", "s-ams"]  # by instant, newest first
    assert "Times and dates in Europe/Amsterdam" in html  # the first of the lead's sites, by key
    nyc = row(html, "data-sale", "s-nyc")
    assert ">18 Nov 2026, 10:00:00<" in nyc and "18/11/2026, 04:00" in nyc and "America/New York" in nyc
    utc = page(client, "/console/sales/", {"Accept-Language": "en-GB"}, tz="UTC")
    assert ">18 Nov 2026, 09:00:00<" in row(utc, "data-sale", "s-nyc")
    # Days are the view's: 18 Nov in New York time starts at 05:00 UTC, so both sales are on it.
    days = page(client, "/console/sales/", tz="America/New_York", date_from="2026-11-18", date_to="2026-11-18")
    assert re.findall(r'data-sale="([^"]+)"', days) == ["s-nyc", "s-ams"]
    assert client.get("/console/sales/", query_string={"tz": "Mars/Olympus"}).status_code == 422


def test_a_slide_for_the_wrong_kind_of_contest_is_refused_by_the_api(api, make):
    make.site("paris")
    race = api.contest(name="Race", sites=["paris"])
    body = {"name": "Hall", "slides": [{"type": "message", "text": "Hi"}, {"type": "bracket", "contest": race["id"]}]}
    response = api.client.put("/api/v1/channels/hall", headers=api.admin, json=body)
    assert response.status_code == 422
    assert response.get_json()["errors"] == [{"field": "slides[1].contest",
                                              "message": "a bracket slide needs a league contest"}]
    assert api.client.get("/api/v1/channels/hall", headers=api.admin).status_code == 404


def test_a_slide_for_the_wrong_kind_is_refused_next_to_its_row_in_french(lead_client, api):
    race = api.contest(name="Course", sites=["paris"])
    data = {"key": "hall", "name": "Hall", "slides-0-type": "lucky_draw", "slides-0-contest": str(race["id"]),
            "slides-0-seconds": "15"}
    token_page = "/console/screens/new?lang=fr"
    response = post_form(lead_client, "/console/screens/new?lang=fr", data, page=token_page)
    assert response.status_code == 422
    html = unescape(response.get_data(as_text=True))
    expected = ("Une diapositive « Tirage au sort » ne peut pas montrer « Course » (Course) ; "
                "elle montre : Tirage au sort.")
    assert expected in html
