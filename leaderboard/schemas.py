"""Pydantic request schemas: they validate input and generate the OpenAPI document."""
from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, Optional
from zoneinfo import available_timezones

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

KEY_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$"
SALE_ID_PATTERN = r"^[^\s#]{1,128}$"


def parse_rfc3339(value: Any) -> datetime:
    """RFC 3339 timestamp with an explicit offset ('Z' or ±hh:mm); naive times are refused."""
    if not isinstance(value, str):
        raise ValueError("must be an RFC 3339 timestamp string")
    if not re.match(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$", value):
        if re.match(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?$", value):
            raise ValueError("timestamp has no UTC offset; add 'Z' or an offset such as +01:00")
        raise ValueError("must be an RFC 3339 timestamp such as 2026-11-23T09:30:00+01:00")
    try:
        return datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError(f"not a valid timestamp: {exc}") from None


def parse_money(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise ValueError("must be a number or a decimal string")
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        raise ValueError("must be a number or a decimal string") from None
    if not amount.is_finite() or amount < 0:
        raise ValueError("must be a finite amount of at least 0")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError("must have at most two decimals")
    return amount


def check_timezone(value: str) -> str:
    if value not in _timezones():
        raise ValueError(f"unknown IANA timezone {value!r}")
    return value


Timestamp = Annotated[datetime, BeforeValidator(parse_rfc3339)]
TimeZone = Annotated[str, AfterValidator(check_timezone), Field(description="IANA timezone, e.g. Europe/Paris")]
Money = Annotated[Decimal, BeforeValidator(parse_money)]
Key = Annotated[str, Field(pattern=KEY_PATTERN, description="letters, digits, _ . : -; at most 64")]
Name = Annotated[str, Field(min_length=1, max_length=200)]


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
    team: Optional[Key] = None
    fte: Decimal = Field(default=Decimal("1"), gt=0, le=1, max_digits=4, decimal_places=3)
    active: bool = Field(default=True, strict=True)


class ProductIn(Strict):
    name: Name
    points: int = Field(ge=0, le=1_000_000, strict=True)
    bonus: Money = Decimal("0")
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$", description="ISO 4217 code")


class SaleIn(Strict):
    id: str = Field(pattern=SALE_ID_PATTERN, description="the CRM's id; no spaces or '#'")
    agent: Key
    product: Key
    quantity: int = Field(default=1, ge=1, le=10_000, strict=True)
    amount: Optional[Money] = None
    occurred_at: Timestamp


class SaleBatchIn(Strict):
    sales: list[dict[str, Any]] = Field(description="up to the configured batch size of SaleIn objects")


class CancelIn(Strict):
    reason: str = Field(default="", max_length=1000)
    cancelled_at: Optional[Timestamp] = None


class KpiSampleIn(Strict):
    agent: Key
    kpi: Key
    value: float = Field(allow_inf_nan=False)
    date: date


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
    description: str = Field(default="", max_length=1000)


class ContestIn(Strict):
    name: Name
    kind: Literal["race", "lucky_draw", "league"]
    starts_at: Timestamp
    ends_at: Optional[Timestamp] = Field(default=None, description="required except for leagues and cups")
    timezone: TimeZone = "UTC"
    sites: Optional[list[Key]] = Field(default=None, description="site keys; default all (a lead's own)")
    rules: dict[str, Any] = Field(default_factory=dict)
    prizes: list[PrizeIn] = Field(default_factory=list, max_length=100)


class ContestPatch(Strict):
    name: Optional[Name] = None
    rules: Optional[dict[str, Any]] = None
    prizes: Optional[list[PrizeIn]] = Field(default=None, max_length=100)
    ends_at: Optional[Timestamp] = None


class CharityIn(Strict):
    charity: Optional[str] = Field(description="a configured charity, or null to stop donating")


class DrawIn(Strict):
    public_entropy: str = Field(min_length=1, max_length=500,
                                description="contributed at the ceremony, e.g. numbers called out by the room")


SLIDE_TYPES = ("standings", "match_centre", "league_table", "bracket", "lucky_draw", "chart", "message")


class SlideIn(Strict):
    type: Literal["standings", "match_centre", "league_table", "bracket", "lucky_draw", "chart", "message"]
    contest: Optional[int] = Field(default=None, ge=1, description="required except for chart and message slides")
    by: Literal["agent", "team", "site"] = "agent"
    seconds: int = Field(default=15, ge=5, le=600, strict=True)
    text: str = Field(default="", max_length=500, description="the text of a message slide")
    chart: Literal["sales_per_hour", "progress"] = "sales_per_hour"
    target: Optional[int] = Field(default=None, ge=1, description="points target for a progress chart")


class ChannelIn(Strict):
    name: Name
    slides: list[SlideIn] = Field(min_length=1, max_length=30)


class PairIn(Strict):
    code: str = Field(pattern=r"^[A-Za-z0-9]{6}$")
    channel: Key
