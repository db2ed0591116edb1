"""Job files in the archive's S3 bucket, below `<prefix>/exports/<job id>/`, for several
app servers and workers sharing one storage. Writes and reads are the S3 archive's
(conditional PUT, verified GET); listing and deleting are what a job file adds."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from trygg.archive import Archive, ArchiveDamaged
from trygg.archive_s3 import UNREACHABLE, S3Archive
from trygg.jobs.outputs import FOLDER, JobOutputs, file_name


class _JobPrefix(S3Archive):
    def key(self, sha256: str, ext: str) -> str:
        return f"{self.prefix}/{file_name(sha256, ext)}"


class S3Outputs(JobOutputs):
    def __init__(self, client: Any, bucket: str, prefix: str = "") -> None:
        self.client = client
        self.bucket = bucket
        prefix = prefix.strip("/")
        self.prefix = f"{prefix}/{FOLDER}" if prefix else FOLDER

    def files(self, job_id: int) -> Archive:
        return _JobPrefix(self.client, self.bucket, f"{self.prefix}/{int(job_id)}")

    def _pages(self, **query: Any) -> Iterator[dict[str, Any]]:
        try:
            yield from self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, **query
            )
        except (ClientError, BotoCoreError) as error:
            raise ArchiveDamaged(UNREACHABLE) from error

    def job_ids(self) -> set[int]:
        ids = set()
        for page in self._pages(Prefix=f"{self.prefix}/", Delimiter="/"):
            for common in page.get("CommonPrefixes", []):
                name = common["Prefix"].rstrip("/").rsplit("/", 1)[-1]
                if name.isdigit():
                    ids.add(int(name))
        return ids

    def remove(self, job_id: int, keep: str | None = None) -> int:
        folder = f"{self.prefix}/{int(job_id)}/"
        keys = [
            item["Key"]
            for page in self._pages(Prefix=folder)
            for item in page.get("Contents", [])
            if item["Key"][len(folder) :] != keep
        ]
        for key in keys:
            try:
                self.client.delete_object(Bucket=self.bucket, Key=key)
            except (ClientError, BotoCoreError) as error:
                raise ArchiveDamaged(UNREACHABLE) from error
        return len(keys)
