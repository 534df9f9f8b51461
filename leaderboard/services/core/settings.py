"""The business settings services obey (clawback, KPI catalogue, charities…), typed and built once per app.

Adapters and the app factory hand them over; this is the one place services find them in a request.
"""
from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from argon2 import PasswordHasher
from flask import Flask, current_app

EXTENSION_KEY = "leaderboard.service_settings"


@dataclass(frozen=True)
class ServiceSettings:
    clawback: timedelta
    max_future: timedelta
    # KPI name -> True when higher is better.
    kpi_directions: Mapping[str, bool]
    charities: tuple[str, ...]
    company_match: Decimal  # a fraction: 0.5 for 50 %
    retention_months: int = 0  # deactivated agents without a sale for this long are pseudonymised (0: never)
    values: tuple[str, ...] = ()  # the company's values (kudos, values pulses)
    # The values pulse ballots' HMAC key: derived from the app's secret, never stored beside the ballots.
    ballot_key: bytes = field(default=b"", repr=False)
    password_hasher: PasswordHasher = field(default_factory=PasswordHasher, repr=False, compare=False)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> ServiceSettings:
        return cls(clawback=timedelta(days=config["SALES_CLAWBACK_DAYS"]),
                   max_future=timedelta(minutes=config["SALES_MAX_FUTURE_MINUTES"]),
                   kpi_directions={name: spec["higher_is_better"] for name, spec in config["KPIS"].items()},
                   charities=tuple(config["EARNINGS_CHARITIES"]),
                   company_match=Decimal(str(config["EARNINGS_COMPANY_MATCH_PERCENT"])) / 100,
                   retention_months=int(config.get("PRIVACY_RETENTION_MONTHS", 0)),
                   values=tuple(config.get("VALUES_LIST", ())),
                   password_hasher=PasswordHasher(time_cost=int(config.get("AUTH_ARGON2_TIME_COST", 3)),
                                                  memory_cost=int(config.get("AUTH_ARGON2_MEMORY_KIB", 65536))),
                   ballot_key=hmac.new(str(config.get("SECRET_KEY") or "").encode(),
                                       b"leaderboard values pulse ballots", hashlib.sha256).digest())


def install(app: Flask) -> ServiceSettings:
    settings = ServiceSettings.from_config(app.config)
    app.extensions[EXTENSION_KEY] = settings
    return settings


def configured() -> ServiceSettings:
    """The settings of the app serving this request, job or command."""
    return current_app.extensions[EXTENSION_KEY]


@dataclass(frozen=True)
class WorkerSettings:
    """How the periodic duties run: inside `leaderboard serve` (embedded) or in `leaderboard worker` only."""

    embedded: bool
    every: timedelta

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> WorkerSettings:
        return cls(embedded=config["WORKER_EMBEDDED"], every=timedelta(seconds=config["WORKER_EVERY_SECONDS"]))
