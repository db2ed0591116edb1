"""The archive on disk: content-addressed, written once, atomically, never changed.

Files live at `<root>/<aa>/<sha256>.<ext>`. A name is derived only from the content's
hash, so no path a user could influence ever reaches the file system, and reading a file
back verifies its hash: a file altered on disk is refused, not served.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

from trygg.errors import DomainError

_HASH = re.compile(r"[0-9a-f]{64}")
EXTENSIONS = frozenset({"docx", "pdf"})


class ArchiveDamaged(DomainError):
    """A stored file is missing or does not match its hash."""


class Archive:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, sha256: str, ext: str) -> Path:
        if not _HASH.fullmatch(sha256) or ext not in EXTENSIONS:
            raise ValueError("not an archive address")
        return self.root / sha256[:2] / f"{sha256}.{ext}"

    def put(self, content: bytes, ext: str) -> str:
        """Store `content` and return its SHA-256; storing the same bytes twice is a no-op."""
        sha256 = hashlib.sha256(content).hexdigest()
        path = self._path(sha256, ext)
        if path.exists():
            self.get(sha256, ext)  # an existing file must be intact, or we say so
            return sha256
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            # Read-only: the archive is append-only by policy and by file mode.
            os.chmod(tmp, 0o400)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return sha256

    def get(self, sha256: str, ext: str) -> bytes:
        path = self._path(sha256, ext)
        try:
            content = path.read_bytes()
        except FileNotFoundError:
            raise ArchiveDamaged(
                "Det arkiverte dokumentet mangler i arkivet. Kontakt IT-ansvarlig."
            ) from None
        if hashlib.sha256(content).hexdigest() != sha256:
            raise ArchiveDamaged(
                "Det arkiverte dokumentet er endret etter arkivering og kan ikke brukes. "
                "Kontakt IT-ansvarlig."
            )
        return content
