"""One upload of the register: a OneRoster zip, OneRoster's files chosen one by one, or
the plain Norwegian CSV. Decoded once; the preview sends the decoded files back with the
confirmation, where they are parsed again, so nothing half-checked is stored between."""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from trygg.errors import Refused
from trygg.pupils.import_csv import decode, parse_register_csv
from trygg.pupils.import_oneroster import FILES, UploadRefused, parse_oneroster, unpack
from trygg.pupils.records import MAX_UPLOAD_BYTES, ParsedRegister

ONEROSTER = "oneroster"
PLAIN_CSV = "csv"


@dataclass(frozen=True)
class Upload:
    source: str
    files: dict[str, str]

    def parse(self) -> ParsedRegister:
        if self.source == ONEROSTER:
            return parse_oneroster(self.files)
        return parse_register_csv(self.files.get("elever.csv", ""))

    def payload(self) -> str:
        return json.dumps({"source": self.source, "files": self.files}, ensure_ascii=False)


def _too_large() -> Refused:
    return Refused(
        "Filen er for stor. Største tillatte størrelse er %(mb)d MB.",
        field="files",
        mb=MAX_UPLOAD_BYTES // 1024 // 1024,
    )


def read_upload(named: list[tuple[str, bytes]]) -> Upload:
    """The chosen files as an Upload, or a refusal of the whole upload."""
    if not named:
        raise Refused("Velg en fil.", field="files")
    if sum(len(data) for _, data in named) > MAX_UPLOAD_BYTES:
        raise _too_large()
    names = [PurePosixPath(name).name.lower() for name, _ in named]
    if len(named) == 1 and names[0].endswith(".zip"):
        try:
            files = unpack(named[0][1])
        except UploadRefused as error:
            raise Refused(str(error), field="files") from error
        if "users.csv" not in files:
            raise Refused("Zip-filen har ingen users.csv (OneRoster).", field="files")
        return Upload(ONEROSTER, files)
    if "users.csv" in names:
        unknown = [n for n in names if n not in FILES]
        if unknown:
            raise Refused(
                "Ukjent fil for OneRoster: %(names)s. Bruk users.csv, classes.csv, "
                "enrollments.csv, orgs.csv og demographics.csv.",
                field="files",
                names=", ".join(unknown),
            )
        return Upload(
            ONEROSTER, {n: decode(data) for n, (_, data) in zip(names, named, strict=True)}
        )
    if len(named) > 1:
        raise Refused(
            "Velg én CSV-fil, én zip-fil eller OneRoster-filene (med users.csv).", field="files"
        )
    if not names[0].endswith((".csv", ".txt")):
        raise Refused("Filen må være en CSV-fil (.csv) eller en zip-fil.", field="files")
    return Upload(PLAIN_CSV, {"elever.csv": decode(named[0][1])})


_TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")


def keep_pending(folder: Path, upload: Upload, school_id: int, user_id: int) -> str:
    """Keep the previewed upload on the server until it is confirmed: the file holds
    contact details that must not travel in the page (protected addresses). Returns the
    token the confirmation names it by; only the same admin at the same school gets it."""
    folder.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(32)
    (folder / f"{school_id}-{user_id}-{token}.json").write_text(upload.payload(), "utf-8")
    return token


def take_pending(folder: Path, token: str, school_id: int, user_id: int) -> Upload:
    """The kept upload, removed as it is taken (a confirmation is used once)."""
    path = folder / f"{school_id}-{user_id}-{token}.json"
    if not _TOKEN.match(token) or not path.is_file():
        raise Refused("Forhåndsvisningen er utløpt eller brukt. Last opp filen på nytt.")
    text = path.read_text("utf-8")
    path.unlink()
    return from_payload(text)


def from_payload(text: str) -> Upload:
    """The files sent back with the confirmation; anything else is a tampered form."""
    try:
        data = json.loads(text)
        source, files = data["source"], data["files"]
    except (ValueError, KeyError, TypeError) as error:
        raise Refused("Forhåndsvisningen kan ikke leses. Last opp filen på nytt.") from error
    if (
        source not in (ONEROSTER, PLAIN_CSV)
        or not isinstance(files, dict)
        or not all(isinstance(k, str) and isinstance(v, str) for k, v in files.items())
        or sum(len(v) for v in files.values()) > MAX_UPLOAD_BYTES
    ):
        raise Refused("Forhåndsvisningen kan ikke leses. Last opp filen på nytt.")
    return Upload(source, files)
