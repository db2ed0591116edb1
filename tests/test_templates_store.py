"""Municipal and school templates in the domain: upload with pre-flight, versions, which
template a document is rendered with, roll-back and reset, and the LibreOffice hook."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.admin_pages import audit_events
from tests.factories.templates import KIND, edited_default, heading_of
from tests.factories.users import NORDPOLEN, VESTRE_AKER, oslo, school_id
from tests.smtp_server import free_port
from trygg import audit
from trygg.documents import PreflightReport, check_template
from trygg.documents.template_store import (
    MAX_TEMPLATE_BYTES,
    Checker,
    activate_version,
    active_template,
    libreoffice_checker,
    overview,
    reset_to_default,
    templates_for,
    upload_template,
)
from trygg.errors import DomainError
from trygg.models import DocumentTemplate
from trygg.pdf import ConverterService

NOW = dt.datetime(2026, 9, 14, 12, 0)
BY = audit.Initiator(user_id=None, email="admin@demo.trygg.no")


def plain_check(content: bytes, kind: str) -> PreflightReport:
    """The pre-flight without LibreOffice: these tests are about storing, not converting."""
    return check_template(content, kind)


def upload(
    session: Session,
    content: bytes,
    school: int | None,
    *,
    kind: str = KIND,
    filename: str = "aktivitetsplan.docx",
    checker: Checker = plain_check,
) -> DocumentTemplate:
    template = upload_template(
        session,
        oslo(session),
        content=content,
        filename=filename,
        kind=kind,
        school_id=school,
        checker=checker,
        initiator=BY,
        now=NOW,
    )
    session.commit()
    return template


def test_a_valid_template_becomes_the_schools_active_version(
    session: Session, demo: dict[str, str]
) -> None:
    nordpolen = school_id(session, NORDPOLEN)
    content = edited_default()
    template = upload(session, content, nordpolen)

    assert (template.version, template.active, template.school_id) == (1, True, nordpolen)
    assert "GODKJENT" in template.report
    assert heading_of(active_template(session, oslo(session), nordpolen, KIND) or b"") == (
        "Aktivitetsplan – Oslo kommune"
    )
    assert active_template(session, oslo(session), nordpolen, KIND) == content
    # Uploaded for one school only: the other school of the municipality keeps the default.
    assert active_template(session, oslo(session), school_id(session, VESTRE_AKER), KIND) is None
    assert active_template(session, oslo(session), nordpolen, "evaluering") is None

    uploaded = audit_events(session, "template.uploaded")
    activated = audit_events(session, "template.activated")
    assert [e.object_id for e in uploaded] == [str(template.id)] == [e.object_id for e in activated]
    assert json.loads(uploaded[0].details) == {
        "municipality_id": oslo(session),
        "school_id": nordpolen,
        "kind": KIND,
        "version": 1,
        "passed": True,
    }


def test_the_schools_own_template_wins_over_the_municipalitys(
    session: Session, demo: dict[str, str]
) -> None:
    nordpolen, vestre = school_id(session, NORDPOLEN), school_id(session, VESTRE_AKER)
    municipal = upload(session, edited_default("Kommunens plan"), None)
    upload(session, edited_default("Nordpolens plan"), nordpolen)

    assert heading_of(active_template(session, oslo(session), nordpolen, KIND) or b"") == (
        "Nordpolens plan"
    )
    assert heading_of(active_template(session, oslo(session), vestre, KIND) or b"") == (
        "Kommunens plan"
    )
    school_view = {item.kind: item for item in overview(session, oslo(session), vestre)}
    assert school_view[KIND].active is None
    inherited = school_view[KIND].inherited
    assert inherited is not None and inherited.id == municipal.id
    assert school_view["evaluering"].inherited is None


@pytest.mark.parametrize(
    ("change", "finding"),
    [
        ({"problem": "{{ problem }"}, "Malsyntaksfeil"),
        ({"extra": "{{ problem|default(“x”) }}"}, "Typografiske anførselstegn"),
    ],
    ids=["missing-brace", "smart-quotes"],
)
def test_a_broken_template_is_kept_as_refused_and_the_previous_stays_active(
    session: Session, demo: dict[str, str], change: dict[str, str], finding: str
) -> None:
    nordpolen = school_id(session, NORDPOLEN)
    good = upload(session, edited_default("God plan"), nordpolen)
    bad = upload(session, edited_default("Ødelagt plan", **change), nordpolen)

    assert (bad.version, bad.active) == (2, False)
    assert "AVVIST" in bad.report and finding in bad.report
    session.refresh(good)
    assert good.active
    assert heading_of(active_template(session, oslo(session), nordpolen, KIND) or b"") == (
        "God plan"
    )
    versions = {v.version: v for v in templates_for(session, oslo(session), nordpolen)}
    assert versions[2].refused and not versions[1].refused
    assert any(finding in f for f in versions[2].findings)
    assert [e.object_id for e in audit_events(session, "template.refused")] == [str(bad.id)]
    with pytest.raises(DomainError, match="avvist mal"):
        activate_version(session, bad, BY, NOW)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Filen er tom"),
        (b"hello", "ikke et Word-dokument"),
        (b"%PDF-1.7 en pdf", "ikke et Word-dokument"),
        (b"PK\x03\x04" + b"x" * (MAX_TEMPLATE_BYTES + 10), "for stor"),
    ],
    ids=["empty", "text", "pdf", "too-large"],
)
def test_what_is_not_a_word_file_is_refused_and_not_stored(
    session: Session, demo: dict[str, str], content: bytes, message: str
) -> None:
    with pytest.raises(DomainError, match=message):
        upload(session, content, school_id(session, NORDPOLEN))
    session.rollback()
    assert session.execute(select(func.count()).select_from(DocumentTemplate)).scalar() == 0


def test_a_zip_that_is_not_a_docx_is_refused_and_not_stored(
    session: Session, demo: dict[str, str]
) -> None:
    # Issue 12: the package check (template_intake) refuses it before any parser runs;
    # a package that is not a Word file is not kept as a version.
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hei.txt", "hei")
    with pytest.raises(DomainError, match="kan ikke leses som Word-dokument") as refused:
        upload(session, out.getvalue(), None)
    assert refused.value.field == "file"
    assert session.scalar(select(func.count()).select_from(DocumentTemplate)) == 0
    template = upload(session, edited_default(), None, filename="C:\\Maler\\mal\x07.docx")
    assert template.filename == "mal.docx"


def test_unknown_kind_and_foreign_school_are_refused(
    session: Session, demo: dict[str, str]
) -> None:
    with pytest.raises(DomainError, match="Ukjent dokumenttype"):
        upload(session, edited_default(), None, kind="brev")
    with pytest.raises(DomainError, match="finnes ikke i denne kommunen"):
        upload(session, edited_default(), 9999)


def test_roll_back_and_reset_to_default(session: Session, demo: dict[str, str]) -> None:
    nordpolen = school_id(session, NORDPOLEN)
    first = upload(session, edited_default("Første"), nordpolen)
    second = upload(session, edited_default("Andre"), nordpolen)
    session.refresh(first)
    assert (first.active, second.active, second.version) == (False, True, 2)

    activate_version(session, first, BY, NOW)
    session.commit()
    session.refresh(second)
    assert first.active and not second.active
    assert heading_of(active_template(session, oslo(session), nordpolen, KIND) or b"") == "Første"

    assert reset_to_default(session, oslo(session), nordpolen, KIND, BY, NOW) == 1
    session.commit()
    assert active_template(session, oslo(session), nordpolen, KIND) is None
    # Nothing is deleted: both versions are still there to go back to.
    assert len(templates_for(session, oslo(session), nordpolen)) == 2
    reset = audit_events(session, "template.reset")[-1]
    assert (reset.object_type, reset.object_id) == ("school", str(nordpolen))
    assert json.loads(reset.details)["kind"] == KIND


def test_without_a_pdf_service_the_report_says_libreoffice_was_not_tried(
    session: Session, demo: dict[str, str]
) -> None:
    template = upload(session, edited_default(), None, checker=libreoffice_checker(()))
    assert template.active
    assert "ikke prøvd i LibreOffice" in template.report
    assert "ikke satt opp" in template.report


def test_an_unreachable_pdf_service_is_a_warning_not_a_crash() -> None:
    report = libreoffice_checker((f"127.0.0.1:{free_port()}",))(edited_default(), KIND)
    assert not report.refused
    assert "svarer ikke" in report.as_text()


@pytest.mark.libreoffice
def test_the_hook_opens_the_test_render_in_the_pdf_service(converter: ConverterService) -> None:
    checker = libreoffice_checker(tuple(str(a) for a in converter.addresses))
    report = checker(edited_default(), KIND)
    assert not report.refused, report.as_text()
    assert "LibreOffice" not in report.as_text()
