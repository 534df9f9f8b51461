"""TV screens (register, poll, pair) and channels (named loops of slides)."""
from __future__ import annotations

from flask import Blueprint, request

from leaderboard.extensions import limiter
from leaderboard.schemas import ChannelIn, PairIn
from leaderboard.services.screens import channels as screens
from leaderboard.web.api.http import current_principal, json_body, parse, problem

bp = Blueprint("screens", __name__)
# A TV registers once per boot; pairing codes are short, so guessing them is slowed down.
REGISTER_RATE, PAIR_RATE = "20 per minute", "10 per minute"


@bp.post("/screens")
@limiter.limit(REGISTER_RATE, error_message="Too many screen registrations from this address; wait a minute.")
def register_screen():
    """A TV registers itself and gets a 6-character pairing code and its secret (no token needed)."""
    screen, secret = screens.register_screen()
    return {"code": screen.code, "secret": secret}, 201


@bp.get("/screens/me")
def screen_status():
    """A TV polls with its secret as bearer token until a lead has paired it to a channel."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    screen = screens.screen_for_secret(secret.strip()) if scheme.lower() == "bearer" and secret.strip() else None
    if screen is None:
        return problem(401, "Unauthorized", "unknown screen secret; register again")
    return {"code": screen.code, "paired": screen.paired_at is not None,
            "channel": screen.channel.key if screen.channel else None}


@bp.post("/screens/pair")
@limiter.limit(PAIR_RATE, error_message="Too many pairing attempts; wait a minute.")
def pair_screen():
    """Pair the TV showing `code` to a channel; the TV's secret becomes a display token."""
    data = parse(PairIn, json_body())
    screen = screens.pair(current_principal(), data.code, data.channel)
    return {"code": screen.code, "channel": screen.channel.key, "paired_at": screen.paired_at.isoformat()}


@bp.put("/channels/<key>")
def put_channel(key: str):
    """Create or replace a channel's slides (type, contest, by, seconds)."""
    channel, created = screens.upsert_channel(current_principal(), key, parse(ChannelIn, json_body()))
    return screens.channel_view(channel), (201 if created else 200)


@bp.get("/channels")
def list_channels():
    """Every channel."""
    return {"items": [screens.channel_view(c) for c in screens.visible_channels(current_principal())]}


@bp.get("/channels/<key>")
def get_channel(key: str):
    """One channel and its slides."""
    return screens.channel_view(screens.require_channel(key))
