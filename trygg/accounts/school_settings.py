"""A school's own settings that change what its documents look like."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from trygg import audit
from trygg.errors import Refused
from trygg.models import School


def set_perpetrator_labels(
    session: Session, school_id: int, enabled: bool, by: audit.Initiator, now: dt.datetime
) -> bool:
    """Label pupils whose role is "utøvende" as "Utøvende elev 1", … from now on.

    Returns whether anything changed. People already labelled keep their label: documents
    in the archive use it, and a label that changed between two documents of one case
    would make them contradict each other.
    """
    school = session.get(School, school_id)
    if school is None:
        raise Refused("Skolen finnes ikke.")
    if school.perpetrator_labels == enabled:
        return False
    school.perpetrator_labels = enabled
    session.flush()
    audit.record(
        session,
        by,
        "school.label_setting_changed",
        "school",
        school_id,
        {"perpetrator_labels": enabled},
        now=now,
    )
    return True
