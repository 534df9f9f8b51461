"""What the TV slides need beside the boards: site and team names and colour tones, photos, the form guide."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from leaderboard.domain import league as rules_of_play
from leaderboard.domain.form_guide import form_guide
from leaderboard.extensions import db
from leaderboard.models.contests import Contest
from leaderboard.models.roster import Site, Team
from leaderboard.services.core.clock import utcnow
from leaderboard.services.league.matches import score
from leaderboard.services.league.views import contest_matches, match_status
from leaderboard.services.roster.photos import photo_urls

TONES = 8  # the TV's palette has eight colour tokens (--tone-0 … --tone-7), each AA on the dark background


def roster_view(agent_keys: list[str]) -> dict[str, Any]:
    """Names and colour tones of every site and team (tones follow creation order, so they never change),
    and the photo URL of the agents given."""
    sites = db.session.execute(select(Site.key, Site.name).order_by(Site.id)).all()
    teams = db.session.execute(select(Team.key, Team.name, Site.key).join(Site, Team.site_id == Site.id)
                               .order_by(Team.id)).all()
    return {"sites": {key: {"name": name, "tone": i % TONES} for i, (key, name) in enumerate(sites)},
            "teams": {key: {"name": name, "site": site, "tone": i % TONES}
                      for i, (key, name, site) in enumerate(teams)},
            "photos": photo_urls(agent_keys)}


def contest_form(contest: Contest) -> dict[str, list[str]]:
    now = utcnow()
    decided = []
    for match in sorted(contest_matches(contest), key=lambda m: (m.ends_at, m.slot, m.id)):
        status = match_status(match, now)
        if status in ("provisional", "final"):
            current = score(match)
            decided.append(rules_of_play.MatchResult(match.home.key, match.away.key, current["home"],
                                                     current["away"], str(status)))
    return form_guide(decided)
