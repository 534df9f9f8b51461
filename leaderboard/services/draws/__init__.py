"""Lucky draws: tickets as a projection, freezing and the verifiable draw."""
