"""Instant prizes: seeds, wins decided per counted sale, the replay that rebuilds them, and hand-overs."""
