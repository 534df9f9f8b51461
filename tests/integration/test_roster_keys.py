"""Roster keys on a real database: the services refuse every key the API refuses, and unreadable CSV whole."""
from __future__ import annotations

from decimal import Decimal
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from leaderboard.extensions import db
from leaderboard.models.roster import Agent, Product, Site, Team
from leaderboard.schemas import AgentIn, ProductIn, SiteIn, TeamIn
from leaderboard.services.access import auth
from leaderboard.services.core.errors import InvalidInput
from leaderboard.services.roster import people as roster
from tests.conftest import bearer

# Written out here, not derived from the product's pattern: 1-64 of letters, digits, _ . : -,
# starting with a letter or digit.
GOOD_KEYS = ["a", "Z9", "a.b:c-d_e", "x" * 64, "0-site"]
BAD_KEYS = ["", " a", "a b", "-a", ".a", "_a", "x" * 65, "a;DROP TABLE agent;--", "<img src=x>", "a/b", "a\n",
            "a\x00b", "é", "a#1"]


def upserts(site: str, team_site: str):
    """(kind, error field, call) for each roster upsert, given an existing site for teams and agents."""
    return [
        ("site", "key", lambda key: roster.upsert_site(auth.SYSTEM, key, SiteIn(name="S", timezone="UTC"))),
        ("team", "key", lambda key: roster.upsert_team(auth.SYSTEM, key, TeamIn(name="T", site=team_site))),
        ("agent", "key", lambda key: roster.upsert_agent(auth.SYSTEM, key, AgentIn(name="A", site=site))),
        ("product", "code", lambda key: roster.upsert_product(auth.SYSTEM, key, ProductIn(name="P", points=1))),
    ]


def roster_rows() -> int:
    return sum(db.session.scalar(select(func.count()).select_from(model)) for model in (Site, Team, Agent, Product))


@pytest.fixture()
def home(make):
    return make.site("home", tz="UTC")


@pytest.mark.parametrize("key", BAD_KEYS, ids=repr)
def test_every_upsert_refuses_a_bad_key(app, home, key):
    with app.app_context():
        before = roster_rows()
        for kind, field, upsert in upserts(home, home):
            with pytest.raises(InvalidInput) as refused:
                upsert(key)
            assert [e.field for e in refused.value.errors] == [field], kind
        db.session.rollback()
        assert roster_rows() == before


@pytest.mark.parametrize("key", GOOD_KEYS)
def test_every_upsert_stores_a_good_key(app, home, key):
    with app.app_context():
        for kind, _, upsert in upserts(home, home):
            _row, result = upsert(key)
            assert result == roster.CREATED, kind
        db.session.commit()
        assert db.session.scalar(select(Agent.key).where(Agent.key == key)) == key
        assert db.session.scalar(select(Product.code).where(Product.code == key)) == key


@pytest.mark.parametrize("key", [k for k in BAD_KEYS if k and "/" not in k], ids=repr)
def test_the_api_refuses_the_same_keys(client, make, home, key):
    """The other side of the parity: what the services refuse, a path never stores either."""
    headers = bearer(make.token("admin"))
    response = client.put(f"/api/v1/sites/{quote(key, safe='')}", headers=headers,
                          json={"name": "S", "timezone": "UTC"})
    assert 400 <= response.status_code < 500, response.get_data(as_text=True)[:300]


def test_csv_rows_with_bad_keys_are_invalid_and_the_rest_stored(app, home):
    text = "key,name,site,team,fte\n" + "".join(f"{key},Agent,{home},,1\n" for key in ("ok-1", "a b", "<x>", "ok-2"))
    with app.app_context():
        report = roster.import_roster_csv(auth.SYSTEM, text)
        assert [(r.key, r.result) for r in report] == [("ok-1", "created"), ("a b", "invalid"), ("<x>", "invalid"),
                                                         ("ok-2", "created")]
        assert all(e.field == "key" for r in report if r.result == "invalid" for e in r.errors)
        assert sorted(db.session.scalars(select(Agent.key))) == ["ok-1", "ok-2"]


UNREADABLE = {
    "a lone carriage return in an unquoted field": "key,name,site,team,fte\nok-1,A,home,,1\nok-2,A\rB,home,,1\n",
    "a field over the csv module's 128 KiB limit": "key,name,site,team,fte\nok-1,A,home,,1\nok-2," + "n" * 140_000
                                                   + ",home,,1\n",
    "an unreadable header": "key,name\rX,site,team,fte\nok-1,A,home,,1\n",
}


@pytest.mark.parametrize("text", UNREADABLE.values(), ids=UNREADABLE.keys())
def test_unreadable_csv_is_refused_whole(app, home, text):
    with app.app_context():
        with pytest.raises(InvalidInput) as refused:
            roster.import_roster_csv(auth.SYSTEM, text)
        assert refused.value.status == 400 and refused.value.errors[0].field == "file"
        db.session.rollback()
        # The readable first row was not stored either: the file is refused as a whole.
        assert db.session.scalar(select(func.count()).select_from(Agent)) == 0


def test_unreadable_csv_answers_a_problem_through_the_api(client, make, home):
    headers = bearer(make.token("admin"))
    response = client.post("/api/v1/roster/import", headers=headers, content_type="text/csv",
                           data=UNREADABLE["a field over the csv module's 128 KiB limit"].encode())
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 400


def test_fte_decimal_still_imports(app, home):
    with app.app_context():
        roster.import_roster_csv(auth.SYSTEM, f"key,name,site,team,fte\nhalf,Half,{home},,0.5\n")
        assert db.session.scalar(select(Agent.fte).where(Agent.key == "half")) == Decimal("0.5")
