"""Shared steps for the case journeys in Chromium: log in and out as the demo users, open
a case from the lists, download a document and read every word of it.

Cases that a journey does not walk itself are brought to the right stage through the
domain (tests/factories/cases.py), the way an earlier page would have.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import docx
from docx.oxml.ns import qn
from playwright.sync_api import Locator, Page, expect

from tests.conftest import DEMO_PASSWORD
from trygg.calendar.clock import oslo_now

SHOTS = Path("/tmp/trygg-shots")
# Everything in the package a reader, a search or a properties dialog could show.
TEXT_PARTS = re.compile(r"word/(document|header\d*|footer\d*|comments|footnotes|endnotes)\.xml")


def today() -> dt.date:
    """The date the live server uses: Norway's wall clock (trygg.calendar.clock)."""
    return oslo_now().date()


def shown(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def log_in(page: Page, live_server: str, email: str) -> None:
    page.goto(live_server + "/logg-inn")
    page.get_by_label("E-postadresse").fill(email)
    page.get_by_label("Passord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hei, ")


def switch_user(page: Page, live_server: str, email: str) -> None:
    page.get_by_role("button", name="Logg ut").click()
    expect(page.get_by_role("status")).to_have_text("Du er logget ut.")
    log_in(page, live_server, email)


def main_menu(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name=name).click()


def open_alerts(page: Page) -> None:
    """The "Varsler" link beside the user's name (it carries the unread count)."""
    page.get_by_role("link", name=re.compile(r"^Varsler")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Varsler")


def case_row(page: Page, pupil: str) -> Locator:
    """The row of the case list that shows this pupil."""
    return page.get_by_role("row").filter(has_text=pupil)


def open_case_from_list(page: Page, menu: str, pupil: str) -> None:
    main_menu(page, menu)
    case_row(page, pupil).get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(pupil)


def file_report_in_browser(
    page: Page,
    pupil: str,
    class_name: str,
    account: str,
    *,
    arena: str = "Friminutt",
    kind: str = "Mobbing",
    suspect: str = "",
) -> None:
    """The meldeskjema as an employee files it; `suspect` is the employee picked under
    § 12-5, or "" for nobody. Whether the suspect is in the leadership is read from the
    accounts (issue 10), so the form no longer asks it."""
    main_menu(page, "Ny melding")
    page.get_by_label("Elevens navn", exact=True).fill(pupil)
    page.get_by_label("Klasse", exact=True).fill(class_name)
    page.get_by_label(arena, exact=True).check()
    page.get_by_role("group", name="Sa eleven det selv?").get_by_label("Ja").check()
    page.get_by_label("Hva så du, eller hva ble du fortalt?").fill(account)
    page.get_by_label(kind, exact=True).check()
    expect(page.get_by_text("Er den ansatte i skoleledelsen?")).to_have_count(0)
    if suspect:
        staff = page.get_by_role(
            "group", name="Mistenkes en ansatt ved skolen for å krenke eleven?"
        )
        staff.get_by_label("Ja").check()
        picker = page.get_by_label("Hvem mistenkes?")
        picker.select_option(picker.locator("option", has_text=suspect).get_attribute("value"))
    page.get_by_role("button", name="Send melding til rektor").last.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Meldingen er sendt")


def flash(page: Page) -> Locator:
    """The messages shown once after an action ("Utkastet er lagret.")."""
    return page.locator(".flashes")


def word_text(content: bytes) -> str:
    """Every paragraph of the body (tables within tables too), headers and footers, one
    line each, through python-docx (which also proves the file opens)."""
    document = docx.Document(io.BytesIO(content))
    lines = ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in _paragraphs(document)]
    return "\n".join(line for line in lines if line)


def _paragraphs(document: docx.document.Document) -> list[Any]:
    parts = [document.element.body]
    for section in document.sections:
        parts += [section.header._element, section.footer._element]
        parts += [section.first_page_header._element, section.first_page_footer._element]
    return [p for part in parts for p in part.iter(qn("w:p"))]


def package_text(content: bytes) -> str:
    """The raw text of every part a name could hide in, for "never by name" checks:
    body, headers, footers, comments, notes and the document properties."""
    texts = []
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        for name in package.namelist():
            if TEXT_PARTS.fullmatch(name) or re.fullmatch(r"docProps/\w+\.xml", name):
                xml = package.read(name).decode("utf-8")
                # Tags dropped without a space: a name split over two runs is found too.
                texts.append(re.sub(r"<[^>]+>", "", xml))
    return "\n".join(texts)


def download_word(page: Page, link: Locator) -> tuple[str, bytes]:
    """Click a Word link and return the file's name and bytes."""
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.failure() is None
    path = download.path()
    return download.suggested_filename, Path(path).read_bytes()


def assert_no_names(filename: str, content: bytes, names: tuple[str, ...], named: str) -> None:
    """None of `names` anywhere in the file or its name; `named` (the case's own pupil,
    who is named) is there, which proves the check reads the text."""
    everything = f"{filename}\n{package_text(content)}"
    assert named in everything
    for name in names:
        assert name not in everything, f"{name!r} in {filename}"
