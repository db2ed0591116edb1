"""Which Word template renders a document: the school's own, the municipality's, or the
default in doc_templates/ (always the fallback); and how admins upload, roll back and
reset their own templates.

A scope is (municipality, school or None, kind). Every upload is kept as a numbered
version of its scope with the pre-flight report it got, refused or not, so an admin can
see what was tried and why it was turned down. At most one version per scope is active.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from trygg import audit
from trygg.config import TemplateLimits
from trygg.documents import PreflightReport, template_kinds
from trygg.documents.isolation import check_template_limited
from trygg.documents.template_intake import check_package
from trygg.errors import Refused
from trygg.models import DocumentTemplate, School, User

# Word templates are a few hundred KB; anything near this is pictures nobody needs.
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
MAX_FILENAME_LENGTH = 200

# Turns the uploaded bytes and a kind into a pre-flight report; the view passes one that
# opens the test render in LibreOffice, tests may pass check_template itself.
Checker = Callable[[bytes, str], PreflightReport]

LIBREOFFICE_NOT_CHECKED = (
    "Malen ble ikke prøvd i LibreOffice, fordi PDF-tjenesten ikke er tilgjengelig på "
    "serveren ({reason}). Word-dokumentene virker; kontroller PDF-nedlasting når "
    "tjenesten er i gang."
)


def active_template(
    session: Session, municipality_id: int, school_id: int | None, kind: str
) -> bytes | None:
    """The active uploaded template for this school and kind, or None for the default."""
    for scope in ((school_id,) if school_id is not None else ()) + (None,):
        query = select(DocumentTemplate.content).where(
            DocumentTemplate.municipality_id == municipality_id,
            DocumentTemplate.kind == kind,
            DocumentTemplate.active.is_(True),
        )
        query = query.where(
            DocumentTemplate.school_id.is_(None)
            if scope is None
            else DocumentTemplate.school_id == scope
        )
        content = session.execute(query.order_by(DocumentTemplate.version.desc())).scalar()
        if content is not None:
            return bytes(content)
    return None


# --- checking -----------------------------------------------------------------------------


def libreoffice_checker(
    converters: Sequence[str], *, allow_cold: bool = False, limits: TemplateLimits | None = None
) -> Checker:
    """The pre-flight with its test render opened in LibreOffice by the app's converter
    service (`Settings.converters`), the same warm service the PDF downloads use.

    No service means the LibreOffice step could not be done, which is not the template's
    fault: it becomes a warning in the report instead of refusing every upload on a
    server without PDF support. A service that fails on the file refuses it.

    ``allow_cold`` lets the command line start LibreOffice itself when no service runs;
    the web path never does (a cold start per upload would tie up a worker).
    """

    def check(content: bytes, kind: str) -> PreflightReport:
        from trygg.pdf import PdfUnavailable, convert_docx_to_pdfa, shared_pool

        unavailable: list[str] = []

        def open_with_libreoffice(rendered: bytes) -> None:
            if not converters and not allow_cold:
                unavailable.append("ikke satt opp")
                return
            # No pool given: convert_docx_to_pdfa uses TRYGG_CONVERTERS, else a cold start.
            pool = shared_pool(converters) if converters else None
            try:
                convert_docx_to_pdfa(rendered, allow_cold=allow_cold, converters=pool)
            except PdfUnavailable:
                unavailable.append("svarer ikke")

        # The package check first, here: it is bounded by design, and a zip bomb or a
        # template that links out never reaches a parser, a worker or LibreOffice.
        reasons = check_package(content, limits)
        if reasons:
            refused = PreflightReport(kind)
            for reason in reasons:
                refused.error(reason)
            return refused
        # In a worker process with memory, CPU and time limits: the upload is not ours.
        report = check_template_limited(
            content, kind, open_with_libreoffice=open_with_libreoffice, limits=limits
        )
        if unavailable:
            report.warn(LIBREOFFICE_NOT_CHECKED.format(reason=unavailable[0]))
        return report

    return check


def is_refused(report_text: str) -> bool:
    """Whether the stored report (PreflightReport.as_text) turned the upload down."""
    first_line = report_text.split("\n", 1)[0]
    return first_line.endswith(": AVVIST")


def findings_of(report_text: str) -> list[str]:
    """The findings of a stored report, one sentence each, without the verdict line."""
    lines = report_text.split("\n")[1:]
    return [line.removeprefix("- ") for line in lines if line.startswith("- ")]


# --- changing -----------------------------------------------------------------------------


def _scope(municipality_id: int, school_id: int | None, kind: str) -> list[ColumnElement[bool]]:
    return [
        DocumentTemplate.municipality_id == municipality_id,
        DocumentTemplate.kind == kind,
        DocumentTemplate.school_id.is_(None)
        if school_id is None
        else DocumentTemplate.school_id == school_id,
    ]


def _check_scope(session: Session, municipality_id: int, school_id: int | None, kind: str) -> None:
    if kind not in template_kinds():
        raise Refused("Ukjent dokumenttype «%(kind)s».", field="kind", kind=kind)
    if school_id is not None:
        school = session.get(School, school_id)
        if school is None or school.municipality_id != municipality_id:
            raise Refused("Skolen finnes ikke i denne kommunen.", field="school")


def _clean_filename(filename: str) -> str:
    # Only shown and offered back as a download name: keep the last path part, drop
    # control characters a browser could be tricked with.
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return (name or "mal.docx")[:MAX_FILENAME_LENGTH]


def _check_file(content: bytes, limits: TemplateLimits | None) -> None:
    if not content:
        raise Refused("Filen er tom. Velg Word-malen (.docx) på nytt.", field="file")
    if len(content) > MAX_TEMPLATE_BYTES:
        raise Refused(
            "Filen er for stor (%(size)s MB). En mal kan være høyst %(limit)d MB; "
            "store bilder i malen gjør den ofte stor.",
            field="file",
            size=f"{len(content) / 1024 / 1024:.1f}".replace(".", ","),
            limit=MAX_TEMPLATE_BYTES // 1024 // 1024,
        )
    # Not a Word package, or a hostile one (a zip bomb, entities, links out, macros): the
    # check the pre-flight starts with (template_intake), before anything parses it.
    # There is no template to keep, so nothing is stored.
    reasons = check_package(content, limits)
    if reasons:
        raise Refused("%(reasons)s", field="file", reasons=" ".join(reasons))


def _deactivate(session: Session, municipality_id: int, school_id: int | None, kind: str) -> int:
    result = session.execute(
        update(DocumentTemplate)
        .where(*_scope(municipality_id, school_id, kind), DocumentTemplate.active.is_(True))
        .values(active=False)
        .execution_options(synchronize_session="fetch")
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _scope_object(municipality_id: int, school_id: int | None) -> tuple[str, int]:
    return ("school", school_id) if school_id is not None else ("municipality", municipality_id)


def upload_template(
    session: Session,
    municipality_id: int,
    *,
    content: bytes,
    filename: str,
    kind: str,
    school_id: int | None,
    checker: Checker,
    initiator: audit.Initiator,
    now: dt.datetime,
    limits: TemplateLimits | None = None,
) -> DocumentTemplate:
    """Check and store an uploaded template as the scope's next version.

    A template that passes becomes the only active one of its scope; one that fails is
    kept inactive with its report, and whatever was active stays so. Raises DomainError
    (nothing stored) for a file that is empty, too large, not a Word file at all, or a
    package the intake refuses (trygg.documents.template_intake).
    """
    _check_scope(session, municipality_id, school_id, kind)
    _check_file(content, limits)
    report = checker(content, kind)
    latest = session.execute(
        select(func.max(DocumentTemplate.version)).where(*_scope(municipality_id, school_id, kind))
    ).scalar()
    passed = not report.refused
    if passed:
        _deactivate(session, municipality_id, school_id, kind)
    template = DocumentTemplate(
        municipality_id=municipality_id,
        school_id=school_id,
        kind=kind,
        version=(latest or 0) + 1,
        filename=_clean_filename(filename),
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        active=passed,
        uploaded_at=now,
        uploaded_by=initiator.user_id,
        report=report.as_text(),
    )
    session.add(template)
    session.flush()
    details = {
        "municipality_id": municipality_id,
        "school_id": school_id,
        "kind": kind,
        "version": template.version,
    }
    audit.record(
        session,
        initiator,
        "template.uploaded",
        "document_template",
        template.id,
        {**details, "passed": passed},
        now=now,
    )
    outcome = "template.activated" if passed else "template.refused"
    audit.record(session, initiator, outcome, "document_template", template.id, details, now=now)
    return template


def activate_version(
    session: Session, template: DocumentTemplate, initiator: audit.Initiator, now: dt.datetime
) -> None:
    """Put an earlier accepted version back in use (a roll-back)."""
    if is_refused(template.report):
        raise Refused("En avvist mal kan ikke tas i bruk. Rett feilene og last den opp på nytt.")
    if template.active:
        return
    _deactivate(session, template.municipality_id, template.school_id, template.kind)
    template.active = True
    session.flush()
    audit.record(
        session,
        initiator,
        "template.activated",
        "document_template",
        template.id,
        {
            "municipality_id": template.municipality_id,
            "school_id": template.school_id,
            "kind": template.kind,
            "version": template.version,
        },
        now=now,
    )


def reset_to_default(
    session: Session,
    municipality_id: int,
    school_id: int | None,
    kind: str,
    initiator: audit.Initiator,
    now: dt.datetime,
) -> int:
    """Stop using every uploaded version of the scope; returns how many were active.

    For a school this brings back the municipality's template if it has one, otherwise
    the default. Versions are kept, so any of them can be put back in use.
    """
    _check_scope(session, municipality_id, school_id, kind)
    count = _deactivate(session, municipality_id, school_id, kind)
    object_type, object_id = _scope_object(municipality_id, school_id)
    audit.record(
        session,
        initiator,
        "template.reset",
        object_type,
        object_id,
        {"municipality_id": municipality_id, "school_id": school_id, "kind": kind},
        now=now,
    )
    return count


# --- reading ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateVersion:
    """One upload as the admin pages show it; no content bytes."""

    id: int
    kind: str
    school_id: int | None
    version: int
    filename: str
    size: int
    sha256: str
    active: bool
    refused: bool
    uploaded_at: dt.datetime
    uploaded_by: str
    findings: tuple[str, ...]


@dataclass(frozen=True)
class KindOverview:
    """What one kind looks like from one scope: its versions and what is in effect."""

    kind: str
    versions: tuple[TemplateVersion, ...]
    # The scope's own active version, or None.
    active: TemplateVersion | None
    # For a school without its own: the municipality's active version, or None (default).
    inherited: TemplateVersion | None


def templates_for(
    session: Session, municipality_id: int, school_id: int | None
) -> list[TemplateVersion]:
    """Every upload of exactly this scope (the municipality's own when school_id is None),
    by kind, newest version first."""
    query = (
        select(
            DocumentTemplate.id,
            DocumentTemplate.kind,
            DocumentTemplate.school_id,
            DocumentTemplate.version,
            DocumentTemplate.filename,
            func.length(DocumentTemplate.content),
            DocumentTemplate.sha256,
            DocumentTemplate.active,
            DocumentTemplate.uploaded_at,
            User.name,
            DocumentTemplate.report,
        )
        .outerjoin(User, User.id == DocumentTemplate.uploaded_by)
        .where(
            DocumentTemplate.municipality_id == municipality_id,
            DocumentTemplate.school_id.is_(None)
            if school_id is None
            else DocumentTemplate.school_id == school_id,
        )
        .order_by(DocumentTemplate.kind, DocumentTemplate.version.desc())
    )
    return [
        TemplateVersion(
            id=row[0],
            kind=row[1],
            school_id=row[2],
            version=row[3],
            filename=row[4],
            size=int(row[5] or 0),
            sha256=row[6],
            active=row[7],
            refused=is_refused(row[10]),
            uploaded_at=row[8],
            uploaded_by=row[9] or "",
            findings=tuple(findings_of(row[10])),
        )
        for row in session.execute(query)
    ]


def overview(session: Session, municipality_id: int, school_id: int | None) -> list[KindOverview]:
    """Per kind, in the engine's order: the scope's versions and what renders documents."""
    own = templates_for(session, municipality_id, school_id)
    municipal = templates_for(session, municipality_id, None) if school_id is not None else []
    result = []
    for kind in template_kinds():
        versions = tuple(v for v in own if v.kind == kind)
        active = next((v for v in versions if v.active), None)
        inherited = None
        if active is None:
            inherited = next((v for v in municipal if v.kind == kind and v.active), None)
        result.append(KindOverview(kind, versions, active, inherited))
    return result
