"""The pupil's guardians in the case (from the register, contact details hidden for a
protected address) and the dated record of when and how they were informed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories.cases import BY, NOW, file, sara_report
from tests.factories.users import RECTOR, REPORTER, user
from tests.pupil_register import sara_with_guardians
from trygg.cases.events import chronology
from trygg.cases.guardians import Informed, guardian_lines, informed_entries, record_informed
from trygg.errors import Refused
from trygg.models import AuditEvent
from trygg.models.pupils import STRICTLY_CONFIDENTIAL

TODAY = NOW.date()


def test_guardians_come_from_the_register_with_protected_contacts_hidden(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    pupil = sara_with_guardians(session)
    case, _ = file(session, tmp_path, REPORTER, sara_report(pupil_id=pupil.id))
    lines = {g.name: g for g in guardian_lines(case)}
    assert (
        lines["Kari Nilsen"].email == "kari@hjem.example.no" and not lines["Kari Nilsen"].protected
    )
    assert not lines["Per Nilsen"].may_receive_information
    assert not lines["Per Nilsen"].parental_responsibility
    assert lines["Line Berg"].protected and lines["Line Berg"].email == ""
    assert lines["Line Berg"].phone == ""


def test_a_protected_pupil_hides_every_guardians_contact(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    pupil = sara_with_guardians(session, STRICTLY_CONFIDENTIAL)
    case, _ = file(session, tmp_path, REPORTER, sara_report(pupil_id=pupil.id))
    assert all(g.protected and not g.email and not g.phone for g in guardian_lines(case))


def test_informing_the_guardians_is_a_dated_entry_in_the_chronology(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    pupil = sara_with_guardians(session)
    case, _ = file(session, tmp_path, REPORTER, sara_report(pupil_id=pupil.id))
    kari = pupil.guardians[0]
    on = TODAY - dt.timedelta(days=1)
    record_informed(
        session, case, Informed(on, "telefon", (kari.id,)), user(session, RECTOR), BY, NOW, TODAY
    )
    session.commit()
    [entry] = informed_entries(session, case)
    assert (entry.on, entry.how, entry.guardians) == (on, "Telefon", ("Kari Nilsen",))
    [event] = [e for e in chronology(session, case) if e.code == "guardians_informed"]
    assert "Kari Nilsen" in event.about and "telefon" in event.about
    audit = session.execute(
        select(AuditEvent.details).where(AuditEvent.action == "case.guardians_informed")
    ).scalar_one()
    assert str(kari.id) in audit


@pytest.mark.parametrize(
    ("on", "how", "ids", "field"),
    [
        (TODAY + dt.timedelta(days=1), "telefon", "kari", "informed_on"),
        (TODAY, "sms", "kari", "how"),
        (TODAY, "brev", "", "guardians"),
        (TODAY, "brev", "other", "guardians"),
    ],
)
def test_bad_input_is_refused_at_its_field(
    session: Session,
    demo: dict[str, str],
    tmp_path: Path,
    on: dt.date,
    how: str,
    ids: str,
    field: str,
) -> None:
    pupil = sara_with_guardians(session)
    case, _ = file(session, tmp_path, REPORTER, sara_report(pupil_id=pupil.id))
    chosen = {"kari": (pupil.guardians[0].id,), "": (), "other": (pupil.guardians[0].id + 99,)}
    with pytest.raises(Refused) as refused:
        record_informed(
            session, case, Informed(on, how, chosen[ids]), user(session, RECTOR), BY, NOW, TODAY
        )
    assert refused.value.field == field


def test_a_typed_pupil_has_no_register_guardians(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case, _ = file(session, tmp_path, REPORTER)
    assert guardian_lines(case) == []
    with pytest.raises(Refused, match="ikke fra elevregisteret"):
        record_informed(
            session, case, Informed(TODAY, "brev", (1,)), user(session, RECTOR), BY, NOW, TODAY
        )
