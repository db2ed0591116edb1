"""Typed, frozen settings read once from the environment and handed to create_app.

Production refuses to start with a missing or well-known secret key: every session and
CSRF token is signed with it, and these are records about children.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

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


def _positive(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}.") from None
    if value < 1:
        raise ConfigError(f"{name} must be at least 1.")
    return value


def login_settings_from_env(environ: Mapping[str, str]) -> tuple[PasswordHashing, LoginPolicy]:
    """The hashing cost and the throttle's numbers, for a municipality whose security
    policy differs from the defaults (or whose server is slower or faster)."""
    hashing, policy = PasswordHashing(), LoginPolicy()
    hashing = PasswordHashing(
        time_cost=_positive(environ, "PASSWORD_HASH_TIME_COST", hashing.time_cost),
        memory_cost_kib=_positive(environ, "PASSWORD_HASH_MEMORY_KIB", hashing.memory_cost_kib),
        parallelism=_positive(environ, "PASSWORD_HASH_PARALLELISM", hashing.parallelism),
    )
    if hashing.memory_cost_kib < 8 * hashing.parallelism:
        raise ConfigError(
            "PASSWORD_HASH_MEMORY_KIB must be at least 8 × PASSWORD_HASH_PARALLELISM."
        )
    policy = LoginPolicy(
        free_failures=_positive(environ, "LOGIN_FREE_FAILURES", policy.free_failures),
        lock_after_failures=_positive(
            environ, "LOGIN_LOCK_AFTER_FAILURES", policy.lock_after_failures
        ),
        lock_minutes=_positive(environ, "LOGIN_LOCK_MINUTES", policy.lock_minutes),
        failure_window_minutes=_positive(
            environ, "LOGIN_FAILURE_WINDOW_MINUTES", policy.failure_window_minutes
        ),
    )
    if policy.lock_after_failures <= policy.free_failures:
        raise ConfigError("LOGIN_LOCK_AFTER_FAILURES must be larger than LOGIN_FREE_FAILURES.")
    return hashing, policy


@dataclass(frozen=True)
class TemplateLimits:
    """What an uploaded Word template's package may hold, checked before anything parses
    it (trygg.documents.template_intake). A real municipal template is a few hundred KB in
    about 30 parts; the limits stop zip bombs, not templates."""

    max_members: int = 200
    max_member_bytes: int = 20 * 1024 * 1024
    max_total_bytes: int = 50 * 1024 * 1024
    # Unpacked size / packed size of one part; XML packs about 5-20 times, images hardly.
    max_ratio: int = 200


@dataclass(frozen=True)
class RenderLimits:
    """What one render or pre-flight with a template that is not Trygg's own may use, in a
    worker process of its own (trygg.documents.isolation): address space, CPU time, and
    wall-clock time after which the worker is killed. A real aktivitetsplan renders in
    about 0.1 s of CPU at a peak of 67 MB of address space, the worker included."""

    memory_mb: int = 512
    cpu_seconds: int = 20
    wall_seconds: int = 30


@dataclass(frozen=True)
class SmtpSettings:
    host: str | None = None
    port: int = 25
    username: str | None = None
    password: str | None = None
    use_tls: bool = False
    sender: str = "trygg@localhost"


# Feide's OpenID Connect provider; another issuer (a municipality's test provider, or the
# local one `make run FEIDE=local` starts) is set with FEIDE_ISSUER.
DEFAULT_FEIDE_ISSUER = "https://auth.dataporten.no"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})


def issuer_url_allowed(url: str) -> bool:
    """An OpenID Connect address Trygg may talk to: HTTPS, or plain HTTP on this machine
    only (a local provider for trials and tests; nothing on the network can read it)."""
    parts = urlsplit(url)
    if not parts.hostname or parts.username or parts.password:
        return False
    if parts.scheme == "https":
        return True
    return parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS


@dataclass(frozen=True)
class FeideSettings:
    """Login with Feide (trygg.accounts.feide, views.auth.feide): on when the client id
    and secret Feide's customer portal gave Trygg are both set."""

    client_id: str
    client_secret: str
    issuer: str = DEFAULT_FEIDE_ISSUER
    # Seconds to wait for the provider before the login says it cannot be reached.
    timeout_seconds: int = 10


def feide_settings_from_env(environ: Mapping[str, str]) -> FeideSettings | None:
    client_id = environ.get("FEIDE_CLIENT_ID", "").strip()
    client_secret = environ.get("FEIDE_CLIENT_SECRET", "").strip()
    issuer = (environ.get("FEIDE_ISSUER", "").strip() or DEFAULT_FEIDE_ISSUER).rstrip("/")
    if not client_id and not client_secret:
        return None
    if not client_id or not client_secret:
        raise ConfigError("FEIDE_CLIENT_ID and FEIDE_CLIENT_SECRET must be set together.")
    if not issuer_url_allowed(issuer):
        raise ConfigError(
            "FEIDE_ISSUER must be an https:// address (http:// only on 127.0.0.1, ::1 or "
            f"localhost), not {issuer!r}."
        )
    return FeideSettings(client_id=client_id, client_secret=client_secret, issuer=issuer)


@dataclass(frozen=True)
class S3ArchiveSettings:
    """The archive in S3-compatible object storage (trygg.archive_s3), named by
    ARCHIVE_URL=s3://bucket/prefix. Credentials and region come from the usual AWS_*
    variables; unset, boto3 looks where it always looks (its files, an instance role)."""

    bucket: str
    prefix: str = ""
    # ARCHIVE_S3_ENDPOINT_URL: another S3-compatible service (MinIO, Ceph, a cloud's own).
    endpoint_url: str | None = None
    region: str | None = None
    access_key_id: str | None = field(default=None, repr=False)
    secret_access_key: str | None = field(default=None, repr=False)
    session_token: str | None = field(default=None, repr=False)


_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")


def archive_settings_from_env(environ: Mapping[str, str]) -> S3ArchiveSettings | None:
    """None (the folder under OUTPUT_DIR) unless ARCHIVE_URL names an S3 bucket."""
    url = environ.get("ARCHIVE_URL", "").strip()
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme != "s3" or not _BUCKET.fullmatch(parts.netloc) or parts.query:
        raise ConfigError(f"ARCHIVE_URL must look like s3://bucket/prefix, not {url!r}.")
    endpoint = environ.get("ARCHIVE_S3_ENDPOINT_URL", "").strip().rstrip("/") or None
    # Documents about children travel to the storage: HTTPS, or plain HTTP on this machine.
    if endpoint is not None and not issuer_url_allowed(endpoint):
        raise ConfigError(
            "ARCHIVE_S3_ENDPOINT_URL must be an https:// address (http:// only on 127.0.0.1, "
            f"::1 or localhost), not {endpoint!r}."
        )
    return S3ArchiveSettings(
        bucket=parts.netloc,
        prefix=parts.path.strip("/"),
        endpoint_url=endpoint,
        region=environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION") or None,
        access_key_id=environ.get("AWS_ACCESS_KEY_ID") or None,
        secret_access_key=environ.get("AWS_SECRET_ACCESS_KEY") or None,
        session_token=environ.get("AWS_SESSION_TOKEN") or None,
    )


def redis_url_from_env(environ: Mapping[str, str]) -> str | None:
    """REDIS_URL for the job queue: redis:// (rediss:// for TLS) or unix://."""
    url = environ.get("REDIS_URL", "").strip()
    if not url:
        return None
    if urlsplit(url).scheme not in ("redis", "rediss", "unix"):
        # Not echoed: the address may carry the Redis password.
        raise ConfigError("REDIS_URL must start with redis://, rediss:// or unix://.")
    return url


DEFAULT_JOB_QUEUE = "trygg"
# huey keeps letters, digits and _ of a name (its Redis keys); anything else would be
# dropped silently, and two names would meet as one queue.
_JOB_QUEUE_NAME = re.compile(r"[A-Za-z0-9_]{1,64}")


def job_queue_name_from_env(environ: Mapping[str, str]) -> str:
    """JOB_QUEUE_NAME: the job queue's name, the prefix of its keys in Redis, so several
    Trygg installations (or test runs) can share one Redis without taking each other's
    jobs. The web servers and their workers must use the same name."""
    name = environ.get("JOB_QUEUE_NAME", "").strip() or DEFAULT_JOB_QUEUE
    if not _JOB_QUEUE_NAME.fullmatch(name):
        raise ConfigError(
            f"JOB_QUEUE_NAME may hold letters, digits and _ (at most 64), not {name!r}."
        )
    return name


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
    template_limits: TemplateLimits = field(default_factory=TemplateLimits)
    render_limits: RenderLimits = field(default_factory=RenderLimits)
    converters: tuple[str, ...] = ()
    # Links in e-mails point here; e-mails carry nothing but such a link.
    base_url: str = "http://localhost:5000"
    # None: Feide login is off and the login page shows the local form alone.
    feide: FeideSettings | None = None
    # None: the archive is the folder OUTPUT_DIR/archive (trygg.archive).
    archive_s3: S3ArchiveSettings | None = None
    # None: the job queue (trygg.jobs) is a SQLite file in the instance folder; with
    # REDIS_URL it is in Redis, shared by several app servers and their workers.
    redis_url: str | None = None
    # JOB_QUEUE_NAME: the queue's name (its key prefix in Redis).
    job_queue_name: str = DEFAULT_JOB_QUEUE
    # JOB_LEASE_SECONDS: a running job's worker renews its lease on the job row every third
    # of this; a job whose lease ran out lost its worker and runs again (trygg.jobs.runner).
    job_lease: timedelta = timedelta(seconds=60)
    # JOB_RESULT_DAYS: a job's file is a copy of archived data, deleted this long after.
    job_results_kept: timedelta = timedelta(days=7)

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
    defaults = TemplateLimits()
    template_limits = TemplateLimits(
        max_members=int(environ.get("TEMPLATE_MAX_PARTS", defaults.max_members)),
        max_member_bytes=int(
            environ.get("TEMPLATE_MAX_PART_MB", defaults.max_member_bytes // 2**20)
        )
        * 2**20,
        max_total_bytes=int(
            environ.get("TEMPLATE_MAX_UNPACKED_MB", defaults.max_total_bytes // 2**20)
        )
        * 2**20,
        max_ratio=int(environ.get("TEMPLATE_MAX_RATIO", defaults.max_ratio)),
    )
    render_defaults = RenderLimits()
    render_limits = RenderLimits(
        memory_mb=int(environ.get("RENDER_MAX_MEMORY_MB", render_defaults.memory_mb)),
        cpu_seconds=int(environ.get("RENDER_MAX_CPU_SECONDS", render_defaults.cpu_seconds)),
        wall_seconds=int(environ.get("RENDER_MAX_WALL_SECONDS", render_defaults.wall_seconds)),
    )
    password_hashing, login_policy = login_settings_from_env(environ)
    return Settings(
        environment=environment,
        password_hashing=password_hashing,
        login_policy=login_policy,
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
        template_limits=template_limits,
        render_limits=render_limits,
        converters=converters,
        base_url=environ.get("TRYGG_BASE_URL", "http://localhost:5000").rstrip("/"),
        feide=feide_settings_from_env(environ),
        archive_s3=archive_settings_from_env(environ),
        redis_url=redis_url_from_env(environ),
        job_queue_name=job_queue_name_from_env(environ),
        job_lease=timedelta(seconds=_positive(environ, "JOB_LEASE_SECONDS", 60)),
        job_results_kept=timedelta(days=_positive(environ, "JOB_RESULT_DAYS", 7)),
    )
