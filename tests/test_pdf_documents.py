"""Stamping, merging and protecting PDFs made by LibreOffice (PDF/A-2b)."""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
import tempfile
from datetime import datetime, timedelta, timezone

import docx
import pytest
from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError

from trygg.pdf import (
    PdfAId,
    convert_docx_to_pdfa,
    merge_pdfs,
    pdfa_id,
    protect_pdf,
    read_xmp,
    stamp_metadata,
)
from trygg.pdf.xmp import read_pdfa_id, read_property

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is missing"),
]

OSLO_WINTER = timezone(timedelta(hours=1))
CREATED = datetime(2026, 11, 23, 14, 30, 5, tzinfo=OSLO_WINTER)


def make_docx(heading: str, pages: int = 1) -> bytes:
    document = docx.Document()
    for page in range(pages):
        if page:
            document.add_page_break()
        document.add_heading(f"{heading} – side {page + 1}", level=1)
        document.add_paragraph("Tiltak for Åse: trygg skolevei, ærlig samtale, økt tilsyn.")
        table = document.add_table(rows=2, cols=2)
        table.style = "Table Grid"
        table.cell(0, 0).text, table.cell(0, 1).text = "Tiltak", "Ansvarlig"
        table.cell(1, 0).text, table.cell(1, 1).text = "Samtale", "Kontaktlærer Ørjan"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def docx_bytes() -> bytes:
    return make_docx("Aktivitetsplan")


@pytest.fixture(scope="module")
def pdfa(docx_bytes: bytes) -> bytes:
    # A cold soffice is enough here: one conversion for the whole module.
    return convert_docx_to_pdfa(docx_bytes, converters=None)


def pdfinfo(pdf: bytes) -> dict[str, str]:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        output = subprocess.run(
            ["pdfinfo", "-isodates", file.name], capture_output=True, check=True, text=True
        ).stdout
    return {
        key.strip(): value.strip()
        for key, _, value in (line.partition(":") for line in output.splitlines())
    }


def stamp(pdf: bytes, docx_bytes: bytes) -> bytes:
    return stamp_metadata(
        pdf,
        title="Aktivitetsplan for Åse Ødegård",
        reference="2026-0042",
        school="Blåbærlia skole",
        created=CREATED,
        source_sha256=hashlib.sha256(docx_bytes).hexdigest(),
    )


def test_stamp_keeps_pdfa_and_metadata_reads_back(pdfa: bytes, docx_bytes: bytes) -> None:
    source_hash = hashlib.sha256(docx_bytes).hexdigest()

    stamped = stamp(pdfa, docx_bytes)

    assert pdfa_id(pdfa) == PdfAId(2, "B")
    assert pdfa_id(stamped) == PdfAId(2, "B")
    catalog = PdfReader(io.BytesIO(stamped)).trailer["/Root"]
    assert "/OutputIntents" in catalog
    assert stamped.startswith(pdfa[:8])  # the %PDF-1.x header is kept

    info = PdfReader(io.BytesIO(stamped)).metadata
    assert info is not None
    assert info.title == "Aktivitetsplan for Åse Ødegård"
    assert info.author == "Blåbærlia skole"
    assert info.subject == "Sak 2026-0042, Blåbærlia skole"
    assert source_hash in (info.get("/Keywords") or "")
    assert info.creation_date == CREATED

    poppler = pdfinfo(stamped)
    assert poppler["Title"] == "Aktivitetsplan for Åse Ødegård"
    assert poppler["Author"] == "Blåbærlia skole"
    assert "2026-0042" in poppler["Subject"]
    assert poppler["CreationDate"] == "2026-11-23T14:30:05+01"


def test_stamp_keeps_info_and_xmp_in_agreement(pdfa: bytes, docx_bytes: bytes) -> None:
    stamped = stamp(pdfa, docx_bytes)
    info = PdfReader(io.BytesIO(stamped)).metadata
    xmp = read_xmp(stamped)
    assert info is not None and xmp is not None

    # The pairs PDF/A validators compare (ISO 19005-2, 6.6.2.3.1 / veraPDF 6.6.3).
    assert read_property(xmp, "dc:title") == info.title
    assert read_property(xmp, "dc:creator") == info.author
    assert read_property(xmp, "dc:description") == info.subject
    assert read_property(xmp, "pdf:Keywords") == info.get("/Keywords")
    assert read_property(xmp, "pdf:Producer") == info.producer
    assert read_property(xmp, "xmp:CreatorTool") == info.creator
    assert read_property(xmp, "xmp:CreateDate") == "2026-11-23T14:30:05+01:00"
    assert read_property(xmp, "xmp:ModifyDate") == "2026-11-23T14:30:05+01:00"
    assert read_property(xmp, "dc:identifier") == "2026-0042"
    assert read_property(xmp, "dc:source") == f"sha256:{hashlib.sha256(docx_bytes).hexdigest()}"
    # Exactly one of each property: the old ones were replaced, not duplicated.
    assert xmp.count(b"<dc:title>") == 1 and xmp.count(b"<xmp:CreateDate>") == 1
    assert b"encoding=" not in xmp.split(b"?>")[0]


def test_stamp_refuses_naive_dates(pdfa: bytes, docx_bytes: bytes) -> None:
    with pytest.raises(ValueError, match="timezone"):
        stamp_metadata(
            pdfa,
            title="x",
            reference="1",
            school="s",
            created=datetime(2026, 1, 1),
            source_sha256="0" * 64,
        )


def test_merge_has_one_bookmark_per_part(pdfa: bytes) -> None:
    two_pages = convert_docx_to_pdfa(make_docx("Evaluering", pages=2), converters=None)

    merged = merge_pdfs([("Aktivitetsplan", pdfa), ("Evaluering", two_pages), ("Kopi", pdfa)])

    reader = PdfReader(io.BytesIO(merged))
    assert len(reader.pages) == 4
    outline = [(item.title, reader.get_destination_page_number(item)) for item in reader.outline]
    assert outline == [("Aktivitetsplan", 0), ("Evaluering", 1), ("Kopi", 3)]


def test_merge_needs_parts() -> None:
    with pytest.raises(ValueError):
        merge_pdfs([])


def test_protect_opens_only_with_password_and_uses_aes_256(pdfa: bytes) -> None:
    original = bytes(pdfa)

    protected = protect_pdf(pdfa, "Hemmelig-æøå-1")

    assert pdfa == original  # the archive copy is untouched and still PDF/A
    assert pdfa_id(pdfa) == PdfAId(2, "B")
    with pytest.raises(FileNotDecryptedError):
        _ = PdfReader(io.BytesIO(protected)).pages[0].extract_text()
    reader = PdfReader(io.BytesIO(protected))
    encrypt = reader.trailer["/Encrypt"].get_object()
    assert encrypt["/V"] == 5 and encrypt["/R"] == 6
    assert reader.decrypt("feil passord") == 0
    reader = PdfReader(io.BytesIO(protected), password="Hemmelig-æøå-1")
    assert "trygg skolevei" in reader.pages[0].extract_text()
    # An encrypted file cannot be PDF/A, so the copy no longer claims to be one.
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert read_pdfa_id(xmp) is None
    assert read_property(xmp, "pdf:Producer") is not None  # the rest of the metadata stays
    assert "AES-256" in pdfinfo_encrypted(protected)


def pdfinfo_encrypted(pdf: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        return subprocess.run(
            ["pdfinfo", "-upw", "Hemmelig-æøå-1", file.name],
            capture_output=True,
            check=True,
            text=True,
        ).stdout


def test_protect_refuses_empty_password(pdfa: bytes) -> None:
    with pytest.raises(ValueError, match="tomt"):
        protect_pdf(pdfa, "")
