"""One-off conversion with a cold `soffice --headless` (about 1.4 s per document).

Only for the CLI, tests and development: every call starts LibreOffice from scratch,
with a private profile directory so parallel calls never share (and corrupt) a profile.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import tempfile
from pathlib import Path

from trygg.pdf.errors import CRASHED, TIMED_OUT, ConversionFailed
from trygg.pdf.offline import write_profile_settings

# The same PDF/A-2b export the warm service asks for, in soffice's command-line syntax.
PDFA_CLI_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'


def convert_cold(docx: bytes, *, soffice: str, timeout: float) -> bytes:
    with tempfile.TemporaryDirectory(prefix="trygg-soffice-") as tmp:
        work = Path(tmp)
        source = work / "document.docx"
        source.write_bytes(docx)
        outdir = work / "out"
        profile = work / "profile"
        write_profile_settings(profile)
        command = [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            "--convert-to",
            PDFA_CLI_FILTER,
            "--outdir",
            str(outdir),
            str(source),
        ]
        # A new session lets a timeout kill soffice and the soffice.bin it forks.
        process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            raise ConversionFailed(TIMED_OUT) from None
        finally:
            # soffice.bin may outlive the launcher script; never leave it behind.
            _kill_group(process)
        result = outdir / "document.pdf"
        if not result.is_file():
            raise ConversionFailed(CRASHED)
        return result.read_bytes()


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
