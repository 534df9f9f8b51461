"""Form controls for the rules every contest kind shares (quality gate, what counts, instant prizes), and
stored rules as the data of the controls of each kind.

Each mixin reads its rules from the form (`*_rules`), fills itself from stored rules (`*_data`), and names the
form field a service error path belongs to (`*_PATHS`).
"""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DecimalField, IntegerField, SelectField, StringField
from wtforms.validators import Length, NumberRange
from wtforms.validators import Optional as Blank

INSTANT_ROWS = 3
WHEN_CHOICES = [("first_sale_of_day", _l("An agent's first sale of the day")),
                ("every_nth", _l("Every n-th sale of the contest")),
                ("every_nth_site", _l("Every n-th sale of a site")),
                ("product", _l("A sale of a product")),
                ("chance", _l("Chance: a golden sale"))]
KIND_CHOICES = [("", _l("Sales and saves")), ("sale", _l("Sales only")), ("save", _l("Saves only"))]


def json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def number_field(label: Any, **kwargs: Any) -> DecimalField:
    """A decimal input shown as typed (no forced decimal places)."""
    return DecimalField(label, places=None, **kwargs)


class GateFields:
    count_pending = BooleanField(_l("Count sales still inside the clawback window"), default=True)
    gate_kpi = SelectField(_l("Quality gate KPI"), default="")
    gate_min = number_field(_l("Gate minimum (maximum for a lower-is-better KPI)"), validators=[Blank()])

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)  # type: ignore[misc]
        if self.gate_kpi.data and self.gate_min.data is None and not self.gate_min.errors:
            self.gate_min.errors.append(_("Required when a gate KPI is chosen."))
            valid = False
        return valid

    def gate_rules(self, rules: dict[str, Any]) -> None:
        rules["count_pending"] = bool(self.count_pending.data)
        if self.gate_kpi.data and self.gate_min.data is not None:
            rules["gate"] = {"kpi": self.gate_kpi.data, "min": json_number(self.gate_min.data)}


def gate_data(rules: dict[str, Any]) -> dict[str, Any]:
    gate = rules.get("gate") or {}
    return {"count_pending": rules.get("count_pending", True), "gate_kpi": gate.get("kpi", ""),
            "gate_min": gate.get("min")}


GATE_PATHS = (("rules.count_pending", "count_pending"), ("rules.gate.min", "gate_min"), ("rules.gate", "gate_kpi"))


class CountingFields:
    """Which product kinds count, and whether colleagues who assist earn points."""
    counted_kinds = SelectField(_l("What counts"), default="", choices=KIND_CHOICES)
    assists = BooleanField(_l("Colleagues who assist on a sale earn the product's assist points"), default=False)

    def counting_rules(self, rules: dict[str, Any]) -> None:
        if self.counted_kinds.data:
            rules["kinds"] = [self.counted_kinds.data]
        if self.assists.data:
            rules["assists"] = True


def counting_data(rules: dict[str, Any]) -> dict[str, Any]:
    kinds = rules.get("kinds")
    return {"counted_kinds": kinds[0] if isinstance(kinds, list) and len(kinds) == 1 else "",
            "assists": bool(rules.get("assists", False))}


COUNTING_PATHS = (("rules.kinds", "counted_kinds"), ("rules.assists", "assists"))


class InstantPrizeFields:
    """Up to INSTANT_ROWS instant prizes; a row counts when it has a name."""

    def instant_rows(self) -> list[dict[str, Any]]:
        form: Any = self
        return [{part: form[f"ip_{i}_{part}"] for part in ("name", "stock", "when", "n", "product", "min_amount",
                                                             "chance")} for i in range(INSTANT_ROWS)]

    def validate_instant(self) -> bool:
        valid = True
        for row in self.instant_rows():
            if not (row["name"].data or "").strip():
                continue
            needs = {"every_nth": "n", "every_nth_site": "n", "product": "product", "chance": "chance"}
            wanted = [row["stock"]] + ([row[needs[row["when"].data]]] if row["when"].data in needs else [])
            for field in wanted:
                if not field.data and field.data != 0 and not field.errors:
                    field.errors.append(_("Required for this instant prize."))
                    valid = False
        return valid

    def used_instant_rows(self) -> list[int]:
        return [i for i, row in enumerate(self.instant_rows()) if (row["name"].data or "").strip()]

    def instant_rules(self, rules: dict[str, Any]) -> None:
        prizes = []
        rows = self.instant_rows()
        for i in self.used_instant_rows():
            row = rows[i]
            kind = row["when"].data
            when: dict[str, Any] = {"kind": "every_nth" if kind == "every_nth_site" else kind}
            if kind in ("every_nth", "every_nth_site"):
                when.update(n=row["n"].data, scope="site" if kind == "every_nth_site" else "contest")
            elif kind == "product":
                when["product"] = (row["product"].data or "").strip()
                if row["min_amount"].data is not None:
                    when["min_amount"] = f"{row['min_amount'].data:.2f}"
            elif kind == "chance" and row["chance"].data is not None:
                when["probability"] = float(row["chance"].data / 100)
            prizes.append({"name": row["name"].data.strip(), "stock": row["stock"].data, "when": when})
        if prizes:
            rules["instant_prizes"] = prizes

    def instant_paths(self) -> tuple[tuple[str, str], ...]:
        pairs: list[tuple[str, str]] = []
        for index, row in enumerate(self.used_instant_rows()):
            at, to = f"rules.instant_prizes[{index}]", f"ip_{row}_"
            pairs += [(f"{at}.when.n", to + "n"), (f"{at}.when.scope", to + "when"),
                      (f"{at}.when.product", to + "product"), (f"{at}.when.min_amount", to + "min_amount"),
                      (f"{at}.when.probability", to + "chance"), (f"{at}.when", to + "when"),
                      (f"{at}.stock", to + "stock"), (at, to + "name")]
        return (*pairs, ("rules.instant_prizes", "ip_0_name"))


def instant_fields() -> dict[str, Any]:
    """The fields of the instant prize rows, to put on a form class."""
    fields: dict[str, Any] = {}
    for i in range(INSTANT_ROWS):
        fields[f"ip_{i}_name"] = StringField(_l("Instant prize"), validators=[Blank(), Length(max=200)])
        fields[f"ip_{i}_stock"] = IntegerField(_l("Stock"), validators=[Blank(), NumberRange(1, 1_000_000)])
        fields[f"ip_{i}_when"] = SelectField(_l("Won by"), default="first_sale_of_day", choices=WHEN_CHOICES)
        fields[f"ip_{i}_n"] = IntegerField(_l("Every n-th: n"), validators=[Blank(), NumberRange(1, 1_000_000)])
        fields[f"ip_{i}_product"] = StringField(_l("Product code"), validators=[Blank(), Length(max=64)])
        fields[f"ip_{i}_min_amount"] = number_field(_l("Minimum amount"), validators=[Blank(), NumberRange(0)])
        fields[f"ip_{i}_chance"] = number_field(_l("Chance per sale (%)"),
                                                validators=[Blank(), NumberRange(0.0001, 100)])
    return fields


def instant_data(rules: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for i, prize in enumerate((rules.get("instant_prizes") or [])[:INSTANT_ROWS]):
        when = prize.get("when") or {}
        kind = when.get("kind", "first_sale_of_day")
        data.update({f"ip_{i}_name": prize.get("name"), f"ip_{i}_stock": prize.get("stock"),
                     f"ip_{i}_when": "every_nth_site" if kind == "every_nth" and when.get("scope") == "site" else kind,
                     f"ip_{i}_n": when.get("n"), f"ip_{i}_product": when.get("product"),
                     f"ip_{i}_min_amount": Decimal(when["min_amount"]) if when.get("min_amount") else None,
                     f"ip_{i}_chance": Decimal(str(when["probability"])) * 100 if when.get("probability") else None})
    return data


def lines_text(values: dict[str, Any]) -> str:
    return "\n".join(f"{code}={value}" for code, value in values.items())


def race_data(rules: dict[str, Any], kpi_names: tuple[str, ...]) -> dict[str, Any]:
    score = rules.get("score") or {}
    kpis = score.get("kpis") or {}
    data = {"product_points": lines_text({code: spec["points"] for code, spec in (rules.get("products") or {}).items()
                                          if isinstance(spec, dict) and "points" in spec}),
            "sales_weight": score.get("sales", 1), "normalize": rules.get("normalize", "none")}
    for i, name in enumerate(kpi_names):
        data[f"kpi_{i}_weight"] = (kpis.get(name) or {}).get("weight")
        data[f"kpi_{i}_target"] = (kpis.get(name) or {}).get("target")
    return data


def draw_data(rules: dict[str, Any]) -> dict[str, Any]:
    return {"tickets_per_sale": rules.get("tickets_per_sale", 1), "min_points": rules.get("min_points", 0),
            "one_prize_per_agent": rules.get("one_prize_per_agent", True),
            "product_tickets": lines_text({code: spec["tickets"] for code, spec in (rules.get("products") or {}).items()
                                           if isinstance(spec, dict) and "tickets" in spec})}


def league_data(rules: dict[str, Any]) -> dict[str, Any]:
    points = rules.get("match_points") or {}
    match = re.fullmatch(r"P(\d+)D", str(rules.get("match_length", "P1D")))
    return {"format": rules.get("format", "league"), "legs": rules.get("legs", 1),
            "match_days": int(match.group(1)) if match else 1, "points_per_goal": str(rules.get("points_per_goal",
                                                                                                "auto")),
            "normalize": rules.get("normalize", "fte"), "win": points.get("win", 3), "draw": points.get("draw", 1),
            "loss": points.get("loss", 0)}


def rules_data(kind: str, rules: dict[str, Any], kpi_names: tuple[str, ...]) -> dict[str, Any]:
    """Form data showing stored `rules` in the controls of `kind`."""
    data = {**counting_data(rules), **instant_data(rules)}
    if kind == "race":
        data.update(race_data(rules, kpi_names), **gate_data(rules))
    elif kind == "lucky_draw":
        data.update(draw_data(rules), **gate_data(rules))
    else:
        data.update(league_data(rules))
    return data
