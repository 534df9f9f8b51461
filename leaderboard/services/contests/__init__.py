"""Contests: lifecycle, stored rules, which sales count, and standings as a projection."""
