"""Agent photos: a lead or admin uploads the image bytes (JPEG, PNG or WebP) or removes the photo."""
from __future__ import annotations

from flask import Blueprint, request

from leaderboard.services.roster import photos
from leaderboard.web.api.http import current_principal, requires

bp = Blueprint("photos", __name__)
EDITORS = ("admin", "lead")


@bp.put("/agents/<key>/photo")
@requires(*EDITORS)
def put_photo(key: str):
    stored = photos.save_photo(current_principal(), key, request.get_data(cache=False))
    return {"agent": stored.agent, "url": stored.url, "content_type": stored.content_type, "size": stored.size}


@bp.delete("/agents/<key>/photo")
@requires(*EDITORS)
def delete_photo(key: str):
    photos.delete_photo(current_principal(), key)
    return "", 204
