"""The console's cup page: the live ties and the bracket, never a league table; rounds already due show at once."""
import re
from datetime import datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
FOUR = ["c1", "c2", "c3", "c4"]
TABLE_HEADERS = ("Played", "Won", "Drawn", "Lost", "Difference")


def four_sites(make):
    for key in FOUR:
        make.site(key, "Europe/Paris", name=f"Site {key.upper()}")
        make.agent(key, f"{key}-a", name=f"Agent {key.upper()}")
    make.product("P", points=10)


def test_a_cup_launched_on_final_day_shows_the_bracket_and_the_live_final(app, at_now, admin_client, make, api):
    four_sites(make)
    # Semi-finals on 17 Nov (c1 v c4, c2 v c3): c1 and c2 score. The final is on 18 Nov, live now (13:00 in Paris).
    api.sale("s1", "c1-a", "P", datetime(2026, 11, 17, 9, 0, tzinfo=PARIS), quantity=2)
    api.sale("s2", "c2-a", "P", datetime(2026, 11, 17, 10, 0, tzinfo=PARIS), quantity=3)
    api.sale("s3", "c1-a", "P", datetime(2026, 11, 18, 9, 0, tzinfo=PARIS))
    cup = api.contest(name="Cup", kind="league", timezone="Europe/Paris", sites=FOUR, ends_at=None,
                      starts_at="2026-11-17T00:00:00+01:00",
                      rules={"format": "cup", "match_length": "P1D", "points_per_goal": 10, "normalize": "none"})
    page = admin_client.get(f"/console/contests/{cup['id']}").get_data(as_text=True)

    assert 'id="table"' not in page and not any(f"<th>{header}</th>" in page for header in TABLE_HEADERS)
    live = page[page.index('id="current"'):page.index('id="bracket"')]
    assert "Live ties" in live
    ties = re.findall(r'<table class="grid tie" data-match="\d+" data-round="(\d)" data-home="(\w+)" '
                      r'data-away="(\w+)"', live)
    assert ties == [("2", "c1", "c2")]  # without waiting for the upkeep tick
    # The final's goal came at 09:00 of its Paris day: minute ⌊90 × 9 / 24⌋ = 33; at 13:00 the clock shows 48′.
    assert "Agent C1 33′" in live and "48′" in live

    bracket = page[page.index('id="bracket"'):page.index('id="fixtures"')]
    rounds = re.findall(r'<h3>([^<]+)</h3>', bracket)
    assert rounds == ["Semi-finals", "Final"]
    winners = re.findall(r'<tr class="side winner"><td><strong>([^<]+)</strong>', bracket)
    assert winners == ["Site C1", "Site C2"]
