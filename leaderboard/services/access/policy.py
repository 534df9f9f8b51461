"""Applies the one authorization policy (leaderboard/domain/access.py) to stored resources and principals."""
from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import select

from leaderboard.domain.access import COLLECTION, Caller, Resource, Verdict, decide
from leaderboard.extensions import db
from leaderboard.models.contests import contest_site
from leaderboard.models.roster import Agent, Site, Team
from leaderboard.models.screens import Channel, channel_site
from leaderboard.schemas import KEY_PATTERN
from leaderboard.services.access.auth import Principal
from leaderboard.services.core.errors import Forbidden


def caller_of(principal: Principal) -> Caller:
    return principal.caller


def allows(principal: Principal, action: str, resource: Resource = COLLECTION) -> bool:
    return decide(action, caller_of(principal), resource) is Verdict.ALLOW


def require(principal: Principal, action: str, resource: Resource = COLLECTION, what: str = "this") -> None:
    """Raise Forbidden (403) unless the policy lets `principal` take `action` on `resource`."""
    verdict = decide(action, caller_of(principal), resource)
    if verdict is Verdict.WRONG_ROLE:
        raise Forbidden(f"role {principal.role!r} may not do this ({action})")
    if verdict is Verdict.OUT_OF_SCOPE:
        raise Forbidden(f"{principal.role} {principal.name!r} may not reach {what}: "
                        "not one of their sites' or their own")


def visible_site_ids(principal: Principal, action: str) -> frozenset[int] | None:
    """Sites whose rows a list may show the caller: None for every site."""
    caller = caller_of(principal)
    if decide(action, caller, Resource(site_ids=frozenset({-1}))) is Verdict.ALLOW:
        return None  # reaches even a site it does not hold: unrestricted
    return caller.site_ids


def filter_sited(principal: Principal, action: str, rows: Iterable, site_ids_of) -> list:
    """Keep the rows (contests, channels…) the caller may reach through `action`."""
    return [row for row in rows if allows(principal, action, Resource(site_ids=site_ids_of(row)))]


# Resource locators: what a path names, as the policy sees it. A missing resource is bound to no site
# (the view then answers 404 or creates it, and the service checks the body).
def contest_resource(contest_id: int) -> Resource:
    sites = db.session.scalars(select(contest_site.c.site_id).where(contest_site.c.contest_id == contest_id)).all()
    return Resource(site_ids=frozenset(sites)) if sites else Resource()


def channel_resource(key: str) -> Resource:
    channel_id = db.session.scalar(select(Channel.id).where(Channel.key == key))
    if channel_id is None:
        return Resource()
    sites = db.session.scalars(select(channel_site.c.site_id).where(channel_site.c.channel_id == channel_id)).all()
    return Resource(site_ids=frozenset(sites))  # empty: the admins' channel


def agent_resource(key: str) -> Resource:
    row = db.session.execute(select(Agent.id, Agent.site_id).where(Agent.key == key)).first()
    return Resource(site_ids=frozenset({row.site_id}), agent_id=row.id) if row else Resource()


def site_resource(key: str) -> Resource:
    site_id = db.session.scalar(select(Site.id).where(Site.key == key))
    # A new site belongs to nobody yet: only admins create sites.
    return Resource(site_ids=frozenset({site_id}) if site_id is not None else frozenset())


def team_resource(key: str) -> Resource:
    site_id = db.session.scalar(select(Team.site_id).where(Team.key == key))
    return Resource(site_ids=frozenset({site_id})) if site_id is not None else Resource()


def roster_item_resource(collection: str, key: str) -> Resource:
    locate = {"sites": site_resource, "teams": team_resource, "agents": agent_resource}.get(collection)
    if locate is None:
        return Resource()  # products belong to the company
    resource = locate(key)
    return resource if resource.site_ids else Resource()  # unknown keys: 404 from the view


def query_site_resource(site_key: str | None) -> Resource:
    """A calendar board narrowed to one site (`?site=`), or every site the caller may see."""
    if site_key is None or not re.fullmatch(KEY_PATTERN, site_key):
        return Resource()  # no site, or no valid key: the view answers (400 or 422) before reading a board
    site_id = db.session.scalar(select(Site.id).where(Site.key == site_key))
    return Resource(site_ids=frozenset({site_id})) if site_id is not None else Resource()
