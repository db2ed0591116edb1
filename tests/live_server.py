"""The real app in a real server process (gunicorn) on the test's database, for tests that
need what the test client cannot give: requests that really run in parallel, in several
worker processes, and work that runs after the answer has gone out.

    with live_server(app.extensions["trygg.settings"]) as server:
        client = server.client()
        token = client.csrf_token("/logg-inn")
        reply = client.post("/logg-inn", {"csrf_token": token, ...})

The server gets the test app's settings through the environment, as production does
(database, secret key, output and instance folders, SMTP, idle timeout, base URL). What
the environment cannot carry runs at its production values: the login policy, and the
password hashing cost for new hashes (the demo's stored hashes carry their own cheap
parameters, so logging in stays fast). `env` adds or overrides variables, e.g.
TRUSTED_PROXIES=1 so a test can speak for several client addresses with X-Forwarded-For.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

from trygg.config import Settings

ROOT = Path(__file__).resolve().parents[1]
# Liveness limits only: how long a test waits before it calls the server dead. No test
# measures speed against them.
START_TIMEOUT_SECONDS = 60.0
REQUEST_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 15.0

_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
# Variables of the test run that must not leak into the server's own configuration.
_NOT_INHERITED = (
    "TRUSTED_PROXIES",
    "SMTP_USERNAME",
    "SMTP_PASSWORD",
    "TRYGG_CONVERTERS",
    "REDIS_URL",
    "JOB_QUEUE_NAME",
)


@dataclass(frozen=True)
class Reply:
    status: int
    headers: Message
    text: str
    # The body as sent, for files (text is its UTF-8 reading).
    content: bytes = b""

    @property
    def location(self) -> str | None:
        return self.headers.get("Location")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A test looks at the redirect itself (302 after a login), as the test client does."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class Client:
    """One browser: its own cookies, no redirects followed. Safe to use from several
    threads at once (the cookie jar locks itself), which is how tests send parallel
    requests in one session."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()

    def _open(self, request: urllib.request.Request) -> Reply:
        opener = urllib.request.build_opener(
            _NoRedirects(), urllib.request.HTTPCookieProcessor(self.cookies)
        )
        try:
            with opener.open(request, timeout=REQUEST_TIMEOUT_SECONDS) as response:
                body = response.read()
                return Reply(
                    response.status, response.headers, body.decode("utf-8", "replace"), body
                )
        except urllib.error.HTTPError as error:  # 3xx (not followed), 4xx and 5xx
            with error:
                body = error.read()
            return Reply(error.code, error.headers, body.decode("utf-8", "replace"), body)

    def get(self, path: str, headers: Mapping[str, str] | None = None) -> Reply:
        return self._open(urllib.request.Request(self.base_url + path, headers=dict(headers or {})))

    def post(
        self, path: str, data: Mapping[str, str], headers: Mapping[str, str] | None = None
    ) -> Reply:
        body = urllib.parse.urlencode(data).encode("utf-8")
        request = urllib.request.Request(
            self.base_url + path, data=body, headers=dict(headers or {}), method="POST"
        )
        return self._open(request)

    def csrf_token(self, path: str, headers: Mapping[str, str] | None = None) -> str:
        page = self.get(path, headers)
        match = _TOKEN.search(page.text)
        assert match, f"no CSRF token on {path} (status {page.status})"
        return match.group(1)

    def log_in(self, email: str, password: str, headers: Mapping[str, str] | None = None) -> None:
        token = self.csrf_token("/logg-inn", headers)
        reply = self.post(
            "/logg-inn", {"csrf_token": token, "email": email, "password": password}, headers
        )
        assert reply.status == 302, reply.text[:2000]


@dataclass
class LiveServer:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def client(self) -> Client:
        return Client(self.url)

    def log(self) -> str:
        """What gunicorn and the app wrote (tracebacks of failed requests among it)."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def environment_for(settings: Settings, env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The variables that make settings_from_env() give the server these settings."""
    minutes, rest = divmod(int(settings.idle_timeout.total_seconds()), 60)
    if rest or settings.idle_timeout.microseconds:
        raise ValueError("IDLE_TIMEOUT_MINUTES carries whole minutes only")
    variables = {k: v for k, v in os.environ.items() if k not in _NOT_INHERITED}
    smtp = settings.smtp
    variables.update(
        {
            "TRYGG_ENV": settings.environment,
            "SECRET_KEY": settings.secret_key,
            "DATABASE_URL": settings.database_url,
            "OUTPUT_DIR": str(settings.output_dir),
            "INSTANCE_DIR": str(settings.instance_dir),
            "IDLE_TIMEOUT_MINUTES": str(minutes),
            "SESSION_COOKIE_SECURE": "1" if settings.secure_cookies else "0",
            "SMTP_HOST": smtp.host or "",
            "SMTP_PORT": str(smtp.port),
            "SMTP_STARTTLS": "1" if smtp.use_tls else "0",
            "SMTP_SENDER": smtp.sender,
            "TRYGG_BASE_URL": settings.base_url,
            "JOB_QUEUE_NAME": settings.job_queue_name,
            "PYTHONUNBUFFERED": "1",
        }
    )
    if settings.redis_url:
        variables["REDIS_URL"] = settings.redis_url
    if smtp.username:
        variables["SMTP_USERNAME"] = smtp.username
        variables["SMTP_PASSWORD"] = smtp.password or ""
    if settings.converters:
        variables["TRYGG_CONVERTERS"] = ",".join(settings.converters)
    variables.update(env or {})
    return variables


def _wait_until_up(server: LiveServer) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while True:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped at start:\n{server.log()[-4000:]}")
        try:
            with urllib.request.urlopen(server.url + "/helse", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"/helse did not answer:\n{server.log()[-4000:]}")
        time.sleep(0.1)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)  # gunicorn stops its workers and then itself
    try:
        process.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        # The process group is the one this module started (start_new_session below):
        # the master and its workers, nothing else.
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=STOP_TIMEOUT_SECONDS)


@contextmanager
def live_server(
    settings: Settings,
    *,
    workers: int = 2,
    threads: int = 4,
    env: Mapping[str, str] | None = None,
) -> Iterator[LiveServer]:
    """gunicorn serving create_app() until the block ends. With threads=1 each worker is
    gunicorn's sync worker: one request at a time, and the next only after the previous
    one's after-response work (werkzeug's call_on_close) is done."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--bind",
        f"127.0.0.1:{port}",
        "--graceful-timeout",
        "5",
        "--timeout",
        "120",
        "app:create_app()",
    ]
    with tempfile.TemporaryDirectory(prefix="trygg-live-") as folder:
        log_path = Path(folder) / "gunicorn.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=environment_for(settings, env),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        server = LiveServer(f"http://127.0.0.1:{port}", process, log_path)
        try:
            _wait_until_up(server)
            yield server
        finally:
            _stop(process)
