"""Configuration: defaults, LEADERBOARD_* overrides, the generated secret and the instance folder."""
import pytest

from leaderboard import create_app
from leaderboard.config import DEFAULT_CONFIG_FILE, ConfigError, load_flat_toml
from leaderboard.services.core.settings import ServiceSettings


def test_default_app_is_not_testing(tmp_path, monkeypatch):
    monkeypatch.setenv("LEADERBOARD_INSTANCE_PATH", str(tmp_path))
    assert not create_app().testing
    assert create_app({"TESTING": True}).testing


def test_environment_overrides_each_key(tmp_path, monkeypatch):
    monkeypatch.setenv("LEADERBOARD_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("LEADERBOARD_SALES_CLAWBACK_DAYS", "30")
    monkeypatch.setenv("LEADERBOARD_REALTIME_PUBLIC_BOARDS", "true")
    monkeypatch.setenv("LEADERBOARD_DATABASE_URL", f"sqlite:///{tmp_path}/other.db")
    app = create_app()
    assert app.config["SALES_CLAWBACK_DAYS"] == 30
    assert app.config["REALTIME_PUBLIC_BOARDS"] is True
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/other.db"


def test_default_database_lives_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("LEADERBOARD_INSTANCE_PATH", str(tmp_path / "inst"))
    monkeypatch.delenv("LEADERBOARD_DATABASE_URL", raising=False)
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'inst' / 'leaderboard.db'}"


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("LEADERBOARD_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("LEADERBOARD_SECRET_KEY", raising=False)
    first = create_app().config["SECRET_KEY"]
    assert (tmp_path / "secret_key").read_text().strip() == first
    assert create_app().config["SECRET_KEY"] == first
    monkeypatch.setenv("LEADERBOARD_SECRET_KEY", "from-env")
    assert create_app().config["SECRET_KEY"] == "from-env"


def test_invalid_values_fail_loudly(tmp_path, monkeypatch):
    monkeypatch.setenv("LEADERBOARD_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(ConfigError):
        create_app({"SALES_CLAWBACK_DAYS": -1})
    with pytest.raises(ConfigError):
        create_app({"REALTIME_ALLOWED_ORIGINS": ["*"]})


def test_services_get_typed_settings_built_from_the_config(monkeypatch):
    from datetime import timedelta
    from decimal import Decimal

    from leaderboard.services.core.settings import EXTENSION_KEY

    monkeypatch.setenv("LEADERBOARD_SALES_CLAWBACK_DAYS", "9")
    app = create_app({"EARNINGS_COMPANY_MATCH_PERCENT": 25})
    settings = app.extensions[EXTENSION_KEY]
    assert settings.clawback == timedelta(days=9)
    assert settings.company_match == Decimal("0.25")
    assert settings.kpi_directions["aht_seconds"] is False


def test_passwords_are_hashed_at_argon2s_recommended_cost_unless_configured():
    with open(DEFAULT_CONFIG_FILE, "rb") as stream:
        shipped = load_flat_toml(stream)
    assert (shipped["AUTH_ARGON2_TIME_COST"], shipped["AUTH_ARGON2_MEMORY_KIB"]) == (3, 65536)
    settings = ServiceSettings.from_config({**_minimal_service_config(), "AUTH_ARGON2_TIME_COST": 2,
                                            "AUTH_ARGON2_MEMORY_KIB": 1024})
    assert "$m=1024,t=2," in settings.password_hasher.hash("correct horse")


def _minimal_service_config() -> dict:
    return {"SALES_CLAWBACK_DAYS": 30, "SALES_MAX_FUTURE_MINUTES": 5, "KPIS": {}, "EARNINGS_CHARITIES": [],
            "EARNINGS_COMPANY_MATCH_PERCENT": 50, "SECRET_KEY": "s"}
