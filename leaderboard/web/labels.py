"""The words pages show for stored values (contest kinds, statuses, slide types, roles…) and KPI names, in one place.

Pages never print a raw value: `label(value, group)` gives the translated word, or the value itself when it is
unknown (an action a newer version wrote, a KPI added to the configuration without a translation).
"""
from __future__ import annotations

from collections.abc import Mapping

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from leaderboard.domain import slides

LABELS: dict[str, Mapping[str, LazyString]] = {
    "kind": {"race": _l("Race"), "lucky_draw": _l("Lucky draw"), "league": _l("League")},
    "format": {"league": _l("League"), "cup": _l("Cup")},
    "status": {"scheduled": _l("scheduled"), "live": _l("live"), "ended": _l("ended"), "final": _l("final"),
               "cancelled": _l("cancelled")},
    "sale_status": {"pending": _l("pending"), "confirmed": _l("confirmed"), "cancelled": _l("cancelled"),
                    "late-cancelled": _l("late cancellation")},
    "prize_status": {"won": _l("to hand over"), "handed_over": _l("handed over"), "revoked": _l("revoked")},
    "slide": {kind.name: _l(kind.label) for kind in slides.SLIDE_TYPES},
    # The same words as the TV's chart titles (leaderboard/web/tv_strings.py).
    "chart": {"sales_per_hour": _l("Points per hour today"), "progress": _l("Progress to target")},
    "by": {"agent": _l("by agent"), "team": _l("by team"), "site": _l("by site")},
    "board": {"agent": _l("Agents"), "team": _l("Teams"), "site": _l("Sites")},
    "names": {"full": _l("Full names"), "first_initial": _l("First name and initial"),
              "none": _l("No names (team and site boards only)")},
    "role": {"admin": _l("administrator"), "lead": _l("team lead"), "integration": _l("integration"),
             "agent": _l("agent"), "display": _l("TV display")},
    "object": {"agent": _l("agent"), "api_key": _l("API key"), "channel": _l("channel"), "contest": _l("contest"),
               "sale": _l("sale"), "screen": _l("screen"), "user": _l("user"), "site": _l("site"),
               "team": _l("team"), "product": _l("product"), "prize_win": _l("prize won"),
               "pulse": _l("values pulse")},
    "action": {
        "agent.upsert": _l("saved an agent"), "team.upsert": _l("saved a team"), "site.upsert": _l("saved a site"),
        "product.upsert": _l("saved a product"), "agent.charity": _l("chose a charity"),
        "agent.erase": _l("erased an agent's personal data"), "agent.export": _l("exported an agent's data"),
        "agent.view": _l("viewed an agent's data"), "agent.photo": _l("uploaded a photo"),
        "agent.photo.delete": _l("deleted a photo"), "agent.goal": _l("set a goal"),
        "pulse.open": _l("opened a values pulse"),
        "agent.goal.picture": _l("changed a goal picture"), "agent.goal.wall": _l("changed the goal wall"),
        "agent_link.issue": _l("issued a phone link"), "agent_link.revoke": _l("revoked a phone link"),
        "apikey.create": _l("created an API key"), "apikey.revoke": _l("revoked an API key"),
        "channel.upsert": _l("saved a channel"), "contest.create": _l("created a contest"),
        "contest.update": _l("changed a contest"), "contest.rescore": _l("changed a contest's scoring"),
        "consent.give": _l("joined an opt-in contest"), "consent.withdraw": _l("left an opt-in contest"),
        "contest.cancel": _l("cancelled a contest"), "cup.correction": _l("corrected a cup tie"),
        "cup.repair": _l("repaired a cup bracket"), "draw.freeze": _l("froze the draw tickets"),
        "draw.run": _l("ran the draw"), "sale.cancel": _l("cancelled a sale"), "screen.pair": _l("paired a TV"),
        "user.create": _l("created a user"), "prize.hand_over": _l("handed a prize over"),
    },
}

# The configured KPIs' names ([kpis.*] label in config.toml) in the three languages; others show their label.
KPI_LABELS: dict[str, LazyString] = {
    "aht_seconds": _l("Average handling time (s)"),
    "referral_rate": _l("Referral rate"),
    "quality_score": _l("Quality score"),
    "csat": _l("Customer satisfaction"),
}


def label(value: object, group: str) -> str:
    """The translated word for a stored value of `group`, or the value itself when none is known."""
    if value is None:
        return "—"
    found = LABELS.get(group, {}).get(str(value))
    return str(found) if found is not None else str(value)


def choices(group: str) -> list[tuple[str, str]]:
    """A select field's (value, translated label) pairs, in declaration order."""
    return [(value, str(text)) for value, text in LABELS[group].items()]


def kpi_label(name: str, configured: str | None = None) -> str:
    """A KPI's name in the page's language: translated for the shipped KPIs, else its configured label."""
    found = KPI_LABELS.get(name)
    return str(found) if found is not None else (configured or name)
