"""Shared service machinery: errors, clock, audit, publishing after commit, transactions, atomic aggregates
and the projection registry."""
