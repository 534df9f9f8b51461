"""Pure domain core: no Flask, no SQLAlchemy."""
