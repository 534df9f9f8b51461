"""Pydantic request schemas: they validate input and generate the OpenAPI document."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import ROUND_DOWN, Decimal
from typing import Annotated, Any, Literal
from zoneinfo import available_timezones

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from leaderboard.domain import slides
from leaderboard.domain.scoring import MAX_POINTS_PER_UNIT

# C0 and C1 control characters (NUL included): never part of a name, a key or an id.
CONTROL_CHARACTERS = r"\x00-\x1f\x7f-\x9f"
# Free text may keep tab, line feed and carriage return.
TEXT_CONTROL_CHARACTERS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
KEY_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$"
SALE_ID_PATTERN = rf"^[^\s#{CONTROL_CHARACTERS}]{{1,128}}$"

# What every supported database stores: ids and counts in 32-bit integer columns, money in numeric(14,2).
MAX_DB_INT = 2**31 - 1
CENT = Decimal("0.01")
MAX_MONEY = Decimal("999999999999.99")
# A sale's points (points per unit × quantity) must fit the 32-bit points columns: 10,000 × 10,000 = 1e8.
MAX_QUANTITY = 10_000
# A sale's bonus is the product's bonus × quantity: it must still fit numeric(14,2).
MAX_UNIT_BONUS = (MAX_MONEY / MAX_QUANTITY).quantize(CENT, rounding=ROUND_DOWN)
MAX_KPI_VALUE = 1e9
# One range of instants that every time zone can convert without leaving the calendar.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
DATE_RANGE_MESSAGE = "must fall from 2000-01-01 up to (not including) 2100-01-01"


def path_id_pattern(name: str) -> str:
    """The pattern a path parameter must match: the same one as the body field it names."""
    return SALE_ID_PATTERN if name == "sale_id" else KEY_PATTERN


def parse_rfc3339(value: Any) -> datetime:
    """RFC 3339 timestamp with an explicit offset ('Z' or ±hh:mm); naive times are refused."""
    if not isinstance(value, str):
        raise ValueError("must be an RFC 3339 timestamp string")
    if not re.match(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$", value):
        if re.match(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?$", value):
            raise ValueError("timestamp has no UTC offset; add 'Z' or an offset such as +01:00")
        raise ValueError("must be an RFC 3339 timestamp such as 2026-11-23T09:30:00+01:00")
    try:
        parsed = datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError(f"not a valid timestamp: {exc}") from None
    # The year test first: comparing an instant near year 1 or 9999 across offsets overflows.
    if not EARLIEST.year - 1 <= parsed.year <= LATEST.year or not EARLIEST <= parsed < LATEST:
        raise ValueError(f"{DATE_RANGE_MESSAGE} (UTC)")
    return parsed


def check_day(value: date) -> date:
    if not EARLIEST.date() <= value < LATEST.date():
        raise ValueError(DATE_RANGE_MESSAGE)
    return value


def money_parser(maximum: Decimal):
    """A validator for amounts from 0 to `maximum` with at most two decimals."""
    def parse_money(value: Any) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
            raise ValueError("must be a number or a decimal string")
        try:
            amount = Decimal(str(value))
        except ArithmeticError:
            raise ValueError("must be a number or a decimal string") from None
        # Bounds before quantize: quantizing a huge number raises InvalidOperation.
        if not amount.is_finite() or not 0 <= amount <= maximum:
            raise ValueError(f"must be an amount from 0 to {maximum}")
        if amount != amount.quantize(CENT):
            raise ValueError("must have at most two decimals")
        return amount
    return parse_money


def refusing_controls(characters: str):
    """A validator refusing the control characters in the regex class `characters`."""
    found = re.compile(f"[{characters}]")

    def check(value: str) -> str:
        if found.search(value):
            raise ValueError("must not contain control characters")
        return value
    return check


def check_timezone(value: str) -> str:
    if value not in _timezones():
        raise ValueError(f"unknown IANA timezone {value!r}")
    return value


Timestamp = Annotated[datetime, BeforeValidator(parse_rfc3339)]
Day = Annotated[date, AfterValidator(check_day)]
TimeZone = Annotated[str, AfterValidator(check_timezone), Field(description="IANA timezone, e.g. Europe/Paris")]
Money = Annotated[Decimal, BeforeValidator(money_parser(MAX_MONEY))]
UnitBonus = Annotated[Decimal, BeforeValidator(money_parser(MAX_UNIT_BONUS))]
Key = Annotated[str, Field(pattern=KEY_PATTERN, description="letters, digits, _ . : -; at most 64")]
Line = Annotated[str, AfterValidator(refusing_controls(CONTROL_CHARACTERS)),
                 Field(json_schema_extra={"pattern": f"^[^{CONTROL_CHARACTERS}]*$"})]
Text = Annotated[str, AfterValidator(refusing_controls(TEXT_CONTROL_CHARACTERS)),
                 Field(json_schema_extra={"pattern": f"^[^{TEXT_CONTROL_CHARACTERS}]*$"})]
Name = Annotated[Line, Field(min_length=1, max_length=200)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class SiteIn(Strict):
    name: Name
    timezone: TimeZone


class TeamIn(Strict):
    name: Name
    site: Key


class AgentIn(Strict):
    name: Name
    site: Key
    team: Key | None = None
    fte: Decimal = Field(default=Decimal("1"), gt=0, le=1, max_digits=4, decimal_places=3)
    active: bool = Field(default=True, strict=True)
    hidden_on_screens: bool | None = Field(default=None, strict=True, description=(
        "public screens show a neutral placeholder in this agent's row; omitted: unchanged (new agents: false)"))
    sells: bool | None = Field(default=None, strict=True, description=(
        "false for colleagues outside sales (back office, warehouse, IT): they cannot post sales, may be credited "
        "with assists and appear on sales boards only with assists; omitted: unchanged (new agents: true)"))


class ProductIn(Strict):
    name: Name
    points: int = Field(ge=0, le=MAX_POINTS_PER_UNIT, strict=True)
    bonus: UnitBonus = Decimal("0")
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$", description="ISO 4217 code")
    kind: Literal["sale", "save"] = Field(default="sale", description=(
        "save: a customer kept from cancelling (a retention save), posted, scored and paid like a sale"))
    assist_points: int | None = Field(default=None, ge=0, le=MAX_POINTS_PER_UNIT, strict=True, description=(
        "points per unit each assisting colleague earns in contests with rules.assists; "
        "omitted: half the points, rounded down"))


class SaleIn(Strict):
    id: str = Field(pattern=SALE_ID_PATTERN, description="the CRM's id; no spaces or '#'")
    agent: Key
    product: Key
    quantity: int = Field(default=1, ge=1, le=MAX_QUANTITY, strict=True)
    amount: Money | None = None
    occurred_at: Timestamp
    assists: list[Key] = Field(default_factory=list, description=(
        "up to 3 roster keys of colleagues who helped (never the seller, nobody twice); part of the sale's "
        "body for replays"))


class SaleBatchIn(Strict):
    sales: list[dict[str, Any]] = Field(description="up to the configured batch size of SaleIn objects")


class CancelIn(Strict):
    reason: Text = Field(default="", max_length=1000)
    cancelled_at: Timestamp | None = None


class KpiSampleIn(Strict):
    agent: Key
    kpi: Key
    value: float = Field(allow_inf_nan=False, ge=-MAX_KPI_VALUE, le=MAX_KPI_VALUE)
    date: Day


class KpiBatchIn(Strict):
    samples: list[KpiSampleIn] = Field(min_length=1, max_length=10_000)


_TIMEZONES: set[str] = set()


def _timezones() -> set[str]:
    if not _TIMEZONES:
        _TIMEZONES.update(available_timezones())
    return _TIMEZONES


def field_errors(exc: ValidationError, prefix: str = "") -> list[tuple[str, str]]:
    """Pydantic errors as (path, message), paths like sales[3].agent."""
    out = []
    for err in exc.errors():
        path = prefix
        for part in err["loc"]:
            path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = "unknown field"
        out.append((path or prefix or "body", message))
    return out


class PrizeIn(Strict):
    name: Name
    quantity: int = Field(default=1, ge=1, le=1000, strict=True)
    description: Text = Field(default="", max_length=1000)


class ContestIn(Strict):
    name: Name
    kind: Literal["race", "lucky_draw", "league"]
    starts_at: Timestamp
    ends_at: Timestamp | None = Field(default=None, description="required except for leagues and cups")
    timezone: TimeZone = "UTC"
    sites: list[Key] | None = Field(default=None, description="site keys; default all (a lead's own)")
    rules: dict[str, Any] = Field(default_factory=dict, description=(
        "scoring rules (README, 'Scoring rules'): products, include_products, count_pending, score, gate, "
        "normalize, assists (assisting colleagues earn assist points), kinds (['sale'], ['save'] or both), "
        "and per kind of contest"))
    prizes: list[PrizeIn] = Field(default_factory=list, max_length=100)


class ContestPatch(Strict):
    name: Name | None = None
    rules: dict[str, Any] | None = None
    prizes: list[PrizeIn] | None = Field(default=None, max_length=100)
    ends_at: Timestamp | None = None


class CharityIn(Strict):
    charity: Line | None = Field(max_length=200, description="a configured charity, or null to stop donating")


class DrawIn(Strict):
    public_entropy: Text = Field(min_length=1, max_length=500,
                                description="contributed at the ceremony, e.g. numbers called out by the room")


def check_slide_type(value: str) -> str:
    if slides.slide_type(value) is None:
        raise ValueError(f"must be one of {', '.join(slides.NAMES)}")
    return value


SlideTypeName = Annotated[str, AfterValidator(check_slide_type), Field(json_schema_extra={"enum": list(slides.NAMES)})]


class SlideIn(Strict):
    type: SlideTypeName
    contest: int | None = Field(default=None, ge=1, le=MAX_DB_INT,
                                description="required by every slide type that shows a contest (not message)")
    by: Literal["agent", "team", "site"] = "agent"
    seconds: int = Field(default=15, ge=5, le=600, strict=True)
    text: Text = Field(default="", max_length=500, description="the text of a message slide")
    chart: Literal["sales_per_hour", "progress"] = "sales_per_hour"
    target: int | None = Field(default=None, ge=1, le=MAX_DB_INT, description="points target for a progress chart")


class ChannelDisplayIn(Strict):
    names: Literal["full", "first_initial", "none"] = Field(
        default="full",
        description="how agents are named on this channel's screens; none: only team and site boards name")
    top: int | None = Field(default=None, ge=1, le=500, description="show at most this many rows of a board")


class ChannelIn(Strict):
    name: Name
    sites: list[Key] | None = Field(default=None, max_length=100, description=(
        "the sites whose leads may change the channel; omitted: the lead's sites (admins: kept, or admins only)"))
    display: ChannelDisplayIn = Field(default_factory=ChannelDisplayIn)
    slides: list[SlideIn] = Field(min_length=1, max_length=30)
    language: Literal["en", "fr", "de"] | None = Field(
        default=None, description="the TV's language and number formats; none means the TV browser's")
    big_sale_points: int | None = Field(default=None, ge=1, le=MAX_DB_INT,
                                           description="a sale worth at least this many points is celebrated big")
    sound: bool = Field(default=False, description="play a short sound with celebrations")


class PairIn(Strict):
    code: str = Field(pattern=r"^[A-Za-z0-9]{6}$")
    channel: Key
