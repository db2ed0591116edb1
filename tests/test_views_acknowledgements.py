"""Skolens plan through HTTP: the leadership publishes the plan, an employee reads it and
signs the kvittering (archived, downloadable), the rektor's register and its Word list,
a new version that puts everyone back to «ikke ennå», and nobody sees another school's."""

from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.acknowledgement_steps import (
    ALL_BOXES,
    NORDPOLEN_STAFF,
    PLAN_PAGE,
    REGISTER,
    plan_docx,
    plan_pdf,
    publish,
    sign,
)
from tests.admin_pages import audit_events, error_summary, input_value
from tests.conftest import csrf_token, log_in
from tests.factories.cases import archive_for
from tests.report_pages import docx_text
from trygg.acknowledgements import MAX_PLAN_BYTES, signing
from trygg.calendar.clock import oslo_time
from trygg.calendar.formats import timestamp_text
from trygg.documents.ack_contexts import CONFIRMATION_STATEMENTS
from trygg.models import Acknowledgement, SchoolPlan


def plans(session: Session) -> list[SchoolPlan]:
    session.expire_all()
    return list(session.execute(select(SchoolPlan).order_by(SchoolPlan.id)).scalars())


def acknowledgements(session: Session) -> list[Acknowledgement]:
    session.expire_all()
    return list(session.execute(select(Acknowledgement).order_by(Acknowledgement.id)).scalars())


def published_by_rektor(client: FlaskClient, demo: dict[str, str], **changes: object) -> str:
    log_in(client, demo["ledelse"])
    response = publish(client, **changes)  # type: ignore[arg-type]
    assert response.status_code == 302, error_summary(response.get_data(as_text=True))
    return response.headers["Location"]


def is_checked(page: str, name: str) -> bool:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    assert tag, f"no checkbox {name}"
    return " checked" in tag.group(0)


# --- publish → sign → archived kvittering ---------------------------------------------------


def test_employee_signs_and_the_archived_kvittering_says_what_was_read(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    pdf = plan_pdf()
    assert published_by_rektor(client, demo, content=pdf).startswith("/skolens-plan/")
    (plan,) = plans(session)
    assert (plan.school_year, plan.number, plan.format) == ("2026/2027", 1, "pdf")
    assert plan.sha256 == hashlib.sha256(pdf).hexdigest()
    assert archive_for(tmp_path).get(plan.sha256, "pdf") == pdf

    log_in(client, demo["kontaktlaerer"])
    assert "Les og kvitter" in client.get("/").get_data(as_text=True)
    page = client.get(PLAN_PAGE).get_data(as_text=True)
    assert plan.sha256 in page and "Utdanningsetaten, avdeling for skolemiljø" in page
    downloaded = client.get(f"/skolens-plan/{plan.id}/fil")
    assert downloaded.data == pdf and "attachment" in downloaded.headers["Content-Disposition"]
    assert [e.object_id for e in audit_events(session, "school_plan.downloaded")] == [str(plan.id)]

    # Case and spacing do not matter in the typed signature.
    response = sign(client, "  per   OLSEN ")
    assert response.status_code == 302
    (ack,) = acknowledgements(session)
    assert (ack.plan_id, ack.employee_name, ack.employee_title) == (
        plan.id,
        "Per Olsen",
        "kontaktlærer 6B",
    )
    assert ack.typed_signature == "per   OLSEN"
    stored = archive_for(tmp_path).get(ack.docx_sha256, "docx")
    text = docx_text(stored)
    for expected in (
        "Per Olsen",
        "kontaktlærer 6B",
        "Nordpolen skole",
        "Skolens plan for trygt og godt skolemiljø",
        "2026/2027",
        "10.08.2026",
        plan.sha256,
        "Utdanningsetaten, avdeling for skolemiljø",
        oslo_time(ack.signed_at).strftime("%d.%m.%Y kl. %H.%M"),
        *CONFIRMATION_STATEMENTS.values(),
    ):
        assert expected in text, expected
    assert "Nei" not in text.split()
    assert [e.object_id for e in audit_events(session, "acknowledgement.signed")] == [str(plan.id)]

    page = client.get(PLAN_PAGE).get_data(as_text=True)
    assert "Du har kvittert for denne versjonen" in page and 'name="typed_signature"' not in page
    # One format for a system time on every page: «14.08.2026 kl. 09.12», Oslo time.
    assert f"Signert {timestamp_text(ack.signed_at)}." in page
    assert timestamp_text(ack.signed_at) == oslo_time(ack.signed_at).strftime("%d.%m.%Y kl. %H.%M")
    word = client.get(f"/skolens-plan/kvittering/{ack.id}/docx")
    assert word.status_code == 200 and word.data == stored
    assert "2026-2027_kvittering_v1.docx" in word.headers["Content-Disposition"]
    assert len(audit_events(session, "acknowledgement.downloaded")) == 1
    # Signed: the front page no longer asks for it.
    assert "Les og kvitter" not in client.get("/").get_data(as_text=True)


def test_a_wrong_signature_keeps_everything_typed(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    published_by_rektor(client, demo)
    log_in(client, demo["kontaktlaerer"])
    response = sign(client, "Per Olsn")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Signaturen må være navnet ditt slik det står i Trygg: «Per Olsen»" in html.unescape(
        error_summary(page)
    )
    assert input_value(page, "typed_signature") == "Per Olsn"
    assert all(is_checked(page, name) for name in ALL_BOXES)

    # A box left out: its own message, and the other boxes and the name stay as they were.
    boxes = {k: v for k, v in ALL_BOXES.items() if k != "knows_12_5_route"}
    page = sign(client, "Per Olsen", boxes).get_data(as_text=True)
    assert "Kryss av for at du kjenner meldeveien etter § 12-5." in error_summary(page)
    assert input_value(page, "typed_signature") == "Per Olsen"
    assert [is_checked(page, name) for name in ALL_BOXES] == [True, True, False, True]
    assert acknowledgements(session) == []


def test_a_new_version_published_while_reading_is_not_signed_unread(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    published_by_rektor(client, demo)
    (first,) = plans(session)
    published_by_rektor(client, demo, content=plan_docx("Rettet plan"), filename="plan.docx")
    log_in(client, demo["kontaktlaerer"])
    page = sign(client, "Per Olsen", plan_id=str(first.id)).get_data(as_text=True)
    assert "publisert en ny versjon av planen mens du leste" in error_summary(page)
    assert input_value(page, "typed_signature") == "Per Olsen"
    assert not is_checked(page, "read_plan") and is_checked(page, "knows_five_duties")
    assert acknowledgements(session) == []


def test_signing_twice_at_once_shows_the_kvittering_that_stands(
    client: FlaskClient, session: Session, demo: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    published_by_rektor(client, demo)
    log_in(client, demo["kontaktlaerer"])
    assert sign(client, "Per Olsen").status_code == 302
    # The second tab's check ran before the first signature was committed.
    monkeypatch.setattr(signing, "acknowledgement_of", lambda *args: None)
    page = client.post(
        PLAN_PAGE,
        data={
            "csrf_token": csrf_token(client, PLAN_PAGE),
            "plan_id": str(plans(session)[0].id),
            "typed_signature": "Per Olsen",
            **ALL_BOXES,
        },
    )
    assert page.status_code == 200
    assert "Du har kvittert for denne versjonen" in page.get_data(as_text=True)
    assert len(acknowledgements(session)) == 1
    assert len(audit_events(session, "acknowledgement.signed")) == 1


def test_a_kvittering_missing_from_the_archive_says_so(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    published_by_rektor(client, demo)
    log_in(client, demo["kontaktlaerer"])
    sign(client, "Per Olsen")
    (ack,) = acknowledgements(session)
    stored = archive_for(tmp_path).root / ack.docx_sha256[:2] / f"{ack.docx_sha256}.docx"
    stored.unlink()
    response = client.get(f"/skolens-plan/kvittering/{ack.id}/docx")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Filen kan ikke hentes" in page and "mangler i arkivet" in page
    assert audit_events(session, "acknowledgement.downloaded") == []


# --- the register ----------------------------------------------------------------------------


def test_register_shows_signed_and_not_yet_and_the_list_names_everyone(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    published_by_rektor(client, demo)
    (plan,) = plans(session)
    log_in(client, demo["kontaktlaerer"])
    assert sign(client, "Per Olsen").status_code == 302

    log_in(client, demo["ledelse"])
    page = client.get(REGISTER).get_data(as_text=True)
    assert "1 av 4 ansatte har kvittert." in page
    rows = {
        re.sub(r"<[^>]+>", "", m.group(1)).strip(): m.group(0)
        for m in re.finditer(r"<tr>\s*<td>([^<]+)</td>.*?</tr>", page, re.S)
    }
    assert set(rows) == set(NORDPOLEN_STAFF)
    assert "Signert" in rows["Per Olsen"] and "Kvittering (Word)" in rows["Per Olsen"]
    for name in ("Hilde Moe", "Mona Ruud", "Tore Lie"):
        assert "Ikke ennå" in rows[name]
    assert audit_events(session, "acknowledgement.register_viewed")

    listing = client.get(f"/skolens-plan/{plan.id}/kvitteringsliste")
    assert listing.status_code == 200
    text = docx_text(listing.data)
    for name in NORDPOLEN_STAFF:
        assert name in text
    assert text.count("Ikke signert") == 3
    assert "1 av 4 ansatte har signert." in text and plan.sha256 in text
    assert [e.object_id for e in audit_events(session, "acknowledgement.register_downloaded")] == [
        str(plan.id)
    ]
    # The rektor may open an employee's kvittering from the register; a colleague may not.
    (ack,) = acknowledgements(session)
    assert client.get(f"/skolens-plan/kvittering/{ack.id}/docx").status_code == 200
    log_in(client, demo["ansatt"])
    assert client.get(f"/skolens-plan/kvittering/{ack.id}/docx").status_code == 404
    assert client.get(REGISTER).status_code == 403


def test_a_new_version_puts_everyone_back_to_not_yet(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    published_by_rektor(client, demo)
    log_in(client, demo["kontaktlaerer"])
    sign(client, "Per Olsen")
    (old,) = acknowledgements(session)
    published_by_rektor(client, demo, content=plan_docx("Rettet plan"), filename="plan.docx")
    first, second = plans(session)
    assert (second.school_year, second.number, second.format) == ("2026/2027", 2, "docx")

    log_in(client, demo["ledelse"])
    page = client.get(REGISTER).get_data(as_text=True)
    assert "0 av 4 ansatte har kvittert." in page and "10.08.2026, versjon 2" in page
    assert "signerte 10.08.2026," in page  # Per signed the version before
    old_register = client.get(f"/skolens-plan/{first.id}/kvitteringer").get_data(as_text=True)
    assert "1 av 4 ansatte har kvittert." in old_register and "Erstattet" in old_register

    log_in(client, demo["kontaktlaerer"])
    page = client.get(PLAN_PAGE).get_data(as_text=True)
    assert 'name="typed_signature"' in page and "Tidligere kvitteringer" in page
    # The old kvittering stays a valid record of what was read, byte for byte.
    old_file = client.get(f"/skolens-plan/kvittering/{old.id}/docx")
    assert old_file.data == archive_for(tmp_path).get(old.docx_sha256, "docx")
    assert first.sha256 in docx_text(old_file.data)
    assert sign(client, "Per Olsen").status_code == 302
    assert [a.plan_id for a in acknowledgements(session)] == [first.id, second.id]


def test_another_schools_rektor_gets_404(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    published_by_rektor(client, demo)
    (plan,) = plans(session)
    log_in(client, demo["kontaktlaerer"])
    sign(client, "Per Olsen")
    (ack,) = acknowledgements(session)

    log_in(client, "rektor.vestreaker@demo.trygg.no")
    for url in (
        f"/skolens-plan/{plan.id}/kvitteringer",
        f"/skolens-plan/{plan.id}/kvitteringsliste",
        f"/skolens-plan/{plan.id}/fil",
        f"/skolens-plan/kvittering/{ack.id}/docx",
    ):
        assert client.get(url).status_code == 404, url
    # Their own register: their school has published nothing, and lists nobody from Nordpolen.
    page = client.get(REGISTER).get_data(as_text=True)
    assert "ikke publisert planen" in page and "Per Olsen" not in page


# --- publishing --------------------------------------------------------------------------


def test_publishing_refuses_what_is_not_a_plan_and_keeps_the_form(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    log_in(client, demo["ledelse"])
    page = publish(client, content=b"not a pdf at all", filename="plan.pdf").get_data(as_text=True)
    assert "Planen må være en PDF eller et Word-dokument" in error_summary(page)
    page = publish(client, school_year="2026/2028", title="Vår plan").get_data(as_text=True)
    assert "to år som følger etter hverandre" in error_summary(page)
    assert input_value(page, "title") == "Vår plan"
    assert input_value(page, "version_date") == "10.08.2026"
    assert plans(session) == []

    # Too large for the page: refused before the body is read, with a Norwegian message.
    huge = b"%PDF-" + b"0" * (MAX_PLAN_BYTES + 128 * 1024)
    response = publish(client, content=huge)
    assert response.status_code == 413
    assert "Planen kan være høyst 15 MB" in response.get_data(as_text=True)
    assert plans(session) == []


def test_front_page_and_menu(client: FlaskClient, session: Session, demo: dict[str, str]) -> None:
    log_in(client, demo["ledelse"])
    home = client.get("/").get_data(as_text=True)
    assert "Publiser planen" in home and 'href="/skolens-plan/kvitteringer"' in home
    log_in(client, demo["ansatt"])
    home = client.get("/").get_data(as_text=True)
    assert 'href="/skolens-plan"' in home and "Kvitteringer" not in home
    assert "Les og kvitter" not in home  # nothing published yet
    log_in(client, demo["skoleeier"])
    home = client.get("/").get_data(as_text=True)
    assert 'href="/skolens-plan"' not in home
