"""Agent photos: a lead uploads one, the server checks it, crops it square, resizes it and stores it."""
from __future__ import annotations

import io
import secrets
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import select

from leaderboard.extensions import db
from leaderboard.models.photos import AgentPhoto
from leaderboard.models.roster import Agent
from leaderboard.services.access.auth import Principal
from leaderboard.services.core import audit
from leaderboard.services.core.clock import utcnow
from leaderboard.services.core.errors import FieldError, Forbidden, InvalidInput, NotFound
from leaderboard.services.roster.people import agent_by_key

MAX_UPLOAD_BYTES = 1_000_000
MAX_SOURCE_PIXELS = 40_000_000  # refuses decompression bombs before decoding them
ACCEPTED_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
SIDE = 256  # pixels: an avatar is at most ~200 px on a 4K TV
STORED_TYPE = "image/jpeg"


@dataclass(frozen=True)
class StoredPhoto:
    agent: str
    name: str
    content_type: str
    size: int

    @property
    def url(self) -> str:
        return photo_url(self.name)


def photo_url(name: str) -> str:
    return f"/photos/{name}.jpg"


def _photo_error(message: str) -> InvalidInput:
    return InvalidInput("the photo was refused", [FieldError("photo", message)])


def _editable_agent(actor: Principal, key: str) -> Agent:
    if actor.role not in ("admin", "lead"):
        raise Forbidden("only leads and admins change agents' photos")
    agent = agent_by_key(key)
    if agent is None:
        raise NotFound(f"no agent {key!r}")
    actor.require_site(agent.site_id, f"agent {key!r}")
    return agent


def square_jpeg(data: bytes) -> bytes:
    """The upload checked (size, type, pixel count), turned upright, centre-cropped and resized to SIDE²."""
    if not data:
        raise _photo_error("the body is empty: send the image bytes")
    if len(data) > MAX_UPLOAD_BYTES:
        raise _photo_error(f"the photo is larger than {MAX_UPLOAD_BYTES} bytes")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ACCEPTED_FORMATS:
                raise _photo_error(f"send a JPEG, PNG or WebP image, not {image.format or 'this file'}")
            if image.width * image.height > MAX_SOURCE_PIXELS:
                raise _photo_error(f"the image has more than {MAX_SOURCE_PIXELS} pixels")
            image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, Image.DecompressionBombWarning,
            SyntaxError, ValueError) as exc:
        raise _photo_error("this is not an image the server can read") from exc
    upright = ImageOps.exif_transpose(image).convert("RGB")
    square = ImageOps.fit(upright, (SIDE, SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    square.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue()


def save_photo(actor: Principal, agent_key: str, data: bytes) -> StoredPhoto:
    agent = _editable_agent(actor, agent_key)
    content = square_jpeg(data)
    photo = db.session.get(AgentPhoto, agent.id)
    if photo is None:
        photo = AgentPhoto(agent_id=agent.id)
        db.session.add(photo)
    photo.name = secrets.token_urlsafe(18)
    photo.content, photo.content_type, photo.size = content, STORED_TYPE, len(content)
    photo.uploaded_at, photo.uploaded_by = utcnow(), actor.name
    audit.record(actor.name, "agent.photo", "agent", agent.key, after={"size": len(content)})
    db.session.commit()
    return StoredPhoto(agent.key, photo.name, photo.content_type, photo.size)


def delete_photo(actor: Principal, agent_key: str) -> None:
    agent = _editable_agent(actor, agent_key)
    photo = db.session.get(AgentPhoto, agent.id)
    if photo is None:
        raise NotFound(f"agent {agent_key!r} has no photo")
    db.session.delete(photo)
    audit.record(actor.name, "agent.photo.delete", "agent", agent.key)
    db.session.commit()


@dataclass(frozen=True)
class PhotoFile:
    content: bytes
    content_type: str


def photo_by_name(name: str) -> PhotoFile | None:
    row = db.session.execute(select(AgentPhoto.content, AgentPhoto.content_type)
                             .where(AgentPhoto.name == name)).first()
    return PhotoFile(row[0], row[1]) if row else None


def photo_urls(agent_keys: list[str]) -> dict[str, str]:
    """Agent key → photo URL for the agents in a picture that have one (one query)."""
    if not agent_keys:
        return {}
    rows = db.session.execute(select(Agent.key, AgentPhoto.name).join(AgentPhoto, AgentPhoto.agent_id == Agent.id)
                              .where(Agent.key.in_(agent_keys)))
    return {key: photo_url(name) for key, name in rows}
