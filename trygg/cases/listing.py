"""The case lists: the rektor's cases, the school owner's inbox and a handler's own cases.

Filtered, sorted and counted in SQL, so a list loads one page of rows however many
cases the years have brought (how: trygg.cases.list_query). Lists are filtered by `visible_to`, so nothing a user may
not see is ever loaded for them, counted for them or given a deadline for them (§ 12-5).

The order is overdue first (what the leadership must act on), then newest first. Pages
are found by keyset: "Neste" continues after the last row shown and "Forrige" before
the first, so a page far back costs no more than the first and a case filed meanwhile
does not push rows from one page to the next. A page number alone (`side`, typed or
bookmarked) is found by counting rows, as before.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trygg.accounts.principal import Principal
from trygg.calendar.clock import oslo_time
from trygg.calendar.deadlines import Deadline
from trygg.cases.access import visible_to
from trygg.cases.facts import STAGES, page_facts
from trygg.cases.list_query import CaseFilter, Cursor, Found, ListQuery, narrowing
from trygg.cases.overdue import open_cases, overdue_among
from trygg.models import Case
from trygg.models.cases import OPEN

PER_PAGE = 25


@dataclass(frozen=True)
class CaseRow:
    id: int
    reference: str
    pupil_name: str
    pupil_class: str
    stage: str
    handler: str
    opened_on: dt.date
    section_12_5: bool
    deadlines: tuple[Deadline, ...]
    # The school owner's inbox spans the municipality, so its rows name the school.
    school: str = ""
    # The rektor's columns (issue 16): serious, when the rektor knew, days since report.
    serious: bool = False
    rektor_informed_on: dt.date | None = None
    school_days_since_report: int = 0

    @property
    def overdue(self) -> bool:
        return any(d.state == "overdue" for d in self.deadlines)


@dataclass(frozen=True)
class Page:
    rows: list[CaseRow]
    total: int
    page: int
    pages: int
    # Where "Neste" continues and "Forrige" goes back from; None on the last or first page.
    next_cursor: Cursor | None = None
    previous_cursor: Cursor | None = None


def list_cases(
    session: Session,
    user: Principal,
    today: dt.date,
    filters: CaseFilter,
    page: int = 1,
    *,
    after: Cursor | None = None,
    before: Cursor | None = None,
) -> Page:
    """One page of the cases `user` may see that pass `filters`: page number `page`, or
    the page after the row at `after` ("Neste") or before the row at `before` ("Forrige");
    `page` is then only the number shown."""
    query = ListQuery(session, user, today, filters)
    number = max(1, page)
    found: list[Found] = []
    has_previous = has_next = False
    if after is not None:
        found = query.fetch(PER_PAGE + 1, beyond=after)
        has_previous, has_next = True, len(found) > PER_PAGE
        found = found[:PER_PAGE]
    elif before is not None:
        found = query.fetch(PER_PAGE + 1, beyond=before, forward=False)
        has_previous = has_next = True
        found = found[-PER_PAGE:] if len(found) > PER_PAGE else []
        # Fewer rows before it than a page and one: the first page, counted from the start.
        number = number if found else 1
    if not found:
        # No cursor, or its row has left the list: the page by its number; past the
        # end, the last page.
        found = query.fetch(PER_PAGE + 1, offset=(number - 1) * PER_PAGE)
        if not found and number > 1:
            number = max(1, math.ceil(query.total / PER_PAGE))
            found = query.fetch(PER_PAGE + 1, offset=(number - 1) * PER_PAGE)
        has_previous, has_next = number > 1, len(found) > PER_PAGE
        found = found[:PER_PAGE]
    pages = max(1, math.ceil(query.total / PER_PAGE))
    # The number shown follows the rows when a cursor came with a number edited by hand.
    if not has_previous:
        number = 1
    elif not has_next:
        number = pages
    else:
        number = min(max(number, 2), pages - 1)
    return Page(
        rows=_rows(session, found, today),
        total=query.total,
        page=min(max(1, number), pages),
        pages=pages,
        next_cursor=found[-1].cursor if has_next and found else None,
        previous_cursor=found[0].cursor if has_previous and found else None,
    )


def _rows(session: Session, found: list[Found], today: dt.date) -> list[CaseRow]:
    rows = []
    for shown in page_facts(session, [f.case for f in found], today):
        case_ = shown.case
        rows.append(
            CaseRow(
                id=case_.id,
                reference=case_.reference,
                pupil_name=case_.pupil_name,
                pupil_class=case_.pupil_class,
                stage=STAGES[shown.stage],
                handler=case_.handler.name if case_.handler else "",
                opened_on=oslo_time(case_.opened_at).date(),
                section_12_5=case_.staff_suspected,
                deadlines=shown.deadlines,
                school=case_.school.name,
                serious=case_.serious,
                rektor_informed_on=(
                    oslo_time(case_.rektor_informed_at).date() if case_.rektor_informed_at else None
                ),
                school_days_since_report=shown.school_days_since_report,
            )
        )
    return rows


def visible_classes(session: Session, user: Principal) -> list[str]:
    """The classes of the cases the user may see: the choices of the class filter."""
    query = select(Case.pupil_class).where(visible_to(user), *narrowing(session, user))
    query = query.distinct()
    return sorted(session.execute(query).scalars())


@dataclass(frozen=True)
class CaseCounts:
    open: int
    overdue: int


def case_counts(session: Session, user: Principal, today: dt.date) -> CaseCounts:
    """Open and overdue cases among those the user may see, for the front page."""
    open_now = open_cases(session, [visible_to(user), Case.status == OPEN])
    return CaseCounts(open=len(open_now), overdue=len(overdue_among(session, today, open_now)))


def visible_count(session: Session, user: Principal) -> int:
    return int(
        session.execute(
            select(func.count(Case.id)).where(visible_to(user), Case.status == OPEN)
        ).scalar_one()
    )
