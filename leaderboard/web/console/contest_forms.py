"""Forms of the contest wizard, and how their fields become a ContestIn and service errors find their field."""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from pydantic import ValidationError as SchemaError
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    DecimalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError
from wtforms.validators import Optional as Blank

from leaderboard.schemas import ContestIn, check_timezone, field_errors
from leaderboard.services.core.errors import FieldError, InvalidInput, ServiceError

COMMON_TIMEZONES = ("UTC", "Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Paris", "Europe/Brussels",
                    "Europe/Berlin", "Europe/Madrid", "Europe/Rome", "Europe/Zurich", "Europe/Warsaw",
                    "Europe/Athens", "Europe/Istanbul", "Africa/Casablanca", "Africa/Tunis", "Africa/Cairo",
                    "Africa/Johannesburg", "Asia/Dubai", "Asia/Kolkata", "Asia/Manila", "Asia/Singapore",
                    "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
                    "America/Mexico_City", "America/Sao_Paulo", "America/Montreal", "Australia/Sydney")
LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
PRIZE_LINE = re.compile(r"^(\d+)\s*[x×X*]\s*(\S.*)$")
OVERRIDE_LINE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9_.:-]{0,63})\s*[=:]\s*(\S+)$")
COMMON_PATHS = (("name", "name"), ("starts_at", "starts_at"), ("ends_at", "ends_at"), ("timezone", "timezone"),
                ("sites", "sites"), ("prizes", "prizes"))


def number_field(label: Any, **kwargs: Any) -> DecimalField:
    """A decimal input shown as typed (no forced decimal places)."""
    return DecimalField(label, places=None, **kwargs)


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def local_input(value: datetime, tz: str) -> datetime:
    """An aware instant as the naive wall-clock time a datetime-local input shows in `tz`."""
    return value.astimezone(ZoneInfo(tz)).replace(tzinfo=None, second=0, microsecond=0)


def aware(value: datetime, tz: str) -> str:
    """A datetime-local value read in `tz`, as the RFC 3339 text the schemas take."""
    return value.replace(tzinfo=ZoneInfo(tz)).isoformat()


def parse_lines(text: str, what: str) -> dict[str, Decimal]:
    """'CODE=number' lines (blank lines ignored) → {code: number}; ValueError names the bad line."""
    out: dict[str, Decimal] = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        match = OVERRIDE_LINE.match(line.strip())
        try:
            value = Decimal(match.group(2)) if match else None
        except ArithmeticError:
            value = None
        if match is None or value is None or not value.is_finite():
            raise ValueError(_("Line %(n)d: write CODE=%(what)s, e.g. GOLD=50.", n=number, what=what))
        out[match.group(1)] = value
    return out


def parse_prizes(text: str) -> list[dict[str, Any]]:
    """'3 × Voucher' (or '3 x Voucher', or just 'Voucher' for one) per line."""
    prizes = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        match = PRIZE_LINE.match(line)
        quantity, name = (int(match.group(1)), match.group(2).strip()) if match else (1, line)
        if not 1 <= quantity <= 1000:
            raise ValueError(_("Line %(n)d: the quantity must be from 1 to 1000.", n=number))
        if len(name) > 200:
            raise ValueError(_("Line %(n)d: the prize name is longer than 200 characters.", n=number))
        prizes.append({"name": name, "quantity": quantity})
    return prizes


def checked(parse: Any, *args: Any) -> Any:
    """Run a parser inside a field validator: its ValueError becomes the field's error."""
    try:
        return parse(*args)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


class ContestForm(FlaskForm):
    """Fields every kind of contest has."""
    kind = ""
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    sites = MultiCheckboxField(_l("Sites"))
    starts_at = DateTimeLocalField(_l("Starts at"), format=LOCAL_FORMATS, validators=[InputRequired()])
    ends_at = DateTimeLocalField(_l("Ends at"), format=LOCAL_FORMATS, validators=[InputRequired()])
    timezone = StringField(_l("Timezone"), validators=[DataRequired()],
                           description=_l("An IANA timezone such as Europe/Paris; the start and end are read in it."))
    prizes = TextAreaField(_l("Prizes"), description=_l("One prize per line: '3 × Cinema tickets', or just a name "
                                                        "for one."))
    launch = SubmitField(_l("Launch"))

    def validate_timezone(self, field: StringField) -> None:
        try:
            check_timezone((field.data or "").strip())
        except ValueError:
            raise ValidationError(_("Unknown timezone; pick one from the list or type an IANA name.")) from None

    def validate_prizes(self, field: TextAreaField) -> None:
        self.prize_list = checked(parse_prizes, field.data)

    def paths(self) -> tuple[tuple[str, str], ...]:
        """(service error path prefix, form field) pairs, most specific first."""
        return COMMON_PATHS

    def field_for(self, path: str) -> str:
        for prefix, name in self.paths():
            if path == prefix or path.startswith(prefix + ".") or path.startswith(prefix + "["):
                return name
        return ""  # shown above the form

    def aliases(self, error: ServiceError) -> dict[str, str]:
        return {problem.field: self.field_for(problem.field) for problem in error.errors}

    def rules(self) -> dict[str, Any]:
        return {}

    def contest_in(self) -> ContestIn:
        """The validated form as the service's input; InvalidInput carries schema problems."""
        tz = self.timezone.data.strip()
        body: dict[str, Any] = {"name": self.name.data, "kind": self.kind, "timezone": tz,
                                "sites": list(self.sites.data or []), "starts_at": aware(self.starts_at.data, tz),
                                "rules": self.rules(), "prizes": getattr(self, "prize_list", [])}
        if self.ends_at.data is not None:
            body["ends_at"] = aware(self.ends_at.data, tz)
        try:
            return ContestIn.model_validate(body)
        except SchemaError as exc:
            raise InvalidInput("invalid contest", [FieldError(f, m) for f, m in field_errors(exc)]) from None


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
        if self.gate_kpi.data:
            rules["gate"] = {"kpi": self.gate_kpi.data, "min": json_number(self.gate_min.data)}


GATE_PATHS = (("rules.count_pending", "count_pending"), ("rules.gate.min", "gate_min"), ("rules.gate", "gate_kpi"))


class RaceBase(GateFields, ContestForm):
    kind = "race"
    kpi_names: tuple[str, ...] = ()
    product_points = TextAreaField(_l("Product points"), description=_l("One override per line: CODE=points "
                                                                        "(replaces the product's points per unit)."))
    sales_weight = number_field(_l("Weight of sales points"), default=Decimal(1), validators=[InputRequired()])
    normalize = SelectField(_l("Team and site boards"), default="none",
                            choices=[("none", _l("Total points")), ("fte", _l("Points per full-time equivalent"))])

    def validate_product_points(self, field: TextAreaField) -> None:
        checked(parse_lines, field.data, _("points"))

    def kpi_rows(self) -> list[tuple[str, Any, Any]]:
        return [(name, self[f"kpi_{i}_weight"], self[f"kpi_{i}_target"]) for i, name in enumerate(self.kpi_names)]

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        for _name, weight, target in self.kpi_rows():
            if weight.data is not None and target.data is None and not target.errors:
                target.errors.append(_("Required when a weight is set."))
                valid = False
            if target.data is not None and weight.data is None and not weight.errors:
                weight.errors.append(_("Set a weight, or clear the target."))
                valid = False
        return valid

    def paths(self) -> tuple[tuple[str, str], ...]:
        kpis = tuple(pair for i, name in enumerate(self.kpi_names) for pair in (
            (f"rules.score.kpis.{name}.target", f"kpi_{i}_target"), (f"rules.score.kpis.{name}", f"kpi_{i}_weight")))
        return COMMON_PATHS + GATE_PATHS + kpis + (
            ("rules.products", "product_points"), ("rules.score", "sales_weight"), ("rules.normalize", "normalize"))

    def rules(self) -> dict[str, Any]:
        rules: dict[str, Any] = {}
        points = parse_lines(self.product_points.data, "points")
        if points:
            rules["products"] = {code: {"points": json_number(value)} for code, value in points.items()}
        self.gate_rules(rules)
        score: dict[str, Any] = {"sales": json_number(self.sales_weight.data)}
        kpis = {name: {"weight": json_number(weight.data), "target": json_number(target.data)}
                for name, weight, target in self.kpi_rows() if weight.data is not None}
        if kpis:
            score["kpis"] = kpis
        rules["score"] = score
        rules["normalize"] = self.normalize.data
        return rules


@lru_cache(maxsize=8)
def race_form_class(kpis: tuple[tuple[str, str], ...]) -> type[RaceBase]:
    """A race form with a weight and a target input for each KPI of the catalogue."""
    fields: dict[str, Any] = {"kpi_names": tuple(name for name, _label in kpis)}
    for i, (_name, label) in enumerate(kpis):
        fields[f"kpi_{i}_weight"] = number_field(_l("%(kpi)s: weight", kpi=label), validators=[Blank()])
        fields[f"kpi_{i}_target"] = number_field(_l("%(kpi)s: target", kpi=label), validators=[Blank()])
    return type("RaceForm", (RaceBase,), fields)


class LuckyDrawForm(GateFields, ContestForm):
    kind = "lucky_draw"
    tickets_per_sale = IntegerField(_l("Tickets per sale"), default=1, validators=[InputRequired()])
    product_tickets = TextAreaField(_l("Tickets per product"),
                                    description=_l("One override per line: CODE=tickets (0 for none)."))
    min_points = number_field(_l("Minimum points of a sale to earn tickets"), default=Decimal(0),
                              validators=[InputRequired()])
    one_prize_per_agent = BooleanField(_l("At most one prize per agent"), default=True)

    def validate_product_tickets(self, field: TextAreaField) -> None:
        for value in checked(parse_lines, field.data, _("tickets")).values():
            if value != value.to_integral_value():
                raise ValidationError(_("Tickets are whole numbers."))

    def validate_prizes(self, field: TextAreaField) -> None:
        super().validate_prizes(field)
        if not self.prize_list:
            raise ValidationError(_("A lucky draw needs at least one prize."))

    def paths(self) -> tuple[tuple[str, str], ...]:
        return COMMON_PATHS + GATE_PATHS + (
            ("rules.products", "product_tickets"), ("rules.tickets_per_sale", "tickets_per_sale"),
            ("rules.min_points", "min_points"), ("rules.one_prize_per_agent", "one_prize_per_agent"))

    def rules(self) -> dict[str, Any]:
        rules: dict[str, Any] = {"tickets_per_sale": self.tickets_per_sale.data,
                                 "min_points": json_number(self.min_points.data),
                                 "one_prize_per_agent": bool(self.one_prize_per_agent.data)}
        tickets = parse_lines(self.product_tickets.data, "tickets")
        if tickets:
            rules["products"] = {code: {"tickets": int(value)} for code, value in tickets.items()}
        self.gate_rules(rules)
        return rules


class LeagueForm(ContestForm):
    kind = "league"
    ends_at = DateTimeLocalField(_l("Ends at (optional: it follows from the fixtures)"), format=LOCAL_FORMATS,
                                 validators=[Blank()])
    format = SelectField(_l("Format"), default="league", choices=[("league", _l("League (round robin)")),
                                                                  ("cup", _l("Cup (knockout)"))])
    legs = SelectField(_l("Legs"), default=1, coerce=int, choices=[(1, _l("1 (single round robin)")),
                                                                   (2, _l("2 (home and away)"))])
    match_days = IntegerField(_l("Match length in days"), default=1, validators=[InputRequired(), NumberRange(1, 366)])
    points_per_goal = StringField(_l("Points per goal"), default="auto",
                                  description=_l("A number, or 'auto' to pick one from the last 28 days."))
    normalize = SelectField(_l("Goals from"), default="fte",
                            choices=[("fte", _l("Points per full-time equivalent")), ("none", _l("Total points"))])
    win = number_field(_l("Points for a win"), default=Decimal(3), validators=[InputRequired()])
    draw = number_field(_l("Points for a draw"), default=Decimal(1), validators=[InputRequired()])
    loss = number_field(_l("Points for a loss"), default=Decimal(0), validators=[InputRequired()])
    preview = SubmitField(_l("Preview fixtures"))

    def validate_points_per_goal(self, field: StringField) -> None:
        self.points_value: str | int | float | None = (
            "auto" if (field.data or "").strip().lower() in ("", "auto") else None)
        if self.points_value is None:
            try:
                value = Decimal(field.data.strip())
            except ArithmeticError:
                value = Decimal(0)
            if not value.is_finite() or value <= 0:
                raise ValidationError(_("A positive number, or auto."))
            self.points_value = json_number(value)

    def paths(self) -> tuple[tuple[str, str], ...]:
        return (*COMMON_PATHS, ("rules.format", "format"), ("rules.legs", "legs"), ("rules.match_length", "match_days"),
                ("rules.points_per_goal", "points_per_goal"), ("rules.normalize", "normalize"),
                ("rules.match_points.draw", "draw"), ("rules.match_points.loss", "loss"), ("rules.match_points", "win"))

    def rules(self) -> dict[str, Any]:
        rules: dict[str, Any] = {"format": self.format.data, "match_length": f"P{self.match_days.data}D",
                                 "points_per_goal": self.points_value, "normalize": self.normalize.data,
                                 "match_points": {"win": json_number(self.win.data),
                                                  "draw": json_number(self.draw.data),
                                                  "loss": json_number(self.loss.data)}}
        if self.format.data == "league":
            rules["legs"] = self.legs.data
        return rules


def wizard_form(kind: str, kpis: dict[str, dict[str, Any]], site_choices: list[tuple[str, str]],
                defaults: dict[str, Any]) -> ContestForm | None:
    """The wizard form of `kind` with the sites and KPI choices filled in, or None for an unknown kind."""
    catalogue = tuple((name, str(spec.get("label", name))) for name, spec in kpis.items())
    classes: dict[str, Callable[[], type[FlaskForm]]] = {
        "race": lambda: race_form_class(catalogue), "lucky_draw": lambda: LuckyDrawForm, "league": lambda: LeagueForm}
    if kind not in classes:
        return None
    form = classes[kind]()(data=defaults)
    form.sites.choices = site_choices
    if isinstance(form, GateFields):
        form.gate_kpi.choices = [("", _("No gate"))] + [(name, label) for name, label in catalogue]
    return form
