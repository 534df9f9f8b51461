"""The instant_prizes rule and its decisions, with expected values worked out by hand or with hmac directly."""
import hashlib
import hmac
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st

from leaderboard.domain.instant_prizes import (
    REVOKED,
    WON,
    Chance,
    EveryNth,
    FirstSaleOfDay,
    InstantPrize,
    PrizeBook,
    ProductSale,
    SaleFacts,
    chance_value,
    commitment_of,
    counter_key,
    meets,
)
from leaderboard.domain.privacy import HIDDEN_KEY, PLACEHOLDER, ChannelDisplay, public_picture
from leaderboard.domain.scoring import parse_rules

PRODUCTS = {"GOLD", "SILVER"}
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SEED = bytes(range(32))


def parse(prizes, kind="race"):
    return parse_rules(kind, {"instant_prizes": prizes}, {}, PRODUCTS)


def facts(sale_id="s1", agent=1, site=1, day=date(2026, 12, 1), product="GOLD", amount=None, in_time=True):
    return SaleFacts(sale_id, agent, site, day, product, amount, in_time)


@pytest.mark.parametrize("kind", ["race", "lucky_draw", "league"])
def test_every_when_kind_parses_for_every_contest_kind(kind):
    rules, errors = parse([
        {"name": "Breakfast", "stock": 5, "when": {"kind": "first_sale_of_day"}},
        {"name": "T-shirt", "stock": 3, "when": {"kind": "every_nth", "n": 10, "scope": "site"}},
        {"name": "Champagne", "stock": 2, "when": {"kind": "product", "product": "GOLD", "min_amount": "100.00"}},
        {"name": "Theatre", "stock": 1, "when": {"kind": "chance", "probability": 0.05}},
    ], kind)
    assert errors == []
    assert rules is not None
    assert [p.when for p in rules.instant_prizes] == [FirstSaleOfDay(), EveryNth(10, "site"),
                                                     ProductSale("GOLD", Decimal("100.00")), Chance(0.05)]
    assert [(p.name, p.stock) for p in rules.instant_prizes] == [("Breakfast", 5), ("T-shirt", 3),
                                                                ("Champagne", 2), ("Theatre", 1)]


def test_no_instant_prizes_by_default():
    rules, _ = parse_rules("race", {}, {}, PRODUCTS)
    assert rules is not None and rules.instant_prizes == ()


def test_bad_prizes_are_named_by_field():
    _, errors = parse([
        {"name": "", "stock": 0, "when": {"kind": "first_sale_of_day"}},
        {"name": "A", "stock": 1, "when": {"kind": "every_nth", "n": 0, "scope": "team"}},
        {"name": "B", "stock": 1, "when": {"kind": "product", "product": "NOPE"}},
        {"name": "C", "stock": 1, "when": {"kind": "product", "product": "GOLD", "min_amount": "1.001"}},
        {"name": "D", "stock": 1, "when": {"kind": "chance", "probability": 1.5}},
        {"name": "E", "stock": True, "when": {"kind": "lottery"}},
        {"name": "A", "stock": 1, "when": {"kind": "first_sale_of_day", "extra": 1}},
        {"name": "F"},
    ])
    assert sorted(path for path, _ in errors) == sorted([
        "rules.instant_prizes[0].name", "rules.instant_prizes[0].stock",
        "rules.instant_prizes[1].when.n", "rules.instant_prizes[1].when.scope",
        "rules.instant_prizes[2].when.product", "rules.instant_prizes[3].when.min_amount",
        "rules.instant_prizes[4].when.probability", "rules.instant_prizes[5].stock",
        "rules.instant_prizes[5].when.kind", "rules.instant_prizes[6].when.extra", "rules.instant_prizes[7]"])
    assert parse({"name": "x"})[1] == [("rules.instant_prizes", "must be a list of {name, stock, when}")]


def test_duplicate_names_are_refused():
    _, errors = parse([{"name": "A", "stock": 1, "when": {"kind": "first_sale_of_day"}},
                       {"name": "A", "stock": 1, "when": {"kind": "chance", "probability": 0.5}}])
    assert [path for path, _ in errors] == ["rules.instant_prizes[1].name"]


def test_counters_are_per_agent_day_per_site_or_per_contest():
    sale = facts(agent=7, site=3, day=date(2026, 12, 24))
    assert counter_key(InstantPrize("a", 1, FirstSaleOfDay()), sale) == "agent:7:2026-12-24"
    assert counter_key(InstantPrize("b", 1, EveryNth(10, "site")), sale) == "site:3"
    assert counter_key(InstantPrize("c", 1, EveryNth(10, "contest")), sale) == "contest"
    assert counter_key(InstantPrize("d", 1, ProductSale("GOLD")), sale) is None


def test_meets_each_kind():
    first = InstantPrize("a", 1, FirstSaleOfDay())
    assert meets(first, facts(), 1, None) and not meets(first, facts(), 2, None)
    nth = InstantPrize("b", 1, EveryNth(3, "contest"))
    assert [n for n in range(1, 10) if meets(nth, facts(), n, None)] == [3, 6, 9]
    gold = InstantPrize("c", 1, ProductSale("GOLD", Decimal("100.00")))
    assert meets(gold, facts(amount=Decimal("100.00")), None, None)
    assert not meets(gold, facts(amount=Decimal("99.99")), None, None)
    assert not meets(gold, facts(amount=None), None, None)
    assert not meets(gold, facts(product="SILVER", amount=Decimal(500)), None, None)
    assert meets(InstantPrize("d", 1, ProductSale("GOLD")), facts(amount=None), None, None)


def independent_draw(seed: bytes, sale_id: str) -> float:
    digest = hmac.new(seed, sale_id.encode("utf-8"), hashlib.sha256).digest()
    return int.from_bytes(digest, "big") / 2**256


def test_chance_follows_the_published_formula_and_needs_arrival_before_the_end():
    ids = [f"sale-{i}" for i in range(400)]
    prize = InstantPrize("golden", 100, Chance(0.1))
    winners = [i for i in ids if meets(prize, facts(sale_id=i), None, SEED)]
    assert winners == [i for i in ids if independent_draw(SEED, i) < 0.1]
    assert 15 < len(winners) < 70  # about 40 expected
    assert all(chance_value(SEED, i) == independent_draw(SEED, i) for i in ids[:20])
    assert not meets(prize, facts(sale_id=winners[0], in_time=False), None, SEED)
    assert not meets(prize, facts(sale_id=winners[0]), None, None)
    assert commitment_of(SEED) == hashlib.sha256(SEED).hexdigest()
    assert chance_value(SEED, "éé") == independent_draw(SEED, "éé")


def test_book_stock_runs_out_and_a_cancellation_gives_it_back():
    book = PrizeBook([InstantPrize("bottle", 2, ProductSale("GOLD"))], None)
    for i in range(4):
        book.sale(facts(sale_id=f"s{i}"), T0 + timedelta(minutes=i))
    assert [w.sale_id for w in book.wins] == ["s0", "s1"]
    book.cancellation("s0", T0 + timedelta(hours=1))
    assert [(w.sale_id, w.status) for w in book.wins] == [("s0", REVOKED), ("s1", WON)]
    book.sale(facts(sale_id="s9"), T0 + timedelta(hours=2))
    assert [w.sale_id for w in book.wins if w.status == WON] == ["s1", "s9"]
    assert book.stock == {"bottle": 0}


def test_book_keeps_a_handed_over_win_and_flags_it():
    book = PrizeBook([InstantPrize("bottle", 1, ProductSale("GOLD"))], None, handed_over={("bottle", "s0")})
    book.sale(facts(sale_id="s0"), T0)
    book.cancellation("s0", T0 + timedelta(hours=1))
    assert book.wins[0].status == WON and book.wins[0].cancelled_after_hand_over
    assert book.stock == {"bottle": 0}


def test_book_first_sale_of_day_is_per_agent_and_local_day():
    book = PrizeBook([InstantPrize("croissant", 10, FirstSaleOfDay())], None)
    sales = [facts("a1", agent=1), facts("a2", agent=1), facts("b1", agent=2),
             facts("a3", agent=1, day=date(2026, 12, 2))]
    for i, sale in enumerate(sales):
        book.sale(sale, T0 + timedelta(minutes=i))
    assert [w.sale_id for w in book.wins] == ["a1", "b1", "a3"]


@given(st.lists(st.tuples(st.integers(1, 3), st.sampled_from(["GOLD", "SILVER"])), max_size=60),
       st.integers(1, 5), st.integers(1, 4))
def test_book_every_nth_per_site_never_exceeds_stock(sales, n, stock):
    book = PrizeBook([InstantPrize("nth", stock, EveryNth(n, "site"))], None)
    for i, (site, product) in enumerate(sales):
        book.sale(facts(f"s{i}", site=site, product=product), T0 + timedelta(seconds=i))
    # Independently: walk the sales, counting per site, and hand out stock in arrival order.
    counts: dict[int, int] = {}
    expected = []
    for i, (site, _) in enumerate(sales):
        counts[site] = counts.get(site, 0) + 1
        if counts[site] % n == 0 and len(expected) < stock:
            expected.append(f"s{i}")
    assert [w.sale_id for w in book.wins] == expected


def test_the_readme_chance_check_agrees_with_the_service(monkeypatch):
    text = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```python\n(import hashlib, hmac, requests.*?)```", text, re.S)
    assert block, "the README lost its chance check"

    class Answer:
        def json(self):
            return {"instant_prizes": {"seed": SEED.hex(), "commitment": commitment_of(SEED)}}

    monkeypatch.setattr(requests, "get", lambda *args, **kwargs: Answer())
    namespace: dict = {}
    exec(compile(block.group(1), "README", "exec"), namespace)
    prize = InstantPrize("golden", 1, Chance(0.2))
    ids = [f"crm-{n}" for n in range(200)]
    expected = [i for i in ids if meets(prize, facts(sale_id=i), None, SEED)]
    assert [i for i in ids if namespace["golden"](i, 0.2)] == expected


def test_public_screens_hide_a_hidden_winner_and_follow_the_channel_name_mode():
    picture = {"prizes": {"offers": [], "wins": [
        {"id": "w1", "prize": "Bottle", "agent": {"key": "julie", "name": "Julie Lefèvre"}},
        {"id": "w2", "prize": "Mug", "agent": {"key": "marc", "name": "Marc Dubois"}}]}, HIDDEN_KEY: ["marc"]}
    shown = public_picture(picture, ChannelDisplay(names="first_initial"))
    assert [(w["prize"], w["agent"]["name"]) for w in shown["prizes"]["wins"]] == [("Bottle", "Julie L."),
                                                                                 ("Mug", PLACEHOLDER)]
    assert shown["prizes"]["wins"][1]["agent"]["key"] == "hidden"
    nameless = public_picture(picture, ChannelDisplay(names="none"))
    assert {w["agent"]["name"] for w in nameless["prizes"]["wins"]} == {PLACEHOLDER}
    assert picture["prizes"]["wins"][1]["agent"]["name"] == "Marc Dubois"  # the shared picture is not changed
