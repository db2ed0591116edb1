"""Settings: production refuses an unsafe secret key."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from trygg.config import ConfigError, normalise_database_url, settings_from_env


@pytest.mark.parametrize("key", [None, "", "dev", "changeme", "secret"])
def test_production_refuses_missing_or_default_secret_key(tmp_path: Path, key: str | None) -> None:
    environ = {"INSTANCE_DIR": str(tmp_path)}
    if key is not None:
        environ["SECRET_KEY"] = key
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        settings_from_env(environ, tmp_path)


def test_production_refuses_short_secret_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="at least 32"):
        settings_from_env({"SECRET_KEY": "kort-men-ikke-standard"}, tmp_path)


def test_create_app_refuses_to_start_in_production_without_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app import create_app

    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("TRYGG_ENV", "production")
    monkeypatch.setenv("INSTANCE_DIR", str(tmp_path))
    # SystemExit, so the operator reads the reason, not a traceback.
    with pytest.raises(SystemExit, match="Trygg starter ikke: SECRET_KEY"):
        create_app()


def test_the_flask_command_without_a_key_says_why_in_one_line(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[1]
    environ = {
        k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "TRYGG_ENV", "FLASK_APP")
    }
    environ["INSTANCE_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "schema", "kvittering"],
        cwd=root,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "Trygg starter ikke: SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_settings(tmp_path: Path) -> None:
    settings = settings_from_env(
        {
            "SECRET_KEY": "x" * 40,
            "DATABASE_URL": "postgresql://trygg@db/trygg",
            "OUTPUT_DIR": str(tmp_path / "arkiv"),
            "IDLE_TIMEOUT_MINUTES": "20",
            "SMTP_HOST": "smtp.kommune.no",
        },
        tmp_path,
    )
    assert settings.database_url == "postgresql+psycopg://trygg@db/trygg"
    assert settings.secure_cookies is True
    assert settings.idle_timeout.total_seconds() == 20 * 60
    assert settings.output_dir == tmp_path / "arkiv"
    assert settings.smtp.host == "smtp.kommune.no"


def test_development_keeps_a_generated_key_in_instance(tmp_path: Path) -> None:
    first = settings_from_env({"TRYGG_ENV": "development", "INSTANCE_DIR": str(tmp_path)}, tmp_path)
    second = settings_from_env(
        {"TRYGG_ENV": "development", "INSTANCE_DIR": str(tmp_path)}, tmp_path
    )
    assert first.secret_key == second.secret_key and len(first.secret_key) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert first.database_url.startswith("sqlite:///")


def test_database_url_normalised() -> None:
    assert normalise_database_url("postgres://a@b/c") == "postgresql+psycopg://a@b/c"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_login_policy_and_hashing_cost_come_from_the_environment(tmp_path: Path) -> None:
    """Issue 17: a municipality's own security policy (or a slower server) needs other
    numbers than the defaults, without a code change."""
    base = {"SECRET_KEY": "x" * 40}
    defaults = settings_from_env(base, tmp_path)
    assert defaults.login_policy.lock_after_failures == 8
    assert defaults.password_hashing.time_cost == 3
    settings = settings_from_env(
        base
        | {
            "LOGIN_FREE_FAILURES": "2",
            "LOGIN_LOCK_AFTER_FAILURES": "5",
            "LOGIN_LOCK_MINUTES": "60",
            "LOGIN_FAILURE_WINDOW_MINUTES": "30",
            "PASSWORD_HASH_TIME_COST": "4",
            "PASSWORD_HASH_MEMORY_KIB": "131072",
            "PASSWORD_HASH_PARALLELISM": "2",
        },
        tmp_path,
    )
    policy, hashing = settings.login_policy, settings.password_hashing
    assert (policy.free_failures, policy.lock_after_failures) == (2, 5)
    assert (policy.lock_minutes, policy.failure_window_minutes) == (60, 30)
    assert (hashing.time_cost, hashing.memory_cost_kib, hashing.parallelism) == (4, 131072, 2)


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("LOGIN_LOCK_MINUTES", "femten", "whole number"),
        ("LOGIN_LOCK_MINUTES", "0", "at least 1"),
        ("LOGIN_LOCK_AFTER_FAILURES", "3", "larger than LOGIN_FREE_FAILURES"),
        ("PASSWORD_HASH_MEMORY_KIB", "8", "at least 8"),
    ],
)
def test_a_login_setting_that_makes_no_sense_stops_the_start(
    tmp_path: Path, name: str, value: str, says: str
) -> None:
    with pytest.raises(ConfigError, match=says):
        settings_from_env({"SECRET_KEY": "x" * 40, name: value}, tmp_path)
