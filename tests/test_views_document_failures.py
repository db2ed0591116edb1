"""What the case's files answer when they cannot be delivered, each with its own page:
a damaged archive says the file cannot be fetched (500), a labelled person's name in a
PDF is named on the leak page (422), a case with nothing final says why; the whole case
(a background job, tests/case_pdf_job.py) says the same on its job page; and two saves
or two archivings that meet in the same instant lose nothing.

The database, the archive and LibreOffice are the real ones."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from pypdf import PdfWriter
from sqlalchemy import event, insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from tests.case_pdf_job import whole_case_pdf
from tests.conftest import csrf_token, log_in
from tests.document_pages import (
    archived,
    audit_details,
    documents,
    download_url,
    edit_url,
    send_home,
    submit,
    text_of,
)
from tests.factories.cases import BY, NOW, archive_for, case_at
from tests.factories.content import PLAN
from tests.factories.users import HANDLER, RECTOR, user
from trygg.cases.actors import PersonInput
from trygg.cases.registry import register_person
from trygg.jobs.exports import CASE_PDF_NAME_LEAK
from trygg.models import ArchivedFile, Case, CaseDocument
from trygg.models.jobs import FAILED

# Among the longest files (real processes, threads or conversions): run first
# (tests/conftest.py).
pytestmark = pytest.mark.slow

# The plan mentions a family by surname; nobody of that name was in the case then.
BACKGROUND = "Saken ble tatt opp på foreldremøtet hjemme hos familien Strand."


def archived_pdfs(session: Session, case: Case) -> list[ArchivedFile]:
    session.expire_all()
    query = select(ArchivedFile).where(
        ArchivedFile.case_id == case.id, ArchivedFile.format == "pdf"
    )
    return list(session.execute(query).scalars())


def case_whose_plan_names_someone_added_later(session: Session, tmp_path: Path) -> Case:
    """A final plan whose Word file was clean when it was archived; then Ida Strand, a
    pupil who saw what happened, is added to the case. She is labelled from now on, so
    «Strand» in the plan's text is her name: the PDF made from the archived Word file
    must not leave the case page with it."""
    case = case_at(session, tmp_path, "planned", plan={**PLAN, "background": BACKGROUND})
    witness = PersonInput("Ida Strand", "pupil", role="vitne")
    register_person(session, case, witness, user(session, HANDLER), BY, NOW)
    session.commit()
    return case


@contextmanager
def just_before(
    engine: Engine, statement_start: str, act: Callable[[Connection], None]
) -> Iterator[None]:
    """Run `act` just before the request's first statement starting with
    `statement_start`: someone else's work landing between the request's check and its
    write. It runs on the request's own connection, inside its transaction: SQLite lets
    one writer in at a time, and the request holds that lock from its first write."""
    done: list[bool] = []

    def hook(connection: Connection, *args: Any) -> None:
        statement: str = args[1]
        if not done and statement.lstrip().upper().startswith(statement_start):
            done.append(True)
            act(connection)

    event.listen(engine, "before_cursor_execute", hook)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", hook)
    assert done, f"no {statement_start} statement ran"


# --- A damaged archive -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("damage", "said"),
    [
        ("deleted", "Det arkiverte dokumentet mangler i arkivet."),
        ("altered", "Det arkiverte dokumentet er endret etter arkivering"),
    ],
)
@pytest.mark.libreoffice
@pytest.mark.usefixtures("converter")
def test_the_whole_case_from_a_damaged_archive_says_the_file_cannot_be_fetched(
    client: FlaskClient,
    session: Session,
    demo: dict[str, str],
    tmp_path: Path,
    damage: str,
    said: str,
) -> None:
    case = case_at(session, tmp_path, "planned")
    [plan] = documents(session, case.id, "aktivitetsplan")
    [stored] = archived(session, plan, "docx")
    path = archive_for(tmp_path).root / stored.sha256[:2] / f"{stored.sha256}.docx"
    if damage == "deleted":
        path.unlink()
    else:
        path.chmod(0o600)
        path.write_bytes(path.read_bytes() + b"changed on disk")
    log_in(client, HANDLER)

    made = whole_case_pdf(client, session, case.id)

    # Not «Ingen dokumenter»: the documents exist, the archive is damaged.
    assert made.job.status == FAILED and said in (made.job.error or "")
    assert "Eksporten mislyktes." in made.page and said in made.page
    assert "Ingen dokumenter" not in made.page
    assert f'href="/saker/{case.id}"' in made.page
    # The job committed the PDFs of the intact documents it made on the way (each is
    # what its own download archives); the damaged one has none, and nothing was handed out.
    assert plan.id not in [f.document_id for f in archived_pdfs(session, case)]
    assert made.download is None and made.job.result_sha256 is None
    assert audit_details(session, case, "case.bundle_downloaded") == []


# --- A name in the PDF -------------------------------------------------------------------


@pytest.mark.libreoffice
@pytest.mark.usefixtures("converter")
def test_a_name_in_the_whole_case_pdf_is_named_on_the_leak_page(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_whose_plan_names_someone_added_later(session, tmp_path)
    [plan] = documents(session, case.id, "aktivitetsplan")
    log_in(client, HANDLER)

    made = whole_case_pdf(client, session, case.id)

    # The job's message is kept in its row, so it names no one: it says where to look.
    assert made.job.status == FAILED and made.job.error == CASE_PDF_NAME_LEAK
    assert CASE_PDF_NAME_LEAK in made.page and "Strand" not in made.page
    assert f'href="/saker/{case.id}"' in made.page
    assert plan.id not in [f.document_id for f in archived_pdfs(session, case)]
    assert audit_details(session, case, "case.bundle_downloaded") == []
    # Where it points: the document's own PDF names the name on the leak page.
    response = client.get(download_url(case, plan, "pdf"))
    assert response.status_code == 422
    shown = text_of(response)
    assert "Navn på personer i saken står i dokumentet" in shown
    assert "Navnet «Strand» står i PDF-en (Aktivitetsplan, versjon 1)" in shown


@pytest.mark.libreoffice
@pytest.mark.usefixtures("converter")
def test_a_name_in_the_copy_for_home_is_named_on_the_leak_page(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_whose_plan_names_someone_added_later(session, tmp_path)
    [plan] = documents(session, case.id, "aktivitetsplan")
    log_in(client, HANDLER)

    response = send_home(
        client, f"/saker/{case.id}/dokumenter/{plan.id}/send-hjem", "sommerfugl-42", "sommerfugl-42"
    )

    # Not the form again with «Dokumentet inneholder navn …» and no name.
    assert response.status_code == 422
    shown = text_of(response)
    assert "Navn på personer i saken står i dokumentet" in shown
    assert "Navnet «Strand» står i PDF-en (Aktivitetsplan, versjon 1)" in shown
    assert f'href="{edit_url(case.id, "aktivitetsplan")}"' in shown
    assert f'href="/saker/{case.id}"' in shown
    assert archived_pdfs(session, case) == []
    assert audit_details(session, case, "document.home_copy") == []


# --- Nothing final yet ---------------------------------------------------------------------


def test_a_case_with_nothing_final_says_so(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    # Every case filed through the report form has its final meldeskjema; a case row
    # brought in any other way may have no final document at all.
    rector = user(session, RECTOR)
    case = Case(
        reference="2026/9999",
        school_id=rector.school_id,
        pupil_name="Ola Nordmann",
        pupil_key="ola nordmann|7a",
        pupil_class="7A",
        handler_id=rector.id,
    )
    session.add(case)
    session.commit()
    log_in(client, RECTOR)
    # The case page offers the button only when something is final; a link kept from
    # before leads to the case page.
    assert "samlet-pdf" not in text_of(client.get(f"/saker/{case.id}"))
    old = client.get(f"/saker/{case.id}/samlet.pdf")
    assert old.status_code == 302 and old.headers["Location"].startswith(f"/saker/{case.id}")

    # A form kept from before: the reason, and the way back to the case.
    made = whole_case_pdf(client, session, case.id)

    assert made.job.status == FAILED
    assert "Saken har ingen ferdigstilte dokumenter ennå." in made.page
    assert f'href="/saker/{case.id}"' in made.page
    assert audit_details(session, case, "case.bundle_downloaded") == []


# --- Two at once -----------------------------------------------------------------------------


@pytest.mark.libreoffice
@pytest.mark.usefixtures("converter")
def test_two_people_archiving_the_same_pdf_at_once_both_get_it(
    client: FlaskClient, session: Session, engine: Engine, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "planned")
    [plan] = documents(session, case.id, "aktivitetsplan")
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    theirs = buffer.getvalue()
    sha256 = archive_for(tmp_path).put(theirs, "pdf")
    rector_id = user(session, RECTOR).id
    case_id, plan_id = case.id, plan.id

    def archived_by_the_rector(connection: Connection) -> None:
        connection.execute(
            insert(ArchivedFile).values(
                case_id=case_id,
                document_id=plan_id,
                format="pdf",
                sha256=sha256,
                size=len(theirs),
                filename="rektors.pdf",
                archived_at=NOW,
                archived_by=rector_id,
            )
        )

    log_in(client, HANDLER)
    with just_before(engine, "INSERT INTO ARCHIVED_FILES", archived_by_the_rector):
        response = client.get(download_url(case, plan, "pdf"))

    # The PDF archived first is the one served, and the only one in the archive.
    assert response.status_code == 200, text_of(response)[:2000]
    assert response.data == theirs
    assert [f.sha256 for f in archived(session, plan, "pdf")] == [sha256]
    assert audit_details(session, case, "document.downloaded") == [
        {"document": plan.id, "format": "pdf"}
    ]


def test_a_save_that_loses_the_race_in_the_database_shows_the_conflict_page(
    client: FlaskClient, session: Session, engine: Engine, demo: dict[str, str], tmp_path: Path
) -> None:
    """Both saves passed the revision check; the database's version check stops the
    second write. The failed write is undone and the page shows the conflict with the
    text as typed, not an error."""
    case = case_at(session, tmp_path, "received")
    log_in(client, HANDLER)
    url = edit_url(case.id, "undersokelse")
    client.post(f"{url}/start", data={"csrf_token": csrf_token(client, url)})  # start button
    page = text_of(client.get(edit_url(case.id, "undersokelse")))
    [draft] = documents(session, case.id, "undersokelse")
    draft_id, opened_with = draft.id, draft.revision

    def saved_by_someone_else(connection: Connection) -> None:
        connection.execute(
            update(CaseDocument)
            .where(CaseDocument.id == draft_id)
            .values(revision=CaseDocument.revision + 1)
        )

    with just_before(engine, "UPDATE CASE_DOCUMENTS", saved_by_someone_else):
        response = submit(
            client, edit_url(case.id, "undersokelse"), page, {"analysis": "Min analyse."}
        )

    assert response.status_code == 200
    shown = text_of(response)
    assert "lagret dokumentet etter at du åpnet det. Ingenting er tapt" in shown
    assert "Min analyse." in shown
    # The other save ran inside this request (see just_before), so it is undone with it.
    [saved] = documents(session, case.id, "undersokelse")
    assert "analysis" not in saved.data and saved.revision == opened_with
