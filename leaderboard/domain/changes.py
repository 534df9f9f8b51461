"""Typed change events: what services tell screens after a commit. Pure data, no transport.

`leaderboard.realtime.events` maps each type to its topic and Socket.IO event name, in one place.
"""
from __future__ import annotations

from dataclasses import dataclass

from leaderboard.domain.personal import PersonalCard

Number = int | float


@dataclass(frozen=True)
class Ref:
    """A roster thing as screens show it: its key (or product code) and its name."""

    key: str
    name: str


@dataclass(frozen=True)
class ProductRef:
    code: str
    name: str
    kind: str = "sale"  # "save": a customer kept from cancelling


@dataclass(frozen=True)
class Score:
    home: int
    away: int


@dataclass(frozen=True)
class SaleCounted:
    contest_id: int
    sale: str
    agent: Ref
    site: Ref
    product: ProductRef
    points: Number


@dataclass(frozen=True)
class StandingsChanged:
    contest_id: int


@dataclass(frozen=True)
class GoalChange:
    contest_id: int
    match: int
    site: str
    agent: Ref
    sale: str
    minute: int
    score: Score
    home: str
    away: str


@dataclass(frozen=True)
class GoalScored(GoalChange):
    pass


@dataclass(frozen=True)
class GoalDisallowed(GoalChange):
    reason: str


@dataclass(frozen=True)
class MatchStatusChanged:
    contest_id: int
    match: int
    status: str
    home: str
    away: str
    score: Score


@dataclass(frozen=True)
class LeagueTableChanged:
    contest_id: int


@dataclass(frozen=True)
class Pairing:
    home: str
    away: str


@dataclass(frozen=True)
class CupTieRepaired:
    """A VAR correction sent another side into a next-round tie that was not decided yet."""

    contest_id: int
    match: int
    round: int
    before: Pairing
    after: Pairing
    score: Score


@dataclass(frozen=True)
class CupCorrectionRecorded:
    """A VAR correction changed a decided tie's winner after the next round was decided: shown, not applied."""

    contest_id: int
    round: int
    slot: int
    advanced: str | None
    winner: str | None


@dataclass(frozen=True)
class DrawFrozen:
    contest_id: int
    tickets_digest: str
    tickets_count: int


@dataclass(frozen=True)
class WinnerDrawn:
    contest_id: int
    slot: int
    prize: str
    ticket: str | None
    agent: str | None
    agent_name: str | None


@dataclass(frozen=True)
class SlideView:
    type: str
    seconds: int
    contest: int | None = None
    by: str = "agent"
    text: str = ""
    chart: str = "sales_per_hour"
    target: int | None = None


@dataclass(frozen=True)
class ChannelChanged:
    key: str
    name: str
    slides: tuple[SlideView, ...]


@dataclass(frozen=True)
class EarningsLine:
    """An agent's month so far in one currency (amounts as decimal strings)."""

    currency: str | None
    pending: str
    confirmed: str
    clawed_back: str
    donated: str


@dataclass(frozen=True)
class PersonalNumbersChanged:
    """One agent's own line on a contest moved: goes to that agent's phone only."""

    agent_id: int
    card: PersonalCard
    earnings: EarningsLine | None = None


@dataclass(frozen=True)
class ContestsChanged:
    """A contest of this site was launched, edited or cancelled: phones look again at what is running."""

    site: str


@dataclass(frozen=True)
class PeopleChanged:
    """Kudos were given, or a goal poster changed, at a site: its phones and the channels showing the
    kudos or goal wall slides look again (the payload names nobody; the pictures apply the privacy rules)."""

    site: str
    what: str  # "kudos", "goal" or "pulse" (a new question for the site's phones)
    channels: tuple[str, ...] = ()


@dataclass(frozen=True)
class PrizeWon:
    """A counted sale won an instant prize: the contest's screens celebrate ("Julie wins a bottle of champagne")."""

    contest_id: int
    win: str
    prize: str
    agent: Ref
    site: Ref
    sale: str


@dataclass(frozen=True)
class MyPrizeWon:
    """The same win, for the winner's own phone only."""

    agent_id: int
    contest_id: int
    contest: str
    win: str
    prize: str
    sale: str


Change = (SaleCounted | StandingsChanged | GoalScored | GoalDisallowed | MatchStatusChanged | LeagueTableChanged
          | CupTieRepaired | CupCorrectionRecorded | DrawFrozen | WinnerDrawn | ChannelChanged
          | PersonalNumbersChanged | ContestsChanged | PeopleChanged | PrizeWon | MyPrizeWon)
