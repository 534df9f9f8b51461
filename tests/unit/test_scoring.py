"""Contest rules validation and the scoring formula, computed by hand."""
from decimal import Decimal

from leaderboard.domain.scoring import ATTAINMENT_CAP, agent_score, attainment, is_qualified, parse_rules

CATALOGUE = {"aht_seconds": False, "referral_rate": True, "quality_score": True}
PRODUCTS = {"GOLD", "SILVER"}


def rules(raw, kind="race"):
    parsed, errors = parse_rules(kind, raw, CATALOGUE, PRODUCTS)
    assert errors == []
    return parsed


def errors_of(raw, kind="race"):
    return dict(parse_rules(kind, raw, CATALOGUE, PRODUCTS)[1])


def test_product_override_replaces_unit_points_and_include_list_filters():
    r = rules({"products": {"GOLD": {"points": 30}}, "include_products": ["GOLD"]})
    assert r.sale_points("GOLD", base_points=20, quantity=2) == 60
    assert r.sale_points("SILVER", base_points=10, quantity=1) is None
    assert rules({}).sale_points("SILVER", base_points=10, quantity=3) == 10  # the sale's own total


def test_tickets_are_per_sale_not_per_unit_with_overrides_and_minimum():
    r = rules({"tickets_per_sale": 2, "products": {"GOLD": {"tickets": 3}}, "min_points": 15}, kind="lucky_draw")
    assert r.sale_tickets("GOLD", 50, quantity=5) == 3
    assert r.sale_tickets("SILVER", 20, quantity=4) == 2
    assert r.sale_tickets("SILVER", 10, quantity=1) == 0


def test_each_bad_rule_is_named_with_its_path():
    found = errors_of({"products": {"NOPE": {"points": 1}, "GOLD": {"points": -1}},
                       "score": {"kpis": {"mood": {"weight": 1, "target": 1},
                                          "referral_rate": {"weight": 5, "target": 0}}},
                       "gate": {"kpi": "quality_score", "min": "high"}, "normalize": "per-head",
                       "count_pending": "yes", "tickets_per_sale": 2})
    assert set(found) == {"rules.products.NOPE", "rules.products.GOLD.points", "rules.score.kpis.mood",
                          "rules.score.kpis.referral_rate.target", "rules.gate.min", "rules.normalize",
                          "rules.count_pending", "rules.tickets_per_sale"}


def test_attainment_is_capped_and_inverted_for_lower_is_better():
    assert attainment(0.05, Decimal("0.10"), True) == Decimal("0.5")
    assert attainment(0.30, Decimal("0.10"), True) == ATTAINMENT_CAP
    assert attainment(400, Decimal(300), False) == Decimal(300) / Decimal(400)
    assert attainment(None, Decimal(300), False) == 0


def test_score_adds_weighted_kpis_to_weighted_sales():
    r = rules({"score": {"sales": 0.5, "kpis": {"referral_rate": {"weight": 50, "target": 0.10},
                                                 "aht_seconds": {"weight": 20, "target": 300}}}})
    score, breakdown = agent_score(r, Decimal(120), {"referral_rate": 0.08, "aht_seconds": 250}, CATALOGUE)
    # 0.5 × 120 + 50 × 0.8 + 20 × 1.2 = 60 + 40 + 24
    assert score == Decimal(124)
    assert breakdown["kpis"]["aht_seconds"]["attainment"] == Decimal("1.2")


def test_gate_needs_evidence_and_the_minimum():
    r = rules({"gate": {"kpi": "quality_score", "min": 80}})
    assert is_qualified(r, {"quality_score": 80}, CATALOGUE)
    assert not is_qualified(r, {"quality_score": 79.9}, CATALOGUE)
    assert not is_qualified(r, {}, CATALOGUE)


def test_unknown_rule_for_the_kind_is_refused():
    assert "rules.tickets_per_sale" in errors_of({"tickets_per_sale": 1}, kind="race")
