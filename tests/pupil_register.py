"""A register pupil with guardians, for the tests of issue 13 on the case."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tests.factories.users import school
from trygg.models import Guardian, Pupil
from trygg.models.pupils import CONFIDENTIAL, NOT_PROTECTED


def sara_with_guardians(session: Session, pupil_marking: str = NOT_PROTECTED) -> Pupil:
    """Sara Nilsen, 6B: her mother (may receive), her father (no right to information),
    and a stepmother with a protected address."""
    pupil = Pupil(
        school_id=school(session).id,
        first_name="Sara",
        last_name="Nilsen",
        name_key="sara nilsen",
        class_name="6B",
        protected_address=pupil_marking,
    )
    pupil.guardians = [
        Guardian(
            name="Kari Nilsen", email="kari@hjem.example.no", phone="90000001", relation="mor"
        ),
        Guardian(
            name="Per Nilsen",
            email="per@hjem.example.no",
            phone="90000002",
            relation="far",
            parental_responsibility=False,
            may_receive_information=False,
        ),
        Guardian(
            name="Line Berg",
            email="line@hjem.example.no",
            phone="90000003",
            relation="stemor",
            protected_address=CONFIDENTIAL,
        ),
    ]
    session.add(pupil)
    session.commit()
    return pupil
