"""Two cases of one pupil opened by mistake become one, and a typed pupil is tied to the
register later; both by the leadership, both audited.

Merging moves what may move and reads the rest through the merge:

- the people: every person of the merged case is in the surviving case afterwards. A
  person already there (same kind and name, or the same staff account) keeps the
  surviving case's label; the others get the surviving case's next labels. The merged
  case's archived documents are immutable and keep their own labels; `CaseMerge.labels`
  records which of its labels is which label here, and the case page shows it. New
  documents of the surviving case use the surviving case's labels only.
- the chronology: the merged case's events move to the surviving case, marked with the
  reference they came from.
- final documents, archived files, notes and attachments are permanent records (database
  triggers refuse changes): they stay in the merged case and are listed and opened from
  the surviving case (views/cases/merge.py), under the surviving case's access rule.

The merged case is marked merged (never open again) and its page leads to the surviving
case. Never across the § 12-5 line: both cases must be seen by the same people.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from trygg import audit
from trygg.cases.actors import PersonInput, add_person, staff_actor
from trygg.cases.events import record_event
from trygg.cases.pupil_cases import lock_pupil, pupil_key
from trygg.cases.register_people import bring_register_people, learn_spelling
from trygg.errors import Refused
from trygg.models import Case, CaseActor, CaseDocument, CaseEvent, CaseMerge, Pupil, User
from trygg.models.cases import MERGED, OPEN
from trygg.models.documents import DRAFT
from trygg.pupils.register import pupil_for_report

# A merge of a merge of a merge…: the case page follows at most this many steps.
MAX_CHAIN = 10


def merged_into(session: Session, case: Case) -> Case | None:
    """The case this one was merged into, following later merges; None if not merged."""
    current: Case | None = None
    case_id = case.id
    for _ in range(MAX_CHAIN):
        row = session.execute(
            select(CaseMerge).where(CaseMerge.merged_case_id == case_id)
        ).scalar_one_or_none()
        if row is None:
            break
        current = row.surviving_case
        case_id = current.id
    return current


def merges_into(session: Session, case: Case) -> list[CaseMerge]:
    """The cases merged into this one, oldest merge first."""
    return list(
        session.execute(
            select(CaseMerge)
            .where(CaseMerge.surviving_case_id == case.id)
            .order_by(CaseMerge.merged_at, CaseMerge.id)
        ).scalars()
    )


def merge_candidates(session: Session, case: Case) -> list[Case]:
    """The open cases of the same school and the same side of § 12-5 that could be the
    same pupil's case opened by mistake (the caller keeps those the user may merge)."""
    query = select(Case).where(
        Case.school_id == case.school_id,
        Case.status == OPEN,
        Case.id != case.id,
        Case.leadership_suspected.is_(case.leadership_suspected),
    )
    if case.pupil_id is not None:
        query = query.where((Case.pupil_id == case.pupil_id) | Case.pupil_id.is_(None))
    return list(session.execute(query.order_by(Case.opened_at, Case.id)).scalars())


def _suspects(case: Case) -> frozenset[int | None]:
    return frozenset(a.user_id for a in case.actors if a.suspected)


def check_merge(session: Session, surviving: Case, merged: Case) -> None:
    """Raises Refused unless `merged` may be merged into `surviving`."""
    if surviving.id == merged.id:
        raise Refused("Velg en annen sak enn denne.", field="other")
    if surviving.status != OPEN or merged.status != OPEN:
        raise Refused("Bare to åpne saker kan slås sammen.", field="other")
    if surviving.school_id != merged.school_id:
        raise Refused("Sakene hører til ulike skoler.", field="other")
    if (
        surviving.leadership_suspected != merged.leadership_suspected
        or surviving.staff_suspected != merged.staff_suspected
        or _suspects(surviving) != _suspects(merged)
        or surviving.hidden_case_id == merged.id
        or merged.hidden_case_id == surviving.id
        or (
            None not in (surviving.hidden_case_id, merged.hidden_case_id)
            and surviving.hidden_case_id != merged.hidden_case_id
        )
    ):
        # § 12-5: a case seen by other people than this one never merges with it.
        raise Refused(
            "Sakene kan ikke slås sammen: de er ikke synlige for de samme personene (§ 12-5).",
            field="other",
        )
    if None not in (surviving.pupil_id, merged.pupil_id) and surviving.pupil_id != merged.pupil_id:
        raise Refused("Sakene gjelder to ulike elever i elevregisteret.", field="other")
    drafts = session.execute(
        select(CaseDocument.id).where(
            CaseDocument.case_id == merged.id, CaseDocument.status == DRAFT
        )
    ).first()
    if drafts is not None:
        # A draft names people by the merged case's keys; finished first, nothing is lost.
        raise Refused(
            "Sak %(reference)s har et utkast som ikke er ferdigstilt. Ferdigstill det først.",
            field="other",
            reference=merged.reference,
        )


def _same_person(surviving: Case, actor: CaseActor) -> CaseActor | None:
    for other in surviving.actors:
        if actor.user_id is not None and other.user_id == actor.user_id:
            return other
        if other.kind == actor.kind and other.name.casefold() == actor.name.casefold():
            return other
    return None


def _bring_people(
    session: Session, surviving: Case, merged: Case
) -> tuple[dict[str, str], dict[str, str]]:
    """Every person of the merged case in the surviving case; returns the merged case's
    actor keys and labels mapped to the surviving case's."""
    keys: dict[str, str] = {"pupil": "pupil"}
    # Pupils first: a guardian names their pupil by key.
    for actor in sorted(merged.actors, key=lambda a: a.kind != "pupil"):
        found = _same_person(surviving, actor)
        if found is None and actor.user_id is not None:
            user = session.get(User, actor.user_id)
            assert user is not None  # an actor's account is never deleted
            found = staff_actor(session, surviving, user, suspected=actor.suspected)
        elif found is None:
            found = add_person(
                session,
                surviving,
                PersonInput(
                    name=actor.name,
                    kind=actor.kind,
                    role=actor.role,
                    aliases=tuple(actor.aliases or ()),
                    guardian_of=keys.get(actor.guardian_of, "") if actor.guardian_of else "",
                    title=actor.title,
                ),
            )
        else:
            # Nicknames the other case knew help the name check here too.
            known = {*(found.aliases or ()), *(actor.aliases or ())}
            if actor.name.casefold() != found.name.casefold():
                known.add(actor.name)
            if set(found.aliases or ()) != known:
                found.aliases = sorted(known)
        taken = {surviving.pupil_id, *(a.pupil_id for a in surviving.actors)}
        if found.pupil_id is None and actor.pupil_id not in taken:
            # The register pupil the other case knew this person to be.
            found.pupil_id = actor.pupil_id
        keys[actor.key] = found.key
    labels = {}
    for actor in merged.actors:
        target = next(a for a in surviving.actors if a.key == keys[actor.key])
        if actor.label:
            labels[actor.label] = target.label
    return keys, labels


def _tie(case: Case, pupil: Pupil) -> None:
    """The case is the register pupil's: their name and class, found by their id."""
    case.pupil_id, case.pupil = pupil.id, pupil
    case.pupil_name = pupil.full_name
    case.pupil_class = pupil.class_name
    case.pupil_key = pupil_key(pupil.full_name, pupil.class_name)


def merge_cases(
    session: Session,
    surviving: Case,
    merged: Case,
    user: User,
    by: audit.Initiator,
    now: dt.datetime,
) -> CaseMerge:
    """Merge `merged` into `surviving` (both loaded with the user's access check; the
    caller checked permissions.can_merge_cases). Raises Refused (check_merge)."""
    check_merge(session, surviving, merged)
    # A report about the merged case's pupil waits until the merge is committed, then
    # finds the merged case closed and joins the surviving one.
    for case in sorted((surviving, merged), key=lambda c: c.id):
        lock_pupil(session, case.school_id, case.pupil_key)
    keys, labels = _bring_people(session, surviving, merged)
    session.flush()
    for event in session.execute(select(CaseEvent).where(CaseEvent.case_id == merged.id)).scalars():
        details = dict(event.details or {})
        if isinstance(details.get("actor"), str):
            details["actor"] = keys.get(details["actor"], details["actor"])
        details["merged_from"] = merged.reference
        event.case_id = surviving.id
        event.details = details
    typed = surviving.pupil_name
    if surviving.pupil_id is None and merged.pupil is not None:
        _tie(surviving, merged.pupil)
        record_event(session, surviving, "pupil_linked", user.id, now, pupil=merged.pupil.id)
    if surviving.pupil is not None:
        # A typed case merged with the register pupil's case: its spelling stays known.
        for spelling in (merged.pupil_name, typed):
            learn_spelling(session, surviving.pupil, spelling)
    if surviving.leadership_suspected:
        # The ordinary case beside the merged hidden case is now beside the surviving one
        # (the school owner's link; never shown to the leadership).
        beside = select(Case).where(Case.hidden_case_id == merged.id)
        for ordinary in session.execute(beside).scalars():
            ordinary.hidden_case_id = surviving.id
    # The owner's view is the union of both: it saw part of the content already.
    surviving.hidden_case_id = surviving.hidden_case_id or merged.hidden_case_id
    surviving.routed_to_owner = surviving.routed_to_owner or merged.routed_to_owner
    if surviving.owner_reported_at is None and merged.owner_reported_at is not None:
        surviving.owner_reported_at = merged.owner_reported_at
        surviving.owner_reported_to = merged.owner_reported_to
    merged.status = MERGED
    merged.closed_at = now
    row = CaseMerge(
        merged_case_id=merged.id,
        surviving_case_id=surviving.id,
        labels=labels,
        merged_at=now,
        merged_by=user.id,
    )
    session.add(row)
    bring_register_people(session, surviving, user.id, by, now)
    record_event(session, surviving, "case_merged", user.id, now, about=merged.reference)
    record_event(session, merged, "case_merged_into", user.id, now, about=surviving.reference)
    audit.record(
        session,
        by,
        "case.merged",
        "case",
        str(surviving.id),
        {"merged_case": merged.id, "labels": sorted(labels.items())},
        now=now,
    )
    audit.record(
        session,
        by,
        "case.merged_into",
        "case",
        str(merged.id),
        {"surviving_case": surviving.id},
        now=now,
    )
    session.flush()
    return row


def link_pupil(
    session: Session,
    case: Case,
    pupil_id: int,
    user: User,
    by: audit.Initiator,
    now: dt.datetime,
) -> Pupil:
    """Tie a case whose pupil was typed ("ikke fra elevregisteret") to a register pupil of
    the school: the case takes the register's name and class. Refused when the case is
    tied already, or the pupil has another open case (merge the two instead)."""
    if case.pupil_id is not None:
        raise Refused("Saken er allerede knyttet til en elev i elevregisteret.", field="pupil_id")
    pupil = pupil_for_report(session, case.school_id, pupil_id)
    lock_pupil(session, case.school_id, case.pupil_key)
    other = session.execute(
        select(Case.reference).where(
            Case.school_id == case.school_id,
            Case.pupil_id == pupil.id,
            Case.status == OPEN,
            Case.id != case.id,
            # Never a word about a case on the other side of § 12-5.
            Case.leadership_suspected.is_(case.leadership_suspected),
        )
    ).scalar()
    if other is not None:
        raise Refused(
            "Eleven har allerede en åpen sak (%(reference)s). Slå sakene sammen i stedet.",
            field="pupil_id",
            reference=other,
        )
    typed = case.pupil_name
    _tie(case, pupil)
    # "Lea Holmm" stays a known spelling of Lea Holm: where another case labels her, the
    # leak scanner looks for it too (trygg.cases.register_people).
    learn_spelling(session, pupil, typed)
    record_event(session, case, "pupil_linked", user.id, now, pupil=pupil.id, typed=typed)
    audit.record(
        session, by, "case.pupil_linked", "case", str(case.id), {"pupil": pupil.id}, now=now
    )
    bring_register_people(session, case, user.id, by, now)
    session.flush()
    return pupil
