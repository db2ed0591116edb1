"""Where LibreOffice and the uno-capable Python live on this machine.

Both are configuration, overridable by environment, so a deployment (or a test) can
point them elsewhere or at nothing at all.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from trygg.pdf.errors import NO_LIBREOFFICE, NO_UNO_PYTHON, PdfUnavailable

REPO_ROOT = Path(__file__).resolve().parents[2]
SOFFICE_ENV = "TRYGG_SOFFICE"
UNO_PYTHON_ENV = "TRYGG_UNO_PYTHON"
# The Makefile builds this venv on Debian's /usr/bin/python3, the only Python with `uno`.
DEFAULT_UNO_PYTHON = REPO_ROOT / ".venv-uno" / "bin" / "python"


def _executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def find_soffice() -> str:
    """Path of the soffice binary, or PdfUnavailable saying LibreOffice is missing."""
    configured = os.environ.get(SOFFICE_ENV)
    if configured:
        if _executable(Path(configured)):
            return configured
        raise PdfUnavailable(NO_LIBREOFFICE)
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        raise PdfUnavailable(NO_LIBREOFFICE)
    return found


def find_uno_python() -> Path:
    """Python interpreter that can `import uno` and run unoserver's server."""
    configured = os.environ.get(UNO_PYTHON_ENV)
    path = Path(configured) if configured else DEFAULT_UNO_PYTHON
    if not _executable(path):
        raise PdfUnavailable(NO_UNO_PYTHON)
    return path
