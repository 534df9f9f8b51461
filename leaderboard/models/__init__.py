"""SQLAlchemy models, one module per aggregate; importing this registers every table."""
from leaderboard.models import audit, auth, contests, events, projections, roster  # noqa: F401
