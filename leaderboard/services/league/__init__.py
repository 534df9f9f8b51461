"""Leagues and cups between sites: fixtures, goals as running totals, VAR, upkeep and views."""
