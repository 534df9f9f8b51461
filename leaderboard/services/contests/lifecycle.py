"""Launching, changing and cancelling contests; every change is audited and re-scores from the log."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, func, select, update

from leaderboard.domain.access import Resource
from leaderboard.domain.changes import ContestsChanged
from leaderboard.domain.scoring import parse_rules
from leaderboard.extensions import db
from leaderboard.models.contests import Contest
from leaderboard.models.draws import Draw
from leaderboard.models.projections import ContestStanding
from leaderboard.models.roster import Product, Site
from leaderboard.schemas import ContestIn, ContestPatch
from leaderboard.services.access import policy as access
from leaderboard.services.access.auth import Principal
from leaderboard.services.contests.projection import standings_notice
from leaderboard.services.contests.rules import kpi_catalogue
from leaderboard.services.core import audit
from leaderboard.services.core.clock import clawback_window, utcnow
from leaderboard.services.core.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound
from leaderboard.services.core.projections import rescore_contest
from leaderboard.services.core.publishing import Notice, publish
from leaderboard.services.draws.state import open_draw, summary_for
from leaderboard.services.league import setup as league_setup
from leaderboard.services.prizes.wins import commitment_view as instant_prizes_view

MANAGERS = ("admin", "lead")


def contest_status(contest: Contest, now: datetime, latest_counted: datetime | None) -> str:
    if contest.cancelled_at is not None:
        return "cancelled"
    if now < contest.starts_at:
        return "scheduled"
    if now < contest.ends_at:
        return "live"
    if latest_counted is None or now >= latest_counted + clawback_window():
        return "final"
    return "ended"


def latest_counted_sale(contest_id: int) -> datetime | None:
    return db.session.scalar(select(func.max(ContestStanding.reached_at))
                             .where(ContestStanding.contest_id == contest_id))


def contest_view(contest: Contest, now: datetime | None = None) -> dict[str, Any]:
    now = now or utcnow()
    return {
        "id": contest.id,
        "name": contest.name,
        "kind": contest.kind,
        "status": contest_status(contest, now, latest_counted_sale(contest.id)),
        "starts_at": contest.starts_at.isoformat(),
        "ends_at": contest.ends_at.isoformat(),
        "timezone": contest.timezone,
        "sites": [s.key for s in contest.sites],
        "rules": contest.rules,
        "prizes": contest.prizes,
        "created_at": contest.created_at.isoformat(),
        "created_by": contest.created_by,
        **({"draw": summary_for(contest)} if contest.kind == "lucky_draw" else {}),
        **({"league": league_summary(contest)} if contest.kind == "league" else {}),
        **({"instant_prizes": prizes} if (prizes := instant_prizes_view(contest, now)) else {}),
    }


def league_summary(contest: Contest) -> dict[str, Any]:
    derived = contest.derived or {}
    return {"format": contest.rules.get("format"), "rounds": derived.get("rounds"),
            "points_per_goal": float(derived["points_per_goal"]) if "points_per_goal" in derived else None,
            "points_per_goal_auto": derived.get("auto", False), "seeds": derived.get("seeds", [])}


def find_contest(contest_id: int) -> Contest | None:
    """The contest, or None when there is no such contest."""
    return db.session.get(Contest, contest_id)


def get_contest(contest_id: int) -> Contest:
    contest = find_contest(contest_id)
    if contest is None:
        raise NotFound(f"no contest {contest_id}")
    return contest


def list_contests(actor: Principal) -> list[Contest]:
    contests = db.session.scalars(select(Contest).order_by(Contest.starts_at.desc(), Contest.id.desc()))
    return [c for c in contests if _may_see(actor, c)]


def contest_names() -> dict[int, str]:
    """{id: name} of every contest, cancelled ones included."""
    return dict(db.session.execute(select(Contest.id, Contest.name)).all())


def may_see(actor: Principal, contest: Contest) -> bool:
    """The policy's contest.read: leads and agents see the contests of their sites."""
    return _may_see(actor, contest)


def _may_see(actor: Principal, contest: Contest) -> bool:
    return access.allows(actor, "contest.read", Resource(site_ids=frozenset(s.id for s in contest.sites)))


def require_manager(actor: Principal, contest: Contest) -> None:
    if actor.role not in MANAGERS:
        raise Forbidden(f"role {actor.role!r} may not run contests")
    for site in contest.sites:
        actor.require_site(site.id, f"contest {contest.id} (site {site.key!r})")


def validated_rules(kind: str, rules: dict[str, Any], field_prefix: str = "") -> list[FieldError]:
    codes = set(db.session.scalars(select(Product.code)))
    _, errors = parse_rules(kind, rules, kpi_catalogue(), codes)
    return [FieldError(field_prefix + path, message) for path, message in errors]


def contest_sites(actor: Principal, keys: list[str] | None) -> list[Site]:
    """The named sites in the given (seeding) order, checked; all manageable sites when none are named."""
    if keys is None:
        sites = list(db.session.scalars(select(Site).order_by(Site.key)))
        return [s for s in sites if actor.can_manage_site(s.id)]
    found = {s.key: s for s in db.session.scalars(select(Site).where(Site.key.in_(keys)))}
    errors = [FieldError(f"sites[{i}]", f"unknown site {k!r}") for i, k in enumerate(keys) if k not in found]
    if errors:
        raise InvalidInput("unknown sites", errors)
    for key in keys:
        actor.require_site(found[key].id, f"contests of site {key!r}")
    return [found[k] for k in dict.fromkeys(keys)]


@dataclass
class LaunchPlan:
    """What launching `data` would create, and every reason it cannot (empty when it can)."""
    sites: list[Site]
    rules: dict[str, Any]
    ends_at: datetime | None
    league: league_setup.LeaguePlan | None
    errors: list[FieldError]


def plan_launch(actor: Principal, data: ContestIn, now: datetime) -> LaunchPlan:
    """Every check a launch makes, all at once: sites, league plan, rules, window (the wizard shows them too)."""
    if actor.role not in MANAGERS:
        raise Forbidden(f"role {actor.role!r} may not launch contests")
    try:
        sites, errors = contest_sites(actor, data.sites), []
    except InvalidInput as error:
        sites, errors = [], list(error.errors)
    rules, ends_at, league_plan = data.rules, data.ends_at, None
    if data.kind == "league":
        league_plan = league_setup.plan(data.rules, sites, data.starts_at, data.timezone, data.ends_at, now)
        rules, ends_at = league_plan.rules, league_plan.ends_at if not league_plan.errors else data.ends_at
        errors += [e for e in league_plan.errors if not (e.field == "sites" and errors)]
    errors += validated_rules(data.kind, rules)
    if not sites and not any(e.field.startswith("sites") for e in errors):
        errors.append(FieldError("sites", "a contest needs at least one site"))
    if ends_at is None and data.kind != "league":
        errors.append(FieldError("ends_at", "required for this kind of contest"))
    elif ends_at is not None and ends_at <= data.starts_at:
        errors.append(FieldError("ends_at", "must be after starts_at"))
    return LaunchPlan(sites, rules, ends_at, league_plan, errors)


def create_contest(actor: Principal, data: ContestIn) -> Contest:
    now = utcnow()
    plan = plan_launch(actor, data, now)
    if plan.errors:
        raise InvalidInput("the contest cannot be launched as described", plan.errors)
    league_plan = plan.league
    contest = Contest(name=data.name, kind=data.kind, starts_at=data.starts_at, ends_at=plan.ends_at,
                      timezone=data.timezone, rules=plan.rules, derived=league_plan.derived if league_plan else {},
                      prizes=[p.model_dump() for p in data.prizes], created_at=now,
                      created_by=actor.name, sites=plan.sites, standings_version=0)
    db.session.add(contest)
    db.session.flush()
    if contest.kind == "lucky_draw":
        open_draw(contest)
    if league_plan is not None:
        league_setup.create_matches(contest, league_plan, now)
        db.session.flush()
    rescore_contest(contest)
    audit.record(actor.name, "contest.create", "contest", str(contest.id), after=_audit_state(contest))
    db.session.commit()
    publish([standings_notice(contest.id), *_running_contests_changed(contest)])
    return contest


def update_contest(actor: Principal, contest_id: int, patch: ContestPatch) -> Contest:
    contest = get_contest(contest_id)
    require_manager(actor, contest)
    if contest.cancelled_at is not None:
        raise InvalidInput("a cancelled contest cannot be changed")
    if contest.kind == "lucky_draw":
        _hold_open_draw(contest, patch)
    before = _audit_state(contest)
    errors = validated_rules(contest.kind, patch.rules) if patch.rules is not None else []
    if patch.ends_at is not None and patch.ends_at <= contest.starts_at:
        errors.append(FieldError("ends_at", "must be after starts_at"))
    if contest.kind == "league":
        errors += league_setup.frozen_rule_changes(contest, patch.rules, patch.ends_at)
    if errors:
        raise InvalidInput("the change is not valid; nothing was changed", errors)
    rescore = (patch.rules is not None and patch.rules != contest.rules) or (
        patch.ends_at is not None and patch.ends_at != contest.ends_at)
    if patch.name is not None:
        contest.name = patch.name
    if patch.rules is not None and contest.kind == "league":
        contest.rules, contest.derived = league_setup.replan_points(contest, patch.rules, utcnow())
    elif patch.rules is not None:
        contest.rules = patch.rules
    if patch.prizes is not None:
        contest.prizes = [p.model_dump() for p in patch.prizes]
    if patch.ends_at is not None:
        contest.ends_at = patch.ends_at
    if rescore:
        rescore_contest(contest)
    after = _audit_state(contest)
    if after != before:
        audit.record(actor.name, "contest.rescore" if rescore else "contest.update", "contest", str(contest.id),
                     before=before, after=after)
    db.session.commit()
    notices: list[Notice] = [standings_notice(contest.id)] if rescore else []
    if after != before:
        notices += _running_contests_changed(contest)
    publish(notices)
    return contest


def _running_contests_changed(contest: Contest) -> list[ContestsChanged]:
    """Tells the phones of the contest's sites to look again at what is running (names, windows, sites)."""
    return [ContestsChanged(site.key) for site in contest.sites]


DRAW_DECIDING = ("rules", "starts_at", "ends_at", "sites")


def _hold_open_draw(contest: Contest, patch: ContestPatch) -> None:
    """Once frozen, a draw's ticket digest (and later its proof) is public: what decides the tickets is locked."""
    current = {"rules": contest.rules, "starts_at": contest.starts_at, "ends_at": contest.ends_at,
               "sites": [s.key for s in contest.sites]}
    changed = [name for name in DRAW_DECIDING
               if getattr(patch, name, None) is not None and getattr(patch, name) != current[name]]
    if not changed:
        return
    # A no-op guarded UPDATE takes the draw row's write lock: a racing freeze either waits for this
    # change to commit or has already frozen, and then this finds no open draw.
    result = cast(CursorResult[Any], db.session.execute(
        update(Draw).where(Draw.contest_id == contest.id, Draw.status == "open").values(status="open")))
    held = result.rowcount == 1
    if not held:
        db.session.rollback()
        message = "is locked: the tickets of this lucky draw are frozen"
        raise Conflict(f"contest {contest.id} is a lucky draw whose tickets are frozen; its rules, window and "
                       "sites can no longer change", [FieldError(name, message) for name in changed])


def cancel_contest(actor: Principal, contest_id: int) -> Contest:
    contest = get_contest(contest_id)
    require_manager(actor, contest)
    if contest.cancelled_at is None:
        contest.cancelled_at = utcnow()
        rescore_contest(contest)  # a cancelled contest keeps no projections
        audit.record(actor.name, "contest.cancel", "contest", str(contest.id))
        db.session.commit()
        publish([standings_notice(contest.id), *_running_contests_changed(contest)])
    return contest


def _audit_state(contest: Contest) -> dict[str, Any]:
    return {"name": contest.name, "kind": contest.kind, "starts_at": contest.starts_at.isoformat(),
            "ends_at": contest.ends_at.isoformat(), "timezone": contest.timezone,
            "sites": [s.key for s in contest.sites], "rules": contest.rules, "prizes": contest.prizes}

