"""Loading cases with their access check, and the same rule as SQL for lists and counts.

`visible_to` must agree with `trygg.accounts.permissions.can_view_case` for every user and case;
a test compares the two over all demo users and cases. A case a user may not see is
reported as absent (NotFound), so § 12-5 cases cannot be probed by id.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists, false, or_, select
from sqlalchemy.orm import Session

from trygg.accounts.permissions import CaseAccess, can_edit_case, can_view_case
from trygg.accounts.principal import Principal
from trygg.accounts.roles import KONTAKTLAERER, LEDELSE, SKOLEEIER
from trygg.errors import NotFound
from trygg.models import Case, CaseActor, CaseDocument, School
from trygg.models.documents import FINAL

CASE_NOT_FOUND = "Saken finnes ikke, eller du har ikke tilgang til den."
DOCUMENT_NOT_FOUND = "Dokumentet finnes ikke, eller du har ikke tilgang til det."


def routed_to_school_owner(case: Case) -> bool:
    """The owner sees § 12-5 leadership cases at once, and any case the rektor reported."""
    return case.leadership_suspected or case.owner_reported_at is not None


def case_access(case: Case) -> CaseAccess:
    return CaseAccess(
        school_id=case.school_id,
        municipality_id=case.school.municipality_id,
        handler_id=case.handler_id,
        routed_to_school_owner=routed_to_school_owner(case),
        leadership_suspected=case.leadership_suspected,
        suspected_user_ids=frozenset(
            a.user_id for a in case.actors if a.suspected and a.user_id is not None
        ),
    )


def load_case(session: Session, user: Principal, case_id: int, *, edit: bool = False) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(CASE_NOT_FOUND)
    access = case_access(case)
    allowed = can_edit_case(user, access) if edit else can_view_case(user, access)
    if not allowed:
        raise NotFound(CASE_NOT_FOUND)
    return case


def load_document(
    session: Session,
    case: Case,
    document_id: int,
    *,
    kind: str | None = None,
    final: bool = False,
) -> CaseDocument:
    """A document of `case` (already loaded with its access check); of `kind`, or final,
    when asked. Any other id is NotFound: ids in URLs get changed."""
    doc = session.get(CaseDocument, document_id)
    if (
        doc is None
        or doc.case_id != case.id
        or (kind is not None and doc.kind != kind)
        or (final and doc.status != FINAL)
    ):
        raise NotFound(DOCUMENT_NOT_FOUND)
    return doc


def load_own_report(session: Session, user: Principal, document_id: int) -> CaseDocument:
    """A meldeskjema its reporter opens again; anyone else's report is as good as absent."""
    doc = session.get(CaseDocument, document_id)
    if doc is None or doc.kind != "meldeskjema" or doc.created_by != user.id:
        raise NotFound(DOCUMENT_NOT_FOUND)
    return doc


def visible_to(user: Principal) -> ColumnElement[bool]:
    """A WHERE clause selecting exactly the cases `can_view_case` lets `user` see."""
    not_suspect = ~exists(
        select(CaseActor.id).where(
            CaseActor.case_id == Case.id,
            CaseActor.user_id == user.id,
            CaseActor.suspected.is_(True),
        )
    )
    if user.role == SKOLEEIER:
        in_municipality = Case.school_id.in_(
            select(School.id).where(School.municipality_id == user.municipality_id)
        )
        routed = or_(Case.leadership_suspected.is_(True), Case.owner_reported_at.is_not(None))
        return and_(in_municipality, routed, not_suspect)
    if user.school_id is None:
        return false()
    own_school = Case.school_id == user.school_id
    if user.role == LEDELSE:
        return and_(own_school, Case.leadership_suspected.is_(False), not_suspect)
    if user.role == KONTAKTLAERER:
        return and_(own_school, Case.handler_id == user.id, not_suspect)
    return false()
