"""Publishing the school's plan for a safe school environment, and finding the version
everyone must acknowledge.

A published version is never changed: the file goes into the content-addressed archive
and a correction is published as the next version of the same school year. The school's
current plan is the latest version of its latest school year, so publishing next year's
plan in August starts the new acknowledgement round by itself.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trygg import audit
from trygg.accounts.permissions import can_read_school_plan
from trygg.accounts.principal import Principal
from trygg.archive import Archive
from trygg.calendar.formats import date_text
from trygg.errors import NotFound, Refused
from trygg.models import SchoolPlan

# Real plans are 1–5 MB; a scanned PDF can be larger. Below the app's 16 MB request limit.
MAX_PLAN_BYTES = 15 * 1024 * 1024
MAX_FILENAME_LENGTH = 200
DEFAULT_TITLE = "Skolens plan for trygt og godt skolemiljø"
FORMATS = ("pdf", "docx")
MIMETYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

# «2026/2027», and what people also type: «2026-2027», «2026 / 27».
_SCHOOL_YEAR = re.compile(r"(\d{4})\s*[/-]\s*(\d{2}|\d{4})")


@dataclass(frozen=True)
class NewPlan:
    title: str
    school_year: str
    version_date: dt.date
    filename: str
    content: bytes


@dataclass(frozen=True)
class PlanSummary:
    """A plan version as pages and documents show it; no ORM object leaves the domain."""

    id: int
    school_id: int
    title: str
    school_year: str
    number: int
    version_date: dt.date
    version_text: str
    sha256: str
    format: str
    size: int
    published_at: dt.datetime
    current: bool


def school_year_of(day: dt.date) -> str:
    """The school year a date falls in; a Norwegian school year starts in August."""
    first = day.year if day.month >= 8 else day.year - 1
    return f"{first}/{first + 1}"


def normalise_school_year(value: str) -> str:
    match = _SCHOOL_YEAR.fullmatch(value.strip())
    if match is None:
        raise Refused("Skriv skoleåret slik: «2026/2027».", field="school_year")
    first, second = int(match.group(1)), match.group(2)
    # «27» after 2026 means 2027; «00» after 2099 means 2100.
    follows = int(second) == (first + 1 if len(second) == 4 else (first + 1) % 100)
    if not follows:
        raise Refused(
            "Skoleåret er to år som følger etter hverandre, for eksempel «2026/2027».",
            field="school_year",
        )
    return f"{first}/{first + 1}"


def version_text(plan: SchoolPlan) -> str:
    """«10.08.2026», or «10.08.2026, versjon 2» for a correction: what the kvittering
    prints as the version read. The date alone would not tell two same-day versions apart."""
    date = date_text(plan.version_date)
    return date if plan.number == 1 else f"{date}, versjon {plan.number}"


def file_format(content: bytes) -> str:
    """«pdf» or «docx», from the bytes themselves: a file name or a browser's MIME type
    says what the file claims to be, not what it is."""
    if not content:
        raise Refused("Filen er tom. Velg planen (PDF eller Word) på nytt.", field="file")
    if len(content) > MAX_PLAN_BYTES:
        raise Refused(
            "Filen er for stor (%(size)s MB). Planen kan være høyst %(limit)d MB; lagre den "
            "gjerne som PDF med mindre bilder.",
            field="file",
            size=f"{len(content) / 1024 / 1024:.1f}".replace(".", ","),
            limit=MAX_PLAN_BYTES // 1024 // 1024,
        )
    if content.startswith(b"%PDF-"):
        return "pdf"
    if zipfile.is_zipfile(io.BytesIO(content)):
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            if "word/document.xml" in package.namelist():
                return "docx"
    raise Refused(
        "Planen må være en PDF eller et Word-dokument (.docx). Eldre .doc-filer kan lagres "
        "som .docx eller PDF i Word («Lagre som»).",
        field="file",
    )


def _clean_filename(filename: str, fmt: str) -> str:
    # Shown and offered back as a download name only: keep the last path part, drop
    # control characters, and make the extension say what the content is.
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return f"{(stem or 'skolens-plan')[: MAX_FILENAME_LENGTH - 5]}.{fmt}"


def current_plan(session: Session, school_id: int) -> SchoolPlan | None:
    return session.execute(
        select(SchoolPlan)
        .where(SchoolPlan.school_id == school_id)
        .order_by(SchoolPlan.school_year.desc(), SchoolPlan.number.desc())
        .limit(1)
    ).scalar_one_or_none()


def current_summary(session: Session, school_id: int) -> PlanSummary | None:
    """The school's current plan as pages show it; None before the first is published."""
    current = current_plan(session, school_id)
    return summary(current, current) if current is not None else None


def plan_versions(session: Session, school_id: int) -> list[SchoolPlan]:
    """Every published version of the school, newest first."""
    return list(
        session.execute(
            select(SchoolPlan)
            .where(SchoolPlan.school_id == school_id)
            .order_by(SchoolPlan.school_year.desc(), SchoolPlan.number.desc())
        ).scalars()
    )


def plan_for(session: Session, user: Principal, plan_id: int) -> SchoolPlan:
    """The plan if the user works at its school; NotFound otherwise, so another school's
    plans cannot be probed by number."""
    plan = session.get(SchoolPlan, plan_id)
    if plan is None or not can_read_school_plan(user, plan.school_id):
        raise NotFound("Fant ikke planen.")
    return plan


def summary(plan: SchoolPlan, current: SchoolPlan | None) -> PlanSummary:
    return PlanSummary(
        id=plan.id,
        school_id=plan.school_id,
        title=plan.title,
        school_year=plan.school_year,
        number=plan.number,
        version_date=plan.version_date,
        version_text=version_text(plan),
        sha256=plan.sha256,
        format=plan.format,
        size=plan.size,
        published_at=plan.published_at,
        current=current is not None and current.id == plan.id,
    )


def publish_plan(
    session: Session,
    archive: Archive,
    school_id: int,
    new: NewPlan,
    initiator: audit.Initiator,
    now: dt.datetime,
) -> SchoolPlan:
    """Archive the file and record it as the school year's next version. Raises
    Refused (nothing stored) for a bad file, school year or title."""
    title = " ".join(new.title.split())
    if not title:
        raise Refused("Skriv tittelen på planen.", field="title")
    school_year = normalise_school_year(new.school_year)
    fmt = file_format(new.content)
    latest = current_plan(session, school_id)
    if latest is not None and latest.school_year > school_year:
        # Publishing it would not make it current, and staff would be asked to sign
        # the newer plan anyway; most likely a typo in the year.
        raise Refused(
            "Skolen har allerede publisert planen for skoleåret %(year)s. En plan for et "
            "tidligere skoleår kan ikke publiseres nå.",
            field="school_year",
            year=latest.school_year,
        )
    number = session.execute(
        select(func.max(SchoolPlan.number)).where(
            SchoolPlan.school_id == school_id, SchoolPlan.school_year == school_year
        )
    ).scalar()
    sha256 = archive.put(new.content, fmt)
    plan = SchoolPlan(
        school_id=school_id,
        school_year=school_year,
        number=(number or 0) + 1,
        title=title[:200],
        version_date=new.version_date,
        filename=_clean_filename(new.filename, fmt),
        format=fmt,
        sha256=sha256,
        size=len(new.content),
        published_at=now,
        published_by=initiator.user_id,
    )
    session.add(plan)
    session.flush()
    audit.record(
        session,
        initiator,
        "school_plan.published",
        "school_plan",
        plan.id,
        {
            "school_id": school_id,
            "school_year": school_year,
            "number": plan.number,
            "sha256": sha256,
            "superseded": latest.id if latest is not None else None,
        },
        now=now,
    )
    return plan


def plan_file(
    session: Session,
    archive: Archive,
    plan: SchoolPlan,
    initiator: audit.Initiator,
    now: dt.datetime,
) -> bytes:
    """The published file, verified against its hash; the download is audited, since
    the register may later need to show who opened which version."""
    content = archive.get(plan.sha256, plan.format)
    audit.record(
        session,
        initiator,
        "school_plan.downloaded",
        "school_plan",
        plan.id,
        {"school_id": plan.school_id, "format": plan.format},
        now=now,
    )
    return content
