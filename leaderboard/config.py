"""Configuration: config.toml defaults, LEADERBOARD_* environment overrides, then validation."""
from __future__ import annotations

import secrets
import tomllib
from pathlib import Path
from typing import IO, Annotated, Any, Literal

from flask import Flask
from pydantic import BaseModel, Field, ValidationError, field_validator

from leaderboard import assets

# The checkout's root (tests and bench use it); the server finds its own files through leaderboard.assets.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG_FILE = assets.default_config_file()
# Sections whose every value is a table are catalogues, kept whole as one key.
CATALOGUE_SECTIONS = {"kpis"}


def load_flat_toml(stream: IO[Any]) -> dict[str, Any]:
    """Flatten `[section] key = v` into `SECTION_KEY = v`, the shape Flask config wants."""
    flat: dict[str, Any] = {}
    for section, values in tomllib.load(stream).items():
        if not isinstance(values, dict) or section in CATALOGUE_SECTIONS:
            flat[section.upper()] = values
            continue
        for key, value in values.items():
            flat[f"{section}_{key}".upper()] = value
    return flat


class KpiDefinition(BaseModel):
    label: str
    higher_is_better: bool = True


class Settings(BaseModel):
    """The validated subset of app.config the application relies on."""

    DATABASE_URL: str
    SERVER_HOST: str
    SERVER_PORT: int = Field(gt=0, lt=65536)
    SERVER_PROXY_HOPS: int = Field(default=0, ge=0, le=5)  # the older name of HTTP_TRUSTED_PROXIES
    HTTP_TRUSTED_PROXIES: int = Field(default=0, ge=0, le=5)
    PRIVACY_RETENTION_MONTHS: int = Field(default=0, ge=0, le=600)
    # Argon2id cost of stored passwords (argon2-cffi's defaults); the test suite lowers it.
    AUTH_ARGON2_TIME_COST: int = Field(default=3, ge=1, le=20)
    AUTH_ARGON2_MEMORY_KIB: int = Field(default=65536, ge=64, le=4_194_304)
    SALES_CLAWBACK_DAYS: int = Field(ge=0)
    SALES_MAX_FUTURE_MINUTES: int = Field(ge=0)
    SALES_MAX_BATCH: int = Field(gt=0)
    SALES_GROUP_COMMIT_MS: float = Field(ge=0, le=1000)
    SALES_GROUP_COMMIT_MAX: int = Field(gt=0)
    HTTP_MAX_BODY_BYTES: int = Field(gt=0)
    WORKER_EMBEDDED: bool = True
    WORKER_EVERY_SECONDS: float = Field(default=30.0, gt=0, le=3600)
    REALTIME_ASYNC_MODE: Literal["threading", "gevent"] = "threading"
    REALTIME_MESSAGE_QUEUE: str = ""
    REALTIME_PUBLIC_BOARDS: bool = False
    REALTIME_ALLOWED_ORIGINS: list[str] = []
    EARNINGS_COMPANY_MATCH_PERCENT: float = Field(ge=0)
    EARNINGS_CHARITIES: list[str] = []
    KPIS: dict[str, KpiDefinition] = {}
    VALUES_LIST: list[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,63}$")]] = Field(default=[], max_length=30)

    @field_validator("REALTIME_ALLOWED_ORIGINS")
    @classmethod
    def no_wildcard(cls, origins: list[str]) -> list[str]:
        if "*" in origins:
            raise ValueError("'*' is not allowed; list the origins explicitly")
        return origins


class ConfigError(RuntimeError):
    """Raised when configuration is missing or invalid."""


def configure(app: Flask, overrides: dict[str, Any] | None = None) -> None:
    """Load defaults, environment and overrides into app.config, in that order."""
    app.config.from_file(str(DEFAULT_CONFIG_FILE), load=load_flat_toml, text=False)
    app.config.from_prefixed_env("LEADERBOARD")
    if overrides:
        app.config.update(overrides)
    try:
        settings = Settings.model_validate({k: app.config[k] for k in Settings.model_fields if k in app.config})
    except ValidationError as exc:
        raise ConfigError(f"invalid configuration: {exc}") from exc
    app.config.update(settings.model_dump())
    # One setting for the proxies in front of the app; `server.proxy_hops` still works as its old name.
    app.config["HTTP_TRUSTED_PROXIES"] = settings.HTTP_TRUSTED_PROXIES or settings.SERVER_PROXY_HOPS
    app.config["DATABASE_URL"] = _resolve_database_url(app.config["DATABASE_URL"], app.instance_path)
    app.config["SQLALCHEMY_DATABASE_URI"] = app.config["DATABASE_URL"]
    app.config["MAX_CONTENT_LENGTH"] = app.config["HTTP_MAX_BODY_BYTES"]
    queue = app.config["REALTIME_MESSAGE_QUEUE"]
    # Sign-in rate limits must be shared when several processes serve.
    app.config.setdefault("RATELIMIT_STORAGE_URI", queue if queue.startswith("redis") else "memory://")
    # With Redis down, limits are kept in this process instead of failing the request (sign-in never 500s).
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))


def _resolve_database_url(url: str, instance_path: str) -> str:
    """Point the relative default SQLite file at the instance folder, wherever that is."""
    prefix = "sqlite:///instance/"
    if url.startswith(prefix):
        Path(instance_path).mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{Path(instance_path) / url[len(prefix):]}"
    return url


def _instance_secret(instance_path: Path) -> str:
    """Read the generated secret key, creating it (mode 600) on first run."""
    instance_path.mkdir(parents=True, exist_ok=True)
    secret_file = instance_path / "secret_key"
    if not secret_file.exists():
        secret_file.write_text(secrets.token_hex(32))
        secret_file.chmod(0o600)
    return secret_file.read_text().strip()
