"""Every page, in the states people meet it, checked in Chromium by axe-core (4.12.1, the
copy bundled in the axe-playwright-python package): zero WCAG 2.1 A and AA violations,
which Norwegian law requires (forskrift om universell utforming av IKT).

One browser page per role walks that role's pages; each page is checked where it stands,
so a failure lists every violation of the walk at once: page, rule id, impact, the
element (CSS selector) and axe's help text.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.e2e.journey_steps import log_in, main_menu
from tests.factories.cases import NOW, STAGES, archive_for, case_at, sara_report
from tests.factories.users import HANDLER, school, user
from trygg.cases.workflow import start_document, start_evaluation
from trygg.demo.pupils import seed_demo_pupils
from trygg.demo.school_plan import seed_demo_plan
from trygg.models import Case, CaseDocument

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WCAG_21_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# One pupil per stage (a second report about the same pupil would join the open case),
# each a Sara, as the factories' documents speak of Sara.
PUPILS = dict(
    zip(STAGES, ["Sara Nilsen", "Sara Khan", "Sara Lund", "Sara Aas", "Sara Ek"], strict=True)
)


@dataclass
class Walk:
    """The pages one role has seen, and what axe found on them."""

    page: Page
    base: str
    checked: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)

    def visit(self, path: str, state: str = "", status: int = 200) -> None:
        response = self.page.goto(self.base + path)
        assert response is not None and response.status == status, f"{path}: {response}"
        self.check(state or path)

    def check(self, state: str) -> None:
        """Run axe on the page as it stands now."""
        where = f"{self.page.url.removeprefix(self.base)} [{state}]"
        if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            self.page.evaluate(AXE_SCRIPT)
        results = self.page.evaluate(
            "options => axe.run(document, options)",
            {"runOnly": {"type": "tag", "values": WCAG_21_A_AA}, "resultTypes": ["violations"]},
        )
        for violation in results["violations"]:
            for node in violation["nodes"]:
                self.violations.append(
                    f"{where}: {violation['id']} ({violation['impact']}) "
                    f"{node['target']} — {violation['help']}"
                )
        self.checked.append(where)

    def assert_clean(self, at_least: int) -> None:
        assert self.violations == [], "\n".join(self.violations)
        assert len(self.checked) >= at_least, self.checked


@pytest.fixture
def walk(page: Page, live_server: str) -> Walk:
    return Walk(page, live_server)


@pytest.fixture
def municipality(session: Session, demo: dict[str, str], tmp_path: Path) -> dict[str, int]:
    """A case at each stage, open drafts of every document kind, and the school's plan
    signed by one employee: ids of what the walks open."""
    ids: dict[str, int] = {}
    for stage, pupil in PUPILS.items():
        report = sara_report(pupil_name=pupil)
        ids[stage] = case_at(session, tmp_path, stage, report=report).id
    handler = user(session, HANDLER)
    cases = {stage: session.get(Case, ids[stage]) for stage in STAGES}
    drafts = {
        "undersokelse": start_document(session, cases["received"], "undersokelse", handler, NOW),
        "aktivitetsplan": start_document(
            session, cases["investigated"], "aktivitetsplan", handler, NOW
        ),
        "evaluering": start_evaluation(session, cases["planned"], handler, NOW),
    }
    assert all(drafts.values())
    seed_demo_plan(session, archive_for(tmp_path), dt.date.today())
    session.commit()
    final = session.execute(
        select(CaseDocument.id).where(
            CaseDocument.case_id == ids["planned"], CaseDocument.kind == "aktivitetsplan"
        )
    ).scalar_one()
    ids["final_plan"] = final
    ids["school"] = school(session).id
    ids["rector"] = user(session, demo["ledelse"]).id
    return ids


def test_the_pages_before_login(walk: Walk, page: Page) -> None:
    walk.visit("/logg-inn", "empty login form")
    page.get_by_role("button", name="Logg inn").click()
    expect(page.locator(".error-summary")).to_be_visible()
    walk.check("login with errors")
    page.get_by_label("E-postadresse").fill("nobody@example.no")
    page.get_by_label("Passord").fill("wrong-password")
    page.get_by_role("button", name="Logg inn").click()
    walk.check("login refused")
    walk.visit("/glemt-passord", "forgot password")
    page.get_by_role("button").last.click()
    walk.check("forgot password with errors")
    walk.visit("/konto/nytt-passord/not-a-token", "password link used up", status=410)
    walk.assert_clean(at_least=6)


def test_the_pages_of_an_employee_who_reports(
    walk: Walk, page: Page, demo: dict[str, str], municipality: dict[str, int], session: Session
) -> None:
    seed_demo_pupils(session, NOW)
    session.commit()
    log_in(page, walk.base, demo["ansatt_other_school"])
    walk.check("home, nothing yet")
    walk.visit("/meldinger", "my reports, none")
    walk.visit("/varsler", "alerts, none")
    page.get_by_role("button", name="Logg ut").click()

    log_in(page, walk.base, demo["ansatt"])
    walk.check("home")
    walk.visit("/meldinger", "my reports, five")
    walk.visit("/meldinger/ny", "empty meldeskjema")
    page.get_by_role("combobox", name="Søk i elevregisteret").fill("sara")
    expect(page.get_by_role("listbox", name="Elever som passer")).to_be_visible()
    page.keyboard.press("ArrowDown")
    walk.check("pupil search as you type, the list open")
    page.keyboard.press("Enter")
    walk.check("pupil picked from the list")
    # Another pupil's row searched in the register (the button works without the script).
    page.locator("#others-0-name").fill("Jonas")
    page.get_by_role("button", name="Søk i elevregisteret – Annen elev 1").click()
    expect(page.get_by_role("list", name="Elever som passer")).to_be_visible()
    walk.check("another pupil's row with the register's matches")
    page.get_by_role("button", name="Send melding til rektor").last.click()
    expect(page.locator(".error-summary")).to_be_visible()
    walk.check("meldeskjema with errors")

    fill_report(page, "Tina Berg", "Tina sa at Jonas og Kari ikke lot henne være med.")
    page.get_by_role("button", name="Send melding til rektor").last.click()
    expect(page.get_by_text("ser ut som et navn som ikke er registrert")).not_to_have_count(0)
    walk.check("name not registered")

    fill_report(page, "Tina Berg", "Berg sa at Tina ikke fikk bli med.", other="Jonas Berg")
    page.get_by_role("button", name="Send melding til rektor").last.click()
    expect(page.get_by_text("Hvilken Berg mener du?")).to_be_visible()
    walk.check("which person a name means")

    fill_report(page, "Tina Berg", "Tina sa at Jonas ikke lot henne være med.")
    page.get_by_role("button", name="Send melding til rektor").last.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Meldingen er sendt")
    walk.check("receipt")
    for path in ("/varsler", "/skolens-plan", "/mine-tiltak", "/konto/passord"):
        walk.visit(path)
    page.get_by_role("button", name="Lagre nytt passord").click()
    expect(page.locator(".error-summary")).to_be_visible()
    walk.check("change password with errors")
    walk.assert_clean(at_least=18)


def fill_report(page: Page, pupil: str, account: str, other: str = "Jonas Hansen") -> None:
    main_menu(page, "Ny melding")
    page.get_by_label("Elevens navn", exact=True).fill(pupil)
    page.get_by_label("Klasse", exact=True).fill("5A")
    page.get_by_label("Friminutt", exact=True).check()
    page.get_by_role("group", name="Sa eleven det selv?").get_by_label("Ja").check()
    page.get_by_label("Hva så du, eller hva ble du fortalt?").fill(account)
    page.get_by_label("Mobbing", exact=True).check()
    page.locator("#others-0-name").fill(other)
    page.locator("#others-0-role").select_option(index=1)


def test_the_pages_of_the_leadership(
    walk: Walk,
    page: Page,
    demo: dict[str, str],
    municipality: dict[str, int],
    session: Session,
) -> None:
    seed_demo_pupils(session, NOW)
    session.commit()
    log_in(page, walk.base, demo["ledelse"])
    walk.check("home with alerts")
    walk.visit("/saker", "case list")
    walk.visit("/saker/999999", "case not found", status=404)
    for stage in STAGES:
        walk.visit(f"/saker/{municipality[stage]}", f"case page, {stage}")
    planned = municipality["planned"]
    walk.visit(f"/saker/{planned}/personer/ny", "add a person")
    page.get_by_role("button").last.click()
    walk.check("add a person with errors")
    walk.visit(f"/saker/{planned}/dokumenter/{municipality['final_plan']}/send-hjem")
    walk.visit(f"/saker/{planned}/elevregisteret", "link the case to the register")
    page.get_by_label("Søk etter navn eller klasse").fill("Leo")
    page.get_by_role("button", name="Søk", exact=True).click()
    expect(page.get_by_role("button", name="Knytt til eleven")).not_to_have_count(0)
    walk.check("register link with matches")
    for path in (
        "/varsler",
        "/tilganger",
        "/tilganger/foresporsler",
        "/skolens-plan/kvitteringer",
        "/skolens-plan/publiser",
        "/mine-tiltak",
    ):
        walk.visit(path)
    walk.assert_clean(at_least=19)


def test_the_pages_of_a_handler_and_the_school_owner(
    walk: Walk, page: Page, demo: dict[str, str], municipality: dict[str, int]
) -> None:
    log_in(page, walk.base, demo["kontaktlaerer"])
    walk.visit("/saker", "my cases")
    for stage, kind in (
        ("received", "undersokelse"),
        ("investigated", "aktivitetsplan"),
        ("planned", "evaluering"),
    ):
        walk.visit(f"/saker/{municipality[stage]}/dokument/{kind}", f"{kind} draft")
    walk.visit(f"/saker/{municipality['received']}/dokument/undersokelse")
    page.get_by_role("button", name="Ferdigstill og arkiver").click()
    expect(page.locator(".error-summary")).to_be_visible()
    walk.check("investigation with errors")
    page.get_by_role("button", name="Logg ut").click()

    log_in(page, walk.base, demo["skoleeier"])
    walk.check("owner's home")
    walk.visit("/saker", "owner's case list, empty")
    walk.assert_clean(at_least=6)


ADMIN_PAGES: tuple[Callable[[dict[str, int]], str], ...] = (
    lambda ids: "/admin/brukere",
    lambda ids: f"/admin/brukere/{ids['rector']}",
    lambda ids: "/admin/brukere/ny",
    lambda ids: "/admin/import",
    lambda ids: "/admin/maler",
    lambda ids: "/admin/maler/last-opp",
    lambda ids: "/admin/fridager",
    lambda ids: f"/admin/fridager/{ids['school']}",
    lambda ids: "/admin/skoler",
    lambda ids: f"/admin/skoler/{ids['school']}",
    lambda ids: "/admin/elever",
    lambda ids: "/admin/elever/import",
)


def test_the_admin_pages(
    walk: Walk, page: Page, demo: dict[str, str], municipality: dict[str, int]
) -> None:
    log_in(page, walk.base, demo["admin_school"])
    for path in ADMIN_PAGES:
        walk.visit(path(municipality))
    walk.visit("/admin/brukere/ny", "new user")
    page.locator("main form").last.locator("button[type=submit]").last.click()
    expect(page.locator(".error-summary")).to_be_visible()
    walk.check("new user with errors")
    page.get_by_role("button", name="Logg ut").click()

    log_in(page, walk.base, demo["admin"])
    for path in ("/admin/logg", "/admin/skoler", "/admin/feide", "/admin/brukere"):
        walk.visit(path, "municipality admin")
    walk.assert_clean(at_least=len(ADMIN_PAGES) + 6)


def test_a_violation_is_found_and_reported_with_its_place(walk: Walk, page: Page) -> None:
    # The check itself must be able to fail: an image without text and an unlabelled box.
    page.set_content('<html lang="nb"><body><main><img src="x.png"><input></main></body></html>')
    walk.base = ""
    walk.check("a broken page")
    found = "\n".join(walk.violations)
    assert re.search(r"image-alt \(critical\) \['img'\]", found), found
    assert "label (critical)" in found, found
