"""Read models for screens and pages: standings, calendar boards, live snapshots and the agent's own view."""
