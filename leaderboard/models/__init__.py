"""SQLAlchemy models, one module per aggregate; importing this registers every table."""
from leaderboard.models import (  # noqa: F401
    audit,
    auth,
    contests,
    draws,
    events,
    league,
    leases,
    people,
    photos,
    privacy,
    prizes,
    projections,
    roster,
    screens,
)
