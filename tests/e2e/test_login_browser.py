"""Logging in and out in a real Chromium: labels, messages, CSP, keyboard, small screens."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/trygg-shots")


def log_in(page: Page, email: str, password: str) -> None:
    page.get_by_label("E-postadresse").fill(email)
    page.get_by_label("Passord").fill(password)
    page.get_by_role("button", name="Logg inn").click()


def test_log_in_and_out(
    page: Page, live_server: str, demo: dict[str, str], console_errors: list[str]
) -> None:
    page.goto(live_server + "/")
    expect(page).to_have_url(re.compile(r"/logg-inn\?next=/$"))
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    expect(page).to_have_title("Logg inn – Trygg")
    expect(page.get_by_role("heading", level=1)).to_have_text("Logg inn i Trygg")
    # Self-service since password links by e-mail: the hint became a link.
    expect(page.get_by_role("link", name="Glemt passordet?")).to_have_attribute(
        "href", "/glemt-passord"
    )
    # No autofocus: the skip link is the first Tab stop here too (test_keyboard_only).
    expect(page.get_by_label("E-postadresse")).not_to_be_focused()

    log_in(page, demo["ledelse"], DEMO_PASSWORD)
    expect(page).to_have_url(live_server + "/")
    header = page.locator("header.site-header")
    expect(header.locator(".user-name")).to_contain_text("Hilde Moe")
    expect(header).to_contain_text("Skoleledelse, Nordpolen skole")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hei, Hilde")
    expect(page.get_by_role("navigation", name="Hovedmeny")).to_be_visible()

    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "forside-innlogget.png"), full_page=True)
    page.set_viewport_size({"width": 375, "height": 740})
    page.screenshot(path=str(SHOTS / "forside-innlogget-375px.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})

    page.get_by_role("button", name="Logg ut").click()
    expect(page).to_have_url(live_server + "/logg-inn")
    expect(page.get_by_role("status")).to_have_text("Du er logget ut.")
    expect(page.get_by_role("button", name="Logg inn")).to_be_visible()

    # The session is really gone: the front page sends us back to the login page.
    page.goto(live_server + "/")
    expect(page).to_have_url(re.compile(r"/logg-inn"))
    assert console_errors == []


def test_wrong_password_keeps_the_email(
    page: Page, live_server: str, demo: dict[str, str], console_errors: list[str]
) -> None:
    page.goto(live_server + "/logg-inn")
    log_in(page, demo["ansatt"], "feil-passord-123")
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Noe må rettes før skjemaet kan sendes")
    expect(summary).to_contain_text("Feil e-postadresse eller passord.")
    expect(page.get_by_label("E-postadresse")).to_have_value(demo["ansatt"])
    expect(page.get_by_label("Passord")).to_have_value("")
    expect(page).to_have_url(live_server + "/logg-inn")
    assert console_errors == []


def test_first_tab_focuses_the_skip_link(
    page: Page, live_server: str, demo: dict[str, str], console_errors: list[str]
) -> None:
    # On the front page (the login page: tests/e2e/test_keyboard_only.py).
    page.goto(live_server + "/logg-inn")
    log_in(page, demo["admin"], DEMO_PASSWORD)
    expect(page).to_have_url(live_server + "/")
    page.reload()  # a fresh page, focus at the start of the document
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Hopp til innholdet")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server + "/#main")
    expect(page.locator("main#main")).to_be_focused()
    assert console_errors == []


def test_login_page_on_a_small_screen(
    page: Page, live_server: str, console_errors: list[str]
) -> None:
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(live_server + "/logg-inn")
    expect(page.get_by_label("E-postadresse")).to_be_visible()
    expect(page.get_by_role("button", name="Logg inn")).to_be_in_viewport()
    no_sideways_scroll = page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "logg-inn-375px.png"), full_page=True)
    assert no_sideways_scroll
    assert console_errors == []


def test_the_console_check_sees_csp_violations(
    page: Page, live_server: str, console_errors: list[str]
) -> None:
    """Guards the guard: an inline script is refused by the CSP, and the refusal is caught."""
    page.goto(live_server + "/logg-inn")
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "document.body.dataset.inline = 'ran'";
            document.head.appendChild(script);
        }"""
    )
    expect(page.locator("body")).not_to_have_attribute("data-inline", "ran")
    page.wait_for_timeout(200)
    assert any("Content Security Policy" in error for error in console_errors), console_errors
