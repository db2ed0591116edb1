"""Issue 10 over HTTP: the case page shows the day the case was marked serious; admins set
the school's contact person and the municipality's Statsforvalteren; the copy sent home
opens with a cover page naming them (real LibreOffice)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy.orm import Session

from tests.admin_pages import admin_client, audit_events, error_summary, input_value
from tests.case_pages import fresh, logged_in, post_form
from tests.conftest import csrf_token
from tests.document_pages import documents, send_home, text_of
from tests.factories.cases import LEADERSHIP_CASE, case_at, file, receive_and_assign, sara_report
from tests.factories.users import HANDLER, RECTOR, REPORTER, demo_email, school, school_id
from trygg.accounts.roles import SKOLEEIER
from trygg.calendar.clock import oslo_now
from trygg.calendar.formats import date_text

OWNER = demo_email(SKOLEEIER, None)
PASSWORD = "sommerfugl-42"


def test_the_case_page_shows_the_day_the_case_was_marked_serious(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case, _ = file(session, tmp_path, REPORTER)
    rektor = logged_in(client, RECTOR)
    assert "Alvorlig sak fra" not in text_of(rektor.get(f"/saker/{case.id}"))
    fields = {"rektor_informed_at": "2026-09-14T12:50", "serious": "y"}
    assert post_form(rektor, f"/saker/{case.id}/mottatt", "mottatt", fields).status_code == 302
    today = oslo_now().date()
    assert fresh(session, case.id).serious_since == today
    page = text_of(rektor.get(f"/saker/{case.id}"))
    assert f"Alvorlig sak fra</dt><dd>{date_text(today)}</dd>" in page


# --- the school's contact person ---------------------------------------------------------


def _post_contact(client: FlaskClient, school: int, **fields: str) -> tuple[int, str]:
    url = f"/admin/skoler/{school}"
    data = {"kontakt-csrf_token": csrf_token(client, url)}
    data.update({f"kontakt-contact_{key}": value for key, value in fields.items()})
    response = client.post(f"{url}/kontaktperson", data=data)
    return response.status_code, text_of(response)


def test_a_school_admin_sets_the_contact_person_and_a_mistake_is_shown_at_its_field(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    admin = admin_client(client, demo["admin_school"])
    nordpolen = school(session).id
    page = text_of(admin.get(f"/admin/skoler/{nordpolen}"))
    assert "Ingen er satt, så forsiden nevner rektor: Hilde Moe." in page

    status, page = _post_contact(admin, nordpolen, name="Ingrid Berg", phone="ring meg")
    assert status == 200
    assert "Telefon: Skriv telefonnummeret med sifre" in error_summary(page)
    assert input_value(page, "kontakt-contact_name") == "Ingrid Berg"
    assert input_value(page, "kontakt-contact_phone") == "ring meg"
    assert school(session).contact_name == ""

    status, _ = _post_contact(
        admin, nordpolen, name="Ingrid Berg", role="sosiallærer", phone="22 11 33 44"
    )
    assert status == 302
    session.expire_all()
    saved = school(session)
    assert (saved.contact_name, saved.contact_role, saved.contact_phone) == (
        "Ingrid Berg",
        "sosiallærer",
        "22 11 33 44",
    )
    assert len(audit_events(session, "school.case_contact_changed")) == 1


def test_a_school_admin_cannot_set_another_school_s_contact_person(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    admin = admin_client(client, demo["admin_school"])
    vestre = school_id(session, "Vestre Aker skole")
    token = csrf_token(admin, f"/admin/skoler/{school(session).id}")
    response = admin.post(
        f"/admin/skoler/{vestre}/kontaktperson",
        data={"kontakt-csrf_token": token, "kontakt-contact_name": "Noen Andre"},
    )
    assert response.status_code == 404
    assert school(session, "Vestre Aker skole").contact_name == ""


# --- the municipality's Statsforvalteren -------------------------------------------------


def test_only_the_municipality_admin_sets_the_statsforvalteren(
    client: FlaskClient, app: Flask, session: Session, demo: dict[str, str]
) -> None:
    url = "/admin/skoler/statsforvalteren"
    school_admin = admin_client(app.test_client(), demo["admin_school"])
    assert school_admin.get(url).status_code == 403

    admin = admin_client(client, demo["admin"])
    page = text_of(admin.get(url))
    assert input_value(page, "statsforvalteren_name") == "Statsforvalteren i Oslo og Viken"
    assert input_value(page, "statsforvalteren_phone") == "22 00 35 00"
    fields = {
        "statsforvalteren_name": "",
        "statsforvalteren_address": "Postboks 1, 0101 Oslo",
        "statsforvalteren_phone": "22 00 35 00",
        "statsforvalteren_email": "",
        "statsforvalteren_web": "",
    }
    response = admin.post(url, data={"csrf_token": csrf_token(admin, url), **fields})
    page = text_of(response)
    assert response.status_code == 200
    assert "Embete: Skriv navnet på embetet" in error_summary(page)
    assert input_value(page, "statsforvalteren_address") == "Postboks 1, 0101 Oslo"

    fields["statsforvalteren_name"] = "Statsforvalteren i Testfylke"
    response = admin.post(url, data={"csrf_token": csrf_token(admin, url), **fields})
    assert response.status_code == 302
    session.expire_all()
    assert school(session).municipality.statsforvalteren_name == "Statsforvalteren i Testfylke"
    assert school(session).municipality.statsforvalteren_web == ""
    assert len(audit_events(session, "municipality.statsforvalteren_changed")) == 2  # demo + this


# --- the copy sent home ------------------------------------------------------------------


def _home_copy_text(client: FlaskClient, url: str) -> list[str]:
    response = send_home(client, url, PASSWORD, PASSWORD)
    assert response.status_code == 200, text_of(response)[:2000]
    reader = PdfReader(io.BytesIO(response.data))
    assert reader.decrypt(PASSWORD).name != "NOT_DECRYPTED"
    titles = [item.title for item in reader.outline]  # type: ignore[union-attr]
    assert titles[0] == "Til eleven og foresatte" and len(titles) == 2
    return [page.extract_text() for page in reader.pages]


@pytest.mark.usefixtures("converter")
def test_the_copy_sent_home_opens_with_whom_to_contact_and_statsforvalteren(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "planned")
    [plan] = documents(session, case.id, "aktivitetsplan")
    handler = logged_in(client, HANDLER)
    cover, *rest = _home_copy_text(handler, f"/saker/{case.id}/dokumenter/{plan.id}/send-hjem")
    flat = " ".join(cover.split())
    for said in (
        "Til eleven og foresatte",
        "Kontaktperson ved skolen",
        "Hilde Moe (rektor)",
        "opplæringslova § 12-6",
        "Statsforvalteren i Oslo og Viken",
        "Telefon: 22 00 35 00",
        "Nettside: statsforvalteren.no/oslo-viken",
    ):
        assert said in flat, said
    assert "Jonas" not in flat
    assert "Aktivitetsplan" in rest[0]


@pytest.mark.usefixtures("converter")
def test_a_leadership_case_s_copy_home_names_the_school_owner_not_the_rektor(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case, report = file(session, tmp_path, REPORTER, sara_report(**LEADERSHIP_CASE))
    receive_and_assign(session, case, OWNER, HANDLER)
    handler = logged_in(client, HANDLER)
    cover, *_ = _home_copy_text(handler, f"/saker/{case.id}/dokumenter/{report.id}/send-hjem")
    flat = " ".join(cover.split())
    assert "Kontakt hos skoleeier" in flat and "Utdanningsetaten" in flat
    assert "Hilde Moe" not in flat
