"""The archive: content-addressed, written once, never changed, behind one interface.

A file's address is the SHA-256 of its content and its kind (`docx`, `pdf`), so no name a
user could influence ever reaches the storage, and reading a file back verifies its hash:
a file altered in storage is refused, not served. Two backends keep the same promise:

- `FolderArchive` (the default): `<root>/<aa>/<sha256>.<ext>` under OUTPUT_DIR/archive,
  read-only files, written through an unnamed temporary file that only appears under its
  name once it is complete, so a crash in the middle leaves nothing behind.
- `S3Archive` (trygg.archive_s3, when ARCHIVE_URL is `s3://bucket/prefix`): the same
  addresses as object keys below the prefix, for several app servers sharing one archive.

`open_archive(settings)` gives the one the settings name.
"""

from __future__ import annotations

import errno
import functools
import hashlib
import os
import re
import tempfile
from abc import ABC, abstractmethod
from pathlib import Path

from trygg.config import S3ArchiveSettings, Settings
from trygg.errors import DomainError

_HASH = re.compile(r"[0-9a-f]{64}")
# png and jpg: images attached to a case (trygg.cases.attachments).
EXTENSIONS = frozenset({"docx", "pdf", "png", "jpg"})
# Temporary names of the fallback write path; never an address, so never read.
INCOMING_PREFIX = ".incoming-"

MISSING = "Det arkiverte dokumentet mangler i arkivet. Kontakt IT-ansvarlig."
ALTERED = (
    "Det arkiverte dokumentet er endret etter arkivering og kan ikke brukes. Kontakt IT-ansvarlig."
)


class ArchiveDamaged(DomainError):
    """A stored file cannot be fetched: it is missing, it does not match its hash, or the
    storage does not answer."""


def address(sha256: str, ext: str) -> str:
    """`<aa>/<sha256>.<ext>`, the file's place in either backend; ValueError for anything
    that is not a SHA-256 and a known kind."""
    if not _HASH.fullmatch(sha256) or ext not in EXTENSIONS:
        raise ValueError("not an archive address")
    return f"{sha256[:2]}/{sha256}.{ext}"


def verified(content: bytes, sha256: str) -> bytes:
    if hashlib.sha256(content).hexdigest() != sha256:
        raise ArchiveDamaged(ALTERED)
    return content


class Archive(ABC):
    """Content-addressed, immutable storage of final documents."""

    @abstractmethod
    def put(self, content: bytes, ext: str) -> str:
        """Store `content` and return its SHA-256; storing the same bytes twice is a no-op
        (after checking that the stored copy is intact). A stored file is never replaced."""

    @abstractmethod
    def get(self, sha256: str, ext: str) -> bytes:
        """The stored bytes, verified against their hash. ArchiveDamaged when the file is
        missing, altered or cannot be fetched."""

    @abstractmethod
    def contains(self, sha256: str, ext: str) -> bool:
        """Whether a file is stored at this address (without reading or verifying it)."""


class FolderArchive(Archive):
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, sha256: str, ext: str) -> Path:
        return self.root / address(sha256, ext)

    def contains(self, sha256: str, ext: str) -> bool:
        return self._path(sha256, ext).exists()

    def put(self, content: bytes, ext: str) -> str:
        sha256 = hashlib.sha256(content).hexdigest()
        path = self._path(sha256, ext)
        if path.exists():
            self.get(sha256, ext)  # an existing file must be intact, or we say so
            return sha256
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not _write_unnamed(path, content):
            _write_renamed(path, content)
        return sha256

    def get(self, sha256: str, ext: str) -> bytes:
        try:
            content = self._path(sha256, ext).read_bytes()
        except FileNotFoundError:
            raise ArchiveDamaged(MISSING) from None
        return verified(content, sha256)


def _write_unnamed(path: Path, content: bytes) -> bool:
    """Write through an O_TMPFILE inode and link it in place once complete and synced: a
    process killed mid-write leaves no file at all, and the link refuses to replace an
    existing file. False where the system or file system has no O_TMPFILE."""
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None:
        return False
    try:
        fd = os.open(path.parent, flag | os.O_WRONLY, 0o400)
    except OSError as error:
        if error.errno in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL):
            return False
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        _write_all(fd, content)
        try:
            # A directory fd makes this linkat(), which follows the /proc link to the inode.
            os.link(f"/proc/self/fd/{fd}", path.name, dst_dir_fd=folder, follow_symlinks=True)
        except FileExistsError:
            pass  # the same bytes, stored by another process in the same instant
        except FileNotFoundError:
            return False  # no /proc: use the named temporary file instead
        os.fsync(folder)
    finally:
        os.close(fd)
        os.close(folder)
    return True


def _write_renamed(path: Path, content: bytes) -> None:
    """The portable path: a named temporary file renamed over the address. A crash can
    leave a `.incoming-` file, which is never an address and so never served."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=INCOMING_PREFIX)
    try:
        _write_all(fd, content)
        os.close(fd)
        fd = -1
        # Read-only: the archive is append-only by policy and by file mode.
        os.chmod(tmp, 0o400)
        os.replace(tmp, path)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        Path(tmp).unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def _write_all(fd: int, content: bytes) -> None:
    view = memoryview(content)
    while view:
        view = view[os.write(fd, view) :]
    os.fsync(fd)


def _sync_folder(folder: Path) -> None:
    # The new name must survive a power cut as well as the content does.
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def open_archive(settings: Settings) -> Archive:
    """The archive the settings name: S3 when ARCHIVE_URL is set, else the folder."""
    if settings.archive_s3 is not None:
        return _s3_archive(settings.archive_s3)
    return FolderArchive(settings.output_dir / "archive")


@functools.cache
def _s3_archive(s3: S3ArchiveSettings) -> Archive:
    # One client per process and setting: boto3's clients are thread-safe and slow to make.
    from trygg.archive_s3 import S3Archive  # boto3 loads only when S3 is configured

    return S3Archive.from_settings(s3)
