"""Roster upserts (sites, teams, agents, products) and CSV import, all audited.

Every entry point (API, console, CSV, CLI) comes through here, so keys are checked here too.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select

from leaderboard.extensions import db
from leaderboard.models.roster import Agent, Product, Site, Team
from leaderboard.schemas import KEY_PATTERN, AgentIn, ProductIn, SiteIn, TeamIn, field_errors
from leaderboard.services.access.auth import Principal
from leaderboard.services.contests.projection import standings_notice
from leaderboard.services.core import audit
from leaderboard.services.core.errors import FieldError, Forbidden, InvalidInput
from leaderboard.services.core.publishing import publish
from leaderboard.services.roster import privacy

CREATED, UPDATED, UNCHANGED, INVALID = "created", "updated", "unchanged", "invalid"
CSV_COLUMNS = ["key", "name", "site", "team", "fte"]
# The optional `sells` column: empty keeps an agent's setting (new agents sell).
SELLS_VALUES: dict[str, bool | None] = {"": None, "true": True, "yes": True, "1": True,
                                        "false": False, "no": False, "0": False}
_KEY = re.compile(KEY_PATTERN)


class UnreadableCsv(InvalidInput):
    """A file the csv module cannot parse: a malformed request (400), like JSON that does not parse."""

    status = 400
    title = "Bad CSV"


def _check_key(key: str, field_name: str = "key") -> None:
    """Refuse a key the API's paths and bodies would refuse, whichever adapter sent it."""
    # fullmatch, not match: "$" would let a key with a trailing newline through.
    if not isinstance(key, str) or _KEY.fullmatch(key) is None:
        raise InvalidInput(f"invalid {field_name} {key!r}",
                           [FieldError(field_name, "must be 1 to 64 letters, digits, _ . : or -, "
                                                   "starting with a letter or digit")])


def site_state(site: Site) -> dict[str, Any]:
    return {"key": site.key, "name": site.name, "timezone": site.timezone}


def team_state(team: Team) -> dict[str, Any]:
    return {"key": team.key, "name": team.name, "site": team.site.key}


def agent_state(agent: Agent) -> dict[str, Any]:
    return {"key": agent.key, "name": agent.name, "site": agent.site.key,
            "team": agent.team.key if agent.team else None, "fte": float(agent.fte),
            "active": agent.active, "hidden_on_screens": bool(agent.hidden_on_screens), "sells": agent.sells}


def product_state(product: Product) -> dict[str, Any]:
    return {"code": product.code, "name": product.name, "points": product.points,
            "bonus": f"{product.bonus:.2f}", "currency": product.currency, "kind": product.kind,
            "assist_points": product.assist_points_per_unit}


def site_by_key(key: str) -> Site | None:
    return db.session.scalar(select(Site).where(Site.key == key))


def team_by_key(key: str) -> Team | None:
    return db.session.scalar(select(Team).where(Team.key == key))


def agent_by_key(key: str) -> Agent | None:
    return db.session.scalar(select(Agent).where(Agent.key == key))


def product_by_code(code: str) -> Product | None:
    return db.session.scalar(select(Product).where(Product.code == code))


def _upsert(actor: Principal, kind: str, key: str, row: Any, create: Callable[[], Any],
            apply: Callable[[Any], None], state: Callable[[Any], dict]) -> tuple[Any, str]:
    """Shared upsert flow: create or apply, audit the before/after, report what happened."""
    before = state(row) if row is not None else None
    if row is None:
        row = create()
        db.session.add(row)
    else:
        apply(row)
    db.session.flush()
    after = state(row)
    if before == after:
        return row, UNCHANGED
    audit.record(actor.name, f"{kind}.upsert", kind, key, before=before, after=after)
    return row, CREATED if before is None else UPDATED


def upsert_site(actor: Principal, key: str, data: SiteIn, commit: bool = True) -> tuple[Site, str]:
    _check_key(key)
    site = site_by_key(key)
    if site is None and actor.role != "admin":
        raise Forbidden("only admins create sites")
    if site is not None:
        actor.require_site(site.id, f"site {key!r}")

    def apply(row: Site) -> None:
        row.name, row.timezone = data.name, data.timezone

    result = _upsert(actor, "site", key, site, lambda: Site(key=key, name=data.name, timezone=data.timezone),
                     apply, site_state)
    _finish(commit)
    return result


def upsert_team(actor: Principal, key: str, data: TeamIn, commit: bool = True) -> tuple[Team, str]:
    _check_key(key)
    site = _require_site(data.site, "site")
    actor.require_site(site.id, f"teams of site {site.key!r}")
    team = team_by_key(key)
    if team is not None:
        actor.require_site(team.site_id, f"team {key!r}")

    def apply(row: Team) -> None:
        row.name, row.site = data.name, site

    result = _upsert(actor, "team", key, team, lambda: Team(key=key, name=data.name, site=site), apply, team_state)
    _finish(commit)
    return result


def upsert_agent(actor: Principal, key: str, data: AgentIn, commit: bool = True,
                 field_prefix: str = "") -> tuple[Agent, str]:
    _check_key(key)
    site = _require_site(data.site, f"{field_prefix}site")
    team = None
    if data.team:
        team = team_by_key(data.team)
        if team is None:
            raise InvalidInput("unknown team", [FieldError(f"{field_prefix}team", f"unknown team {data.team!r}")])
        if team.site_id != site.id:
            raise InvalidInput("team belongs to another site",
                               [FieldError(f"{field_prefix}team", f"team {team.key!r} is not at site {site.key!r}")])
    actor.require_site(site.id, f"agents of site {site.key!r}")
    agent = agent_by_key(key)
    if agent is not None:
        actor.require_site(agent.site_id, f"agent {key!r}")
    shown_before = (agent.name, agent.hidden_on_screens, agent.sells) if agent is not None else None

    def apply(row: Agent) -> None:
        row.name, row.site, row.team, row.fte, row.active = data.name, site, team, data.fte, data.active
        if data.hidden_on_screens is not None:
            row.hidden_on_screens = data.hidden_on_screens
        if data.sells is not None:
            row.sells = data.sells

    def create() -> Agent:
        return Agent(key=key, name=data.name, site=site, team=team, fte=data.fte, active=data.active,
                     hidden_on_screens=bool(data.hidden_on_screens), sells=data.sells is not False)

    result = _upsert(actor, "agent", key, agent, create, apply, agent_state)
    _finish(commit)
    shown_after = (result[0].name, result[0].hidden_on_screens, result[0].sells)
    if commit and shown_before is not None and shown_before != shown_after:
        # Screens show the agent differently now: their contests' pictures are rebuilt and pushed.
        publish([standings_notice(contest_id) for contest_id in privacy.contests_of_site(result[0].site_id)])
    return result


def upsert_product(actor: Principal, code: str, data: ProductIn, commit: bool = True) -> tuple[Product, str]:
    _check_key(code, "code")
    if actor.role != "admin":
        raise Forbidden("only admins change products")

    def apply(row: Product) -> None:
        row.name, row.points, row.bonus, row.currency = data.name, data.points, data.bonus, data.currency
        row.kind, row.assist_points = data.kind, data.assist_points

    def create() -> Product:
        return Product(code=code, name=data.name, points=data.points, bonus=data.bonus, currency=data.currency,
                       kind=data.kind, assist_points=data.assist_points)

    result = _upsert(actor, "product", code, product_by_code(code), create, apply, product_state)
    _finish(commit)
    return result


@dataclass
class ImportRow:
    row: int
    key: str | None
    result: str
    errors: list[FieldError] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "key": self.key, "result": self.result,
                "errors": [e.as_dict() for e in self.errors]}


def import_roster_csv(actor: Principal, text: str) -> list[ImportRow]:
    """Upsert agents from CSV (key,name,site,team,fte and optionally sells: true/false, empty keeps it);
    each row stands or fails alone.

    A file that does not parse as CSV is refused whole (UnreadableCsv), before any row is stored.
    """
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = [h.strip() for h in (reader.fieldnames or [])]
        rows = list(reader)
    except csv.Error as exc:  # e.g. a lone carriage return in an unquoted field, a field over 128 KiB
        raise UnreadableCsv(f"the CSV cannot be read: {exc}",
                            [FieldError("file", f"line {reader.line_num}: {exc}")]) from None
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        raise InvalidInput("the CSV header must be key,name,site,team,fte",
                           [FieldError("header", f"missing column {c!r}") for c in missing])
    report: list[ImportRow] = []
    for number, raw in enumerate(rows, start=1):
        values = {k.strip(): (v or "").strip() for k, v in raw.items() if k is not None}
        key = values.get("key") or None
        report.append(_import_row(actor, number, key, values))
    db.session.commit()
    return report


def _import_row(actor: Principal, number: int, key: str | None, values: dict[str, str]) -> ImportRow:
    if not key:
        return ImportRow(number, key, INVALID, [FieldError("key", "required")])
    sells = values.get("sells", "").lower()
    if sells not in SELLS_VALUES:
        return ImportRow(number, key, INVALID, [FieldError("sells", "must be true or false (or empty)")])
    try:
        data = AgentIn(name=values["name"], site=values["site"], team=values["team"] or None,
                       fte=Decimal(values["fte"] or "1"), sells=SELLS_VALUES[sells])
    except ArithmeticError:
        return ImportRow(number, key, INVALID, [FieldError("fte", "must be a number")])
    except ValidationError as exc:
        return ImportRow(number, key, INVALID, [FieldError(f, m) for f, m in field_errors(exc)])
    savepoint = db.session.begin_nested()
    try:
        _, result = upsert_agent(actor, key, data, commit=False)
    except (InvalidInput, Forbidden) as exc:
        savepoint.rollback()
        return ImportRow(number, key, INVALID, exc.errors or [FieldError("key", exc.detail)])
    savepoint.commit()
    return ImportRow(number, key, result)


def _require_site(key: str, field_name: str) -> Site:
    site = site_by_key(key)
    if site is None:
        raise InvalidInput("unknown site", [FieldError(field_name, f"unknown site {key!r}")])
    return site


def _finish(commit: bool) -> None:
    if commit:
        db.session.commit()
