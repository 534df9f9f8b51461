"""The one authorization policy: which role may do what, to which sites' resources (pure decision table)."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Scope(Enum):
    """How far a role's permission reaches."""

    ALL = "all"              # every resource
    ANY_SITE = "any_site"    # resources sharing at least one site with the caller (reading)
    ALL_SITES = "all_sites"  # resources whose every site is the caller's (changing)
    OWN = "own"              # the caller's own agent record


PUBLIC = "public"  # an action anyone may take, signed in or not (the view itself decides what it shows)


@dataclass(frozen=True)
class Resource:
    """What an action touches. `site_ids` None: bound to no site (products, a new key);
    an empty set: owned by admins only (a channel with no sites)."""

    site_ids: frozenset[int] | None = None
    agent_id: int | None = None


COLLECTION = Resource()  # a list or a creation: the service narrows it to what the caller may see

READ_EVERYTHING = {"admin": Scope.ALL, "integration": Scope.ALL}
ACTIONS: dict[str, dict[str, Scope]] = {
    # The roster: sites, teams, agents and products.
    "roster.read": {**READ_EVERYTHING, "lead": Scope.ANY_SITE, "display": Scope.ALL},
    "roster.write": {"admin": Scope.ALL, "lead": Scope.ALL_SITES},
    "site.write": {"admin": Scope.ALL, "lead": Scope.ALL_SITES},
    "product.write": {"admin": Scope.ALL},
    # One person's data: earnings, charity, an export; erasure is the admin's alone.
    "agent.private": {"admin": Scope.ALL, "lead": Scope.ANY_SITE, "agent": Scope.OWN},
    "agent.export": {"admin": Scope.ALL},
    "agent.erase": {"admin": Scope.ALL},
    # Events from CRMs and telephony.
    "sale.write": {"admin": Scope.ALL, "integration": Scope.ALL},
    "sale.cancel": {"admin": Scope.ALL, "integration": Scope.ALL, "lead": Scope.ALL_SITES},
    "sale.read": {"admin": Scope.ALL, "lead": Scope.ANY_SITE},
    "kpi.write": {"admin": Scope.ALL, "integration": Scope.ALL},
    # Contests and their boards; agents see the boards of their own site's contests.
    "contest.read": {**READ_EVERYTHING, "lead": Scope.ANY_SITE, "agent": Scope.ANY_SITE, "display": Scope.ALL},
    "contest.write": {"admin": Scope.ALL, "lead": Scope.ALL_SITES},
    "contest.consent": {"agent": Scope.OWN},
    "prize.hand_over": {"admin": Scope.ALL, "lead": Scope.ANY_SITE},  # the winner's site
    "board.read": {**READ_EVERYTHING, "lead": Scope.ANY_SITE, "agent": Scope.ANY_SITE, "display": Scope.ALL},
    "payroll.read": {"admin": Scope.ALL, "lead": Scope.ANY_SITE},
    "audit.read": {"admin": Scope.ALL, "lead": Scope.ANY_SITE},
    # Channels belong to a set of sites, or to admins (no sites); screens show them.
    "channel.read": {**READ_EVERYTHING, "lead": Scope.ANY_SITE, "display": Scope.ALL},
    "channel.write": {"admin": Scope.ALL, "lead": Scope.ALL_SITES},
    "screen.pair": {"admin": Scope.ALL, "lead": Scope.ALL_SITES},
    # Live updates: a socket connection, and an agent's own numbers.
    "live.connect": {"admin": Scope.ALL, "lead": Scope.ALL, "agent": Scope.ALL, "display": Scope.ALL},
    "self.read": {"agent": Scope.OWN},
    # The people side: goal posters (agents their own), kudos, anonymous values pulses.
    "goal.write": {"admin": Scope.ALL, "lead": Scope.ALL_SITES, "agent": Scope.OWN},
    "kudos.give": {"lead": Scope.ALL, "agent": Scope.ALL},
    "kudos.read": {**READ_EVERYTHING, "lead": Scope.ANY_SITE, "agent": Scope.ALL},
    "pulse.open": {"admin": Scope.ALL, "lead": Scope.ALL_SITES},
    "pulse.answer": {"agent": Scope.ALL},
    "pulse.read": {"admin": Scope.ALL, "lead": Scope.ANY_SITE},
    "pulse.list": {"admin": Scope.ALL, "lead": Scope.ALL, "agent": Scope.ALL},  # the service narrows the list
    # The console's pages.
    "console.enter": {"admin": Scope.ALL, "lead": Scope.ALL},
}


class Verdict(Enum):
    ALLOW = "allow"
    WRONG_ROLE = "wrong_role"    # 403: this role never may
    OUT_OF_SCOPE = "out_of_scope"  # 403: not this resource (another site's, another agent's)


@dataclass(frozen=True)
class Caller:
    role: str
    site_ids: frozenset[int] = frozenset()
    agent_id: int | None = None


def decide(action: str, caller: Caller, resource: Resource = COLLECTION) -> Verdict:
    """May `caller` take `action` on `resource`? Unknown actions are refused (fail closed)."""
    if action == PUBLIC:
        return Verdict.ALLOW
    scope = ACTIONS.get(action, {}).get(caller.role)
    if scope is None:
        return Verdict.WRONG_ROLE
    return Verdict.ALLOW if _within(scope, caller, resource) else Verdict.OUT_OF_SCOPE


def _within(scope: Scope, caller: Caller, resource: Resource) -> bool:
    if scope is Scope.ALL:
        return True
    if scope is Scope.OWN:
        return resource.agent_id is None or resource.agent_id == caller.agent_id
    if resource.site_ids is None:
        return True
    if not resource.site_ids:
        return False  # admins' own
    if scope is Scope.ANY_SITE:
        return bool(resource.site_ids & caller.site_ids)
    return resource.site_ids <= caller.site_ids


def roles_for(action: str) -> tuple[str, ...]:
    """Roles that may take the action on some resource (for the OpenAPI document)."""
    return tuple(ACTIONS.get(action, {}))
