"""Console sales log: filters, site limits, pagination and cancelling through the form."""
import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from sqlalchemy import select

from leaderboard.extensions import db
from leaderboard.models.audit import AuditEntry
from leaderboard.models.events import Cancellation
from tests.conftest import NOW
from tests.console.conftest import post_form

SALES = "/console/sales/"



@pytest.fixture()
def shop(at_now, lead_client, make, api):
    """Paris (the lead's site) and Lyon; NOW is 2026-11-18 12:00 UTC and the clawback window 14 days."""
    make.agent("paris", "pa1", name="Pia One")
    make.agent("paris", "pa2", name="Pat Two")
    make.agent("lyon", "ly1", name="Lou Lyon")
    make.product("P1", points=10, bonus="5.00")
    make.product("P2", points=30, bonus="15.00")
    api.sale("s-new", "pa1", "P1", NOW - timedelta(hours=1))                       # pending
    api.sale("s-old", "pa2", "P2", NOW - timedelta(days=20))                       # confirmed
    api.sale("s-clawed", "pa1", "P2", NOW - timedelta(days=2))                     # cancelled in the window
    api.sale("s-late", "pa2", "P1", NOW - timedelta(days=30))                      # cancelled after it
    api.sale("s-lyon", "ly1", "P1", NOW - timedelta(hours=1))                      # another site
    api.sale("s-day17", "pa1", "P1", datetime(2026, 11, 16, 23, 30, tzinfo=UTC))  # 17th 00:30 in Paris
    api.sale("s-day16", "pa2", "P1", datetime(2026, 11, 16, 22, 30, tzinfo=UTC))  # 16th 23:30 in Paris
    assert api.cancel("s-clawed").status_code == 200
    assert api.cancel("s-late").get_json()["cancellation"]["late"] is True
    return lead_client


def sale_ids(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return re.findall(r'data-sale="([^"]+)"', response.get_data(as_text=True))


def row_of(html, sale_id):
    match = re.search(rf'<tr [^>]*data-sale="{re.escape(sale_id)}".*?</tr>', html, re.S)
    assert match, f"no row for {sale_id}"
    return match.group(0)


ALL_PARIS = ["s-new", "s-day17", "s-day16", "s-clawed", "s-old", "s-late"]  # newest first


@pytest.mark.parametrize("query, expected", [
    ({}, ALL_PARIS),
    ({"site": "paris"}, ALL_PARIS),
    ({"agent": "pa1"}, ["s-new", "s-day17", "s-clawed"]),
    ({"product": "P2"}, ["s-clawed", "s-old"]),
    ({"status": "pending"}, ["s-new", "s-day17", "s-day16"]),
    ({"status": "confirmed"}, ["s-old", "s-late"]),
    ({"status": "cancelled"}, ["s-clawed"]),
    ({"status": "late-cancelled"}, ["s-late"]),
    ({"date_from": "2026-11-17", "date_to": "2026-11-17"}, ["s-day17"]),
    ({"date_from": "2026-11-16", "date_to": "2026-11-16"}, ["s-day16", "s-clawed"]),
    ({"date_from": "2026-11-17"}, ["s-new", "s-day17"]),
    ({"date_to": "2026-10-31"}, ["s-old", "s-late"]),
    ({"agent": "pa1", "status": "pending"}, ["s-new", "s-day17"]),
    ({"agent": "ly1"}, []),
])
def test_filters_return_exactly_the_matching_sales_of_the_leads_sites(shop, query, expected):
    assert sale_ids(shop.get(SALES, query_string=query)) == expected


def test_rows_show_local_time_status_and_late_flag(shop):
    html = shop.get(SALES).get_data(as_text=True)
    assert "s-lyon" not in html and "Lou Lyon" not in html
    day17 = row_of(html, "s-day17")
    assert "Nov 17, 2026" in day17 and "12:30:00" in day17 and "Pia One" in day17  # Paris time, not UTC
    assert 'class="status pending"' in day17 and "$5.00" in day17
    late = row_of(html, "s-late")
    assert 'class="late"' in late and "late cancellation" in late and 'class="status confirmed"' in late
    clawed = row_of(html, "s-clawed")
    assert 'class="status cancelled"' in clawed and 'class="late"' not in clawed
    assert 'name="reason"' not in clawed and 'name="reason"' in row_of(html, "s-new")


def test_admin_sees_every_site_and_bad_filters_are_field_errors(shop, admin_client):
    assert sale_ids(admin_client.get(SALES, query_string={"site": "lyon"})) == ["s-lyon"]
    refused = shop.get(SALES, query_string={"site": "lyon"})
    assert refused.status_code == 422 and "s-lyon" not in refused.get_data(as_text=True)
    bad_date = shop.get(SALES, query_string={"date_from": "2026-02-30"})
    assert bad_date.status_code == 422 and "Not a valid date value" in bad_date.get_data(as_text=True)
    reversed_range = shop.get(SALES, query_string={"date_from": "2026-11-17", "date_to": "2026-11-16"})
    assert reversed_range.status_code == 422 and "before the start date" in reversed_range.get_data(as_text=True)


def test_pages_of_fifty_newest_first(at_now, lead_client, make, api):
    make.agent("paris", "pa1")
    make.product("P1")
    batch = [{"id": f"b-{i:02d}", "agent": "pa1", "product": "P1",
              "occurred_at": (NOW - timedelta(minutes=i)).isoformat()}
             for i in range(51)]
    response = api.client.post("/api/v1/sales", headers=api.integration, json={"sales": batch})
    assert [r["result"] for r in response.get_json()["results"]] == ["created"] * 51
    first = lead_client.get(SALES, query_string={"agent": "pa1"})
    assert sale_ids(first) == [f"b-{i:02d}" for i in range(50)]
    next_link = unescape(re.search(r'rel="next" href="([^"]+)"', first.get_data(as_text=True)).group(1))
    assert "agent=pa1" in next_link and "page=2" in next_link
    assert sale_ids(lead_client.get(next_link)) == ["b-50"]


def cancellation(app, sale_id):
    with app.app_context():
        return db.session.scalar(select(Cancellation).where(Cancellation.sale_id == sale_id))


def test_cancel_from_the_log_claws_the_sale_back_and_keeps_filters(app, shop):
    response = post_form(shop, "/console/sales/cancel?agent=pa1", {"sale_id": "s-new", "reason": "changed mind"},
                         page=SALES + "?agent=pa1")
    assert response.status_code == 302 and response.headers["Location"].endswith("/console/sales/?agent=pa1")
    assert sale_ids(shop.get(SALES, query_string={"status": "cancelled"})) == ["s-new", "s-clawed"]
    html = shop.get(SALES).get_data(as_text=True)
    assert 'class="status cancelled"' in row_of(html, "s-new") and "changed mind" in row_of(html, "s-new")
    saved = cancellation(app, "s-new")
    assert (saved.reason, saved.late, saved.cancelled_at) == ("changed mind", False, NOW)
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "sale.cancel",
                                                           AuditEntry.object_key == "s-new"))
        assert entry.actor.endswith("@example.test")


def test_cancelling_after_the_window_is_flagged_late(app, shop):
    response = post_form(shop, "/console/sales/cancel", {"sale_id": "s-old", "reason": "refund"}, page=SALES)
    assert response.status_code == 302
    assert cancellation(app, "s-old").late is True
    html = shop.get(SALES).get_data(as_text=True)
    row = row_of(html, "s-old")
    assert 'class="late"' in row and 'class="status confirmed"' in row
    assert sale_ids(shop.get(SALES, query_string={"status": "late-cancelled"})) == ["s-old", "s-late"]


def test_reason_is_required_and_shown_next_to_that_row(app, shop):
    response = post_form(shop, "/console/sales/cancel", {"sale_id": "s-new", "reason": "  "}, page=SALES)
    assert response.status_code == 422
    row = row_of(response.get_data(as_text=True), "s-new")
    assert "This field is required." in row and "has-error" in row
    assert "This field is required." not in row_of(response.get_data(as_text=True), "s-day17")
    assert cancellation(app, "s-new") is None


def test_cancelling_a_sale_of_another_site_is_forbidden(app, shop):
    assert post_form(shop, "/console/sales/cancel", {"sale_id": "s-lyon", "reason": "x"}, page=SALES).status_code == 403
    assert post_form(shop, "/console/sales/cancel", {"sale_id": "nope", "reason": "x"}, page=SALES).status_code == 404
    assert cancellation(app, "s-lyon") is None and cancellation(app, "nope") is None


def test_cancel_without_csrf_is_rejected(app, shop):
    assert shop.post("/console/sales/cancel", data={"sale_id": "s-new", "reason": "x"}).status_code == 400
    assert cancellation(app, "s-new") is None
