"""Safe, name-free file names for documents."""

import re
import unicodedata

# Letters NFKD cannot split into ASCII + accent.
_FOLD = str.maketrans({"æ": "ae", "Æ": "Ae", "ø": "o", "Ø": "O", "å": "a", "Å": "A", "ß": "ss"})
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def ascii_fold(value: str) -> str:
    folded = unicodedata.normalize("NFKD", value.translate(_FOLD))
    return folded.encode("ascii", "ignore").decode("ascii")


def _part(value: str) -> str:
    cleaned = _UNSAFE.sub("-", ascii_fold(value)).strip("-._")
    return re.sub(r"-{2,}", "-", cleaned) or "dokument"


def document_filename(reference: str, kind: str, version: int = 1, ext: str = "docx") -> str:
    """«2026/0142», «aktivitetsplan», 1 → «2026-0142_aktivitetsplan_v1.docx».

    Only [A-Za-z0-9_.-], so the name is safe in a Content-Disposition header, a zip and
    every file system; never a person's name, so the archive scan never hits it.
    """
    return f"{_part(reference)}_{_part(kind)}_v{int(version)}.{_part(ext).lower()}"
