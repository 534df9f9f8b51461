"""Service, domain and schema messages reach console pages in the page's language through web/messages.py."""
import pytest
from flask_babel import force_locale
from pydantic import ValidationError

from leaderboard.domain.league import validate_league_rules
from leaderboard.domain.scoring import parse_rules
from leaderboard.schemas import AgentIn, ContestIn, field_errors
from leaderboard.services.access.auth import Principal
from leaderboard.services.core.errors import Forbidden
from leaderboard.web.messages import COMPILED, TABLE, translate

CATALOGUE = {"quality_score": True, "aht_seconds": False}
CODES = {"GOLD", "TIN"}
BAD_RULES = [
    {"nope": 1, "products": {"NOPE": {"points": 1}, "GOLD": {"x": 1}, "TIN": {"tickets": -1}},
     "include_products": "GOLD", "count_pending": "yes", "normalize": "x", "tickets_per_sale": 0,
     "min_points": "x", "one_prize_per_agent": 1, "opt_in": 1, "assists": 1, "kinds": ["x"],
     "score": {"sales": -1, "kpis": {"zzz": {}, "quality_score": {"weight": 1}}}, "gate": {"kpi": "zzz", "min": 1}},
    {"products": [], "include_products": ["NOPE"], "score": {"x": 1}, "gate": {"kpi": "quality_score"}, "kinds": []},
    {"score": {"kpis": []}, "gate": {"kpi": "quality_score", "min": "x"}, "instant_prizes": {}},
    {"instant_prizes": [{"name": "A", "stock": 1}, {"name": "", "stock": 0, "when": {"kind": "x"}},
                        {"name": "B", "stock": 1, "when": {"kind": "every_nth", "n": 0, "scope": "x", "y": 1}},
                        {"name": "C", "stock": 1, "when": {"kind": "product", "product": "NOPE"}},
                        {"name": "D", "stock": 1, "when": {"kind": "product", "product": ""}},
                        {"name": "E", "stock": 1,
                         "when": {"kind": "product", "product": "GOLD", "min_amount": "1.234"}},
                        {"name": "F", "stock": 1, "when": {"kind": "chance", "probability": 2}},
                        {"name": "F", "stock": 1, "when": {"kind": "first_sale_of_day"}}]},
    {"instant_prizes": [{"name": "A", "stock": 1, "when": {"kind": "first_sale_of_day"}}] * 21},
]
BAD_LEAGUES = [{"format": "x", "legs": 3, "match_length": "P0D", "points_per_goal": -1, "normalize": "x",
                "match_points": {"win": -1, "draw": 1, "loss": 0}},
               {"format": "league", "legs": 1, "match_length": "P1D", "points_per_goal": "auto", "normalize": "fte",
                "match_points": {"win": 0, "draw": 1, "loss": 0}},
               {"format": "cup", "match_length": "P1D", "points_per_goal": 1, "normalize": "none", "match_points": 1}]


def domain_messages():
    messages = set()
    for rules in BAD_RULES:
        for kind in ("race", "lucky_draw"):
            messages |= {message for _path, message in parse_rules(kind, rules, CATALOGUE, CODES)[1]}
    for rules in BAD_LEAGUES:
        messages |= {message for _path, message in validate_league_rules(rules, 1)}
    return messages


def schema_messages():
    messages = set()
    for build in (lambda: AgentIn(name="", site="bad key!", fte="2"),
                  lambda: ContestIn(name="x" * 201, kind="marathon", starts_at="2026-11-16T00:00",
                                    ends_at="tomorrow", timezone="Mars/Olympus", rules=[], prizes=[{"x": 1}])):
        with pytest.raises(ValidationError) as caught:
            build()
        messages |= {message for _path, message in field_errors(caught.value)}
    return messages


def test_every_rule_and_schema_message_is_in_the_table(app):
    messages = domain_messages() | schema_messages()
    assert len(messages) > 40  # the battery reaches most of the validators
    unknown = sorted(m for m in messages if not any(pattern.fullmatch(m.strip()) for pattern, _ in COMPILED))
    assert unknown == []


@pytest.mark.parametrize("language", ["fr", "de"])
def test_every_message_of_the_table_is_translated(app, language):
    with app.test_request_context(), force_locale(language):
        untranslated = [str(text) for _pattern, text in TABLE if str(text) == text._args[0]]
        assert untranslated == []
        for message in domain_messages() | schema_messages():
            assert translate(message) != message


def test_variable_parts_are_carried_over(app):
    with app.test_request_context(), force_locale("fr"):
        assert translate("unknown product 'NOPE'") == "Produit inconnu « NOPE »."
        assert translate("must be after starts_at") == "Doit être après le début."
        assert translate("String should have at least 1 character") == "Obligatoire : ce champ ne peut pas être vide."
        assert translate("line 3: unknown site 'mars'") == "Ligne 3 : Site inconnu « mars »."
        assert translate("a message nobody wrote yet") == "a message nobody wrote yet"
    with app.test_request_context(), force_locale("de"):
        assert translate("must be a whole number from 1 to 1000") == "Muss eine ganze Zahl von 1 bis 1000 sein."


def test_permission_refusals_are_translated(app):
    lead = Principal(name="lead@example.test", role="lead", site_ids=frozenset({1}))
    refusals = []
    for what in ("agents of site 'lyon'", "site 'lyon'", "contest 4 (site 'lyon')"):
        with pytest.raises(Forbidden) as refused:
            lead.require_site(2, what)
        refusals.append(refused.value.detail)
    with app.test_request_context(), force_locale("fr"):
        french = [translate(message) for message in refusals]
    assert french[:2] == ["Vous ne gérez pas le site « lyon »."] * 2
    assert french[2] == "Ce concours inclut le site « lyon », que vous ne gérez pas."
