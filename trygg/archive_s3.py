"""The archive in S3-compatible object storage, for several app servers sharing one.

Keys are `<prefix>/<aa>/<sha256>.<ext>`, the folder archive's addresses. An object is
written once: a HEAD first (an existing object is verified and left alone), then a PUT
with `If-None-Match: *`, so two servers storing the same document in the same instant
cannot replace each other's object where the service supports conditional writes. A
service that refuses the header gets the plain PUT after the HEAD, which at worst writes
the same bytes twice (the key is their hash). A PUT is atomic in S3: an interrupted
upload leaves no object. Every read is verified against the hash.
"""

from __future__ import annotations

import hashlib
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from trygg.archive import MISSING, Archive, ArchiveDamaged, address, verified
from trygg.config import S3ArchiveSettings

UNREACHABLE = (
    "Arkivet svarer ikke, så dokumentet kan ikke hentes eller lagres nå. Prøv igjen om "
    "litt, eller kontakt IT-ansvarlig."
)
# Answers of a service that does not know conditional writes (the header is refused
# rather than ignored).
_NO_CONDITIONAL_WRITES = frozenset({"NotImplemented", "InvalidArgument", "InvalidRequest"})
_ABSENT = frozenset({"404", "NoSuchKey", "NotFound"})
_EXISTS = frozenset({"412", "PreconditionFailed", "ConditionalRequestConflict"})
# Liveness limits: a storage that does not answer fails the request instead of hanging it.
_TIMEOUTS = Config(
    connect_timeout=5,
    read_timeout=30,
    retries={"max_attempts": 3, "mode": "standard"},
)
# Services on an endpoint of their own (MinIO, Ceph, moto) expect the bucket in the path.
_PATH_STYLE = _TIMEOUTS.merge(Config(s3={"addressing_style": "path"}))


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


class S3Archive(Archive):
    def __init__(self, client: Any, bucket: str, prefix: str = "") -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.conditional_writes = True

    @classmethod
    def from_settings(cls, s3: S3ArchiveSettings) -> S3Archive:
        client = boto3.session.Session().client(
            "s3",
            endpoint_url=s3.endpoint_url,
            region_name=s3.region,
            aws_access_key_id=s3.access_key_id,
            aws_secret_access_key=s3.secret_access_key,
            aws_session_token=s3.session_token,
            config=_PATH_STYLE if s3.endpoint_url else _TIMEOUTS,
        )
        return cls(client, s3.bucket, s3.prefix)

    def key(self, sha256: str, ext: str) -> str:
        place = address(sha256, ext)
        return f"{self.prefix}/{place}" if self.prefix else place

    def contains(self, sha256: str, ext: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self.key(sha256, ext))
        except ClientError as error:
            if _code(error) in _ABSENT:
                return False
            raise ArchiveDamaged(UNREACHABLE) from error
        except BotoCoreError as error:
            raise ArchiveDamaged(UNREACHABLE) from error
        return True

    def put(self, content: bytes, ext: str) -> str:
        sha256 = hashlib.sha256(content).hexdigest()
        if self.contains(sha256, ext):
            self.get(sha256, ext)  # an existing object must be intact, or we say so
            return sha256
        values = {
            "Bucket": self.bucket,
            "Key": self.key(sha256, ext),
            "Body": content,
            "ContentType": "application/octet-stream",
        }
        try:
            if self.conditional_writes:
                try:
                    self.client.put_object(IfNoneMatch="*", **values)
                except ClientError as error:
                    if _code(error) not in _NO_CONDITIONAL_WRITES:
                        raise
                    self.conditional_writes = False
            if not self.conditional_writes:
                self.client.put_object(**values)
        except ClientError as error:
            if _code(error) not in _EXISTS:
                raise ArchiveDamaged(UNREACHABLE) from error
            # Stored by another server since our HEAD; theirs stays, and must be intact.
            self.get(sha256, ext)
        except BotoCoreError as error:
            raise ArchiveDamaged(UNREACHABLE) from error
        return sha256

    def get(self, sha256: str, ext: str) -> bytes:
        try:
            reply = self.client.get_object(Bucket=self.bucket, Key=self.key(sha256, ext))
            content: bytes = reply["Body"].read()
        except ClientError as error:
            if _code(error) in _ABSENT:
                raise ArchiveDamaged(MISSING) from None
            raise ArchiveDamaged(UNREACHABLE) from error
        except BotoCoreError as error:
            raise ArchiveDamaged(UNREACHABLE) from error
        return verified(content, sha256)
