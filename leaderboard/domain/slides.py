"""The slide types a TV channel can loop through: declared once, for the schemas, the channel service and the console.

Each type says which contest kinds it accepts (empty: it shows no contest) and which slide fields it uses.
"""
from __future__ import annotations

from dataclasses import dataclass

# Every field a slide row can carry; a type uses a subset of them.
FIELDS = ("contest", "by", "seconds", "text", "chart", "target")
CONTEST_KINDS = ("race", "lucky_draw", "league")
BY_VALUES = ("agent", "team", "site")
CHART_KINDS = ("sales_per_hour", "progress")


def N_(message: str) -> str:
    """Marks an English message id for extraction; the web layer translates it when it shows it."""
    return message


@dataclass(frozen=True)
class SlideType:
    name: str
    label: str  # an English msgid, translated by the page that shows it
    contest_kinds: tuple[str, ...]  # the contest kinds it may show; empty: no contest
    fields: tuple[str, ...]  # the slide fields this type uses (seconds always)
    contest_format: str | None = None  # a league format the contest must have (the bracket needs a cup)

    @property
    def needs_contest(self) -> bool:
        return bool(self.contest_kinds)

    def uses(self, field: str) -> bool:
        return field in self.fields

    def refusal(self, kind: str, league_format: str | None) -> str | None:
        """Why a contest of this kind (and league format) cannot be shown on this slide; None when it can."""
        if kind not in self.contest_kinds:
            return "wrong_kind"
        if self.contest_format is not None and league_format != self.contest_format:
            return "wrong_format"
        return None


SLIDE_TYPES: tuple[SlideType, ...] = (
    SlideType("standings", N_("Standings"), CONTEST_KINDS, ("contest", "by", "seconds")),
    SlideType("match_centre", N_("Match centre"), ("league",), ("contest", "seconds")),
    SlideType("league_table", N_("League table"), ("league",), ("contest", "seconds")),
    SlideType("bracket", N_("Cup bracket"), ("league",), ("contest", "seconds"), contest_format="cup"),
    SlideType("lucky_draw", N_("Lucky draw"), ("lucky_draw",), ("contest", "seconds")),
    # The chart reads a contest's sites (points per hour) or its site standings (progress to a target).
    SlideType("chart", N_("Chart"), CONTEST_KINDS, ("contest", "chart", "target", "seconds")),
    SlideType("message", N_("Message"), (), ("text", "seconds")),
    # People slides show no contest: the channel's sites' opted-in goal posters, and their latest kudos.
    SlideType("goal_wall", N_("Goal wall"), (), ("seconds",)),
    SlideType("kudos", N_("Kudos"), (), ("seconds",)),
    # A contest's instant prizes: what is left to win and the latest winners.
    SlideType("instant_prizes", N_("Instant prizes"), CONTEST_KINDS, ("contest", "seconds")),
)
BY_NAME: dict[str, SlideType] = {slide.name: slide for slide in SLIDE_TYPES}
NAMES: tuple[str, ...] = tuple(BY_NAME)


def slide_type(name: str) -> SlideType | None:
    return BY_NAME.get(name)
