"""The PDF/A of many kvitteringer at once (the merged export of a plan version), made
with a few LibreOffice conversions instead of one per employee (trygg.pdf.batch).

Each PDF is archived, recorded, read back and audited exactly as a single download
(trygg.acknowledgements.signing.acknowledgement_pdf) does it, so the export and a later
download of one kvittering give the same archived file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from sqlalchemy.orm import Session

from trygg import audit
from trygg.acknowledgements.signing import archived_pdf, pdf_stamp, record_pdf
from trygg.archive import Archive
from trygg.models import Acknowledgement
from trygg.pdf import ConverterPool, PdfUnavailable
from trygg.pdf.batch import CHUNK, convert_many
from trygg.pdf.errors import NO_SERVICE_CONFIGURED

# (kvitteringer done, kvitteringer in all)
Progress = Callable[[int, int], None]


def acknowledgement_pdfs(
    session: Session,
    archive: Archive,
    acks: Sequence[Acknowledgement],
    converters: ConverterPool | None,
    initiator: audit.Initiator,
    now: dt.datetime,
    progress: Progress | None = None,
    *,
    chunk: int = CHUNK,
) -> list[bytes]:
    """The PDF/A of each kvittering in ``acks``, in order, each read (and audited) as a
    download; those not made yet are made together first. Raises PdfUnavailable
    without converters and ConversionFailed when LibreOffice fails on a kvittering even
    on its own; the files already archived stay, unrecorded if the caller rolls back."""
    pdfs: dict[int, bytes] = {}
    missing = []
    for number, ack in enumerate(acks):
        if ack.pdf_sha256 is None:
            missing.append(number)
        else:
            pdfs[number] = archived_pdf(session, archive, ack, initiator, now)
    if progress is not None:
        progress(len(pdfs), len(acks))
    if missing:
        if converters is None:
            raise PdfUnavailable(NO_SERVICE_CONFIGURED)
        docs = [archive.get(acks[n].docx_sha256, "docx") for n in missing]
        stamps = [pdf_stamp(acks[n]) for n in missing]
        made = convert_many(docs, stamps, converters=converters, chunk=chunk)
        # Each PDF is archived and read back as it comes, while LibreOffice works on
        # the next chunks.
        for index, pdf in made:
            ack = acks[missing[index]]
            record_pdf(session, archive, ack, pdf)
            pdfs[missing[index]] = archived_pdf(session, archive, ack, initiator, now)
            if progress is not None:
                progress(len(pdfs), len(acks))
    return [pdfs[number] for number in range(len(acks))]
