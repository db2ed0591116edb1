"""A case's documents: engine input, drafts with optimistic locking, finalising, archive.

Every save names the revision the user started from. If someone else saved in between,
nothing is overwritten: EditConflict carries both texts so the user can merge them.
A final document is rendered, scanned for names, archived, and never changes again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trygg.anonymise import LeakScanner, UnreadableDocument, scan_docx
from trygg.archive import Archive
from trygg.calendar.clock import oslo_time
from trygg.cases.actors import actor_inputs, anonymiser_actor, staff_reference
from trygg.cases.events import record_event
from trygg.cases.measure_owners import resolve_plan_owners
from trygg.documents import InvalidInput, RenderedDocument, render_document, validate_input
from trygg.documents.filenames import document_filename
from trygg.documents.template_store import active_template
from trygg.documents.validation import human_path
from trygg.errors import DomainError, Refused
from trygg.models import ArchivedFile, Case, CaseDocument, User
from trygg.models.documents import DRAFT, FINAL

SECTION = {
    "meldeskjema": "report",
    "undersokelse": "investigation",
    "aktivitetsplan": "plan",
    "evaluering": "evaluation",
    "avslutning": "closing",
}
CASE_KINDS = tuple(SECTION)
# Words the user confirmed are not names (trygg.cases.names_check): kept with the draft,
# never part of the document's input.
NOT_NAMES = "confirmed_not_names"

# Staff references per kind: path inside the section, "*" for every row.
STAFF_PATHS: dict[str, tuple[tuple[str, ...], ...]] = {
    "meldeskjema": (("reporter",), ("guardians_informed", "by")),
    "undersokelse": (("conversations", "*", "by"), ("observations", "*", "by")),
    "aktivitetsplan": (("responsible",), ("measures", "*", "by")),
    "evaluering": (("measures", "*", "by"),),
    # Made by trygg.cases.closing from the accounts, never typed: already actor keys.
    "avslutning": (),
}


class DocumentProblems(DomainError):
    """The document cannot be finalised; `problems` are Norwegian, one per line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("Dokumentet kan ikke ferdigstilles ennå.")
        self.problems = problems


class NameLeak(DocumentProblems):
    """The name of a labelled person reached a document's Word or PDF text; nothing was
    archived or sent. Each problem names the name and where it stands (file part or page,
    and the form field it was typed in)."""

    def __init__(self, problems: list[str]) -> None:
        DomainError.__init__(self, "Dokumentet inneholder navn på personer i saken.")
        self.problems = problems


class EditConflict(DomainError):
    """Someone saved the document after this user opened it."""

    def __init__(self, mine: Mapping[str, Any], theirs: Mapping[str, Any], by: str) -> None:
        super().__init__(
            "%(by)s lagret dokumentet etter at du åpnet det. Ingenting er tapt: "
            "begge versjonene vises nedenfor.",
            by=by,
        )
        self.mine = dict(mine)
        self.theirs = dict(theirs)


def jsonable(value: Any) -> Any:
    """Dates as ISO text, tuples as lists: the form of the JSON column and the examples."""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def case_header(case: Case) -> dict[str, Any]:
    """school, case and pupil parts of every case document's input."""
    municipality = case.school.municipality
    informed = case.rektor_informed_at
    header: dict[str, Any] = {
        "school": {
            "name": case.school.name,
            "municipality": municipality.name,
            "owner_contact": municipality.owner_contact or None,
        },
        "case": {
            "reference": case.reference,
            "opened": oslo_time(case.opened_at).date().isoformat(),
            "rektor_informed": informed.strftime("%Y-%m-%dT%H:%M") if informed else None,
            "raised_with_rektor_by_home": jsonable(case.raised_with_rektor_by_home),
            "received_by": "skoleeier" if case.routed_to_owner else "rektor",
        },
        "pupil": {"name": case.pupil_name, "class": case.pupil_class},
        "actors": actor_inputs(case),
    }
    return header


def document_input(case: Case, doc: CaseDocument) -> dict[str, Any]:
    section = {key: value for key, value in doc.data.items() if key != NOT_NAMES}
    if doc.kind == "aktivitetsplan":
        section["version"] = doc.number
        section.setdefault("created", doc.created_at.date().isoformat())
    if doc.kind == "evaluering":
        section["number"] = doc.number
    return {**case_header(case), SECTION[doc.kind]: section}


def _resolve(session: Session, case: Case, kind: str, section: dict[str, Any]) -> None:
    """Replace picker values and typed staff names with the staff member's actor key."""
    if kind == "aktivitetsplan":
        # Owners outside the school's staff are named with their role first.
        resolve_plan_owners(session, case, section)
    for path in STAFF_PATHS[kind]:
        _resolve_path(session, case, section, path, ())


def _resolve_path(
    session: Session, case: Case, node: Any, path: tuple[str, ...], done: tuple[str, ...]
) -> None:
    head, rest = path[0], path[1:]
    if head == "*":
        if isinstance(node, list):
            for index, item in enumerate(node):
                _resolve_path(session, case, item, rest, (*done, str(index)))
        return
    if not isinstance(node, dict) or node.get(head) in (None, ""):
        return
    if rest:
        _resolve_path(session, case, node[head], rest, (*done, head))
    else:
        node[head] = staff_reference(session, case, str(node[head]), "-".join((*done, head)))


def next_number(session: Session, case: Case, kind: str) -> int:
    current = session.execute(
        select(func.max(CaseDocument.number)).where(
            CaseDocument.case_id == case.id, CaseDocument.kind == kind
        )
    ).scalar_one()
    return int(current or 0) + 1


def new_document(
    session: Session, case: Case, kind: str, user: User, now: dt.datetime, data: Any = None
) -> CaseDocument:
    doc = CaseDocument(
        case_id=case.id,
        kind=kind,
        number=next_number(session, case, kind),
        status=DRAFT,
        data=jsonable(data or {}),
        created_at=now,
        created_by=user.id,
        updated_at=now,
        updated_by=user.id,
    )
    session.add(doc)
    session.flush()
    return doc


def save_draft(
    session: Session,
    case: Case,
    doc: CaseDocument,
    section: Mapping[str, Any],
    base_revision: int,
    user: User,
    now: dt.datetime,
) -> CaseDocument:
    if doc.status == FINAL:
        raise Refused(
            "Dokumentet er ferdigstilt og arkivert, og kan ikke endres. Lag en ny versjon."
        )
    data = jsonable(section)
    if base_revision != doc.revision:
        by = doc.updater.name if doc.updater else "En annen bruker"
        raise EditConflict(data, doc.data, by)
    _resolve(session, case, doc.kind, data)
    doc.data = data
    doc.updated_at = now
    doc.updated_by = user.id
    record_event(session, case, "document_saved", user.id, now, kind=doc.kind, number=doc.number)
    session.flush()
    return doc


def check_document(case: Case, doc: CaseDocument) -> list[str]:
    """Everything that stops this document from being finalised, in Norwegian."""
    try:
        validate_input(doc.kind, document_input(case, doc))
    except InvalidInput as error:
        return list(error.problems)
    return []


def render_case_document(session: Session, case: Case, doc: CaseDocument) -> RenderedDocument:
    template = active_template(session, case.school.municipality_id, case.school_id, doc.kind)
    try:
        return render_document(doc.kind, document_input(case, doc), template=template)
    except InvalidInput as error:
        raise DocumentProblems(list(error.problems)) from error


def filename_for(case: Case, doc: CaseDocument, ext: str = "docx") -> str:
    return document_filename(case.reference, doc.kind, doc.number, ext)


def leak_problems(case: Case, doc: CaseDocument, rendered: RenderedDocument) -> list[str]:
    """Names of labelled people anywhere in the finished file block archiving."""
    try:
        hits = scan_docx(
            rendered.docx,
            filename_for(case, doc),
            case.pupil_name,
            [anonymiser_actor(a) for a in case.actors],
        )
    except UnreadableDocument:
        return ["Det ferdige dokumentet kunne ikke leses for kontroll av navn."]
    if not hits:
        return []
    # Only when something leaked: tracing it to its field scans every field again.
    written_in = _fields_naming(case, doc)
    problems = []
    for hit in hits:
        fields = [f for actor in hit.actor_ids for f in written_in.get(actor, [])]
        fields = list(dict.fromkeys(fields))
        where = f" Det er skrevet i: {', '.join(fields)}." if fields else ""
        problems.append(
            f"Navnet «{hit.name}» står i {hit.where} i det ferdige dokumentet.{where} Skriv om "
            "teksten, eller legg personen til i saken, før dokumentet arkiveres."
        )
    return problems


def _fields_naming(case: Case, doc: CaseDocument) -> dict[str, list[str]]:
    """For each labelled person (actor id): the form fields where they are named, by label
    ("Undersøkelse › Samtale 2 › Hva ble sagt"), so a leak can be traced to its field.
    A leak found in the template itself (its properties, say) has no field."""
    scanner = LeakScanner(case.pupil_name, [anonymiser_actor(a) for a in case.actors])
    found: dict[str, list[str]] = {}
    section = SECTION[doc.kind]
    for loc, text in _text_leaves(document_input(case, doc)[section], (section,)):
        for hit in scanner.scan(text, ""):
            for actor in hit.actor_ids:
                if human_path(loc) not in found.setdefault(actor, []):
                    found[actor].append(human_path(loc))
    return found


def _text_leaves(node: Any, loc: tuple[str | int, ...]) -> list[tuple[tuple[str | int, ...], str]]:
    if isinstance(node, str):
        return [(loc, node)]
    if isinstance(node, Mapping):
        return [leaf for key, value in node.items() for leaf in _text_leaves(value, (*loc, key))]
    if isinstance(node, list):
        return [leaf for i, value in enumerate(node) for leaf in _text_leaves(value, (*loc, i))]
    return []


def finalise(
    session: Session,
    archive: Archive,
    case: Case,
    doc: CaseDocument,
    user: User,
    now: dt.datetime,
) -> ArchivedFile:
    """Validate, render, scan, archive and freeze the document, in one transaction."""
    if doc.status == FINAL:
        raise Refused("Dokumentet er allerede ferdigstilt.")
    problems = check_document(case, doc)
    if problems:
        raise DocumentProblems(problems)
    rendered = render_case_document(session, case, doc)
    leaks = leak_problems(case, doc, rendered)
    if leaks:
        raise NameLeak(leaks)
    sha256 = archive.put(rendered.docx, "docx")
    stored = ArchivedFile(
        case_id=case.id,
        document_id=doc.id,
        format="docx",
        sha256=sha256,
        size=len(rendered.docx),
        filename=filename_for(case, doc),
        archived_at=now,
        archived_by=user.id,
    )
    session.add(stored)
    doc.status = FINAL
    doc.finalised_at = now
    doc.finalised_by = user.id
    record_event(
        session, case, "document_finalised", user.id, now, kind=doc.kind, number=doc.number
    )
    session.flush()
    return stored


def documents_of(session: Session, case: Case, kind: str | None = None) -> list[CaseDocument]:
    query = select(CaseDocument).where(CaseDocument.case_id == case.id)
    if kind is not None:
        query = query.where(CaseDocument.kind == kind)
    return list(session.execute(query.order_by(CaseDocument.id)).scalars())


def current(session: Session, case: Case, kind: str) -> CaseDocument | None:
    docs = documents_of(session, case, kind)
    return docs[-1] if docs else None


def previous_plan(session: Session, doc: CaseDocument) -> CaseDocument | None:
    """The plan version a new plan version was started from, if it is one."""
    if doc.kind != "aktivitetsplan" or doc.parent_id is None:
        return None
    parent = session.get(CaseDocument, doc.parent_id)
    return parent if parent is not None and parent.kind == "aktivitetsplan" else None


def archived_file(session: Session, doc: CaseDocument, fmt: str) -> ArchivedFile | None:
    return session.execute(
        select(ArchivedFile).where(ArchivedFile.document_id == doc.id, ArchivedFile.format == fmt)
    ).scalar_one_or_none()
