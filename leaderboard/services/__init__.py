"""Use cases, grouped by subdomain: load rows, call the domain, write, commit, then publish. The only writers.

core (errors, clock, audit, publishing, transactions, aggregates, projection registry), access, sales,
contests, boards, draws, league, earnings, roster, screens, demo.
"""
