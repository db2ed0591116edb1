"""Issue 13 over HTTP: the school admin's import (upload, preview with rejected lines,
confirm), the reporter's pupil search without JavaScript, a report tied to the pupil's
id, refusals for other schools' pupils, and the protected-address warning."""

from __future__ import annotations

import html
import io
import re

from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.admin_pages import error_summary, input_value
from tests.conftest import csrf_token, log_in
from tests.factories.cases import BY, NOW
from tests.factories.users import school
from tests.pupil_files import HEADER, oneroster_files, zipped
from tests.report_pages import NEW, report_data
from trygg.models import Case, Pupil
from trygg.pupils import register
from trygg.pupils.import_csv import parse_register_csv

IMPORT = "/admin/elever/import"
REGISTER = (
    f"{HEADER}\n"
    "Lea;Holm;14.03.2015;6B;Kari Holm;kari@example.no;91234567;ja;nei\n"
    "Sara;Nilsen;09.09.2015;6B;Tor Nilsen;tor@example.no;98765432;ja;strengt fortrolig\n"
    "Per;;01.01.2015;6B;;;;;\n"
)


def upload(client: FlaskClient, name: str, content: bytes) -> str:
    token = csrf_token(client, IMPORT)
    response = client.post(
        IMPORT,
        data={"csrf_token": token, "files": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    return response.get_data(as_text=True)


def confirm(client: FlaskClient, preview: str) -> str:
    response = client.post(
        f"{IMPORT}/bekreft",
        data={
            "csrf_token": input_value(preview, "csrf_token"),
            "payload": input_value(preview, "payload"),
        },
    )
    assert response.status_code == 302
    return client.get(response.headers["Location"]).get_data(as_text=True)


def seed(session: Session, text: str, school_name: str = "Nordpolen skole") -> None:
    register.apply_import(
        session, school(session, school_name).id, parse_register_csv(text).pupils, BY, NOW, "csv"
    )
    session.commit()


def pupil_id(session: Session, first_name: str) -> int:
    return session.execute(select(Pupil.id).where(Pupil.first_name == first_name)).scalar_one()


def test_the_school_admin_imports_a_plain_csv_with_preview_and_confirm(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    log_in(client, demo["admin_school"])
    preview = upload(client, "elever.csv", REGISTER.encode("cp1252"))
    assert "2 elever kan importeres, 1 linjer blir avvist." in preview
    assert "Elevens etternavn mangler." in preview
    assert "kari@example.no" in preview
    # A protected address: no contact detail, a warning instead.
    assert "tor@example.no" not in preview and "98765432" not in preview
    assert "Sperret adresse – ikke del kontaktopplysninger" in preview
    assert session.scalar(select(func.count(Pupil.id))) == 0  # the preview writes nothing
    listing = confirm(client, preview)
    # The confirmation is used once: the kept upload is gone.
    token = input_value(preview, "payload")
    again_response = client.post(
        f"{IMPORT}/bekreft",
        data={"csrf_token": input_value(preview, "csrf_token"), "payload": token},
    )
    assert again_response.headers["Location"] == IMPORT
    assert "Elevregisteret er oppdatert: 2 nye, 0 endret, 0 sluttet." in listing
    assert "Lea Holm" in listing and "tor@example.no" not in listing
    # Re-import without Sara: she is marked as left, not deleted.
    again = upload(client, "elever.csv", REGISTER.replace("Sara;", "Eva;").encode())
    assert "Har sluttet (står ikke i filen): 1" in again
    assert "Elevregisteret er oppdatert: 1 nye, 0 endret, 1 sluttet." in confirm(client, again)
    assert session.scalar(select(func.count(Pupil.id))) == 3


def test_a_oneroster_zip_is_imported(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    log_in(client, demo["admin_school"])
    preview = upload(client, "eksport.zip", zipped(oneroster_files(12)))
    assert "12 elever kan importeres, 0 linjer blir avvist." in preview
    confirm(client, preview)
    assert session.scalar(select(func.count(Pupil.id))) == 12


def test_a_refused_upload_is_shown_at_the_field(client: FlaskClient, demo: dict[str, str]) -> None:
    log_in(client, demo["admin_school"])
    page = upload(client, "elever.xlsx", b"PK")
    assert "Filen må være en CSV-fil (.csv) eller en zip-fil." in error_summary(page)


def test_a_tampered_confirmation_is_refused(client: FlaskClient, demo: dict[str, str]) -> None:
    log_in(client, demo["admin_school"])
    token = csrf_token(client, IMPORT)
    for payload in ("{}", "../../etc/passwd", "A" * 43):
        response = client.post(f"{IMPORT}/bekreft", data={"csrf_token": token, "payload": payload})
        assert response.headers["Location"] == IMPORT
        page = client.get(IMPORT).get_data(as_text=True)
        assert "Forhåndsvisningen er utløpt eller brukt. Last opp filen på nytt." in page


def test_only_a_school_admin_imports(client: FlaskClient, demo: dict[str, str]) -> None:
    for key in ("admin", "ledelse", "ansatt", "skoleeier"):
        log_in(client, demo[key])
        assert client.get(IMPORT).status_code == 403, key
        assert client.get("/admin/elever").status_code == 403, key


def search(client: FlaskClient, query: str, **changes: object) -> str:
    data = {"csrf_token": csrf_token(client, NEW), **report_data(**changes)}
    data.update(pupil_search=query, search_pupil="1")
    response = client.post(NEW, data=data)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_search_without_javascript_keeps_what_was_typed(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    seed(session, REGISTER)
    seed(session, f"{HEADER}\nLea;Lie;01.01.2015;6B;;;;;\n", "Vestre Aker skole")
    log_in(client, demo["ansatt"])
    page = search(client, "lea", account="Eleven gråt i friminuttet.")
    assert "Velg Lea Holm, 6B" in page
    assert "Lea Lie" not in page  # another school's pupil
    assert "Eleven gråt i friminuttet." in html.unescape(page)
    assert session.scalar(select(func.count(Case.id))) == 0
    none = search(client, "zzz")
    assert "Ingen elever i registeret passer." in none


def pick(client: FlaskClient, value: str, **changes: object) -> str:
    data = {"csrf_token": csrf_token(client, NEW), **report_data(**changes), "pick_pupil": value}
    response = client.post(NEW, data=data)
    assert response.status_code == 200
    return response.get_data(as_text=True)


# The free text names nobody, so the register pupil's name needs no question.
NEUTRAL = {"account": "Eleven sa at de andre ikke lar henne være med.", "intervention": ""}


def send(client: FlaskClient, **changes: object) -> tuple[int, str]:
    fields = report_data(**{**NEUTRAL, **changes})
    data = {"csrf_token": csrf_token(client, NEW), **fields, "send": "1"}
    response = client.post(NEW, data=data)
    return response.status_code, response.get_data(as_text=True)


def test_a_picked_pupil_ties_the_report_and_a_typo_no_longer_splits_the_case(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    seed(session, REGISTER)
    lea = pupil_id(session, "Lea")
    log_in(client, demo["ansatt"])
    page = pick(client, str(lea))
    assert "Fra elevregisteret:" in page and "Lea Holm" in page
    assert input_value(page, "pupil_id") == str(lea)
    status, _ = send(client, pupil_id=str(lea), pupil_name="Lea Holm")
    assert status == 302
    status, _ = send(client, pupil_id=str(lea), pupil_name="Lea Holmm")
    assert status == 302
    (case,) = session.execute(select(Case)).scalars()
    assert (case.pupil_id, case.pupil_name) == (lea, "Lea Holm")


def test_another_schools_pupil_id_is_refused_in_search_pick_and_send(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    seed(session, f"{HEADER}\nOla;Lie;01.01.2015;6B;;;;;\n", "Vestre Aker skole")
    ola = pupil_id(session, "Ola")
    log_in(client, demo["ansatt"])
    refusal = "Eleven finnes ikke i elevregisteret ved skolen."
    for value in (str(ola), "999999", "abc"):
        page = pick(client, value)
        assert refusal in page and "Ola Lie" not in page, value
        status, page = send(client, pupil_id=value)
        assert status == 200 and refusal in error_summary(page), value
        assert "Ola Lie" not in page
    assert session.scalar(select(func.count(Case.id))) == 0


def test_the_case_page_warns_of_a_protected_address(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    seed(session, REGISTER)
    sara = pupil_id(session, "Sara")
    log_in(client, demo["ansatt"])
    assert send(client, pupil_id=str(sara))[0] == 302
    typed = send(client, pupil_name="Besøkende Elev", pupil_class="5A")
    assert typed[0] == 302
    protected, visitor = session.execute(select(Case).order_by(Case.id)).scalars()
    log_in(client, demo["ledelse"])
    page = client.get(f"/saker/{protected.id}").get_data(as_text=True)
    assert "Sperret adresse – ikke del kontaktopplysninger" in page
    assert "tor@example.no" not in page and "98765432" not in page
    other = client.get(f"/saker/{visitor.id}").get_data(as_text=True)
    assert "Sperret adresse" not in other
    assert "Eleven er ikke fra elevregisteret." in other
    assert re.search(r"Eleven er ikke fra elevregisteret", page) is None
