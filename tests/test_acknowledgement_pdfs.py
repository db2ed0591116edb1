"""Issue 15: the PDF/A of a plan version's kvitteringer made together
(trygg.acknowledgements.pdfs) are archived, recorded and audited as a single download
makes them: the export and a later download of one kvittering give the same archived
file, a PDF made before is not made again, and without the PDF service nothing is
recorded."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.acknowledgement_steps import BY, NOW, publish_direct, sign_direct
from tests.admin_pages import audit_events
from tests.factories.cases import archive_for
from trygg.acknowledgements import acknowledgement_pdf
from trygg.acknowledgements.pdfs import acknowledgement_pdfs
from trygg.models import Acknowledgement, User
from trygg.pdf import ConverterService, PdfUnavailable
from trygg.pdf.metadata import read_xmp
from trygg.pdf.xmp import read_property

SIGNERS = ("ansatt", "kontaktlaerer", "ledelse", "admin_school")


def signed(session: Session, demo: dict[str, str], tmp_path: Path) -> list[Acknowledgement]:
    plan = publish_direct(session, tmp_path)
    for role in SIGNERS:
        sign_direct(session, tmp_path, demo[role], plan)
    return list(
        session.execute(select(Acknowledgement).join(User).order_by(User.name, User.id)).scalars()
    )


@pytest.mark.libreoffice
def test_the_batch_archives_what_a_download_gives_and_keeps_what_was_made(
    session: Session, demo: dict[str, str], tmp_path: Path, converter: ConverterService
) -> None:
    acks = signed(session, demo, tmp_path)
    archive, pool = archive_for(tmp_path), converter.pool()
    first = acknowledgement_pdf(session, archive, acks[0], pool, BY, NOW)
    made_before = acks[0].pdf_sha256
    steps: list[tuple[int, int]] = []

    pdfs = acknowledgement_pdfs(
        session, archive, acks, pool, BY, NOW, progress=lambda *step: steps.append(step)
    )
    session.commit()

    assert pdfs[0] == first and acks[0].pdf_sha256 == made_before
    assert steps[0] == (1, 4) and steps[-1] == (4, 4)
    for ack, pdf in zip(acks, pdfs, strict=True):
        assert ack.pdf_sha256 is not None
        assert archive.get(ack.pdf_sha256, "pdf") == pdf
        # A later download is the same archived file, byte for byte.
        assert acknowledgement_pdf(session, archive, ack, pool, BY, NOW) == pdf
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
        assert ack.employee_name in text and text.rstrip().endswith("Side 1 av 1")
        xmp = read_xmp(pdf)
        assert read_property(xmp, "dc:source") == f"sha256:{ack.docx_sha256}"
        assert read_property(xmp, "dc:identifier") == "Skoleår 2026/2027"
    # One download audited per kvittering and call: 1 + 4 + 4.
    assert len(audit_events(session, "acknowledgement.downloaded")) == 9


def test_without_the_pdf_service_nothing_is_recorded(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    acks = signed(session, demo, tmp_path)
    with pytest.raises(PdfUnavailable):
        acknowledgement_pdfs(session, archive_for(tmp_path), acks, None, BY, NOW)
    session.rollback()
    assert all(ack.pdf_sha256 is None for ack in acks)
    assert audit_events(session, "acknowledgement.downloaded") == []
