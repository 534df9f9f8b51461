"""Console audit log (filters, lead scope, escaping) and CSV exports (standings, payroll)."""
import csv
import io
import re
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from leaderboard.extensions import db
from leaderboard.models.audit import AuditEntry
from tests.conftest import NOW
from tests.console.conftest import post_form, sign_in

AUDIT = "/console/audit/"
EXPORTS = "/console/exports/"



def entry_ids(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return [int(i) for i in re.findall(r'data-entry="(\d+)"', response.get_data(as_text=True))]


def entries(app, where=lambda e: True):
    """Ids of the stored entries matching a plain-Python predicate, newest first."""
    with app.app_context():
        rows = db.session.scalars(select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())).all()
        return [e.id for e in rows if where(e)]


# ---------------------------------------------------------------- audit


def test_lead_sees_only_entries_about_their_sites(app, make, api, at_now, lead_client):
    make.team("paris", "p-red")
    make.team("lyon", "l-blue")
    make.agent("paris", "pa1")
    make.agent("lyon", "ly1")
    make.product("P1")
    both = api.contest(name="Both", sites=["paris", "lyon"])["id"]
    lyon_only = api.contest(name="Lyon only", sites=["lyon"])["id"]
    api.sale("s-p", "pa1", "P1", NOW - timedelta(hours=1))
    api.sale("s-l", "ly1", "P1", NOW - timedelta(hours=1))
    assert api.cancel("s-p").status_code == 200 and api.cancel("s-l").status_code == 200
    visible = {("site", "paris"), ("team", "p-red"), ("agent", "pa1"), ("sale", "s-p"), ("contest", str(both))}
    expected = entries(app, lambda e: (e.object_type, e.object_key) in visible)
    assert len(expected) == 5  # the site, its team and agent, one cancellation, one contest
    page = lead_client.get(AUDIT)
    assert entry_ids(page) == expected
    html = re.sub(r'value="[^"]*"', "", page.get_data(as_text=True))  # CSRF tokens are random text
    assert "ly1" not in html and "l-blue" not in html and ">s-l<" not in html and ">s-p<" in html
    contest_cell = 'contest</span> <span class="mono">{}</span>'
    assert contest_cell.format(both) in html and contest_cell.format(lyon_only) not in html
    # The admin sees everything, including users, keys and products.
    admin = app.test_client()
    sign_in(admin, make.user("admin"))
    assert entry_ids(admin.get(AUDIT)) == entries(app)


def test_audit_filters_by_person_object_and_days(app, make, admin_client):
    make.site("paris")
    with time_machine.travel(datetime(2020, 3, 10, 9, tzinfo=UTC), tick=False):
        make.agent("paris", "early", name="Early")
    with time_machine.travel(datetime(2020, 3, 12, 23, 59, tzinfo=UTC), tick=False):
        make.agent("paris", "later", name="Later")
    response = post_form(admin_client, "/console/roster/agents/later/edit",
                         {"name": "Later B.", "site": "paris", "team": "", "fte": "1", "active": "y"})
    assert response.status_code == 302
    with app.app_context():
        admin_email = db.session.scalar(select(AuditEntry.actor).where(AuditEntry.action == "agent.upsert",
                                                                     AuditEntry.actor != "system"))
    assert entry_ids(admin_client.get(AUDIT, query_string={"actor": admin_email.upper()})) == entries(
        app, lambda e: e.actor == admin_email)
    assert len(entries(app, lambda e: e.actor == admin_email)) == 1
    assert entry_ids(admin_client.get(AUDIT, query_string={"object_type": "agent", "object_key": "later"})) == entries(
        app, lambda e: (e.object_type, e.object_key) == ("agent", "later"))
    assert entry_ids(admin_client.get(AUDIT, query_string={"object_type": "site"})) == entries(
        app, lambda e: e.object_type == "site")
    days = {"date_from": "2020-03-11", "date_to": "2020-03-12"}
    assert entry_ids(admin_client.get(AUDIT, query_string=days)) == entries(
        app, lambda e: e.object_key == "later" and e.at.year == 2020)
    assert entry_ids(admin_client.get(AUDIT, query_string={"date_to": "2020-03-10"})) == entries(
        app, lambda e: e.object_key == "early")
    bad = admin_client.get(AUDIT, query_string={"date_from": "yesterday"})
    assert bad.status_code == 422 and "Not a valid date value" in bad.get_data(as_text=True)


def test_audit_states_are_compact_and_escaped(app, make, admin_client):
    make.site("paris")
    make.agent("paris", "xss", name="<script>alert(1)</script>")
    html = admin_client.get(AUDIT, query_string={"object_key": "xss"}).get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert ("&#34;name&#34;:&#34;&lt;script&gt;alert(1)&lt;/script&gt;&#34;" in html
            or "&quot;name&quot;:&quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;" in html)


def diff_lines(html, entry_id):
    """The change lines of one entry's row, as the reader sees them (tags dropped, entities decoded)."""
    row = re.search(rf'<tr data-entry="{entry_id}">.*?</tr>', html, re.S).group(0)
    items = re.findall(r"<li>(.*?)</li>", row, re.S)
    return [re.sub(r"<[^>]+>", "", item).replace("&gt;", ">").replace("&#39;", "'") for item in items]


def test_audit_shows_what_changed_as_lines_and_the_raw_json_on_demand(app, make, api, admin_client):
    make.site("paris", "Europe/Paris")
    make.product("GOLD", points=5)
    contest = api.contest(name="Race", sites=["paris"], rules={"products": {"GOLD": {"points": 5}}})
    patched = api.client.patch(f"/api/v1/contests/{contest['id']}", headers=api.admin,
                               json={"name": "Big race", "rules": {"products": {"GOLD": {"points": 8}}}})
    assert patched.status_code == 200, patched.get_json()
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "contest")
                                   .order_by(AuditEntry.id.desc())).first()
        before, after = entry.before, entry.after
    html = admin_client.get(AUDIT, query_string={"object_type": "contest"}).get_data(as_text=True)
    # Written out by hand: the two leaves that changed, and nothing about the ones that did not.
    assert diff_lines(html, entry.id) == ["name: Race → Big race", "rules.products.GOLD.points: 5 → 8"]
    assert before["timezone"] == after["timezone"]  # unchanged, so not listed
    row = re.search(rf'<tr data-entry="{entry.id}">.*?</tr>', html, re.S).group(0)
    assert "changed a contest" in row and "<details" in row and "&#34;points&#34;:8" in row
    # The creation lists every leaf it set, from nothing.
    created = entries(app, lambda e: e.action == "contest.create")[0]
    assert "kind: — → race" in diff_lines(html, created)


def test_audit_filters_by_action_and_states_the_time_zone(app, make, api, admin_client):
    make.site("paris", "Europe/Paris")
    contest = api.contest(name="Race", sites=["paris"])
    assert api.client.post(f"/api/v1/contests/{contest['id']}/cancel", headers=api.admin).status_code in (200, 204)
    page = admin_client.get(AUDIT, query_string={"action": "contest.cancel"})
    assert entry_ids(page) == entries(app, lambda e: e.action == "contest.cancel") and len(entry_ids(page)) == 1
    html = page.get_data(as_text=True)
    assert "Times and days in UTC" in html
    assert '<option selected value="contest.cancel">cancelled a contest</option>' in html


# ---------------------------------------------------------------- exports

EVIL = "=cmd|' /C calc'!A0"


@pytest.fixture()
def company(make, at_now, lead_client):
    make.team("paris", "p-red")
    make.team("lyon", "l-team")
    make.agent("paris", "evil", name=EVIL, team="p-red")
    make.agent("paris", "ana", name="Ana", team="p-red")
    make.agent("lyon", "lu", name="Lu", team="l-team")
    make.product("GOLD", points=30, bonus="15.00")
    make.product("TIN", points=10, bonus="0")
    return lead_client


def read_csv(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_standings_csv_per_board_is_formula_safe(app, api, company):
    contest = api.contest()["id"]  # all sites, 2026-11-16 → 23 Paris time
    api.sale("g1", "evil", "GOLD", NOW - timedelta(hours=3))
    api.sale("t1", "ana", "TIN", NOW - timedelta(hours=2), quantity=2)
    api.sale("g2", "lu", "GOLD", NOW - timedelta(hours=1), quantity=2)
    header = ["rank", "key", "name", "points", "sales", "qualified"]
    url = "/console/exports/standings.csv"
    assert read_csv(company.get(url, query_string={"contest": contest, "by": "agent"})) == [
        header, ["1", "lu", "Lu", "60", "1", "true"], ["2", "evil", "'" + EVIL, "30", "1", "true"],
        ["3", "ana", "Ana", "20", "1", "true"]]
    assert read_csv(company.get(url, query_string={"contest": contest, "by": "team"})) == [
        header, ["1", "l-team", "L-Team", "60", "1", "true"], ["2", "p-red", "P-Red", "50", "2", "true"]]
    assert read_csv(company.get(url, query_string={"contest": contest, "by": "site"})) == [
        header, ["1", "lyon", "Lyon", "60", "1", "true"], ["2", "paris", "Paris", "50", "2", "true"]]


def test_standings_export_checks_the_query_and_the_leads_contests(api, company):
    lyon_only = api.contest(name="Lyon", sites=["lyon"])["id"]
    mine = api.contest(name="Mine", sites=["paris"])["id"]
    page = company.get(EXPORTS).get_data(as_text=True)
    assert f'value="{mine}"' in page and f'value="{lyon_only}"' not in page
    url = "/console/exports/standings.csv"
    assert company.get(url, query_string={"contest": lyon_only}).status_code == 403
    for query, message in (({"contest": "abc"}, "Choose one of your contests."),
                           ({"contest": "999999"}, "Choose one of your contests."),
                           ({"contest": mine, "by": "planet"}, "Choose agents, teams or sites.")):
        response = company.get(url, query_string=query)
        assert response.status_code == 422 and message in response.get_data(as_text=True)
        assert "text/html" in response.content_type


# (agent, sale id, product bonus, quantity, occurred_at, cancelled now?)
PAYROLL_SALES = [
    ("evil", "e1", "15.00", 1, datetime(2026, 11, 2, 10, tzinfo=UTC), False),
    ("evil", "e2", "15.00", 2, datetime(2026, 11, 17, 9, tzinfo=UTC), False),
    ("ana", "a1", "15.00", 1, datetime(2026, 10, 31, 23, 30, tzinfo=UTC), False),  # 1 Nov in Paris
    ("ana", "a0", "15.00", 1, datetime(2026, 10, 31, 22, 30, tzinfo=UTC), False),  # 31 Oct in Paris
    ("ana", "a2", "15.00", 1, datetime(2026, 11, 10, 8, tzinfo=UTC), True),  # clawed back
    ("ana", "a3", "15.00", 1, datetime(2026, 11, 3, 8, tzinfo=UTC), True),  # cancelled too late
    ("lu", "l1", "15.00", 3, datetime(2026, 11, 2, 10, tzinfo=UTC), False),
]


def expected_payroll(agents):
    """The month's totals worked out from the list above: Paris months, 14-day window, NOW."""
    totals = defaultdict(lambda: defaultdict(Decimal))
    for agent, _id, bonus, quantity, at, cancelled in PAYROLL_SALES:
        if agent not in agents or at.astimezone(ZoneInfo("Europe/Paris")).strftime("%Y-%m") != "2026-11":
            continue
        amount = Decimal(bonus) * quantity
        if cancelled and at + timedelta(days=14) > NOW:
            totals[agent]["clawed_back"] += amount
        elif at + timedelta(days=14) <= NOW:
            totals[agent]["confirmed"] += amount
        else:
            totals[agent]["pending"] += amount
    return {agent: {k: f"{t[k]:.2f}" for k in ("confirmed", "pending", "clawed_back")}
            for agent, t in totals.items()}


def test_payroll_csv_totals_and_site_limits(app, make, api, company, admin_client):
    for agent, sale_id, _bonus, quantity, at, cancelled in PAYROLL_SALES:
        api.sale(sale_id, agent, "GOLD", at, quantity=quantity)
        if cancelled:
            assert api.cancel(sale_id).status_code == 200
    for client, agents in ((company, {"evil", "ana"}), (admin_client, {"evil", "ana", "lu"})):
        rows = read_csv(client.get("/console/exports/payroll.csv", query_string={"month": "2026-11"}))
        header, body = rows[0], [dict(zip(rows[0], r, strict=False)) for r in rows[1:]]
        assert header[:6] == ["month", "agent", "name", "site", "currency", "confirmed"]
        got = {r["agent"]: {k: r[k] for k in ("confirmed", "pending", "clawed_back")} for r in body}
        assert got == expected_payroll(agents)
        assert all(r["payable"] == r["confirmed"] and r["donated"] == "0.00" for r in body)
        assert {r["agent"]: r["name"] for r in body}["evil"] == "'" + EVIL
    # The same numbers worked out by hand, to check the helper itself.
    assert expected_payroll({"evil", "ana"}) == {
        "evil": {"confirmed": "15.00", "pending": "30.00", "clawed_back": "0.00"},
        "ana": {"confirmed": "30.00", "pending": "0.00", "clawed_back": "15.00"}}


def test_bad_month_reshows_the_page_with_the_error(company):
    for month in ("2026-13", "november", ""):
        response = company.get("/console/exports/payroll.csv", query_string={"month": month})
        html = response.get_data(as_text=True)
        assert response.status_code == 422 and "Must be a month such as 2026-11." in html
        assert re.search(r'class="field has-error">\s*<label for="month"', html)
