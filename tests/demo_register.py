"""The demo's cases are about its register's pupils (trygg.demo.pupils): shared by the
tests of the demo cases and of the demo school year."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from trygg.models import Case, Pupil


def assert_register_pupils(session: Session) -> None:
    """Each case is about a pupil of its school's register, with the register's name and
    class, and guardians from the register who may be sent a document."""
    cases = list(session.execute(select(Case)).scalars())
    assert cases
    for case in cases:
        pupil = session.get(Pupil, case.pupil_id) if case.pupil_id else None
        assert pupil is not None, case.pupil_name
        assert (pupil.school_id, pupil.active) == (case.school_id, True), case.pupil_name
        assert (pupil.full_name, pupil.class_name) == (case.pupil_name, case.pupil_class)
        assert any(g.email and g.may_receive_information for g in pupil.guardians), pupil
