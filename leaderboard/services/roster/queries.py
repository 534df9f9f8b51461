"""Read-only roster queries for the adapters: whole collections, one row by key, names by key.

Nothing here writes; rows come back as the API's state dicts or as {key: name} maps.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import InstrumentedAttribute

from leaderboard.extensions import db
from leaderboard.models.roster import Agent, Product, Site, Team
from leaderboard.services.roster import people

# collection name → (model, key column, state of one row, lookup of one row by key)
COLLECTIONS: dict[str, tuple[type, Any, Callable[[Any], dict], Callable[[str], Any]]] = {
    "sites": (Site, Site.key, people.site_state, people.site_by_key),
    "teams": (Team, Team.key, people.team_state, people.team_by_key),
    "agents": (Agent, Agent.key, people.agent_state, people.agent_by_key),
    "products": (Product, Product.code, people.product_state, people.product_by_code),
}
# collection name → the column placing a row in a site (products belong to every site)
SITE_COLUMNS: dict[str, InstrumentedAttribute[int]] = {
    "sites": Site.id, "teams": Team.site_id, "agents": Agent.site_id}
# kind → (key column, name column)
NAMED: dict[str, tuple[InstrumentedAttribute[str], InstrumentedAttribute[str]]] = {
    "site": (Site.key, Site.name), "team": (Team.key, Team.name), "agent": (Agent.key, Agent.name)}


def all_rows(collection: str) -> list[Any]:
    """Every row of a roster collection, ordered by key (products by code)."""
    model, key_column, _state, _lookup = COLLECTIONS[collection]
    return list(db.session.scalars(select(model).order_by(key_column)))


def all_products() -> list[Product]:
    return all_rows("products")


def collection_items(collection: str, site_ids: frozenset[int] | None = None) -> list[dict[str, Any]]:
    """The state of every row of a collection (sites, teams, agents, products), ordered by key;
    with `site_ids`, only the rows of those sites (products belong to every site)."""
    model, key_column, state, _lookup = COLLECTIONS[collection]
    statement: Select[Any] = select(model).order_by(key_column)
    site_column = SITE_COLUMNS.get(collection)
    if site_ids is not None and site_column is not None:
        statement = statement.where(site_column.in_(list(site_ids)))
    return [state(row) for row in db.session.scalars(statement)]


def collection_item(collection: str, key: str) -> dict[str, Any] | None:
    """The state of one row by key (code for products), or None when there is none."""
    _model, _column, state, lookup = COLLECTIONS[collection]
    row = lookup(key)
    return state(row) if row is not None else None


def names_by_key(kind: str, keys: Iterable[str] | None = None) -> dict[str, str]:
    """{key: name} of every site, team or agent, or only of the given keys."""
    key_column, name_column = NAMED[kind]
    statement = select(key_column, name_column)
    if keys is not None:
        statement = statement.where(key_column.in_(list(keys)))
    return dict(db.session.execute(statement).all())
