"""SQLAlchemy models, one module per aggregate; importing this registers every table."""
from leaderboard.models import audit, auth, contests, draws, events, league, leases, photos, privacy, projections, roster, screens  # noqa: F401
