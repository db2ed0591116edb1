"""The archive's promise, kept by both backends: content-addressed, written once, never
replaced, every read verified. The S3 backend runs against a real S3-protocol server over
HTTP (moto's server, started here on a free loopback port); nothing is downloaded."""

from __future__ import annotations

import hashlib
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from flask import Flask
from flask.testing import FlaskClient
from moto.server import ThreadedMotoServer
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import make_settings
from tests.report_pages import docx_text, filed
from trygg.archive import (
    ALTERED,
    INCOMING_PREFIX,
    MISSING,
    Archive,
    ArchiveDamaged,
    FolderArchive,
    open_archive,
)
from trygg.archive_s3 import UNREACHABLE, S3Archive
from trygg.config import ConfigError, S3ArchiveSettings, settings_from_env
from trygg.models import ArchivedFile

CONTENT = b"PK\x03\x04 a Word file about Sara, labelled"
KEYS = {"access_key_id": "testing", "secret_access_key": "testing-secret"}


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3_settings(s3_endpoint: str) -> S3ArchiveSettings:
    """A bucket of this test's own on the local server."""
    s3 = S3ArchiveSettings(
        bucket="trygg-" + uuid.uuid4().hex[:12],
        prefix="skole/arkiv",
        endpoint_url=s3_endpoint,
        region="us-east-1",
        **KEYS,
    )
    raw_client(s3).create_bucket(Bucket=s3.bucket)
    return s3


def raw_client(s3: S3ArchiveSettings) -> object:
    """A client that goes around the archive, as an intruder or a broken disk would."""
    return boto3.session.Session().client(
        "s3",
        endpoint_url=s3.endpoint_url,
        region_name=s3.region,
        aws_access_key_id=s3.access_key_id,
        aws_secret_access_key=s3.secret_access_key,
    )


class Stored:
    """One backend under test, with a way to reach its stored bytes directly."""

    def __init__(self, archive: Archive, overwrite: object, delete: object) -> None:
        self.archive = archive
        self.overwrite = overwrite  # (sha256, ext, bytes) -> None, bypassing the archive
        self.delete = delete  # (sha256, ext) -> None


def folder_backend(tmp_path: Path) -> Stored:
    archive = FolderArchive(tmp_path / "archive")

    def path(sha256: str, ext: str) -> Path:
        return archive.root / sha256[:2] / f"{sha256}.{ext}"

    def overwrite(sha256: str, ext: str, content: bytes) -> None:
        path(sha256, ext).parent.mkdir(parents=True, exist_ok=True)
        if path(sha256, ext).exists():
            path(sha256, ext).chmod(0o600)
        path(sha256, ext).write_bytes(content)

    return Stored(archive, overwrite, lambda sha, ext: path(sha, ext).unlink())


def s3_backend(s3: S3ArchiveSettings) -> Stored:
    archive = S3Archive.from_settings(s3)
    client = raw_client(s3)

    def overwrite(sha256: str, ext: str, content: bytes) -> None:
        client.put_object(Bucket=s3.bucket, Key=archive.key(sha256, ext), Body=content)  # type: ignore[attr-defined]

    def delete(sha256: str, ext: str) -> None:
        client.delete_object(Bucket=s3.bucket, Key=archive.key(sha256, ext))  # type: ignore[attr-defined]

    return Stored(archive, overwrite, delete)


@pytest.fixture(params=["folder", "s3"])
def stored(request: pytest.FixtureRequest, tmp_path: Path) -> Stored:
    if request.param == "folder":
        return folder_backend(tmp_path)
    return s3_backend(request.getfixturevalue("s3_settings"))


def test_put_returns_the_sha256_and_get_gives_the_bytes_back(stored: Stored) -> None:
    sha256 = stored.archive.put(CONTENT, "docx")
    assert sha256 == hashlib.sha256(CONTENT).hexdigest()
    assert stored.archive.contains(sha256, "docx")
    assert not stored.archive.contains(sha256, "pdf")
    assert stored.archive.get(sha256, "docx") == CONTENT


def test_storing_the_same_bytes_twice_is_one_file(stored: Stored) -> None:
    first = stored.archive.put(CONTENT, "pdf")
    assert stored.archive.put(CONTENT, "pdf") == first
    assert stored.archive.get(first, "pdf") == CONTENT


def test_a_missing_file_is_damage_not_an_empty_answer(stored: Stored) -> None:
    sha256 = stored.archive.put(CONTENT, "docx")
    stored.delete(sha256, "docx")
    with pytest.raises(ArchiveDamaged) as refused:
        stored.archive.get(sha256, "docx")
    assert str(refused.value) == MISSING
    with pytest.raises(ArchiveDamaged):
        stored.archive.get(hashlib.sha256(b"never stored").hexdigest(), "pdf")


def test_an_altered_file_is_refused_not_served(stored: Stored) -> None:
    sha256 = stored.archive.put(CONTENT, "docx")
    stored.overwrite(sha256, "docx", CONTENT + b" and one more sentence")
    with pytest.raises(ArchiveDamaged) as refused:
        stored.archive.get(sha256, "docx")
    assert str(refused.value) == ALTERED


def test_storing_again_over_an_altered_file_says_so_and_leaves_it(stored: Stored) -> None:
    # The damaged copy is evidence: the archive reports it and replaces nothing.
    sha256 = stored.archive.put(CONTENT, "docx")
    stored.overwrite(sha256, "docx", b"tampered")
    with pytest.raises(ArchiveDamaged):
        stored.archive.put(CONTENT, "docx")
    with pytest.raises(ArchiveDamaged):
        stored.archive.get(sha256, "docx")


@pytest.mark.parametrize(
    ("sha256", "ext"),
    [
        ("../" + "a" * 61, "docx"),
        ("A" * 64, "docx"),
        ("a" * 63, "docx"),
        ("a" * 64, "exe"),
        ("a" * 64, "docx/../x"),
    ],
)
def test_only_a_sha256_and_a_known_kind_are_addresses(
    stored: Stored, sha256: str, ext: str
) -> None:
    with pytest.raises(ValueError):
        stored.archive.get(sha256, ext)
    with pytest.raises(ValueError):
        stored.archive.contains(sha256, ext)


def test_an_unknown_kind_is_never_stored(stored: Stored) -> None:
    with pytest.raises(ValueError):
        stored.archive.put(CONTENT, "html")


def test_many_writers_of_the_same_document_at_once_all_get_it(stored: Stored) -> None:
    results: list[str] = []
    errors: list[BaseException] = []

    def store() -> None:
        try:
            results.append(stored.archive.put(CONTENT, "pdf"))
        except BaseException as error:  # reported below, in the test thread
            errors.append(error)

    threads = [threading.Thread(target=store) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert set(results) == {hashlib.sha256(CONTENT).hexdigest()}
    assert stored.archive.get(results[0], "pdf") == CONTENT


def test_the_folder_keeps_read_only_files_and_no_temporary_ones(tmp_path: Path) -> None:
    archive = FolderArchive(tmp_path / "archive")
    sha256 = archive.put(CONTENT, "docx")
    path = archive.root / sha256[:2] / f"{sha256}.docx"
    assert path.stat().st_mode & 0o777 == 0o400
    assert [p.name for p in path.parent.iterdir()] == [path.name]
    assert not list(archive.root.rglob(INCOMING_PREFIX + "*"))


def test_without_o_tmpfile_the_folder_writes_through_a_renamed_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delattr("os.O_TMPFILE", raising=False)
    archive = FolderArchive(tmp_path / "archive")
    sha256 = archive.put(CONTENT, "pdf")
    path = archive.root / sha256[:2] / f"{sha256}.pdf"
    assert path.stat().st_mode & 0o777 == 0o400
    assert [p.name for p in path.parent.iterdir()] == [path.name]
    assert archive.get(sha256, "pdf") == CONTENT


def test_s3_keys_are_the_folder_addresses_below_the_prefix(s3_settings: S3ArchiveSettings) -> None:
    sha256 = S3Archive.from_settings(s3_settings).put(CONTENT, "docx")
    listed = raw_client(s3_settings).list_objects_v2(Bucket=s3_settings.bucket)  # type: ignore[attr-defined]
    assert [item["Key"] for item in listed["Contents"]] == [
        f"skole/arkiv/{sha256[:2]}/{sha256}.docx"
    ]


class RacedS3Archive(S3Archive):
    """Another server stores the object between this one's HEAD and its PUT."""

    def contains(self, sha256: str, ext: str) -> bool:
        return False


def test_s3_never_replaces_an_object_stored_in_the_same_instant(
    s3_settings: S3ArchiveSettings,
) -> None:
    archive = S3Archive.from_settings(s3_settings)
    raced = RacedS3Archive(archive.client, s3_settings.bucket, s3_settings.prefix)
    sha256 = hashlib.sha256(CONTENT).hexdigest()
    client = raw_client(s3_settings)
    key = archive.key(sha256, "docx")
    client.put_object(  # type: ignore[attr-defined]
        Bucket=s3_settings.bucket, Key=key, Body=CONTENT, Metadata={"stored-by": "other"}
    )
    assert raced.put(CONTENT, "docx") == sha256
    # The PUT carried If-None-Match and the server refused it: theirs is untouched.
    assert raced.conditional_writes
    head = client.head_object(Bucket=s3_settings.bucket, Key=key)  # type: ignore[attr-defined]
    assert head["Metadata"] == {"stored-by": "other"}
    # A tampered object stored in that instant is reported, not replaced.
    client.put_object(Bucket=s3_settings.bucket, Key=key, Body=b"tampered")  # type: ignore[attr-defined]
    with pytest.raises(ArchiveDamaged):
        raced.put(CONTENT, "docx")
    body = client.get_object(Bucket=s3_settings.bucket, Key=key)["Body"].read()  # type: ignore[attr-defined]
    assert body == b"tampered"


def test_s3_that_does_not_answer_is_a_clear_refusal(tmp_path: Path) -> None:
    from tests.live_server import free_port

    s3 = S3ArchiveSettings(
        bucket="trygg-nobody",
        endpoint_url=f"http://127.0.0.1:{free_port()}",
        region="us-east-1",
        **KEYS,
    )
    archive = S3Archive.from_settings(s3)
    for attempt in (
        lambda: archive.put(CONTENT, "docx"),
        lambda: archive.get(hashlib.sha256(CONTENT).hexdigest(), "docx"),
    ):
        with pytest.raises(ArchiveDamaged) as refused:
            attempt()
        assert str(refused.value) == UNREACHABLE


def test_archive_url_names_the_bucket_prefix_endpoint_and_keys(tmp_path: Path) -> None:
    settings = settings_from_env(
        {
            "TRYGG_ENV": "testing",
            "ARCHIVE_URL": "s3://trygg-oslo/arkiv/2026/",
            "ARCHIVE_S3_ENDPOINT_URL": "https://s3.example.no/",
            "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
            "AWS_SECRET_ACCESS_KEY": "very-secret",
            "AWS_DEFAULT_REGION": "eu-north-1",
        },
        tmp_path,
    )
    assert settings.archive_s3 == S3ArchiveSettings(
        bucket="trygg-oslo",
        prefix="arkiv/2026",
        endpoint_url="https://s3.example.no",
        region="eu-north-1",
        access_key_id="AKIDEXAMPLE",
        secret_access_key="very-secret",
    )
    assert "very-secret" not in repr(settings)
    assert settings_from_env({"TRYGG_ENV": "testing"}, tmp_path).archive_s3 is None
    folder = open_archive(settings_from_env({"TRYGG_ENV": "testing"}, tmp_path))
    assert isinstance(folder, FolderArchive)
    assert folder.root == tmp_path / "output" / "archive"


@pytest.mark.parametrize(
    "environ",
    [
        {"ARCHIVE_URL": "/srv/arkiv"},
        {"ARCHIVE_URL": "https://trygg-oslo/arkiv"},
        {"ARCHIVE_URL": "s3://"},
        {"ARCHIVE_URL": "s3://Not_A_Bucket/x"},
        {"ARCHIVE_URL": "s3://trygg-oslo", "ARCHIVE_S3_ENDPOINT_URL": "http://s3.example.no"},
        {"ARCHIVE_URL": "s3://trygg-oslo", "ARCHIVE_S3_ENDPOINT_URL": "ftp://127.0.0.1"},
    ],
)
def test_a_wrong_archive_url_stops_the_start(environ: dict[str, str], tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        settings_from_env({"TRYGG_ENV": "testing", **environ}, tmp_path)


@pytest.fixture
def settings_overrides(request: pytest.FixtureRequest) -> dict[str, object]:
    if "s3_settings" in request.fixturenames:
        return {"archive_s3": request.getfixturevalue("s3_settings")}
    return {}


def test_a_report_filed_through_the_app_is_archived_in_s3_and_served_from_it(
    app: Flask,
    client: FlaskClient,
    session: Session,
    demo: dict[str, str],
    s3_settings: S3ArchiveSettings,
    tmp_path: Path,
) -> None:
    receipt = filed(client, demo["ansatt"])
    stored = session.execute(select(ArchivedFile)).scalar_one()
    archive = open_archive(make_settings("sqlite://", tmp_path, archive_s3=s3_settings))
    assert isinstance(archive, S3Archive)
    assert "Sara" in docx_text(archive.get(stored.sha256, "docx"))
    # Nothing went to the folder; the Word file is served from the bucket.
    assert not (tmp_path / "output" / "archive").exists()
    word = client.get(f"{receipt}/word")
    assert word.status_code == 200
    assert hashlib.sha256(word.data).hexdigest() == stored.sha256
    # An object altered in the bucket is refused at download, as a file altered on disk.
    raw_client(s3_settings).put_object(  # type: ignore[attr-defined]
        Bucket=s3_settings.bucket, Key=archive.key(stored.sha256, "docx"), Body=b"altered"
    )
    assert client.get(f"{receipt}/word").status_code == 500
