"""Console roster pages: forms with field errors, site limits for leads, CSV import/export, personal links."""
import csv
import io
import re
from decimal import Decimal
from html import unescape

from sqlalchemy import select

from leaderboard.extensions import db
from leaderboard.models.audit import AuditEntry
from leaderboard.services.roster import people as roster
from tests.console.conftest import csrf_from, post_form

ROSTER = "/console/roster/"



def agent_row(app, key):
    with app.app_context():
        agent = roster.agent_by_key(key)
        return None if agent is None else roster.agent_state(agent)


def error_after(html, field_id):
    """The errors shown inside the .field block of one input."""
    block = re.search(rf'<div class="field has-error">(?:(?!</div>).)*id="{field_id}"(?:(?!</div>).)*</div>',
                      html, re.S)
    assert block, f"no error block around #{field_id}"
    return unescape(" ".join(re.findall(r'<small class="error"[^>]*>([^<]*)</small>', block.group(0))))


def test_lead_adds_an_agent_of_their_site(app, make, lead_client):
    team = make.team("paris", "p-red")
    response = post_form(lead_client, "/console/roster/agents/new",
                         {"key": "amel", "name": "Amel Haddad", "site": "paris", "team": team, "fte": "0.5",
                          "active": "y"})
    assert response.status_code == 302 and response.headers["Location"].endswith(ROSTER)
    assert agent_row(app, "amel") == {"key": "amel", "name": "Amel Haddad", "site": "paris", "team": "p-red",
                                      "fte": 0.5, "active": True, "hidden_on_screens": False, "sells": True}
    page = lead_client.get(ROSTER).get_data(as_text=True)
    assert "Amel Haddad" in page and "agent amel saved." in page.lower()


def test_invalid_agent_shows_errors_next_to_fields_and_keeps_values(app, lead_client):
    response = post_form(lead_client, "/console/roster/agents/new",
                         {"key": "bad key!", "name": "Zoë <b>bold</b>", "site": "paris", "team": "", "fte": "1.5"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "letters, digits" in error_after(page, "key").lower()
    assert 'value="bad key!"' in page and 'value="Zoë &lt;b&gt;bold&lt;/b&gt;"' in page
    # The key error stops before the service; fix it and the FTE error comes from the schema.
    response = post_form(lead_client, "/console/roster/agents/new",
                         {"key": "zoe", "name": "Zoë", "site": "paris", "team": "", "fte": "1.5"},
                         page="/console/roster/agents/new")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Must be at most 1." in error_after(page, "fte")
    assert 'value="1.5"' in page and 'value="zoe"' in page and agent_row(app, "zoe") is None


def test_team_of_another_site_is_refused_next_to_the_team_field(app, make, admin_client):
    make.site("paris")
    make.site("lyon")
    make.team("lyon", "l-blue")
    response = post_form(admin_client, "/console/roster/agents/new",
                         {"key": "tom", "name": "Tom", "site": "paris", "team": "l-blue", "fte": "1"})
    assert response.status_code == 422
    assert "The team “l-blue” is not at the site “paris”." in error_after(response.get_data(as_text=True), "team")
    assert agent_row(app, "tom") is None


def test_edit_keeps_the_key_and_is_audited(app, make, lead_client):
    make.agent("paris", "ines", name="Ines")
    page = lead_client.get("/console/roster/agents/ines/edit").get_data(as_text=True)
    assert 'value="Ines"' in page and "readonly" in page
    response = post_form(lead_client, "/console/roster/agents/ines/edit",
                         {"key": "ignored", "name": "Ines B.", "site": "paris", "team": "", "fte": "0.8"})
    assert response.status_code == 302
    # The unticked box means inactive.
    assert agent_row(app, "ines") == {"key": "ines", "name": "Ines B.", "site": "paris", "team": None,
                                      "fte": 0.8, "active": False, "hidden_on_screens": False, "sells": True}
    assert agent_row(app, "ignored") is None
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.object_key == "ines")
                                   .order_by(AuditEntry.id.desc())).first()
        assert entry.action == "agent.upsert" and entry.after["name"] == "Ines B."


def test_adding_an_existing_key_is_a_field_error_not_an_overwrite(app, make, lead_client):
    make.agent("paris", "ines", name="Ines")
    response = post_form(lead_client, "/console/roster/agents/new",
                         {"key": "ines", "name": "Other", "site": "paris", "team": "", "fte": "1", "active": "y"})
    assert response.status_code == 422 and "already taken" in error_after(response.get_data(as_text=True), "key")
    assert agent_row(app, "ines")["name"] == "Ines"


def test_lead_never_sees_nor_changes_other_sites(app, make, lead_client):
    make.team("lyon", "lyon-team")
    make.agent("paris", "pa-1", name="Pauline Paris")
    make.agent("lyon", "ly-1", name="Lucien Lyon", team="lyon-team")
    page = lead_client.get(ROSTER).get_data(as_text=True)
    assert "Pauline Paris" in page and "pa-1" in page
    assert "Lucien Lyon" not in page and "ly-1" not in page and "lyon-team" not in page
    assert "/agents/ly-1/" not in page and "Lyon" not in page  # no row, link or site option
    form_page = lead_client.get("/console/roster/agents/new").get_data(as_text=True)
    assert 'value="paris"' in form_page and 'value="lyon"' not in form_page
    assert lead_client.get("/console/roster/agents/ly-1/edit").status_code == 403
    edit = {"name": "Hacked", "site": "lyon", "team": "", "fte": "1", "active": "y"}
    assert post_form(lead_client, "/console/roster/agents/ly-1/edit", edit, page=ROSTER).status_code == 403
    # Posting the lyon key through the "new" form (at the lead's own site) is refused too.
    moved = {"key": "ly-1", "name": "Hacked", "site": "paris", "fte": "1", "active": "y"}
    assert post_form(lead_client, "/console/roster/agents/new", moved).status_code == 403
    assert post_form(lead_client, "/console/roster/agents/ly-1/links", {}, page=ROSTER).status_code == 403
    assert agent_row(app, "ly-1")["name"] == "Lucien Lyon" and agent_row(app, "ly-1")["site"] == "lyon"
    # Sites and products are for admins only.
    assert lead_client.get("/console/roster/sites/new").status_code == 403
    assert lead_client.get("/console/roster/products/new").status_code == 403


def test_admin_adds_a_site_and_a_product_with_field_errors_first(app, admin_client):
    sites = "/console/roster/sites/new"
    bad = post_form(admin_client, sites, {"key": "rome", "name": "Rome", "timezone": "Mars/Olympus"})
    assert bad.status_code == 422
    assert "Unknown timezone “Mars/Olympus”." in unescape(error_after(bad.get_data(as_text=True), "timezone"))
    assert 'value="Mars/Olympus"' in bad.get_data(as_text=True)
    ok = post_form(admin_client, sites, {"key": "rome", "name": "Rome", "timezone": "Europe/Rome"})
    assert ok.status_code == 302
    bad = post_form(admin_client, "/console/roster/products/new",
                    {"key": "GOLD", "name": "Gold", "points": "30", "bonus": "1.234", "currency": "EUR"})
    assert bad.status_code == 422 and "At most two decimals." in error_after(bad.get_data(as_text=True), "bonus")
    ok = post_form(admin_client, "/console/roster/products/new",
                   {"key": "GOLD", "name": "Gold", "points": "30", "bonus": "1.25", "currency": "EUR"})
    assert ok.status_code == 302
    page = admin_client.get(ROSTER).get_data(as_text=True)
    assert "Europe/Rome" in page and "GOLD" in page
    with app.app_context():
        product = roster.product_by_code("GOLD")
        assert (product.points, product.bonus, product.currency) == (30, Decimal("1.25"), "EUR")


def test_csv_import_reports_each_row(app, make, lead_client):
    make.team("paris", "p-red")
    make.agent("paris", "old", name="Old Name")
    body = ("key,name,site,team,fte\n"
            "new-1,Nadia,paris,p-red,0.5\n"
            "old,New Name,paris,,1\n"
            "ly-9,Someone,lyon,,1\n"
            "bad,Bad FTE,paris,,two\n"
            ",No Key,paris,,1\n")
    token = csrf_from(lead_client.get(ROSTER).get_data(as_text=True))
    response = lead_client.post("/console/roster/import", content_type="multipart/form-data", data={
        "csrf_token": token, "file": (io.BytesIO(body.encode()), "agents.csv")})
    assert response.status_code == 200
    page = unescape(response.get_data(as_text=True))
    rows = re.findall(r'<tr class="result-(\w+)">\s*<td>(\d+)</td><td class="mono">([^<]*)</td>', page)
    assert rows == [("created", "1", "new-1"), ("updated", "2", "old"), ("invalid", "3", "ly-9"),
                    ("invalid", "4", "bad"), ("invalid", "5", "—")]
    assert "fte: Enter a number." in page and "key: Required." in page and "You do not manage the site “lyon”." in page
    assert agent_row(app, "new-1")["team"] == "p-red" and agent_row(app, "old")["name"] == "New Name"
    assert agent_row(app, "ly-9") is None and agent_row(app, "bad") is None


def test_csv_import_with_a_bad_header_or_no_file_stays_on_the_page(lead_client):
    token = csrf_from(lead_client.get(ROSTER).get_data(as_text=True))
    response = lead_client.post("/console/roster/import", content_type="multipart/form-data", data={
        "csrf_token": token, "file": (io.BytesIO(b"id,name\n1,x\n"), "agents.csv")})
    assert response.status_code == 422 and "The column “key” is missing." in unescape(response.get_data(as_text=True))
    response = lead_client.post("/console/roster/import", data={"csrf_token": token})
    assert response.status_code == 422 and 'id="file"' in response.get_data(as_text=True)


def test_agents_csv_export_is_formula_safe_and_limited_to_the_leads_sites(make, lead_client):
    make.team("paris", "p-red")
    make.agent("paris", "evil", name="=HYPERLINK(\"http://x\")", team="p-red", fte="0.5")
    make.agent("paris", "plain", name="Plain")
    make.agent("lyon", "ly-1", name="Lucien")
    response = lead_client.get("/console/roster/agents.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows == [["key", "name", "site", "team", "fte"],
                    ["evil", "'=HYPERLINK(\"http://x\")", "paris", "p-red", "0.5"],
                    ["plain", "Plain", "paris", "", "1"]]


def test_personal_link_signs_the_agent_in_until_revoked(app, make, lead_client):
    make.agent("paris", "amel", name="Amel Haddad")
    response = post_form(lead_client, "/console/roster/agents/amel/links", {},
                         page="/console/roster/agents/amel/edit")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    url = unescape(re.search(r'<p class="mono" id="link-url">([^<]+)</p>', page).group(1))
    assert url.startswith("http://localhost/me/link/lba_")
    assert 'src="data:image/svg+xml' in page
    phone = app.test_client()
    signed_in = phone.get(url.removeprefix("http://localhost"))
    assert signed_in.status_code == 302 and signed_in.headers["Location"].endswith("/me")
    assert "Amel Haddad" in phone.get("/me").get_data(as_text=True)
    # The link is listed once on the agent's page, without its secret, and revoking it ends it.
    edit_page = lead_client.get("/console/roster/agents/amel/edit").get_data(as_text=True)
    assert url.rsplit("/", 1)[1] not in edit_page
    revoke_paths = re.findall(r'action="(/console/roster/links/\d+/revoke)"', edit_page)
    assert len(revoke_paths) == 1
    revoked = post_form(lead_client, revoke_paths[0], {}, page="/console/roster/agents/amel/edit")
    assert revoked.status_code == 302
    assert "Amel Haddad" not in phone.get("/me").get_data(as_text=True)  # the open session ends too
    assert app.test_client().get(url.removeprefix("http://localhost")).status_code == 404
    after = lead_client.get("/console/roster/agents/amel/edit").get_data(as_text=True)
    assert ">revoked<" in after and not re.findall(r'action="/console/roster/links/\d+/revoke"', after)


def test_lead_cannot_revoke_links_of_other_sites(app, make, lead_client, admin_client):
    make.agent("lyon", "ly-1", name="Lucien")
    issued = post_form(admin_client, "/console/roster/agents/ly-1/links", {}, page="/console/roster/agents/ly-1/edit")
    assert issued.status_code == 200
    link_path = re.findall(r'action="(/console/roster/links/\d+/revoke)"',
                           admin_client.get("/console/roster/agents/ly-1/edit").get_data(as_text=True))[0]
    assert post_form(lead_client, link_path, {}, page=ROSTER).status_code == 403


def test_roster_posts_without_csrf_are_rejected(app, make, lead_client):
    make.agent("paris", "ines", name="Ines")
    assert lead_client.post("/console/roster/agents/new", data={"key": "x", "name": "X", "site": "paris",
                                                                "fte": "1"}).status_code == 400
    assert lead_client.post("/console/roster/agents/ines/links").status_code == 400
    assert agent_row(app, "x") is None
