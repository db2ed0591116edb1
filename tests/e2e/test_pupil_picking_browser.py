"""Issue 13 in a real Chromium: the reporter searches the school's register from the
meldeskjema, picks the pupil, and the case belongs to the pupil's id; what was typed
before the search is still there."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.e2e.journey_steps import log_in
from tests.factories.cases import BY, NOW
from tests.factories.users import school
from tests.pupil_files import HEADER
from trygg.models import Case, Pupil
from trygg.pupils.import_csv import parse_register_csv
from trygg.pupils.register import apply_import

pytestmark = pytest.mark.browser


def test_pick_a_pupil_from_the_register_when_filing(
    page: Page, live_server: str, session: Session, demo: dict[str, str], console_errors: list[str]
) -> None:
    text = f"{HEADER}\nLea;Holm;14.03.2015;6B;Kari Holm;;;ja;\nLeo;Lie;01.02.2015;5A;;;;;\n"
    apply_import(session, school(session).id, parse_register_csv(text).pupils, BY, NOW, "csv")
    session.commit()
    log_in(page, live_server, demo["ansatt"])
    page.goto(live_server + "/meldinger/ny")
    account = page.get_by_label("Hva så du, eller hva ble du fortalt?")
    account.fill("Eleven sa at de andre ikke lar henne være med.")

    page.get_by_label("Søk i elevregisteret").fill("lea")
    page.get_by_role("button", name="Søk", exact=True).click()
    expect(page.get_by_role("button", name="Velg Leo Lie, 5A")).to_have_count(0)
    page.get_by_role("button", name="Velg Lea Holm, 6B").click()
    expect(page.get_by_text("Fra elevregisteret:")).to_be_visible()
    expect(account).to_have_value("Eleven sa at de andre ikke lar henne være med.")

    page.get_by_label("Friminutt", exact=True).check()
    page.get_by_role("group", name="Sa eleven det selv?").get_by_label("Ja").check()
    page.get_by_label("Utestenging", exact=True).check()
    page.get_by_role("button", name="Send melding til rektor").last.click()
    expect(page).to_have_url(re.compile(r"/meldinger/\d+$"))
    expect(page.get_by_text("Lea Holm, 6B")).to_be_visible()
    lea = session.execute(select(Pupil.id).where(Pupil.first_name == "Lea")).scalar_one()
    session.expire_all()
    (case,) = session.execute(select(Case)).scalars()
    assert case.pupil_id == lea
    assert console_errors == []
