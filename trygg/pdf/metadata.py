"""Stamping archive metadata into a PDF/A without losing the PDF/A claim."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any, cast

from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, StreamObject

from trygg.pdf.xmp import PdfAId, XmpValue, pdf_date, read_pdfa_id, update_xmp, xmp_date


def read_xmp(pdf: bytes) -> bytes | None:
    reader = PdfReader(io.BytesIO(pdf))
    return _catalog_xmp(cast(Any, reader.trailer["/Root"]))


def pdfa_id(pdf: bytes) -> PdfAId | None:
    """The PDF/A claim in the XMP (a claim, not a validation: that needs veraPDF)."""
    return read_pdfa_id(read_xmp(pdf))


def _catalog_xmp(catalog: Any) -> bytes | None:
    metadata = catalog.get("/Metadata")
    if metadata is None:
        return None
    return cast(bytes, metadata.get_object().get_data())


def clone(pdf: bytes) -> PdfWriter:
    """A writer that keeps XMP, /OutputIntents and the original %PDF-1.x header."""
    return PdfWriter(clone_from=io.BytesIO(pdf), keep_initial_header=True)


def set_xmp(writer: PdfWriter, xmp: bytes) -> None:
    """Store the packet as an unfiltered /Metadata stream, as PDF/A readers expect."""
    existing = writer.root_object.get("/Metadata")
    if existing is not None and "/Filter" not in existing.get_object():
        # Rewrites the existing object in place, so no orphan is left behind.
        writer.xmp_metadata = xmp
        return
    stream = StreamObject()
    stream[NameObject("/Type")] = NameObject("/Metadata")
    stream[NameObject("/Subtype")] = NameObject("/XML")
    stream.set_data(xmp)
    writer.root_object[NameObject("/Metadata")] = writer._add_object(stream)
    if existing is not None:
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)


def archive_properties(
    *,
    title: str,
    reference: str,
    school: str,
    created: datetime,
    source_sha256: str,
) -> tuple[dict[str, str], dict[str, XmpValue]]:
    """The Info entries and the XMP properties of an archive copy, the same values in
    both (see :func:`stamp_metadata`); trygg.pdf.split writes them with pikepdf."""
    if created.utcoffset() is None:
        raise ValueError("created must be timezone-aware")
    if len(source_sha256) != 64 or any(c not in "0123456789abcdef" for c in source_sha256):
        raise ValueError("source_sha256 must be 64 lowercase hex digits")
    subject = f"Sak {reference}, {school}"
    keywords = f"Trygg; sak:{reference}; kilde-sha256:{source_sha256}"
    info = {
        "/Title": title,
        "/Author": school,
        "/Subject": subject,
        "/Keywords": keywords,
        "/CreationDate": pdf_date(created),
        "/ModDate": pdf_date(created),
    }
    properties: dict[str, XmpValue] = {
        "dc:title": {"x-default": title},
        "dc:creator": [school],
        "dc:description": {"x-default": subject},
        "dc:identifier": reference,
        "dc:publisher": [school],
        "dc:source": f"sha256:{source_sha256}",
        "pdf:Keywords": keywords,
        "xmp:CreateDate": xmp_date(created),
        "xmp:ModifyDate": xmp_date(created),
        "xmp:MetadataDate": xmp_date(created),
    }
    return info, properties


def stamp_metadata(
    pdf: bytes,
    *,
    title: str,
    reference: str,
    school: str,
    created: datetime,
    source_sha256: str,
) -> bytes:
    """Return a copy with title, case reference, school, date and source hash stamped in.

    Info and XMP are written together with the same values, so a PDF/A-2b input stays a
    consistent PDF/A-2b (``PdfWriter(clone_from=...)`` keeps XMP and /OutputIntents,
    which ``append()`` would drop). The reference, school and hash go into standard
    properties (Subject/dc:description, Keywords/pdf:Keywords, dc:identifier, dc:source,
    dc:publisher) because custom XMP properties would need an extension schema.
    ``created`` must be timezone-aware; it is also used as ModDate so that stamping the
    same input twice gives the same metadata.
    """
    info, properties = archive_properties(
        title=title,
        reference=reference,
        school=school,
        created=created,
        source_sha256=source_sha256,
    )
    writer = clone(pdf)
    writer.add_metadata(info)
    set_xmp(writer, update_xmp(_catalog_xmp(writer.root_object), properties))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
