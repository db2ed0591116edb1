"""Issue 16: the school owner's count of an overdue "Meld til skoleeier" runs from the day
the case was marked serious (`cases.serious_since`), not from the day it was received:
"straks" is due that day, and overdue from the next."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy.orm import Session

from tests.factories.cases import NOW, file, receive_and_assign, sara_report
from tests.factories.users import HANDLER, RECTOR, REPORTER, demo_user, school_id
from trygg.accounts.principal import Principal
from trygg.accounts.roles import SKOLEEIER
from trygg.calendar.deadlines import REPORT_TO_OWNER
from trygg.cases.leadership import mark_serious
from trygg.cases.overview import deadlines_of
from trygg.overview import owner

MONDAY = NOW.date()  # 14 September 2026: reported and received
WEDNESDAY = MONDAY + dt.timedelta(days=2)  # marked serious
THURSDAY = MONDAY + dt.timedelta(days=3)


def test_meld_til_skoleeier_is_overdue_from_the_day_after_the_case_was_marked_serious(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case, _ = file(session, tmp_path, REPORTER, sara_report(others=()), NOW)
    receive_and_assign(session, case, RECTOR, HANDLER, NOW)
    assert mark_serious(case, True, WEDNESDAY)
    session.commit()
    assert case.serious_since == WEDNESDAY
    user = Principal.of(demo_user(session, SKOLEEIER, None))
    nordpolen = school_id(session, "Nordpolen skole")

    def owner_overdue(today: dt.date) -> int:
        [status] = [
            s for s in owner.school_statuses(session, user, today) if s.school_id == nordpolen
        ]
        return status.overdue

    def case_overdue(today: dt.date) -> list[str]:
        return [d.code for d in deadlines_of(session, case, today) if d.state == "overdue"]

    # Received Monday, marked Wednesday: on Wednesday nothing is late yet.
    assert case_overdue(WEDNESDAY) == []
    assert owner_overdue(WEDNESDAY) == 0
    # From Thursday it is late (beside the investigation, due after two school days).
    assert REPORT_TO_OWNER in case_overdue(THURSDAY)
    assert owner_overdue(THURSDAY) == len(case_overdue(THURSDAY))
