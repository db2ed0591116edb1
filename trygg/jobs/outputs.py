"""Where a job's file is kept: content-addressed like the archive (its name is the SHA-256
of its bytes, writes are atomic, every read is verified), but deletable, because an export
is a copy of archived data kept for a few days only (trygg.jobs.cleanup). The archive
itself never deletes, so job files are not in it.

Layout: `<root>/<job id>/<sha256>.<ext>`, in the folder OUTPUT_DIR/exports or, when the
archive is in S3, below `<prefix>/exports/` in its bucket (trygg.jobs.outputs_s3). A
folder per job: a rerun of the job writes the same address again (a no-op), and deleting
one job's file never races with another job that made the same bytes.
"""

from __future__ import annotations

import contextlib
import re
from abc import ABC, abstractmethod
from pathlib import Path, PurePath

from trygg.archive import Archive, FolderArchive, open_archive
from trygg.config import Settings

# What exports make: PDFs, CSV files, and ZIP files of several.
EXTENSIONS = frozenset({"pdf", "csv", "zip"})
_HASH = re.compile(r"[0-9a-f]{64}")
FOLDER = "exports"


def file_name(sha256: str, ext: str) -> str:
    """`<sha256>.<ext>`; ValueError for anything else, so no name a user could influence
    reaches the storage."""
    if not _HASH.fullmatch(sha256) or ext not in EXTENSIONS:
        raise ValueError("not a job file address")
    return f"{sha256}.{ext}"


def output_ext(filename: str) -> str:
    """The kind of a job's file, from the name its owner downloads it under."""
    ext = PurePath(filename).suffix.lstrip(".").lower()
    if ext not in EXTENSIONS:
        raise ValueError(f"no job file kind for {filename!r}")
    return ext


class JobOutputs(ABC):
    """The files of all jobs, one content-addressed store per job."""

    @abstractmethod
    def files(self, job_id: int) -> Archive:
        """The job's own store: put, get (verified) and contains, as the archive's."""

    @abstractmethod
    def job_ids(self) -> set[int]:
        """The jobs that have at least one file stored."""

    @abstractmethod
    def remove(self, job_id: int, keep: str | None = None) -> int:
        """Delete the job's files, all of them or all but the one named `keep` (the files
        of an earlier, interrupted run); the number deleted."""

    def put(self, job_id: int, content: bytes, ext: str) -> str:
        return self.files(job_id).put(content, ext)

    def get(self, job_id: int, sha256: str, ext: str) -> bytes:
        return self.files(job_id).get(sha256, ext)


class _JobFolder(FolderArchive):
    """The archive's atomic write (an unnamed file linked in once complete) and verified
    read, on one job's folder, with the job file names."""

    def _path(self, sha256: str, ext: str) -> Path:
        return self.root / file_name(sha256, ext)


class FolderOutputs(JobOutputs):
    def __init__(self, root: Path) -> None:
        self.root = root

    def files(self, job_id: int) -> Archive:
        return _JobFolder(self.root / str(int(job_id)))

    def job_ids(self) -> set[int]:
        if not self.root.is_dir():
            return set()
        return {int(path.name) for path in self.root.iterdir() if path.name.isdigit()}

    def remove(self, job_id: int, keep: str | None = None) -> int:
        folder = self.root / str(int(job_id))
        if not folder.is_dir():
            return 0
        removed = 0
        for path in folder.iterdir():
            if path.name != keep:
                # Read-only files go: deleting needs the folder's write permission only.
                path.unlink(missing_ok=True)
                removed += 1
        if keep is None:
            # A file that arrived meanwhile keeps the folder; the next cleanup takes it.
            with contextlib.suppress(OSError):
                folder.rmdir()
        return removed


def open_outputs(settings: Settings) -> JobOutputs:
    """Beside the archive the settings name: in its S3 bucket, or in OUTPUT_DIR/exports."""
    if settings.archive_s3 is not None:
        from trygg.archive_s3 import S3Archive  # boto3 loads only when S3 is configured
        from trygg.jobs.outputs_s3 import S3Outputs

        archive = open_archive(settings)
        assert isinstance(archive, S3Archive)
        return S3Outputs(archive.client, archive.bucket, archive.prefix)
    return FolderOutputs(settings.output_dir / FOLDER)
