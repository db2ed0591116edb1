"""Typed, frozen settings read once from the environment and handed to create_app.

Production refuses to start with a missing or well-known secret key: every session and
CSRF token is signed with it, and these are records about children.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

ENVIRONMENTS = ("production", "development", "testing")

# Keys that appear in tutorials and examples; a server running with one is as good as open.
KNOWN_DEFAULT_KEYS = frozenset(
    {"", "dev", "secret", "changeme", "change-me", "default", "secret-key", "your-secret-key"}
)
MIN_SECRET_KEY_LENGTH = 32


class ConfigError(RuntimeError):
    """The environment does not describe a safe, runnable Trygg."""


@dataclass(frozen=True)
class PasswordHashing:
    """argon2id parameters; tests lower them so the suite stays fast."""

    time_cost: int = 3
    memory_cost_kib: int = 65536
    parallelism: int = 4


@dataclass(frozen=True)
class LoginPolicy:
    """Failed password checks (login and "Bytt passord"), counted per account and per
    client address alike: the first `free_failures` cost nothing, each later one makes the
    next check wait twice as long (2 s, 4 s, ...), and failure `lock_after_failures` locks
    the key for `lock_minutes`. Failures are forgotten `failure_window_minutes` after the
    last one. A locked account still lets an address without recent failures try once, so
    an attacker cannot lock the real user out (trygg.accounts.authentication)."""

    free_failures: int = 3
    lock_after_failures: int = 8
    lock_minutes: int = 15
    failure_window_minutes: int = 15


@dataclass(frozen=True)
class SmtpSettings:
    host: str | None = None
    port: int = 25
    username: str | None = None
    password: str | None = None
    use_tls: bool = False
    sender: str = "trygg@localhost"


@dataclass(frozen=True)
class Settings:
    environment: str
    secret_key: str
    database_url: str
    output_dir: Path
    instance_dir: Path
    idle_timeout: timedelta = timedelta(minutes=30)
    absolute_session_lifetime: timedelta = timedelta(hours=12)
    secure_cookies: bool = True
    password_hashing: PasswordHashing = field(default_factory=PasswordHashing)
    login_policy: LoginPolicy = field(default_factory=LoginPolicy)
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    converters: tuple[str, ...] = ()
    # Links in e-mails point here; e-mails carry nothing but such a link.
    base_url: str = "http://localhost:5000"

    @property
    def testing(self) -> bool:
        return self.environment == "testing"

    @property
    def development(self) -> bool:
        return self.environment == "development"


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever scheme the operator wrote."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _development_secret_key(instance_dir: Path) -> str:
    """A random key kept in instance/ so development sessions survive restarts."""
    key_file = instance_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="ascii").strip()
    instance_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key)
    return key


def check_secret_key(key: str | None, environment: str) -> None:
    if environment in ("development", "testing"):
        return
    if key is None or key.strip().lower() in KNOWN_DEFAULT_KEYS:
        raise ConfigError(
            "SECRET_KEY is missing or a well-known default. Set SECRET_KEY to a random value "
            f"of at least {MIN_SECRET_KEY_LENGTH} characters "
            '(python -c "import secrets; print(secrets.token_urlsafe(48))").'
        )
    if len(key) < MIN_SECRET_KEY_LENGTH:
        raise ConfigError(f"SECRET_KEY must be at least {MIN_SECRET_KEY_LENGTH} characters long.")


def settings_from_env(environ: Mapping[str, str], root: Path) -> Settings:
    environment = environ.get("TRYGG_ENV", "production")
    if environment not in ENVIRONMENTS:
        raise ConfigError(f"TRYGG_ENV must be one of {', '.join(ENVIRONMENTS)}.")
    instance_dir = Path(environ.get("INSTANCE_DIR", root / "instance"))
    secret_key = environ.get("SECRET_KEY")
    check_secret_key(secret_key, environment)
    if secret_key is None:
        secret_key = _development_secret_key(instance_dir)
    database_url = environ.get("DATABASE_URL") or f"sqlite:///{instance_dir / 'trygg.sqlite3'}"
    smtp = SmtpSettings(
        host=environ.get("SMTP_HOST") or None,
        port=int(environ.get("SMTP_PORT", "25")),
        username=environ.get("SMTP_USERNAME") or None,
        password=environ.get("SMTP_PASSWORD") or None,
        use_tls=environ.get("SMTP_STARTTLS", "0") == "1",
        sender=environ.get("SMTP_SENDER", "trygg@localhost"),
    )
    converters = tuple(
        part.strip() for part in environ.get("TRYGG_CONVERTERS", "").split(",") if part.strip()
    )
    return Settings(
        environment=environment,
        secret_key=secret_key,
        database_url=normalise_database_url(database_url),
        output_dir=Path(environ.get("OUTPUT_DIR", root / "output")),
        instance_dir=instance_dir,
        idle_timeout=timedelta(minutes=int(environ.get("IDLE_TIMEOUT_MINUTES", "30"))),
        # Behind HTTPS the cookie must be Secure; plain-http development cannot send one.
        secure_cookies=environ.get(
            "SESSION_COOKIE_SECURE", "1" if environment == "production" else "0"
        )
        == "1",
        smtp=smtp,
        converters=converters,
        base_url=environ.get("TRYGG_BASE_URL", "http://localhost:5000").rstrip("/"),
    )
