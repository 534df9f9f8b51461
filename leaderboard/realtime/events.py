"""The one map from typed change events to live topics, Socket.IO event names and payloads.

The browser's list of delta events is served from here too (`/live/events.js`), never retyped.
"""
from __future__ import annotations

import json
from dataclasses import asdict, fields
from typing import Any

from leaderboard.domain import changes

EVENT_NAMES: dict[type, str] = {
    changes.SaleCounted: "sale",
    changes.StandingsChanged: "standings",
    changes.GoalScored: "match.goal",
    changes.GoalDisallowed: "match.disallowed",
    changes.MatchStatusChanged: "match.status",
    changes.LeagueTableChanged: "league.table",
    changes.CupTieRepaired: "cup.corrected",
    changes.CupCorrectionRecorded: "cup.corrected",
    changes.DrawFrozen: "draw.frozen",
    changes.WinnerDrawn: "draw.winner",
    changes.ChannelChanged: "channel",
    changes.PersonalNumbersChanged: "me.card",
    changes.ContestsChanged: "contests",
    changes.PeopleChanged: "people",
    changes.PrizeWon: "prize",
    changes.MyPrizeWon: "me.prize",
}
DELTA_EVENTS = sorted(set(EVENT_NAMES.values()))


def topic_of(change: changes.Change) -> str:
    if isinstance(change, changes.ChannelChanged):
        return f"channel:{change.key}"
    if isinstance(change, (changes.PersonalNumbersChanged, changes.MyPrizeWon)):
        return agent_topic(change.agent_id)
    if isinstance(change, (changes.ContestsChanged, changes.PeopleChanged)):
        return site_topic(change.site)
    return f"contest:{change.contest_id}"


def topics_of(change: changes.Change) -> list[str]:
    """Every topic a change goes to: a contest's changes also reach its phones' lean topic."""
    if isinstance(change, changes.PeopleChanged):
        return [site_topic(change.site), *(f"channel:{key}" for key in change.channels)]
    topic = topic_of(change)
    return [topic, phone_topic(change.contest_id)] if topic.startswith("contest:") else [topic]  # type: ignore[union-attr]


def phone_topic(contest_id: int) -> str:
    """The contest as phones follow it: the same deltas, a lean picture (no boards, no chart)."""
    return f"phone:{contest_id}"


def agent_topic(agent_id: int) -> str:
    return f"agent:{agent_id}"


def site_topic(site_key: str) -> str:
    return f"site:{site_key}"


def payload_of(change: changes.Change) -> dict[str, Any]:
    """The delta's body as the pages read it (the topic travels beside it, so the contest id does not)."""
    if isinstance(change, changes.ChannelChanged):
        return {"channel": {"key": change.key, "name": change.name, "slides": [asdict(s) for s in change.slides]}}
    if isinstance(change, changes.PersonalNumbersChanged):
        return {"card": asdict(change.card), "earnings": asdict(change.earnings) if change.earnings else None}
    if isinstance(change, changes.ContestsChanged):
        return {"site": change.site}
    if isinstance(change, changes.PeopleChanged):
        return {"site": change.site, "what": change.what}
    body = {f.name: getattr(change, f.name) for f in fields(change) if f.name != "contest_id"}
    body = {name: asdict(value) if hasattr(value, "__dataclass_fields__") else value for name, value in body.items()}
    if isinstance(change, changes.CupTieRepaired):
        body["bracket_changed"] = True
    elif isinstance(change, changes.CupCorrectionRecorded):
        body["bracket_changed"] = False
    return body


def event_name(change: changes.Change) -> str:
    return EVENT_NAMES[type(change)]


def browser_module() -> str:
    """An ES module for the pages: the delta events they listen to."""
    return ("// Generated from leaderboard/realtime/events.py.\n"
            f"export const DELTA_EVENTS = {json.dumps(DELTA_EVENTS)};\n")
