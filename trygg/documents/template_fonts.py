"""Fonts a Word template asks for that the PDF server lacks.

LibreOffice silently replaces a missing font with whatever fontconfig offers; a font
with other widths breaks lines and words elsewhere than in Word. A metric-compatible
twin (Carlito for Calibri, Liberation for the Microsoft core fonts) keeps every line, so
only other replacements are worth a warning.
"""

from __future__ import annotations

import functools
import io
import shutil
import subprocess
import zipfile

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"

# Same widths, so the PDF breaks lines where Word does (fontconfig's metric aliases and
# LibreOffice's own replacement table).
METRIC_TWINS = {
    "calibri": "carlito",
    "cambria": "caladea",
    "arial": "liberation sans",
    "helvetica": "liberation sans",
    "times new roman": "liberation serif",
    "times": "liberation serif",
    "courier new": "liberation mono",
    "courier": "liberation mono",
    "symbol": "opensymbol",
    "wingdings": "opensymbol",
}

# A hostile template could name thousands of fonts; a few warnings say enough.
MAX_WARNINGS = 8

_PARTS = ("word/styles.xml", "word/document.xml", "word/fonttable.xml")


def _used_by(name: str) -> bool:
    lower = name.lower()
    base = lower.rsplit("/", 1)[-1]
    return lower in _PARTS or (
        lower.startswith("word/") and base.startswith(("header", "footer", "theme"))
    )


def template_fonts(docx_bytes: bytes) -> set[str]:
    """Font families the text of the template is set in (Latin text: ascii and hAnsi,
    and the theme's Latin fonts that styles refer to)."""
    fonts: set[str] = set()
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as archive:
        for name in archive.namelist():
            if not _used_by(name):
                continue
            tree = etree.parse(io.BytesIO(archive.read(name)), parser)
            for element in tree.iter(f"{W}rFonts"):
                fonts.update(v for k in ("ascii", "hAnsi") if (v := element.get(f"{W}{k}")))
            for element in tree.iter(f"{A}majorFont", f"{A}minorFont"):
                latin = element.find(f"{A}latin")
                if latin is not None and latin.get("typeface"):
                    fonts.add(latin.get("typeface") or "")
    return {f.strip() for f in fonts if f.strip()}


@functools.cache
def installed_families() -> frozenset[str] | None:
    """Every family fontconfig knows, lower-case; read once. None without fontconfig."""
    program = shutil.which("fc-list")
    if program is None:
        return None
    result = subprocess.run(  # noqa: S603 - a fixed command line, no shell
        [program, ":", "family"], capture_output=True, text=True, timeout=30, check=False
    )
    families: set[str] = set()
    for line in result.stdout.splitlines():
        families.update(part.strip().lower() for part in line.split(",") if part.strip())
    return frozenset(families)


@functools.cache
def fallback_for(font: str) -> str:
    """The family fontconfig (and so LibreOffice) puts in place of `font`."""
    program = shutil.which("fc-match")
    if program is None:
        return "en annen skrifttype"
    # The name comes from the template: one argument, never an option (missing_fonts
    # drops names that start with "-"), no shell.
    result = subprocess.run(  # noqa: S603
        [program, "--format=%{family[0]}", font],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    return result.stdout.strip() or "en annen skrifttype"


def missing_fonts(docx_bytes: bytes) -> list[tuple[str, str]]:
    """(font, what the PDF shows instead) for each font the server lacks, without a
    metric-compatible twin; empty where fontconfig is not installed."""
    installed = installed_families()
    if installed is None:
        return []
    missing: list[tuple[str, str]] = []
    for font in sorted(template_fonts(docx_bytes), key=str.lower):
        lower = font.lower()
        if font.startswith("-") or not font.isprintable() or len(font) > 100:
            continue
        if len(missing) == MAX_WARNINGS:
            break
        if lower in installed or METRIC_TWINS.get(lower) in installed:
            continue
        missing.append((font, fallback_for(font)))
    return missing
