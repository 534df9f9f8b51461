"""Domain rules of assists, retention saves and contest kinds, computed independently here (no app, no database)."""
from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from leaderboard.domain.personal import personal_cards
from leaderboard.domain.ranking import BoardEntry, rank_entries
from leaderboard.domain.sales import SaleBody, assist_errors, counts_in_contest
from leaderboard.domain.scoring import parse_rules

AT = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
START, END = AT - timedelta(days=1), AT + timedelta(days=1)


def rules(raw, products=frozenset({"GOLD", "SAVE1"})):
    parsed, errors = parse_rules("race", raw, {}, set(products))
    assert not errors, errors
    return parsed


def errors_of(raw):
    return parse_rules("race", raw, {}, {"GOLD", "SAVE1"})[1]


def test_assist_points_only_where_the_contest_credits_assists():
    assert rules({}).assist_points("GOLD", 7, 2) is None
    assert rules({"assists": False}).assist_points("GOLD", 7, 2) is None
    assert rules({"assists": True}).assist_points("GOLD", 7, 2) == Decimal(7)


def test_assist_points_override_is_per_unit_and_left_out_products_earn_nothing():
    contest = rules({"assists": True, "products": {"GOLD": {"assist_points": 4}}, "include_products": ["GOLD"]})
    assert contest.assist_points("GOLD", 7, 3) == Decimal(12)  # 4 per unit x 3 units
    assert contest.assist_points("SAVE1", 7, 1) is None


def test_rules_refuse_bad_assists_and_kinds_with_field_paths():
    assert errors_of({"assists": "yes"}) == [("rules.assists", "must be true or false")]
    assert [path for path, _ in errors_of({"kinds": []})] == ["rules.kinds"]
    assert [path for path, _ in errors_of({"kinds": "save"})] == ["rules.kinds"]
    assert errors_of({"kinds": ["save", "refund"]}) == [
        ("rules.kinds", "unknown product kind 'refund'; one of sale, save")]
    assert [path for path, _ in errors_of({"products": {"GOLD": {"assist_points": -1}}})] == [
        "rules.products.GOLD.assist_points"]


def test_kinds_parsed_as_a_set_and_default_counts_every_kind():
    assert rules({}).kinds is None
    assert rules({"kinds": ["save"]}).kinds == frozenset({"save"})
    assert rules({"kinds": ["sale", "save"]}).kinds == frozenset({"sale", "save"})


def counts(kind, kinds):
    return counts_in_contest(AT, 1, START, END, {1}, True, None, timedelta(days=14), kind, kinds)


def test_the_counting_rule_obeys_kinds():
    assert counts("sale", None) and counts("save", None)
    assert counts("save", {"save"}) and not counts("sale", {"save"})
    assert counts("sale", {"sale", "save"}) and counts("save", {"sale", "save"})
    # The other conditions still apply to saves.
    assert not counts_in_contest(END, 1, START, END, {1}, True, None, timedelta(days=14), "save", {"save"})


def test_assist_errors_limit_seller_and_duplicates():
    assert assist_errors("ann", []) == []
    assert assist_errors("ann", ["bob", "cid", "dan"]) == []
    assert assist_errors("ann", ["bob", "cid", "dan", "eve"]) == [
        (None, "at most 3 people may be credited with an assist")]
    assert assist_errors("ann", ["ann"]) == [(0, "the seller cannot assist their own sale")]
    assert assist_errors("ann", ["bob", "bob"]) == [(1, "'bob' is listed twice")]


def body(assists=()):
    return SaleBody("s-1", "ann", "GOLD", 2, Decimal("10.00"), AT, tuple(assists))


def test_fingerprint_without_assists_is_the_one_stored_before_assists_existed():
    canonical = {"id": "s-1", "agent": "ann", "product": "GOLD", "quantity": 2, "amount": "10.00",
                 "occurred_at": AT.timestamp()}
    expected = hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()
    assert body().fingerprint() == expected


def test_fingerprint_changes_with_who_assisted():
    assert body(["bob"]).fingerprint() != body().fingerprint()
    assert body(["bob"]).fingerprint() != body(["cid"]).fingerprint()


@given(st.permutations(["bob", "cid", "dan"]))
def test_fingerprint_ignores_the_order_assists_are_listed_in(order):
    assert body(order).fingerprint() == body(["bob", "cid", "dan"]).fingerprint()


def test_personal_cards_carry_sales_saves_and_assists():
    entries = rank_entries([
        BoardEntry("ann", "Ann", Decimal(30), sales=2, saves=1, reached_at=AT, reached_sale_id="a"),
        BoardEntry("ops", "Ops", Decimal(5), assists=1, reached_at=AT, reached_sale_id="a"),
    ])
    cards = personal_cards(1, entries)
    assert (cards["ann"].sales, cards["ann"].saves, cards["ann"].assists) == (2, 1, 0)
    assert (cards["ops"].sales, cards["ops"].saves, cards["ops"].assists) == (0, 0, 1)
    assert cards["ops"].gap == 25
