"""Contest scoring rules: validation, points and tickets of a sale, KPI weighting and quality gates.

Score formula (one for every contest): score = sales_weight × sales points + Σ over weighted KPIs
of weight × attainment. A KPI's actual value is the mean of the agent's samples dated inside the
contest window. Attainment = actual / target for higher-is-better KPIs and target / actual for
lower-is-better ones, capped at ATTAINMENT_CAP (1.5), and 0 when the agent has no samples.
Quality gate: an agent is qualified when the mean of the gate KPI is at least `min`
(at most `max` for a lower-is-better KPI); an agent with no samples of it is not qualified.
Assists (`"assists": true`): each colleague credited on a counted sale earns the product's assist points
(per unit × quantity, fixed at ingest; a contest may override them per product) on top of their own points.
Kinds (`"kinds": ["save"]`): only sales of those product kinds count, in every projection of the contest.
"""
from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from leaderboard.domain.instant_prizes import InstantPrize, parse_instant_prizes

ATTAINMENT_CAP = Decimal("1.5")
# Bounds keep every score within the numeric(18,4) standing columns and Decimal's precision.
MAX_POINTS_PER_UNIT = 10_000
MAX_SALES_WEIGHT = Decimal(1000)
MAX_KPI_WEIGHT = Decimal(1_000_000)
MAX_RULE_NUMBER = Decimal(1_000_000_000)
RULE_DECIMALS = Decimal("0.0001")
KINDS = ("race", "lucky_draw", "league")
COMMON_KEYS = {"products", "include_products", "count_pending", "score", "gate", "normalize", "assists", "kinds",
               "instant_prizes"}
PRODUCT_KINDS = ("sale", "save")
KIND_KEYS = {
    "race": {"opt_in"},  # only agents who accepted appear on an opt-in race's boards
    "lucky_draw": {"tickets_per_sale", "min_points", "one_prize_per_agent"},
    "league": {"format", "legs", "match_length", "points_per_goal", "match_points"},
}


@dataclass(frozen=True)
class KpiWeight:
    weight: Decimal
    target: Decimal


@dataclass(frozen=True)
class Gate:
    kpi: str
    minimum: Decimal


@dataclass(frozen=True)
class ContestRules:
    point_overrides: dict[str, Decimal] = field(default_factory=dict)
    ticket_overrides: dict[str, int] = field(default_factory=dict)
    include_products: frozenset[str] | None = None
    count_pending: bool = True
    sales_weight: Decimal = Decimal(1)
    kpi_weights: dict[str, KpiWeight] = field(default_factory=dict)
    gate: Gate | None = None
    normalize: str = "none"
    tickets_per_sale: int = 1
    min_points: Decimal = Decimal(0)
    one_prize_per_agent: bool = True
    opt_in: bool = False
    assists: bool = False
    assist_overrides: dict[str, Decimal] = field(default_factory=dict)
    kinds: frozenset[str] | None = None  # None: every product kind counts
    instant_prizes: tuple[InstantPrize, ...] = ()

    @property
    def kpis_used(self) -> set[str]:
        return set(self.kpi_weights) | ({self.gate.kpi} if self.gate else set())

    def sale_points(self, product: str, base_points: int, quantity: int) -> Decimal | None:
        """Points of a sale in this contest (`base_points` is the sale's own total), or None
        when its product does not count. An override replaces the per-unit points."""
        if self.include_products is not None and product not in self.include_products:
            return None
        if product in self.point_overrides:
            return self.point_overrides[product] * quantity
        return Decimal(base_points)

    def assist_points(self, product: str, base_assist_points: int, quantity: int) -> Decimal | None:
        """Points one assisting colleague earns on a counted sale here (`base_assist_points` is what the sale
        stored for them), or None when the contest does not credit assists or leaves the product out."""
        if not self.assists or (self.include_products is not None and product not in self.include_products):
            return None
        if product in self.assist_overrides:
            return self.assist_overrides[product] * quantity
        return Decimal(base_assist_points)

    def sale_tickets(self, product: str, base_points: int, quantity: int) -> int:
        """Tickets are per sale event: quantity does not multiply them."""
        points = self.sale_points(product, base_points, quantity)
        if points is None or points < self.min_points:
            return 0
        return self.ticket_overrides.get(product, self.tickets_per_sale)


def _number(value: Any, low: Decimal, high: Decimal, path: str,
            errors: list[tuple[str, str]]) -> Decimal | None:
    """`value` as a Decimal from `low` to `high` with at most four decimals; else None and an error."""
    number = None
    if not isinstance(value, bool) and isinstance(value, (int, float, str)):
        with contextlib.suppress(ArithmeticError):
            number = Decimal(str(value))
    # Bounds before quantize: quantizing a huge number raises InvalidOperation.
    if number is None or not number.is_finite() or not low <= number <= high \
            or number != number.quantize(RULE_DECIMALS):
        errors.append((path, f"must be a number from {low} to {high} with at most 4 decimals"))
        return None
    return number


def parse_rules(kind: str, raw: Mapping[str, Any], kpi_catalogue: Mapping[str, bool],
                product_codes: set[str] | None) -> tuple[ContestRules | None, list[tuple[str, str]]]:
    """Validate `raw` for a contest kind. `kpi_catalogue` maps KPI name → higher_is_better;
    `product_codes` None skips the product check (rules already validated at launch)."""
    errors: list[tuple[str, str]] = []
    if not isinstance(raw, Mapping):
        return None, [("rules", "must be an object")]
    for key in sorted(set(raw) - COMMON_KEYS - KIND_KEYS.get(kind, set())):
        errors.append((f"rules.{key}", f"unknown rule for a {kind} contest"))
    points, tickets, assist_points = _product_overrides(raw.get("products", {}), product_codes, errors)
    include = raw.get("include_products")
    if include is not None:
        if not isinstance(include, list) or not all(isinstance(c, str) for c in include):
            errors.append(("rules.include_products", "must be a list of product codes"))
            include = None
        else:
            errors += [("rules.include_products", f"unknown product {c!r}")
                       for c in include if product_codes is not None and c not in product_codes]
    count_pending = raw.get("count_pending", True)
    if not isinstance(count_pending, bool):
        errors.append(("rules.count_pending", "must be true or false"))
    sales_weight, kpi_weights = _score(raw.get("score", {}), kpi_catalogue, errors)
    gate = _gate(raw.get("gate"), kpi_catalogue, errors)
    normalize = raw.get("normalize", "none")
    if normalize not in ("fte", "none"):
        errors.append(("rules.normalize", "must be 'fte' or 'none'"))
    tickets_per_sale = raw.get("tickets_per_sale", 1)
    if isinstance(tickets_per_sale, bool) or not isinstance(tickets_per_sale, int) or not 1 <= tickets_per_sale <= 1000:
        errors.append(("rules.tickets_per_sale", "must be a whole number from 1 to 1000"))
    min_points = _number(raw.get("min_points", 0), Decimal(0), MAX_RULE_NUMBER, "rules.min_points", errors)
    one_prize = raw.get("one_prize_per_agent", True)
    if not isinstance(one_prize, bool):
        errors.append(("rules.one_prize_per_agent", "must be true or false"))
    opt_in = raw.get("opt_in", False)
    if not isinstance(opt_in, bool):
        errors.append(("rules.opt_in", "must be true or false"))
    assists = raw.get("assists", False)
    if not isinstance(assists, bool):
        errors.append(("rules.assists", "must be true or false"))
    kinds = _kinds(raw.get("kinds"), errors)
    instant_prizes = parse_instant_prizes(raw.get("instant_prizes", []), product_codes, errors)
    if errors:
        return None, errors
    # _number gives None only together with an error, so both are set here.
    assert sales_weight is not None and min_points is not None
    return ContestRules(point_overrides=points, ticket_overrides=tickets,
                        include_products=frozenset(include) if include is not None else None,
                        count_pending=count_pending, sales_weight=sales_weight, kpi_weights=kpi_weights,
                        gate=gate, normalize=normalize, tickets_per_sale=tickets_per_sale,
                        min_points=min_points, one_prize_per_agent=one_prize, opt_in=opt_in,
                        assists=assists, assist_overrides=assist_points, kinds=kinds,
                        instant_prizes=instant_prizes), []


def _kinds(raw: Any, errors: list[tuple[str, str]]) -> frozenset[str] | None:
    if raw is None:
        return None
    if not isinstance(raw, list) or not raw or not all(isinstance(k, str) for k in raw):
        errors.append(("rules.kinds", f"must be a non-empty list of product kinds: {', '.join(PRODUCT_KINDS)}"))
        return None
    unknown = [k for k in raw if k not in PRODUCT_KINDS]
    errors += [("rules.kinds", f"unknown product kind {k!r}; one of {', '.join(PRODUCT_KINDS)}") for k in unknown]
    return frozenset(raw)


def _product_overrides(raw: Any, product_codes: set[str] | None,
                       errors: list[tuple[str, str]]
                       ) -> tuple[dict[str, Decimal], dict[str, int], dict[str, Decimal]]:
    points: dict[str, Decimal] = {}
    tickets: dict[str, int] = {}
    assist_points: dict[str, Decimal] = {}
    if not isinstance(raw, Mapping):
        errors.append(("rules.products", "must be an object keyed by product code"))
        return points, tickets, assist_points
    for code, override in raw.items():
        path = f"rules.products.{code}"
        if product_codes is not None and code not in product_codes:
            errors.append((path, f"unknown product {code!r}"))
            continue
        if not isinstance(override, Mapping) or not override or set(override) - {"points", "tickets",
                                                                                 "assist_points"}:
            errors.append((path, "must be an object with 'points', 'tickets' and/or 'assist_points'"))
            continue
        if "points" in override:
            value = _number(override["points"], Decimal(0), Decimal(MAX_POINTS_PER_UNIT), f"{path}.points", errors)
            if value is not None:
                points[code] = value
        if "tickets" in override:
            value = override["tickets"]
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1000:
                errors.append((f"{path}.tickets", "must be a whole number from 0 to 1000"))
            else:
                tickets[code] = value
        if "assist_points" in override:
            value = _number(override["assist_points"], Decimal(0), Decimal(MAX_POINTS_PER_UNIT),
                            f"{path}.assist_points", errors)
            if value is not None:
                assist_points[code] = value
    return points, tickets, assist_points


def _score(raw: Any, catalogue: Mapping[str, bool],
           errors: list[tuple[str, str]]) -> tuple[Decimal | None, dict[str, KpiWeight]]:
    weights: dict[str, KpiWeight] = {}
    if not isinstance(raw, Mapping) or set(raw) - {"sales", "kpis"}:
        errors.append(("rules.score", "must be an object with 'sales' and/or 'kpis'"))
        return Decimal(1), weights
    sales_weight = _number(raw.get("sales", 1), Decimal(0), MAX_SALES_WEIGHT, "rules.score.sales", errors)
    kpis = raw.get("kpis", {})
    if not isinstance(kpis, Mapping):
        errors.append(("rules.score.kpis", "must be an object keyed by KPI name"))
        return sales_weight, weights
    for name, spec in kpis.items():
        path = f"rules.score.kpis.{name}"
        if name not in catalogue:
            errors.append((path, f"unknown KPI {name!r}; declared: {', '.join(sorted(catalogue))}"))
            continue
        if not isinstance(spec, Mapping) or set(spec) != {"weight", "target"}:
            errors.append((path, "must be {'weight': number, 'target': number}"))
            continue
        weight = _number(spec["weight"], Decimal(0), MAX_KPI_WEIGHT, f"{path}.weight", errors)
        target = _number(spec["target"], RULE_DECIMALS, MAX_RULE_NUMBER, f"{path}.target", errors)
        if weight is not None and target is not None:
            weights[name] = KpiWeight(weight, target)
    return sales_weight, weights


def _gate(raw: Any, catalogue: Mapping[str, bool], errors: list[tuple[str, str]]) -> Gate | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping) or set(raw) != {"kpi", "min"}:
        errors.append(("rules.gate", "must be {'kpi': name, 'min': number}"))
        return None
    if not isinstance(raw["kpi"], str) or raw["kpi"] not in catalogue:
        errors.append(("rules.gate.kpi", f"unknown KPI {raw['kpi']!r}"))
        return None
    minimum = _number(raw["min"], -MAX_RULE_NUMBER, MAX_RULE_NUMBER, "rules.gate.min", errors)
    return Gate(raw["kpi"], minimum) if minimum is not None else None


def attainment(actual: float | None, target: Decimal, higher_is_better: bool) -> Decimal:
    if actual is None:
        return Decimal(0)
    value = Decimal(str(actual))
    if higher_is_better:
        ratio = value / target
    else:
        ratio = ATTAINMENT_CAP if value <= 0 else target / value
    return max(Decimal(0), min(ratio, ATTAINMENT_CAP))


def is_qualified(rules: ContestRules, kpi_means: Mapping[str, float], catalogue: Mapping[str, bool]) -> bool:
    if rules.gate is None:
        return True
    mean = kpi_means.get(rules.gate.kpi)
    if mean is None:
        return False
    value = Decimal(str(mean))
    return value >= rules.gate.minimum if catalogue[rules.gate.kpi] else value <= rules.gate.minimum


def agent_score(rules: ContestRules, sales_points: Decimal, kpi_means: Mapping[str, float],
                catalogue: Mapping[str, bool]) -> tuple[Decimal, dict[str, Any]]:
    """The agent's score and a breakdown that shows every term of the formula."""
    score = rules.sales_weight * sales_points
    breakdown: dict[str, Any] = {"sales_points": sales_points, "sales_weight": rules.sales_weight, "kpis": {}}
    for name, weight in sorted(rules.kpi_weights.items()):
        actual = kpi_means.get(name)
        ratio = attainment(actual, weight.target, catalogue[name])
        contribution = weight.weight * ratio
        score += contribution
        breakdown["kpis"][name] = {"actual": actual, "target": weight.target, "weight": weight.weight,
                                   "attainment": ratio, "points": contribution}
    return score, breakdown


def json_number(value: Decimal | int | float) -> int | float:
    """Whole numbers as ints, others rounded to 4 places: how points appear in answers."""
    number = Decimal(str(value)) if not isinstance(value, Decimal) else value
    if number == number.to_integral_value():
        return int(number)
    return float(round(number, 4))
