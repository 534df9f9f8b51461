"""The demo: seeded centre, contests and a live sales simulator."""
