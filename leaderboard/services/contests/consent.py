"""Opt-in contests: an agent's consent to appear on its boards, given and withdrawn by the agent alone."""
from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.sql import Select

from leaderboard.domain.access import Resource
from leaderboard.extensions import db
from leaderboard.models.contests import Contest
from leaderboard.models.privacy import ContestConsent
from leaderboard.services.access import policy
from leaderboard.services.access.auth import Principal
from leaderboard.services.contests.projection import standings_notice
from leaderboard.services.contests.rules import rules_of
from leaderboard.services.core import audit
from leaderboard.services.core.aggregates import bump_standings_versions
from leaderboard.services.core.clock import utcnow
from leaderboard.services.core.errors import Conflict, NotFound
from leaderboard.services.core.publishing import publish


def consenting_agents(contest_id: int) -> Select:
    """The ids of the agents who accepted to appear on the contest's boards, as a subquery."""
    return select(ContestConsent.agent_id).where(ContestConsent.contest_id == contest_id)


def _opt_in_contest(actor: Principal, contest_id: int) -> Contest:
    contest = db.session.get(Contest, contest_id)
    if contest is None:
        raise NotFound(f"no contest {contest_id}")
    policy.require(actor, "contest.consent", Resource(site_ids=frozenset(s.id for s in contest.sites)),
                   f"contest {contest_id}")
    policy.require(actor, "contest.read", Resource(site_ids=frozenset(s.id for s in contest.sites)),
                   f"contest {contest_id}")
    if not rules_of(contest).opt_in:
        raise Conflict(f"contest {contest_id} is not opt-in: everyone of its sites takes part")
    return contest


def give(actor: Principal, contest_id: int) -> bool:
    """The agent accepts to appear on the contest's boards; True when this is new (idempotent)."""
    contest = _opt_in_contest(actor, contest_id)
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    # RETURNING says whether a row went in (an ORM-enabled insert reports no dependable rowcount).
    added = db.session.execute(insert(ContestConsent).values(
        contest_id=contest.id, agent_id=actor.agent_id, given_at=utcnow())
        .on_conflict_do_nothing(index_elements=["contest_id", "agent_id"])
        .returning(ContestConsent.agent_id)).first() is not None
    return _changed(actor, contest, added, "consent.give")


def withdraw(actor: Principal, contest_id: int) -> bool:
    """The agent leaves the contest's boards (their sales stay in the log); True when they were on them."""
    contest = _opt_in_contest(actor, contest_id)
    removed = db.session.execute(delete(ContestConsent).where(
        ContestConsent.contest_id == contest.id, ContestConsent.agent_id == actor.agent_id)
        .returning(ContestConsent.agent_id).execution_options(synchronize_session=False)).first() is not None
    return _changed(actor, contest, removed, "consent.withdraw")


def _changed(actor: Principal, contest: Contest, changed: bool, action: str) -> bool:
    if changed:
        bump_standings_versions([contest.id])  # board caches key on it
        audit.record(actor.name, action, "contest", str(contest.id))
    db.session.commit()
    if changed:
        publish([standings_notice(contest.id)])
    return changed


def has_consented(contest_id: int, agent_id: int) -> bool:
    return db.session.get(ContestConsent, (contest_id, agent_id)) is not None
