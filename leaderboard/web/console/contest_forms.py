"""Forms of the contest wizard: the fields of each kind, its steps, the rules they make, and which field a
service error path belongs to."""
from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from pydantic import ValidationError as SchemaError
from wtforms import (
    DateTimeLocalField,
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
from leaderboard.services.core.errors import FieldError, InvalidInput
from leaderboard.web.console import rule_controls as controls
from leaderboard.web.console.rule_controls import (
    COUNTING_PATHS,
    GATE_PATHS,
    CountingFields,
    GateFields,
    InstantPrizeFields,
    json_number,
    number_field,
)
from leaderboard.web.labels import kpi_label

LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
PRIZE_LINE = re.compile(r"^(\d+)\s*[x×X*]\s*(\S.*)$")
OVERRIDE_LINE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9_.:-]{0,63})\s*[=:]\s*(\S+)$")
COMMON_PATHS = (("name", "name"), ("starts_at", "starts_at"), ("ends_at", "ends_at"), ("timezone", "timezone"),
                ("sites", "sites"), ("prizes", "prizes"))
BASICS = ("name", "timezone", "starts_at", "ends_at")
STEP_LABELS = {"basics": _l("Basics"), "sites": _l("Sites"), "scoring": _l("Scoring"), "draw": _l("Tickets"),
               "league": _l("Matches"), "prizes": _l("Prizes"), "preview": _l("Preview and launch")}


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


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


def lenient_lines(text: str) -> dict[str, Decimal]:
    """The lines that parse (a bad one is already shown as the field's error)."""
    with contextlib.suppress(ValueError):
        return parse_lines(text, "")
    return {}


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


class ContestForm(InstantPrizeFields, CountingFields, FlaskForm):
    """Fields every kind of contest has."""
    kind = ""
    settings_step = ""
    settings_fields: tuple[str, ...] = ()
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    sites = MultiCheckboxField(_l("Sites"))
    starts_at = DateTimeLocalField(_l("Starts at"), format=LOCAL_FORMATS, validators=[InputRequired()])
    ends_at = DateTimeLocalField(_l("Ends at"), format=LOCAL_FORMATS, validators=[InputRequired()])
    timezone = StringField(_l("Timezone"), validators=[DataRequired()],
                           description=_l("An IANA timezone such as Europe/Paris; the start and end are read in it."))
    prizes = TextAreaField(_l("Prizes"), description=_l("One prize per line: '3 × Cinema tickets', or just a name "
                                                        "for one."))
    step = StringField(widget=widgets.HiddenInput())
    go = StringField()  # the step a navigation button asks for (its value)
    preview = SubmitField(_l("Preview"))
    launch = SubmitField(_l("Launch"))

    def validate_timezone(self, field: StringField) -> None:
        try:
            check_timezone((field.data or "").strip())
        except ValueError:
            raise ValidationError(_("Unknown timezone; pick one from the list or type an IANA name.")) from None

    def validate_prizes(self, field: TextAreaField) -> None:
        self.prize_list = checked(parse_prizes, field.data)

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        return self.validate_instant() and valid

    def steps(self) -> list[tuple[str, tuple[str, ...]]]:
        """(step key, the fields it shows), in order; the last one previews and launches."""
        instant = tuple(f"ip_{i}_{part}" for i in range(controls.INSTANT_ROWS)
                        for part in ("name", "stock", "when", "n", "product", "min_amount", "chance"))
        return [("basics", BASICS), ("sites", ("sites",)),
                (self.settings_step, (*self.settings_fields, "counted_kinds", "assists")),
                ("prizes", ("prizes", *instant)), ("preview", ())]

    def paths(self) -> tuple[tuple[str, str], ...]:
        """(service error path prefix, form field) pairs, most specific first."""
        return (*self.instant_paths(), *COUNTING_PATHS, *COMMON_PATHS)

    def field_for(self, path: str) -> str:
        for prefix, name in self.paths():
            if path == prefix or path.startswith(prefix + ".") or path.startswith(prefix + "["):
                return name
        return ""  # shown above the form

    def aliases(self, errors: list[FieldError]) -> dict[str, str]:
        return {problem.field: self.field_for(problem.field) for problem in errors}

    def kind_rules(self, rules: dict[str, Any]) -> None:
        """Add the rules of this kind's settings step."""

    def rules(self) -> dict[str, Any]:
        """The rules the form describes; a field in error is left out (its error is shown already)."""
        rules: dict[str, Any] = {}
        self.kind_rules(rules)
        self.counting_rules(rules)
        self.instant_rules(rules)
        return rules

    def contest_in(self) -> ContestIn:
        """The form as the service's input, with neutral stand-ins for fields in error so the service can
        still check everything else; InvalidInput carries schema problems."""
        tz = (self.timezone.data or "").strip()
        tz = tz if not self.timezone.errors and tz else "UTC"
        starts = self.starts_at.data if not self.starts_at.errors else None
        ends = self.ends_at.data if not self.ends_at.errors else None
        if starts is None:
            starts = (ends - timedelta(days=1)) if ends else datetime(2030, 1, 1)
        name = (self.name.data or "").strip()
        body: dict[str, Any] = {"name": name if name and not self.name.errors else "…", "kind": self.kind,
                                "timezone": tz, "sites": self.offered_sites(), "starts_at": aware(starts, tz),
                                "rules": self.rules(), "prizes": getattr(self, "prize_list", [])}
        if ends is not None:
            body["ends_at"] = aware(ends, tz)
        try:
            return ContestIn.model_validate(body)
        except SchemaError as exc:
            raise InvalidInput("invalid contest", [FieldError(f, m) for f, m in field_errors(exc)]) from None

    def offered_sites(self) -> list[str]:
        """The chosen sites among those offered (a site the lead does not manage is the field's error)."""
        offered = {str(value) for value, _label in self.sites.choices or []}
        return [key for key in self.sites.data or [] if key in offered]


class RaceBase(GateFields, ContestForm):
    kind = "race"
    settings_step = "scoring"
    settings_fields: tuple[str, ...] = ("product_points", "sales_weight", "normalize", "count_pending", "gate_kpi",
                                        "gate_min")
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

    def steps(self) -> list[tuple[str, tuple[str, ...]]]:
        kpis = tuple(f"kpi_{i}_{part}" for i in range(len(self.kpi_names)) for part in ("weight", "target"))
        steps = super().steps()
        key, fields = steps[2]
        steps[2] = (key, fields + kpis)
        return steps

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
        return super().paths() + GATE_PATHS + kpis + (
            ("rules.products", "product_points"), ("rules.score", "sales_weight"), ("rules.normalize", "normalize"))

    def kind_rules(self, rules: dict[str, Any]) -> None:
        points = lenient_lines(self.product_points.data)
        if points:
            rules["products"] = {code: {"points": json_number(value)} for code, value in points.items()}
        self.gate_rules(rules)
        score: dict[str, Any] = {"sales": json_number(self.sales_weight.data)} if self.sales_weight.data is not None \
            else {}
        kpis = {name: {"weight": json_number(weight.data), "target": json_number(target.data)}
                for name, weight, target in self.kpi_rows() if weight.data is not None and target.data is not None}
        if kpis:
            score["kpis"] = kpis
        rules["score"] = score
        rules["normalize"] = self.normalize.data


@lru_cache(maxsize=8)
def race_form_class(kpis: tuple[tuple[str, str], ...]) -> type[RaceBase]:
    """A race form with a weight and a target input for each KPI of the catalogue."""
    fields: dict[str, Any] = {"kpi_names": tuple(name for name, _label in kpis), **controls.instant_fields()}
    for i, (name, label) in enumerate(kpis):
        # Lazy: the class is built once, the labels are read in each page's language.
        fields[f"kpi_{i}_weight"] = number_field(LazyString(lambda n=name, t=label: _("%(kpi)s: weight",
                                                                                      kpi=kpi_label(n, t))),
                                                 validators=[Blank()])
        fields[f"kpi_{i}_target"] = number_field(LazyString(lambda n=name, t=label: _("%(kpi)s: target",
                                                                                      kpi=kpi_label(n, t))),
                                                 validators=[Blank()])
    return type("RaceForm", (RaceBase,), fields)


class LuckyDrawBase(GateFields, ContestForm):
    kind = "lucky_draw"
    settings_step = "draw"
    settings_fields = ("tickets_per_sale", "product_tickets", "min_points", "one_prize_per_agent", "count_pending",
                       "gate_kpi", "gate_min")
    tickets_per_sale = IntegerField(_l("Tickets per sale"), default=1, validators=[InputRequired()])
    product_tickets = TextAreaField(_l("Tickets per product"),
                                    description=_l("One override per line: CODE=tickets (0 for none)."))
    min_points = number_field(_l("Minimum points of a sale to earn tickets"), default=Decimal(0),
                              validators=[InputRequired()])
    one_prize_per_agent = controls.BooleanField(_l("At most one prize per agent"), default=True)

    def validate_product_tickets(self, field: TextAreaField) -> None:
        for value in checked(parse_lines, field.data, _("tickets")).values():
            if value != value.to_integral_value():
                raise ValidationError(_("Tickets are whole numbers."))

    def validate_prizes(self, field: TextAreaField) -> None:
        super().validate_prizes(field)
        if not self.prize_list:
            raise ValidationError(_("A lucky draw needs at least one prize."))

    def paths(self) -> tuple[tuple[str, str], ...]:
        return super().paths() + GATE_PATHS + (
            ("rules.products", "product_tickets"), ("rules.tickets_per_sale", "tickets_per_sale"),
            ("rules.min_points", "min_points"), ("rules.one_prize_per_agent", "one_prize_per_agent"))

    def kind_rules(self, rules: dict[str, Any]) -> None:
        if self.tickets_per_sale.data is not None:
            rules["tickets_per_sale"] = self.tickets_per_sale.data
        if self.min_points.data is not None:
            rules["min_points"] = json_number(self.min_points.data)
        rules["one_prize_per_agent"] = bool(self.one_prize_per_agent.data)
        tickets = lenient_lines(self.product_tickets.data)
        if tickets:
            rules["products"] = {code: {"tickets": int(value)} for code, value in tickets.items()}
        self.gate_rules(rules)


class LeagueBase(ContestForm):
    kind = "league"
    settings_step = "league"
    settings_fields = ("format", "legs", "match_days", "points_per_goal", "normalize", "win", "draw", "loss")
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

    def validate_points_per_goal(self, field: StringField) -> None:
        self.points_value: str | int | float = "auto"
        if (field.data or "").strip().lower() in ("", "auto"):
            return
        try:
            value = Decimal(field.data.strip())
        except ArithmeticError:
            value = Decimal(0)
        if not value.is_finite() or value <= 0:
            raise ValidationError(_("A positive number, or auto."))
        self.points_value = json_number(value)

    def paths(self) -> tuple[tuple[str, str], ...]:
        return (*super().paths(), ("rules.format", "format"), ("rules.legs", "legs"),
                ("rules.match_length", "match_days"), ("rules.points_per_goal", "points_per_goal"),
                ("rules.normalize", "normalize"), ("rules.match_points.draw", "draw"),
                ("rules.match_points.loss", "loss"), ("rules.match_points", "win"))

    def kind_rules(self, rules: dict[str, Any]) -> None:
        points = {name: json_number(getattr(self, name).data) if getattr(self, name).data is not None else default
                  for name, default in (("win", 3), ("draw", 1), ("loss", 0))}
        rules.update({"format": self.format.data, "match_length": f"P{self.match_days.data or 1}D",
                      "points_per_goal": getattr(self, "points_value", "auto"), "normalize": self.normalize.data,
                      "match_points": points})
        if self.format.data == "league":
            rules["legs"] = self.legs.data


@lru_cache(maxsize=4)
def kind_form_class(kind: str) -> type[ContestForm]:
    base: type[ContestForm] = LuckyDrawBase if kind == "lucky_draw" else LeagueBase
    return type(base.__name__.removesuffix("Base") + "Form", (base,), controls.instant_fields())


def form_class(kind: str, kpis: dict[str, dict[str, Any]]) -> type[ContestForm] | None:
    catalogue = tuple((name, str(spec.get("label", name))) for name, spec in kpis.items())
    classes: dict[str, Callable[[], type[ContestForm]]] = {
        "race": lambda: race_form_class(catalogue), "lucky_draw": lambda: kind_form_class("lucky_draw"),
        "league": lambda: kind_form_class("league")}
    return classes[kind]() if kind in classes else None


def fill_choices(form: ContestForm, kpis: dict[str, dict[str, Any]], site_choices: list[tuple[str, str]]) -> None:
    form.sites.choices = site_choices
    if isinstance(form, GateFields):
        form.gate_kpi.choices = [("", _("No gate"))] + [(name, kpi_label(name, spec.get("label")))
                                                         for name, spec in kpis.items()]


def wizard_form(kind: str, kpis: dict[str, dict[str, Any]], site_choices: list[tuple[str, str]],
                defaults: dict[str, Any]) -> ContestForm | None:
    """The wizard form of `kind` with the sites and KPI choices filled in, or None for an unknown kind."""
    cls = form_class(kind, kpis)
    if cls is None:
        return None
    form = cls(data=defaults)
    fill_choices(form, kpis, site_choices)
    return form
