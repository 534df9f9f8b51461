"""Which screens hear that kudos were given or a goal poster changed: the one PeopleChanged per write."""
from __future__ import annotations

from sqlalchemy import select

from leaderboard.domain.changes import PeopleChanged
from leaderboard.extensions import db
from leaderboard.models.roster import Site
from leaderboard.models.screens import Channel

PEOPLE_SLIDES = ("goal_wall", "kudos")


def slide_types(channel: Channel) -> set[str]:
    return {str(slide.get("type")) for slide in channel.slides or []}


def people_changed(site: Site, what: str) -> PeopleChanged:
    """The change to publish: the site's phones, and every channel showing that slide for the site."""
    if what == "pulse":  # a new question for the site's phones: no screen shows pulses
        return PeopleChanged(site=site.key, what=what)
    slide = "kudos" if what == "kudos" else "goal_wall"
    channels = [c.key for c in db.session.scalars(select(Channel))
                if slide in slide_types(c) and (not c.sites or any(s.id == site.id for s in c.sites))]
    return PeopleChanged(site=site.key, what=what, channels=tuple(sorted(channels)))
