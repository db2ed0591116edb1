"""Adding another pupil to a case as picked from the school's register (issue 13): the
leadership's "Legg til en person" ties the new person to the register pupil at once,
instead of leaving it to "Knytt … til elevregisteret" afterwards.

The pick is checked as the meldeskjema's rows are (trygg.cases.register_people): an
active pupil of the case's school, not the case's own pupil, not a pupil the case has
already. The person takes the register's name, a spelling typed before stays as a
nickname, and the pupil's register guardians come in labelled ("Foresatt til Elev A")
through bring_register_people, with their chronology events and audit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from sqlalchemy.orm import Session

from trygg import audit
from trygg.cases.actors import PersonInput
from trygg.cases.events import record_event
from trygg.cases.register_people import bring_register_people
from trygg.cases.registry import register_person
from trygg.errors import Refused
from trygg.models import Case, CaseActor, Pupil, User
from trygg.pupils.register import pupil_for_report

# Refusals are shown at the name: the pupil id is a hidden field the user cannot see.
FIELD = "name"


def _folded(name: str) -> str:
    return " ".join(name.split()).casefold()


def checked_pick(session: Session, case: Case, pupil_id: int) -> Pupil:
    """The register pupil `pupil_id` names, if it may become another pupil of the case;
    any other id (another school's, a pupil who left, none) gets the same refusal, so the
    answer tells nothing about other schools."""
    try:
        pupil = pupil_for_report(session, case.school_id, pupil_id)
    except Refused:
        raise Refused(
            "Eleven finnes ikke i elevregisteret ved skolen. Søk på nytt, eller skriv navnet.",
            field=FIELD,
        ) from None
    if pupil.id == case.pupil_id:
        raise Refused(
            "%(name)s er eleven saken gjelder, og står allerede i saken.",
            field=FIELD,
            name=pupil.full_name,
        )
    for actor in case.actors:
        if actor.pupil_id == pupil.id:
            raise Refused(
                "%(name)s står allerede i saken som %(label)s.",
                field=FIELD,
                name=pupil.full_name,
                label=actor.label or actor.name,
            )
    return pupil


def register_pupil(
    session: Session,
    case: Case,
    person: PersonInput,
    user: User,
    by: audit.Initiator,
    now: dt.datetime,
) -> CaseActor:
    """Add another pupil of the case tied to the register pupil `person.pupil_id`, and
    bring in that pupil's register guardians. Refuses before it changes anything."""
    if person.kind != "pupil" or person.pupil_id is None:
        raise Refused("Velg om personen er elev, foresatt eller ansatt.", field="kind")
    pupil = checked_pick(session, case, person.pupil_id)
    typed = " ".join(person.name.split())
    spellings = (typed,) if typed and _folded(typed) != _folded(pupil.full_name) else ()
    checked = replace(
        person, name=pupil.full_name, aliases=(*person.aliases, *spellings), pupil_id=pupil.id
    )
    before = {id(actor) for actor in case.actors}
    actor = register_person(session, case, checked, user, by, now)
    if id(actor) in before:
        # A pupil the case named before by this name is the register pupil from now on.
        record_event(session, case, "person_linked", user.id, now, actor=actor.key)
    bring_register_people(session, case, user.id, by, now)
    audit.record(
        session,
        by,
        "case.person_linked",
        "case",
        str(case.id),
        {"actor": actor.id, "pupil": pupil.id},
        now=now,
    )
    session.flush()
    return actor
