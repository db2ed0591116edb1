"""Dated notes and attachments of a case, in the domain (issue 10: "Phone calls, meetings
and screenshots have nowhere to go"): what is taken in and refused, what is stored, that
rows never change, and who may add and withdraw them."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import docx
import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

from tests.attachment_files import HIDDEN_SCRIPT, jpeg, pdf, png
from tests.factories.cases import BY, NOW, archive_for, case_at, sara_report
from tests.factories.principals import (
    ADMIN,
    DEPUTY,
    HANDLER,
    NORDPOLEN,
    OSLO,
    OTHER_RECTOR,
    OTHER_TEACHER,
    OWNER,
    RECTOR,
    REPORTER,
)
from tests.factories.users import HANDLER as HANDLER_EMAIL
from tests.factories.users import user
from trygg.accounts.permissions import CaseAccess, can_add_case_records, can_withdraw_case_record
from trygg.cases import notes
from trygg.cases.attachments import (
    MAX_ATTACHMENT_BYTES,
    check_upload,
    display_name,
    image_page,
)
from trygg.cases.case_records import case_records
from trygg.cases.notes_pdf import section_docx
from trygg.errors import NotFound, Refused
from trygg.models import AuditEvent, Case
from trygg.models.notes import CaseAttachment, CaseNote

# The test clock: 14.09.2026 12.40 UTC, 14.40 in Oslo.
OSLO_NOW = dt.datetime(2026, 9, 14, 14, 40)


def note(**changes: object) -> notes.NewNote:
    values: dict[str, object] = {
        "kind": "phone_call",
        "happened_at": OSLO_NOW - dt.timedelta(hours=2),
        "text": "Mor ringte og fortalte at Sara gruer seg til friminuttene.",
    }
    values.update(changes)
    return notes.NewNote(**values)  # type: ignore[arg-type]


@pytest.fixture
def case(session: Session, demo: dict[str, str], tmp_path: Path) -> Case:
    return case_at(session, tmp_path, "received")


def refusal(error: pytest.ExceptionInfo[Refused]) -> tuple[str | None, str]:
    return error.value.field, str(error.value)


# --- notes -----------------------------------------------------------------------------


def test_a_note_is_stored_at_the_time_it_happened_in_utc_and_audited(
    session: Session, case: Case
) -> None:
    handler = user(session, HANDLER_EMAIL)
    row = notes.add_note(session, case, note(), handler, BY, NOW)
    session.commit()
    assert row.happened_at == dt.datetime(2026, 9, 14, 10, 40)  # 12.40 in Oslo, summer time
    assert row.created_by == handler.id and row.kind == "phone_call"
    [event] = session.execute(
        select(AuditEvent).where(AuditEvent.action == "case.note_added")
    ).scalars()
    assert event.object_id == str(case.id)
    assert f'"note": {row.id}' in event.details
    # The text is case content: the audit trail holds its id, never its words.
    assert "Sara" not in event.details


def test_a_note_about_the_future_is_refused_at_its_date(session: Session, case: Case) -> None:
    handler = user(session, HANDLER_EMAIL)
    with pytest.raises(Refused) as error:
        notes.add_note(
            session, case, note(happened_at=OSLO_NOW + dt.timedelta(hours=1)), handler, BY, NOW
        )
    field, message = refusal(error)
    assert field == "happened_at" and "frem i tid" in message
    # A minute's clock difference is "now".
    notes.add_note(session, case, note(happened_at=OSLO_NOW), handler, BY, NOW)


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"kind": "chat"}, "kind", "Velg hva notatet gjelder"),
        ({"text": "   "}, "text", "Skriv hva som ble sagt"),
        ({"text": "x" * (notes.MAX_NOTE_LENGTH + 1)}, "text", "høyst 20000 tegn"),
        ({"happened_at": dt.datetime(1999, 12, 31, 12, 0)}, "happened_at", "for langt tilbake"),
    ],
)
def test_a_note_that_cannot_be_kept_is_refused_at_its_field(
    session: Session, case: Case, changes: dict[str, object], field: str, words: str
) -> None:
    with pytest.raises(Refused) as error:
        notes.add_note(session, case, note(**changes), user(session, HANDLER_EMAIL), BY, NOW)
    assert refusal(error)[0] == field and words in refusal(error)[1]


def test_a_name_not_in_the_case_must_be_added_or_confirmed_not_a_name(
    session: Session, case: Case
) -> None:
    handler = user(session, HANDLER_EMAIL)
    text_ = "Ringte mor. Hun sa at Kari også var med i friminuttet."
    with pytest.raises(Refused) as error:
        notes.add_note(session, case, note(text=text_), handler, BY, NOW)
    field, message = refusal(error)
    assert field == "text" and "«Kari»" in message and "Legg personen til" in message
    row = notes.add_note(
        session, case, note(text=text_, not_names_confirmed=True), handler, BY, NOW
    )
    assert row.not_names == ["Kari"]


def test_a_name_that_could_mean_two_people_is_refused(session: Session, case: Case) -> None:
    from trygg.cases.actors import PersonInput
    from trygg.cases.registry import register_person

    handler = user(session, HANDLER_EMAIL)
    register_person(session, case, PersonInput("Emma Lie", "pupil", role="vitne"), handler, BY, NOW)
    with pytest.raises(Refused) as error:
        notes.add_note(session, case, note(text="Emma så det skje."), handler, BY, NOW)
    field, message = refusal(error)
    assert field == "text" and "«Emma» kan være flere personer" in message


def test_the_combined_pdf_section_labels_other_pupils(session: Session, case: Case) -> None:
    handler = user(session, HANDLER_EMAIL)
    notes.add_note(
        session,
        case,
        note(kind="meeting", text="Møte med Sara. Jonas Berg og Emma Hansen ble nevnt."),
        handler,
        BY,
        NOW,
    )
    records = case_records(session, case)
    section = section_docx(case, list(records.notes), [])
    words = "\n".join(p.text for p in docx.Document(io.BytesIO(section)).paragraphs)
    assert "Møte" in words and "Sara" in words
    assert "Jonas" not in words and "Emma" not in words and "Elev A" in words


def test_notes_attachments_and_withdrawals_never_change_or_disappear(
    session: Session, case: Case, tmp_path: Path
) -> None:
    handler = user(session, HANDLER_EMAIL)
    row = notes.add_note(session, case, note(), handler, BY, NOW)
    attachment = notes.add_attachment(
        session, archive_for(tmp_path), case, notes.NewAttachment("a.png", png()), handler, BY, NOW
    )
    notes.withdraw(session, case, "note", row.id, "Lagt i feil sak.", handler, BY, NOW)
    session.commit()
    for statement in (
        f"UPDATE case_notes SET text = 'endret' WHERE id = {row.id}",
        f"DELETE FROM case_notes WHERE id = {row.id}",
        f"UPDATE case_attachments SET sha256 = 'x' WHERE id = {attachment.id}",
        f"DELETE FROM case_attachments WHERE id = {attachment.id}",
        "DELETE FROM case_record_withdrawals",
    ):
        with pytest.raises(DatabaseError):
            session.execute(text(statement))
        session.rollback()
    assert session.get(CaseNote, row.id) is not None


def test_a_withdrawal_needs_a_reason_and_happens_once(session: Session, case: Case) -> None:
    handler = user(session, HANDLER_EMAIL)
    row = notes.add_note(session, case, note(), handler, BY, NOW)
    with pytest.raises(Refused) as error:
        notes.withdraw(session, case, "note", row.id, " ", handler, BY, NOW)
    assert refusal(error)[0] == "reason"
    notes.withdraw(session, case, "note", row.id, "Gjaldt en annen elev.", handler, BY, NOW)
    with pytest.raises(Refused, match="allerede trukket tilbake"):
        notes.withdraw(session, case, "note", row.id, "Igjen.", handler, BY, NOW)
    [entry] = case_records(session, case).notes
    assert entry.withdrawn is not None and entry.withdrawn.reason == "Gjaldt en annen elev."
    with pytest.raises(NotFound):
        notes.withdraw(session, case, "attachment", row.id + 999, "Feil sak.", handler, BY, NOW)


# --- attachments -------------------------------------------------------------------------


def test_pdf_png_and_jpeg_are_taken_in_by_their_content(
    session: Session, case: Case, tmp_path: Path
) -> None:
    archive = archive_for(tmp_path)
    handler = user(session, HANDLER_EMAIL)
    for name, content, fmt in (
        ("brev.PDF", pdf(), "pdf"),
        ("skjermbilde.png", png(), "png"),
        ("foto.jpeg", jpeg(), "jpg"),
        # The name says nothing: a PNG called .jpg is a PNG.
        ("feil-navn.jpg", png(), "png"),
    ):
        row = notes.add_attachment(
            session, archive, case, notes.NewAttachment(name, content), handler, BY, NOW
        )
        assert row.format == fmt
        assert archive.get(row.sha256, fmt)  # stored, and intact
    session.commit()
    rows = session.execute(select(CaseAttachment).where(CaseAttachment.case_id == case.id))
    assert [r.display_name for r in rows.scalars()] == [
        "brev.pdf",
        "skjermbilde.png",
        "foto.jpg",
        "feil-navn.png",
    ]
    actions = session.execute(
        select(AuditEvent.action).where(AuditEvent.action == "case.attachment_added")
    ).scalars()
    assert len(list(actions)) == 4


def test_a_pdf_is_stored_as_received_and_an_image_is_encoded_again_without_metadata() -> None:
    received = pdf()
    assert check_upload(received, "a.pdf").content == received
    exif = Image.Exif()
    exif[0x010F] = "Telefonprodusent"  # Make
    exif[0x8825] = {2: (59.0, 54.0, 0.0), 4: (10.0, 45.0, 0.0)}  # GPS: Oslo
    photo = jpeg(exif.tobytes())
    checked = check_upload(photo + b"vedhengt etter bildet", "foto.jpg")
    assert checked.content != photo and b"Telefonprodusent" not in checked.content
    with Image.open(io.BytesIO(checked.content)) as stored:
        assert stored.getexif() == {} and stored.size == (64, 48)
    assert b"vedhengt" not in checked.content


@pytest.mark.parametrize(
    ("content", "name", "words"),
    [
        (b"MZ\x90\x00" + b"\x00" * 200, "faktura.pdf", "ikke en PDF, PNG eller JPEG"),
        (b"", "tom.png", "tom"),
        (b"%PDF-1.7\nikke en pdf i det hele tatt", "rar.pdf", "kan ikke leses som en"),
        (png()[:60], "halv.png", "kan ikke leses"),
        (jpeg()[:40], "halv.jpg", "kan ikke leses"),
        (pdf(js=True), "skjema.pdf", "JavaScript"),
        (HIDDEN_SCRIPT, "skjult.pdf", "JavaScript"),
        (pdf(embedded=True), "pakke.pdf", "innebygde filer"),
        (pdf(launch=True), "start.pdf", "starter et program"),
        (b"%PDF-" + b"0" * MAX_ATTACHMENT_BYTES, "stor.pdf", "høyst 10 MB"),
    ],
)
def test_a_file_that_is_not_a_clean_pdf_or_image_is_refused_with_the_reason(
    content: bytes, name: str, words: str
) -> None:
    with pytest.raises(Refused) as error:
        check_upload(content, name)
    assert error.value.field == "file" and words in str(error.value)


def test_an_encrypted_pdf_is_refused() -> None:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf())))
    writer.encrypt("passord", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(Refused, match="passordbeskyttet"):
        check_upload(out.getvalue(), "låst.pdf")


def test_a_huge_image_is_refused_before_it_is_decoded() -> None:
    # 8000 × 6000 = 48 megapixels in a few kilobytes of PNG.
    with pytest.raises(Refused, match="Bildet er for stort"):
        check_upload(png((8000, 6000)), "bombe.png")


@pytest.mark.parametrize(
    ("name", "fmt", "shown"),
    [
        ("../../etc/passwd.pdf", "pdf", "passwd.pdf"),
        ("C:\\Users\\lærer\\Skjermbilde 2026-09-14.exe", "png", "Skjermbilde 2026-09-14.png"),
        ("<script>.jpg", "jpg", "script.jpg"),
        ("", "pdf", "vedlegg.pdf"),
        ("...", "png", "vedlegg.png"),
        ("a" * 300 + ".pdf", "pdf", "a" * 115 + ".pdf"),
    ],
)
def test_a_file_name_is_cleaned_for_showing_and_never_trusted(
    name: str, fmt: str, shown: str
) -> None:
    assert display_name(name, fmt) == shown


def test_an_image_becomes_one_pdf_page() -> None:
    page = PdfReader(io.BytesIO(image_page(check_upload(png((1200, 800)), "a.png").content)))
    assert len(page.pages) == 1
    width = float(page.pages[0].mediabox.width)
    assert width <= 6.7 * 72 + 1  # within A4 less margins


def test_an_attachment_of_another_case_is_not_found(
    session: Session, case: Case, tmp_path: Path
) -> None:
    handler = user(session, HANDLER_EMAIL)
    row = notes.add_attachment(
        session, archive_for(tmp_path), case, notes.NewAttachment("a.png", png()), handler, BY, NOW
    )
    other = case_at(
        session, tmp_path, "reported", report=sara_report(pupil_name="Nora Lie", others=())
    )
    assert other.id != case.id
    assert notes.load_attachment(session, case, row.id).id == row.id
    with pytest.raises(NotFound):
        notes.load_attachment(session, other, row.id)


# --- who may add and withdraw ------------------------------------------------------------

ORDINARY = CaseAccess(school_id=NORDPOLEN, municipality_id=OSLO, handler_id=HANDLER.id)
ROUTED = CaseAccess(
    school_id=NORDPOLEN,
    municipality_id=OSLO,
    handler_id=HANDLER.id,
    routed_to_school_owner=True,
    leadership_suspected=True,
    suspected_user_ids=frozenset({RECTOR.id}),
)


@pytest.mark.parametrize(
    ("who", "case_access", "allowed"),
    [
        (HANDLER, ORDINARY, True),
        (RECTOR, ORDINARY, True),
        (DEPUTY, ORDINARY, True),
        (OTHER_TEACHER, ORDINARY, False),  # a teacher who does not handle the case
        (REPORTER, ORDINARY, False),
        (OWNER, ORDINARY, False),  # not routed to the owner
        (ADMIN, ORDINARY, False),
        (OTHER_RECTOR, ORDINARY, False),
        (OWNER, ROUTED, True),
        (HANDLER, ROUTED, True),
        (RECTOR, ROUTED, False),  # the suspect
        (DEPUTY, ROUTED, False),  # hidden from the whole leadership
    ],
)
def test_who_may_add_notes_and_attachments(
    who: object, case_access: CaseAccess, allowed: bool
) -> None:
    assert can_add_case_records(who, case_access) is allowed  # type: ignore[arg-type]


def test_who_may_withdraw_a_note_or_attachment() -> None:
    # The one who added it, or those who manage the case; never another reader.
    assert can_withdraw_case_record(HANDLER, ORDINARY, added_by=HANDLER.id)
    assert can_withdraw_case_record(RECTOR, ORDINARY, added_by=HANDLER.id)
    assert not can_withdraw_case_record(HANDLER, ORDINARY, added_by=RECTOR.id)
    assert not can_withdraw_case_record(HANDLER, ORDINARY, added_by=None)
    assert not can_withdraw_case_record(OTHER_TEACHER, ORDINARY, added_by=OTHER_TEACHER.id)
    assert can_withdraw_case_record(OWNER, ROUTED, added_by=HANDLER.id)
    assert not can_withdraw_case_record(DEPUTY, ROUTED, added_by=DEPUTY.id)
