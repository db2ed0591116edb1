"""Staff import from CSV through the admin pages: preview, rejected lines, one transaction."""

from __future__ import annotations

import html
import io
import json
import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from tests.admin_pages import (
    admin_client,
    audit_events,
    input_value,
    post_new_user,
    user_by_email,
    user_count,
)
from tests.conftest import csrf_token
from tests.factories.users import NORDPOLEN, VESTRE_AKER, school_id

IMPORT_LINES = [
    "navn;e-post;tittel;rolle",
    "Kjærsti Ødegård;kjaersti.odegard@nordpolen.no;kontaktlærer 5C;Kontaktlærer",
    "Åse Bjørnstad;ase.bjornstad@nordpolen.no;miljøterapeut;ansatt",
    "",
    "Per Feil;per.feil@;lærer;ansatt",
    "Ola Rolle;ola.rolle@nordpolen.no;vaktmester;vaktmester",
    "Åse Kopi;ASE.BJORNSTAD@nordpolen.no;lærer;ansatt",
    "Mona Ruud;ansatt.nordpolen@demo.trygg.no;miljøarbeider;ansatt",
    "Bare to;felt",
    "Pål Prest;pal.prest@nordpolen.no;rektor;rektor",
]
ACCEPTED = {
    "kjaersti.odegard@nordpolen.no": ("Kjærsti Ødegård", "kontaktlaerer", "kontaktlærer 5C"),
    "ase.bjornstad@nordpolen.no": ("Åse Bjørnstad", "ansatt", "miljøterapeut"),
    "pal.prest@nordpolen.no": ("Pål Prest", "ledelse", "rektor"),
}
REJECTED = {
    5: "«per.feil@» er ikke en gyldig e-postadresse.",
    6: "Ukjent rolle «vaktmester». Bruk ansatt, kontaktlærer, ledelse eller admin.",
    7: "E-postadressen står også på linje 3.",
    8: "Det finnes allerede en bruker med denne e-postadressen.",
    9: "Linjen har 2 felt; det skal være 4: navn, e-post, tittel, rolle.",
}


def upload(
    client: FlaskClient, content: bytes, school: int | str, filename: str = "ansatte.csv"
) -> TestResponse:
    token = csrf_token(client, "/admin/import")
    return client.post(
        "/admin/import",
        data={"file": (io.BytesIO(content), filename), "school": str(school), "csrf_token": token},
        content_type="multipart/form-data",
    )


def rejected_rows(page: str) -> dict[int, str]:
    section = page.split("<h2>Avviste linjer</h2>", 1)[1].split("</section>", 1)[0]
    rows = re.findall(r"<tr><td>(\d+)</td><td><code>.*?</code></td><td>(.*?)</td></tr>", section)
    return {int(line): html.unescape(reasons) for line, reasons in rows}


def confirm(client: FlaskClient, preview_page: str) -> TestResponse:
    return client.post(
        "/admin/import/bekreft",
        data={
            "csrf_token": input_value(preview_page, "csrf_token"),
            "csv_text": input_value(preview_page, "csv_text"),
            "school": input_value(preview_page, "school"),
        },
    )


@pytest.mark.parametrize(
    ("delimiter", "encoding"),
    [(";", "utf-8-sig"), (",", "utf-8-sig"), (";", "cp1252"), (",", "cp1252"), (";", "utf-8")],
    ids=["semicolon-utf8-bom", "comma-utf8-bom", "semicolon-cp1252", "comma-cp1252", "utf8"],
)
def test_import_previews_then_creates_the_accepted_lines_in_one_go(
    client: FlaskClient, session: Session, demo: dict[str, str], delimiter: str, encoding: str
) -> None:
    admin_client(client, demo["admin"])
    nordpolen = school_id(session, NORDPOLEN)
    text = "\r\n".join(line.replace(";", delimiter) for line in IMPORT_LINES) + "\r\n"
    content = text.encode(encoding)
    if encoding == "cp1252":
        with pytest.raises(UnicodeDecodeError):
            content.decode("utf-8")
    before = user_count(session)
    events_before = len(audit_events(session, "user.created"))

    preview = upload(client, content, nordpolen)
    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    assert "Forhåndsvisning: Nordpolen skole" in page
    assert "3 linjer kan importeres, 5 linjer blir avvist." in page
    rejected = rejected_rows(page)
    assert set(rejected) == set(REJECTED)
    for line, reason in REJECTED.items():
        assert reason in rejected[line], (line, rejected[line])
    for name, _role, title in ACCEPTED.values():
        assert f"<td>{name}</td>" in page and f"<td>{title}</td>" in page
    assert "Importer 3 brukere" in page
    # Nothing is written by the preview.
    assert user_count(session) == before
    assert len(audit_events(session, "user.created")) == events_before
    assert audit_events(session, "staff.imported") == []

    response = confirm(client, page)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/brukere?skole={nordpolen}"
    listing = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "3 brukere er opprettet." in listing
    assert "5 linjer ble avvist og ikke importert." in listing

    assert user_count(session) == before + 3
    for email, (name, role, title) in ACCEPTED.items():
        user = user_by_email(session, email)
        assert user is not None, email
        assert (user.name, user.role_code, user.title) == (name, role, title)
        assert user.school_id == nordpolen and user.password_hash is None and user.active
        assert name in listing
    assert user_by_email(session, "ola.rolle@nordpolen.no") is None
    imported = audit_events(session, "staff.imported")
    assert len(imported) == 1
    assert imported[0].object_id == str(nordpolen)
    assert json.loads(imported[0].details) == {"count": 3}
    # All three accounts and the import event were written in the same request, in a row.
    created = audit_events(session, "user.created")[events_before:]
    assert [e.id for e in created] == [imported[0].id - 3, imported[0].id - 2, imported[0].id - 1]


def test_import_confirm_parses_again_and_skips_accounts_created_since_the_preview(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    admin_client(client, demo["admin"])
    nordpolen = school_id(session, NORDPOLEN)
    page = upload(client, "\n".join(IMPORT_LINES).encode(), nordpolen).get_data(as_text=True)
    status, _, _ = post_new_user(
        client,
        name="Pål Prest",
        email="pal.prest@nordpolen.no",
        role="ledelse",
        school=str(nordpolen),
    )
    assert status == 302
    before = user_count(session)
    response = confirm(client, page)
    assert response.status_code == 302
    listing = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 brukere er opprettet." in listing
    assert "6 linjer ble avvist og ikke importert." in listing
    assert user_count(session) == before + 2


def test_import_with_only_bad_lines_offers_nothing_to_import(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    admin_client(client, demo["admin"])
    before = user_count(session)
    content = "Per Feil;ikke-epost;lærer;ansatt\nEva Eier;eva@x.no;;skoleeier\n".encode()
    page = upload(client, content, school_id(session, NORDPOLEN)).get_data(as_text=True)
    assert "0 linjer kan importeres, 2 linjer blir avvist." in page
    assert "Skoleeier- og kommunebrukere opprettes enkeltvis, ikke fra fil." in page
    assert "/admin/import/bekreft" not in page
    assert user_count(session) == before


def test_import_upload_needs_a_csv_file(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    admin_client(client, demo["admin"])
    nordpolen = school_id(session, NORDPOLEN)
    page = upload(client, b"%PDF-1.7", nordpolen, filename="ansatte.pdf").get_data(as_text=True)
    assert "Filen må være en CSV-fil (.csv)." in page
    token = csrf_token(client, "/admin/import")
    response = client.post(
        "/admin/import",
        data={"school": str(nordpolen), "csrf_token": token},
        content_type="multipart/form-data",
    )
    assert "Velg en fil." in response.get_data(as_text=True)


def test_school_admin_imports_only_into_own_school(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    admin_client(client, demo["admin_school"])
    nordpolen = school_id(session, NORDPOLEN)
    vestre_aker = school_id(session, VESTRE_AKER)
    form = client.get("/admin/import").get_data(as_text=True)
    assert NORDPOLEN in form and VESTRE_AKER not in form
    content = "Kari Vest;kari.vest@vestreaker.no;lærer;ansatt\n".encode()
    before = user_count(session)

    refused = upload(client, content, vestre_aker)
    assert refused.status_code == 200
    assert "Ikke et gyldig valg" in refused.get_data(as_text=True)
    assert "Forhåndsvisning" not in refused.get_data(as_text=True)

    # A preview for their own school, with the hidden school changed before confirming.
    page = upload(client, content, nordpolen).get_data(as_text=True)
    tampered = client.post(
        "/admin/import/bekreft",
        data={
            "csrf_token": input_value(page, "csrf_token"),
            "csv_text": input_value(page, "csv_text"),
            "school": str(vestre_aker),
        },
    )
    assert tampered.status_code == 403
    assert user_count(session) == before

    assert confirm(client, page).status_code == 302
    assert user_by_email(session, "kari.vest@vestreaker.no").school_id == nordpolen


def test_import_confirm_without_csrf_token_is_refused(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    admin_client(client, demo["admin"])
    before = user_count(session)
    response = client.post(
        "/admin/import/bekreft",
        data={"csv_text": "Kari;kari@x.no;;ansatt", "school": str(school_id(session, NORDPOLEN))},
    )
    assert response.status_code == 400
    assert user_count(session) == before


# --- the audit trail page ------------------------------------------------------------------


def test_import_confirm_with_an_unknown_school_is_refused_cleanly(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    admin_client(client, demo["admin"])
    page = upload(
        client, b"Kari;kari@nordpolen.no;;ansatt\n", school_id(session, NORDPOLEN)
    ).get_data(as_text=True)
    before = user_count(session)
    response = client.post(
        "/admin/import/bekreft",
        data={
            "csrf_token": input_value(page, "csrf_token"),
            "csv_text": input_value(page, "csv_text"),
            "school": "99999",
        },
    )
    assert response.status_code in (400, 403, 404)
    assert user_count(session) == before
