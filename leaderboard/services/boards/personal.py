"""Personal deltas: after a contest's standings push, each agent whose own line moved gets theirs, nobody else.

The cards come from the ranked board the push already built, in one pass; the previous push's cards are
kept per contest, per process, so a diff names the agents to tell. A process that missed another's push
only sends more than needed, never less.
"""
from __future__ import annotations

import threading
from typing import Any

from leaderboard.domain.changes import EarningsLine, PersonalNumbersChanged
from leaderboard.domain.personal import PersonalCard, changed_agents, personal_cards
from leaderboard.extensions import db
from leaderboard.models.roster import Agent
from leaderboard.services.boards import standings
from leaderboard.services.contests.lifecycle import find_contest
from leaderboard.services.core.clock import utcnow
from leaderboard.services.earnings import bonuses as earnings
from leaderboard.services.roster.privacy import all_hidden_agent_keys


class PersonalLines:
    def __init__(self) -> None:
        self._last: dict[int, dict[str, PersonalCard]] = {}
        self._lock = threading.Lock()

    def changes_for(self, contest_id: int, picture: dict[str, Any] | None) -> list[PersonalNumbersChanged]:
        contest = find_contest(contest_id)
        if contest is None or contest.cancelled_at is not None:
            with self._lock:
                self._last.pop(contest_id, None)
            return []
        entries = standings.contest_agent_entries(contest)
        cards = personal_cards(contest.id, entries, ticket_counts(picture) if contest.kind == "lucky_draw" else None,
                               hidden=all_hidden_agent_keys())
        with self._lock:
            before = self._last.get(contest_id, {})
            self._last[contest_id] = cards
        agent_ids = {e.key: int(e.breakdown["agent_id"]) for e in entries}
        moved = changed_agents(before, cards)
        # Points move only for the agents who sold (or lost a sale): their month's earnings moved too.
        earned = {key for key in moved if key in before and before[key].points != cards[key].points}
        return [PersonalNumbersChanged(agent_ids[key], cards[key],
                                       earnings_line(agent_ids[key]) if key in earned else None)
                for key in moved]


def ticket_counts(picture: dict[str, Any] | None) -> dict[str, int]:
    """Tickets per agent from the lucky draw's shared picture (built once for the push)."""
    tickets = (picture or {}).get("tickets") or {}
    return {row["agent"]: int(row["count"]) for row in tickets.get("agents", [])}


def earnings_line(agent_id: int) -> EarningsLine | None:
    agent = db.session.get(Agent, agent_id)
    if agent is None:
        return None
    month = earnings.agent_earnings(agent, utcnow().strftime("%Y-%m"))
    return EarningsLine(currency=month["currency"], pending=month["pending"], confirmed=month["confirmed"],
                        clawed_back=month["clawed_back"], donated=month["donated"])
