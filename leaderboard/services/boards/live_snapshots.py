"""Full pictures of a contest or channel for screens that (re)join: the snapshot behind every delta."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from leaderboard.domain.periods import local_midnight
from leaderboard.domain.privacy import HIDDEN_KEY
from leaderboard.domain.scoring import json_number
from leaderboard.extensions import db
from leaderboard.models.contests import Contest
from leaderboard.models.draws import Draw
from leaderboard.models.projections import SiteHour
from leaderboard.models.roster import Site
from leaderboard.services.boards import standings, tv_picture
from leaderboard.services.contests.lifecycle import contest_view, get_contest
from leaderboard.services.core.clock import utcnow
from leaderboard.services.draws import tickets
from leaderboard.services.draws.state import frozen_lines
from leaderboard.services.league import cup
from leaderboard.services.league import views as league_views
from leaderboard.services.people.screens import channel_people
from leaderboard.services.prizes import offers as prize_offers
from leaderboard.services.roster.privacy import hidden_agent_keys
from leaderboard.services.screens.channels import channel_view, require_channel

PODIUM = 3
BOARD_ROWS = 500  # everyone on the board appears on the TV within one rotation


def contest_snapshot(contest_id: int) -> dict[str, Any]:
    contest = get_contest(contest_id)
    now = utcnow()
    data: dict[str, Any] = {"contest": contest_view(contest, now), "as_of": now.isoformat(),
                            "chart": sales_per_hour([s.id for s in contest.sites], contest.timezone, now)}
    if contest.cancelled_at is None:
        data["standings"] = {by: standings.screen_rows(contest, by, BOARD_ROWS) for by in ("agent", "team", "site")}
    data["roster"] = tv_picture.roster_view([row["key"] for row in data.get("standings", {}).get("agent", [])])
    if contest.kind == "lucky_draw":
        draw = db.session.get(Draw, contest.id)
        data["tickets"] = tickets.tickets_view(contest, frozen_lines(draw), None)
        data["proof"] = draw.proof if draw is not None and draw.status == "drawn" else None
    if (prizes := prize_offers.slide_picture(contest)) is not None:
        data["prizes"] = prizes  # the instant prizes slide: what is left and the latest winners
    # Who public screens show as a placeholder: read by domain/privacy.public_picture, never sent as such.
    on_screen = [row["key"] for row in data.get("standings", {}).get("agent", [])]
    on_screen += [w["agent"]["key"] for w in data.get("prizes", {}).get("wins", [])]
    on_screen += [row["agent"] for row in data.get("tickets", {}).get("agents", [])]
    on_screen += [w["agent"] for w in (data.get("proof") or {}).get("winners", []) if w.get("agent")]
    data[HIDDEN_KEY] = hidden_agent_keys(on_screen)
    if contest.kind == "league":
        data["matches"] = current_round(contest, now)
        data["table"] = league_views.table_view(contest)
        data["table"]["form"] = tv_picture.contest_form(contest)
        if contest.rules.get("format") == "cup":
            data["bracket"] = cup.bracket_view(contest)
    return data


def phone_picture(contest_id: int) -> dict[str, Any]:
    """What every phone of a contest shares (the rest is personal): no boards, no chart, a ticket total only."""
    contest = get_contest(contest_id)
    now = utcnow()
    data: dict[str, Any] = {"contest": contest_view(contest, now), "as_of": now.isoformat()}
    if contest.kind == "lucky_draw":
        view = tickets.tickets_view(contest, frozen_lines(db.session.get(Draw, contest.id)), None)
        # How many agents hold each ticket count (no names): each phone works out its own odds per prize.
        holders = Counter(row["count"] for row in view["agents"])
        data["tickets"] = {"total": view["total"], "holders": sorted(holders.items(), reverse=True)}
    elif contest.kind == "race":
        board = standings.contest_agent_entries(contest)
        podium = [e.score for e in board if e.rank <= PODIUM]
        data["podium"] = json_number(min(podium)) if podium else None  # the phones' "gap to the podium"
    if contest.kind == "league":
        data["matches"] = current_round(contest, now)
        data["table"] = league_views.table_view(contest)
    return data


def current_round(contest: Contest, now: datetime) -> list[dict[str, Any]]:
    """The round being played now, else the last one started, else the first."""
    matches = league_views.contest_matches(contest)
    if not matches:
        return []
    started = [m for m in matches if m.starts_at <= now]
    round_number = max(m.round for m in started) if started else min(m.round for m in matches)
    return [league_views.match_view(m, now) for m in matches if m.round == round_number]


def sales_per_hour(site_ids: list[int] | None, tz: str, now: datetime) -> dict[str, Any]:
    """Points per hour per site since local midnight (contest timezone), for the Plotly chart."""
    start = local_midnight(now.astimezone(ZoneInfo(tz)).date(), tz)
    hours = []
    cursor = start.astimezone(ZoneInfo("UTC"))
    while cursor <= now:
        hours.append(cursor)
        cursor += timedelta(hours=1)
    sites = list(db.session.scalars(select(Site).where(Site.id.in_(site_ids)) if site_ids else select(Site)))
    rows = db.session.scalars(select(SiteHour).where(SiteHour.hour >= start,
                                                     SiteHour.site_id.in_([s.id for s in sites])))
    points = {(r.site_id, r.hour): r.points for r in rows}
    return {"timezone": tz, "hours": [h.isoformat() for h in hours],
            "series": [{"site": s.key, "name": s.name, "points": [points.get((s.id, h), 0) for h in hours]}
                       for s in sorted(sites, key=lambda s: s.key)]}


def channel_snapshot(key: str) -> dict[str, Any]:
    channel = require_channel(key)
    people = channel_people(channel)  # goal wall and kudos slides: their pictures travel with the channel
    return {**channel_view(channel), **({"people": people} if people is not None else {})}


def channel_contests(key: str) -> list[int]:
    return sorted({s["contest"] for s in require_channel(key).slides if s.get("contest")})
