"""The pure access policy: roles, site scope (any vs all of a resource's sites), own records, fail closed."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from leaderboard.domain.access import ACTIONS, COLLECTION, PUBLIC, Caller, Resource, Verdict, decide

sites = st.frozensets(st.integers(min_value=1, max_value=6), max_size=4)


def test_unknown_actions_and_roles_are_refused():
    assert decide("no.such.action", Caller("admin")) is Verdict.WRONG_ROLE
    assert decide("contest.read", Caller("janitor")) is Verdict.WRONG_ROLE
    assert decide(PUBLIC, Caller("anyone")) is Verdict.ALLOW


def test_admins_may_take_every_action_on_anything():
    for action, roles in ACTIONS.items():
        if "admin" in roles:
            assert decide(action, Caller("admin"), Resource(site_ids=frozenset())) is Verdict.ALLOW, action


@given(mine=sites, theirs=sites)
def test_a_lead_reads_what_shares_a_site_and_changes_only_what_is_wholly_theirs(mine, theirs):
    lead = Caller("lead", site_ids=mine)
    resource = Resource(site_ids=theirs)
    reads = decide("contest.read", lead, resource) is Verdict.ALLOW
    writes = decide("contest.write", lead, resource) is Verdict.ALLOW
    assert reads == bool(mine & theirs)  # an empty resource (the admins') is read by no lead
    assert writes == (bool(theirs) and theirs <= mine)
    assert not writes or reads  # whoever may change it may read it


def test_an_admins_channel_is_no_leads():
    lead = Caller("lead", site_ids=frozenset({1, 2}))
    assert decide("channel.write", lead, Resource(site_ids=frozenset())) is Verdict.OUT_OF_SCOPE
    assert decide("channel.write", lead, COLLECTION) is Verdict.ALLOW  # a new one: the service sets its sites


def test_an_agent_reaches_only_their_own_record():
    agent = Caller("agent", site_ids=frozenset({1}), agent_id=7)
    assert decide("agent.private", agent, Resource(site_ids=frozenset({1}), agent_id=7)) is Verdict.ALLOW
    assert decide("agent.private", agent, Resource(site_ids=frozenset({1}), agent_id=8)) is Verdict.OUT_OF_SCOPE
    assert decide("contest.read", agent, Resource(site_ids=frozenset({2}))) is Verdict.OUT_OF_SCOPE
    assert decide("roster.read", agent) is Verdict.WRONG_ROLE
    assert decide("agent.export", agent, Resource(agent_id=7)) is Verdict.WRONG_ROLE  # exports are the admin's


def test_screens_and_integrations_never_change_the_roster_or_contests():
    for role in ("display", "integration"):
        for action in ("roster.write", "site.write", "contest.write", "channel.write", "screen.pair", "agent.erase"):
            assert decide(action, Caller(role)) is Verdict.WRONG_ROLE, (role, action)
