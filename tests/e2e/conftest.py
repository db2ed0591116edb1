"""A live Trygg server on SQLite and a real Chromium (Debian's) driven by Playwright.

Browser tests run on SQLite only: the browser adds nothing the PostgreSQL run would catch,
and CI time is better spent elsewhere. No browser is ever downloaded.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """Overrides the parametrised fixture: these tests run on SQLite only."""
    return f"sqlite:///{tmp_path / 'e2e.sqlite3'}"


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="trygg-live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def console_errors() -> list[str]:
    """Console errors (CSP violations among them) and uncaught page errors."""
    return []


@pytest.fixture
def page(browser: Browser, console_errors: list[str]) -> Iterator[Page]:
    context = browser.new_context(locale="nb-NO", viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    new_page = context.new_page()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            console_errors.append(f"console: {message.text}")

    new_page.on("console", on_console)
    new_page.on("pageerror", lambda error: console_errors.append(f"pageerror: {error}"))
    try:
        yield new_page
    finally:
        context.close()


@pytest.fixture
def page_without_script(browser: Browser) -> Iterator[Page]:
    """A page with JavaScript off: every form must work with plain HTML."""
    context = browser.new_context(
        locale="nb-NO", viewport={"width": 1280, "height": 800}, java_script_enabled=False
    )
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()
