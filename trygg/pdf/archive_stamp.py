"""The archive metadata of one PDF/A, as a value: stamped with pypdf on a file of its
own (trygg.pdf.metadata) or with pikepdf on a section split from a batch
(trygg.pdf.split), the same values either way."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from trygg.pdf.metadata import archive_properties, stamp_metadata
from trygg.pdf.xmp import XmpValue


@dataclass(frozen=True)
class ArchiveStamp:
    """What trygg.pdf.metadata.stamp_metadata writes into an archive copy."""

    title: str
    reference: str
    school: str
    created: datetime
    source_sha256: str

    def onto(self, pdf: bytes) -> bytes:
        """A copy of ``pdf`` with the stamp in its Info and XMP."""
        return stamp_metadata(pdf, **asdict(self))

    def properties(self) -> tuple[dict[str, str], dict[str, XmpValue]]:
        """The Info entries and XMP properties the stamp writes."""
        return archive_properties(**asdict(self))
