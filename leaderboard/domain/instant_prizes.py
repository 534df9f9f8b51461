"""Instant prizes: the `instant_prizes` contest rule, and which counted sale wins what (pure, no I/O).

A prize is won by a counted sale that meets its `when` and finds stock left. Sales are decided in order
of arrival; counters (per agent and site-local day, per site, per contest) count every counted sale at its
arrival and are never taken back, so a later cancellation changes no other sale's outcome. A cancellation
inside the clawback window revokes a win not handed over yet and gives its stock back.

Chance ("golden sale"): a sale wins when
    int.from_bytes(HMAC-SHA256(seed, sale_id as UTF-8), "big") / 2**256 < probability
with the contest's secret seed, committed as sha256(seed) at launch and revealed after the contest ends.
Only sales received before the end can win by chance: once the seed is public a sale id could be chosen.
"""
from __future__ import annotations

import contextlib
import hashlib
import hmac
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

FIRST_SALE_OF_DAY, EVERY_NTH, PRODUCT, CHANCE = "first_sale_of_day", "every_nth", "product", "chance"
WHEN_KINDS = (FIRST_SALE_OF_DAY, EVERY_NTH, PRODUCT, CHANCE)
SCOPES = ("site", "contest")
WON, HANDED_OVER, REVOKED = "won", "handed_over", "revoked"
MAX_PRIZES = 20
MAX_STOCK = 1_000_000
MAX_NTH = 1_000_000
MAX_NAME = 200
MAX_AMOUNT = Decimal("1000000000")
SEED_BYTES = 32


@dataclass(frozen=True)
class FirstSaleOfDay:
    kind: str = FIRST_SALE_OF_DAY


@dataclass(frozen=True)
class EveryNth:
    n: int
    scope: str
    kind: str = EVERY_NTH


@dataclass(frozen=True)
class ProductSale:
    product: str
    min_amount: Decimal | None = None
    kind: str = PRODUCT


@dataclass(frozen=True)
class Chance:
    probability: float
    kind: str = CHANCE


When = FirstSaleOfDay | EveryNth | ProductSale | Chance


@dataclass(frozen=True)
class InstantPrize:
    name: str
    stock: int
    when: When

    @property
    def needs_seed(self) -> bool:
        return isinstance(self.when, Chance)


@dataclass(frozen=True)
class SaleFacts:
    """What the decision reads of a counted sale (the service fills it from the stored sale)."""

    id: str
    agent_id: int
    site_id: int
    local_day: date
    product: str
    amount: Decimal | None
    received_before_end: bool


# --- the rule ----------------------------------------------------------------------------------------------

def parse_instant_prizes(raw: Any, product_codes: set[str] | None,
                         errors: list[tuple[str, str]]) -> tuple[InstantPrize, ...]:
    """Validate `rules.instant_prizes`; errors are (field path, message) like the other rules."""
    path = "rules.instant_prizes"
    if not isinstance(raw, list):
        errors.append((path, "must be a list of {name, stock, when}"))
        return ()
    if len(raw) > MAX_PRIZES:
        errors.append((path, f"at most {MAX_PRIZES} instant prizes"))
        return ()
    prizes: list[InstantPrize] = []
    names: set[str] = set()
    for index, item in enumerate(raw):
        at = f"{path}[{index}]"
        if not isinstance(item, Mapping) or set(item) != {"name", "stock", "when"}:
            errors.append((at, "must be an object with exactly 'name', 'stock' and 'when'"))
            continue
        before = len(errors)
        name = item["name"]
        if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME:
            errors.append((f"{at}.name", f"must be a text of 1 to {MAX_NAME} characters"))
        elif name in names:
            errors.append((f"{at}.name", f"another instant prize is already called {name!r}"))
        stock = item["stock"]
        if isinstance(stock, bool) or not isinstance(stock, int) or not 1 <= stock <= MAX_STOCK:
            errors.append((f"{at}.stock", f"must be a whole number from 1 to {MAX_STOCK}"))
        when = _when(item["when"], f"{at}.when", product_codes, errors)
        if len(errors) == before and when is not None:
            names.add(name)
            prizes.append(InstantPrize(name, stock, when))
    return tuple(prizes)


def _when(raw: Any, path: str, product_codes: set[str] | None, errors: list[tuple[str, str]]) -> When | None:
    kind = raw.get("kind") if isinstance(raw, Mapping) else None
    if kind not in WHEN_KINDS:
        errors.append((f"{path}.kind", f"must be one of {', '.join(WHEN_KINDS)}"))
        return None
    assert isinstance(raw, Mapping)
    allowed = {FIRST_SALE_OF_DAY: {"kind"}, EVERY_NTH: {"kind", "n", "scope"},
               PRODUCT: {"kind", "product", "min_amount"}, CHANCE: {"kind", "probability"}}[kind]
    for key in sorted(set(raw) - allowed):
        errors.append((f"{path}.{key}", f"unknown setting for {kind}"))
    if kind == FIRST_SALE_OF_DAY:
        return FirstSaleOfDay()
    if kind == EVERY_NTH:
        return _every_nth(raw, path, errors)
    if kind == PRODUCT:
        return _product(raw, path, product_codes, errors)
    return _chance(raw, path, errors)


def _every_nth(raw: Mapping[str, Any], path: str, errors: list[tuple[str, str]]) -> EveryNth | None:
    n, scope = raw.get("n"), raw.get("scope", "contest")
    if scope not in SCOPES:
        errors.append((f"{path}.scope", "must be 'site' or 'contest'"))
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_NTH:
        errors.append((f"{path}.n", f"must be a whole number from 1 to {MAX_NTH}"))
        return None
    return EveryNth(n, scope) if scope in SCOPES else None


def _product(raw: Mapping[str, Any], path: str, product_codes: set[str] | None,
             errors: list[tuple[str, str]]) -> ProductSale | None:
    code = raw.get("product")
    if not isinstance(code, str) or not code:
        errors.append((f"{path}.product", "must be a product code"))
        return None
    if product_codes is not None and code not in product_codes:
        errors.append((f"{path}.product", f"unknown product {code!r}"))
        return None
    minimum = raw.get("min_amount")
    if minimum is None:
        return ProductSale(code)
    amount = None
    if not isinstance(minimum, bool) and isinstance(minimum, (int, str)):
        with contextlib.suppress(ArithmeticError):
            amount = Decimal(str(minimum))
    if amount is None or not amount.is_finite() or not 0 <= amount <= MAX_AMOUNT \
            or amount != amount.quantize(Decimal("0.01")):
        errors.append((f"{path}.min_amount", "must be an amount such as \"100.00\" (0 or more, 2 decimals)"))
        return None
    return ProductSale(code, amount)


def _chance(raw: Mapping[str, Any], path: str, errors: list[tuple[str, str]]) -> Chance | None:
    probability = raw.get("probability")
    if isinstance(probability, bool) or not isinstance(probability, (int, float)) \
            or not 0 < probability <= 1:
        errors.append((f"{path}.probability", "must be a number above 0 and at most 1"))
        return None
    return Chance(float(probability))


# --- the decision ------------------------------------------------------------------------------------------

def new_seed() -> bytes:
    return secrets.token_bytes(SEED_BYTES)


def commitment_of(seed: bytes) -> str:
    return hashlib.sha256(seed).hexdigest()


def chance_value(seed: bytes, sale_id: str) -> float:
    """The sale's draw in [0, 1): HMAC-SHA256(seed, sale id) read as a 256-bit number over 2**256."""
    return int.from_bytes(hmac.new(seed, sale_id.encode("utf-8"), hashlib.sha256).digest(), "big") / 2**256


def counter_key(prize: InstantPrize, sale: SaleFacts) -> str | None:
    """Which running count the sale adds to for this prize (None: the prize needs no count)."""
    when = prize.when
    if isinstance(when, FirstSaleOfDay):
        return f"agent:{sale.agent_id}:{sale.local_day.isoformat()}"
    if isinstance(when, EveryNth):
        return f"site:{sale.site_id}" if when.scope == "site" else "contest"
    return None


def meets(prize: InstantPrize, sale: SaleFacts, count: int | None, seed: bytes | None) -> bool:
    """Whether the sale meets the prize's `when`; `count` is the counter after adding this sale.
    Stock is decided afterwards, by the caller, in order of arrival."""
    when = prize.when
    if isinstance(when, FirstSaleOfDay):
        return count == 1
    if isinstance(when, EveryNth):
        return count is not None and count % when.n == 0
    if isinstance(when, ProductSale):
        if sale.product != when.product:
            return False
        return when.min_amount is None or (sale.amount is not None and sale.amount >= when.min_amount)
    if seed is None or not sale.received_before_end:
        return False
    return chance_value(seed, sale.id) < when.probability


# --- a whole contest in memory (the rebuild and re-scoring) ------------------------------------------------

@dataclass
class Win:
    prize: str
    sale_id: str
    agent_id: int
    won_at: datetime
    status: str = WON
    revoked_at: datetime | None = None
    cancelled_after_hand_over: bool = False


@dataclass
class PrizeBook:
    """Replays one contest's counted sales and cancellations, in arrival order, through `meets`."""

    prizes: Sequence[InstantPrize]
    seed: bytes | None
    handed_over: set[tuple[str, str]] = field(default_factory=set)  # (prize, sale id) handed over
    counters: dict[tuple[str, str], int] = field(default_factory=dict)
    stock: dict[str, int] = field(default_factory=dict)
    wins: list[Win] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.stock = {p.name: p.stock for p in self.prizes}

    def sale(self, sale: SaleFacts, at: datetime) -> list[Win]:
        won = []
        for prize in self.prizes:
            key = counter_key(prize, sale)
            count = None
            if key is not None:
                count = self.counters[(prize.name, key)] = self.counters.get((prize.name, key), 0) + 1
            if meets(prize, sale, count, self.seed) and self.stock[prize.name] > 0:
                self.stock[prize.name] -= 1
                won.append(Win(prize.name, sale.id, sale.agent_id, at))
        self.wins += won
        return won

    def cancellation(self, sale_id: str, at: datetime) -> None:
        for win in self.wins:
            if win.sale_id != sale_id or win.status == REVOKED:
                continue
            if (win.prize, sale_id) in self.handed_over:
                win.cancelled_after_hand_over = True
            else:
                win.status, win.revoked_at = REVOKED, at
                self.stock[win.prize] += 1
