"""TV screens and channels: registration with a pairing code, pairing by a lead, channel slides."""
from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select

from leaderboard.domain import slides
from leaderboard.domain.access import Resource
from leaderboard.domain.changes import ChannelChanged, SlideView
from leaderboard.domain.privacy import ChannelDisplay
from leaderboard.extensions import db
from leaderboard.models.auth import ApiKey
from leaderboard.models.roster import Site
from leaderboard.models.screens import Channel, Screen
from leaderboard.schemas import ChannelIn
from leaderboard.services.access import policy as access
from leaderboard.services.access.auth import Principal, hash_token
from leaderboard.services.contests.lifecycle import find_contest
from leaderboard.services.core import audit
from leaderboard.services.core.clock import utcnow
from leaderboard.services.core.errors import FieldError, InvalidInput, NotFound
from leaderboard.services.core.publishing import publish

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read from across a room
UNPAIRED_LIFETIME = timedelta(days=1)


def register_screen() -> tuple[Screen, str]:
    """A new TV asks for a pairing code; its secret becomes its display token once paired."""
    now = utcnow()
    db.session.execute(delete(Screen).where(Screen.paired_at.is_(None), Screen.created_at < now - UNPAIRED_LIFETIME))
    secret = "lbs_" + secrets.token_urlsafe(32)
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
        if db.session.scalar(select(Screen.id).where(Screen.code == code)) is None:
            break
    screen = Screen(code=code, secret_hash=hash_token(secret), created_at=now)
    db.session.add(screen)
    db.session.commit()
    return screen, secret


def screen_for_secret(secret: str) -> Screen | None:
    screen = db.session.scalar(select(Screen).where(Screen.secret_hash == hash_token(secret)))
    if screen is not None:
        screen.last_seen_at = utcnow()
        db.session.commit()
    return screen


def pair(actor: Principal, code: str, channel_key: str) -> Screen:
    access.require(actor, "screen.pair", access.channel_resource(channel_key), f"channel {channel_key!r}")
    screen = db.session.scalar(select(Screen).where(Screen.code == code.upper()))
    if screen is None:
        raise InvalidInput("unknown code", [FieldError("code", "no screen is showing this code")])
    channel = channel_by_key(channel_key)
    if channel is None:
        raise InvalidInput("unknown channel", [FieldError("channel", f"no channel {channel_key!r}")])
    screen.channel = channel
    if screen.paired_at is None:
        screen.paired_at, screen.paired_by = utcnow(), actor.name
        db.session.add(ApiKey(name=f"screen {screen.code}", role="display", token_hash=screen.secret_hash,
                              prefix=f"scr-{screen.code}", created_at=utcnow()))
    audit.record(actor.name, "screen.pair", "screen", screen.code, after={"channel": channel.key})
    db.session.commit()
    return screen


def channel_by_key(key: str) -> Channel | None:
    return db.session.scalar(select(Channel).where(Channel.key == key))


def all_channels() -> list[Channel]:
    """Every channel, ordered by key."""
    return list(db.session.scalars(select(Channel).order_by(Channel.key)))


def paired_screens() -> list[Screen]:
    """Screens paired to a channel, most recently paired first."""
    return list(db.session.scalars(select(Screen).where(Screen.paired_at.is_not(None))
                                   .order_by(Screen.paired_at.desc())))


def channel_view(channel: Channel) -> dict[str, Any]:
    return {"key": channel.key, "name": channel.name, "slides": channel.slides,
            "sites": [site.key for site in channel.sites], "display": display_of(channel).as_dict(),
            "language": channel.language, "big_sale_points": channel.big_sale_points, "sound": bool(channel.sound),
            "updated_at": channel.updated_at.isoformat()}


def upsert_channel(actor: Principal, key: str, data: ChannelIn) -> tuple[Channel, bool]:
    existing = channel_by_key(key)
    owners = channel_owners(actor, existing, data.sites)
    if existing is not None:
        access.require(actor, "channel.write", access.channel_resource(key), f"channel {key!r}")
    access.require(actor, "channel.write", Resource(site_ids=frozenset(s.id for s in owners)),
                   f"channel {key!r} for sites {[s.key for s in owners]}")
    errors = slide_errors(data)
    if errors:
        raise InvalidInput("the channel has invalid slides", errors)
    channel = channel_by_key(key)
    created = channel is None
    before = channel_view(channel) if channel else None
    if channel is None:
        channel = Channel(key=key, name=data.name, slides=[], updated_at=utcnow())
        db.session.add(channel)
    channel.name = data.name
    channel.slides = [s.model_dump() for s in data.slides]
    channel.sites, channel.display = owners, data.display.model_dump()
    channel.language, channel.big_sale_points, channel.sound = data.language, data.big_sale_points, data.sound
    channel.updated_at = utcnow()
    audit.record(actor.name, "channel.upsert", "channel", key, before=before, after=channel_view(channel))
    db.session.commit()
    # The new slide list travels with the delta; screens then ask for the channel, which joins new contests.
    publish([ChannelChanged(key=channel.key, name=channel.name,
                            slides=tuple(SlideView(**slide) for slide in channel.slides))])
    return channel, created


def slide_errors(data: ChannelIn) -> list[FieldError]:
    """Each slide that needs a contest names an existing one of a kind (and format) its type can show."""
    errors = []
    for index, slide in enumerate(data.slides):
        kind = slides.slide_type(slide.type)
        if kind is None or not kind.needs_contest:
            continue
        contest = find_contest(slide.contest) if slide.contest else None
        if contest is None:
            errors.append(FieldError(f"slides[{index}].contest", "an existing contest is required"))
            continue
        refusal = kind.refusal(contest.kind, contest.rules.get("format"))
        if refusal == "wrong_kind":
            errors.append(FieldError(f"slides[{index}].contest",
                                     f"a {slide.type} slide needs a {' or '.join(kind.contest_kinds)} contest"))
        elif refusal == "wrong_format":
            errors.append(FieldError(f"slides[{index}].contest", f"a {slide.type} slide needs a {kind.contest_format}"))
    return errors


def channel_owners(actor: Principal, channel: Channel | None, site_keys: list[str] | None) -> list[Site]:
    """The sites a channel will belong to: as named, else as it was, else the lead's own (admins': none)."""
    if site_keys is None:
        if channel is not None:
            return list(channel.sites)
        ids = actor.site_ids if actor.role == "lead" else frozenset()
        return list(db.session.scalars(select(Site).where(Site.id.in_(ids or [])).order_by(Site.key)))
    found = {s.key: s for s in db.session.scalars(select(Site).where(Site.key.in_(site_keys)))}
    missing = [FieldError(f"sites[{i}]", f"unknown site {k!r}") for i, k in enumerate(site_keys) if k not in found]
    if missing:
        raise InvalidInput("unknown sites", missing)
    return [found[k] for k in dict.fromkeys(site_keys)]


def display_of(channel: Channel | None) -> ChannelDisplay:
    """How people are named on a channel's screens (full names, all rows, when never set)."""
    stored = (channel.display if channel is not None else None) or {}
    return ChannelDisplay(names=stored.get("names", "full"), top=stored.get("top"))


def visible_channels(actor: Principal, action: str = "channel.read") -> list[Channel]:
    """The channels the caller may read (or, with another action, e.g. pair screens to): leads their sites'."""
    return access.filter_sited(actor, action, all_channels(), lambda c: frozenset(s.id for s in c.sites))


def require_channel(key: str) -> Channel:
    channel = channel_by_key(key)
    if channel is None:
        raise NotFound(f"no channel {key!r}")
    return channel
