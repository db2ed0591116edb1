"""How a case list finds the rows of one page, in its order: overdue first (what the
leadership must act on), then newest first.

"Overdue" is decided once per page for the list's cases that are not closed (a few
dozen or hundred, trygg.cases.overdue); a closed case is overdue only by its follow-up
date. A list of open cases (the default of every list) is then ordered in memory: its
rows are those cases. Any other list is ordered in SQL on a key of three columns
(overdue, opened, id), found by keyset after or before a given row (`Cursor`) or by
counting rows to a page number; only the page's own rows are loaded whole.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import ColumnElement, DateTime, case, func, literal, or_, select, tuple_
from sqlalchemy.orm import Session, joinedload

from trygg.accounts.principal import Principal
from trygg.accounts.roles import LEDELSE, SKOLEEIER
from trygg.cases.access import visible_to
from trygg.cases.overdue import ids_among, open_cases, overdue_among, overdue_clause
from trygg.models import Case
from trygg.models.cases import CLOSED, OPEN

_TOKEN = re.compile(r"([fr])(\d{20})-(\d{1,10})")
_MAX_ID = 2**31 - 1

# A row's place in the order: (1 if overdue else 0, opened, id), compared descending.
Key = tuple[int, dt.datetime, int]


@dataclass(frozen=True)
class CaseFilter:
    status: str = OPEN  # open | closed | all
    overdue_only: bool = False
    handler_id: int | None = None
    class_name: str = ""


@dataclass(frozen=True)
class Cursor:
    """One row's place in a list's order: whether it is overdue, when it was opened, its
    id. Written into the page links as a token; only its own values are compared, so a
    token names no case the user may not see."""

    overdue: bool
    opened_at: dt.datetime
    case_id: int

    @property
    def token(self) -> str:
        return f"{'f' if self.overdue else 'r'}{self.opened_at:%Y%m%d%H%M%S%f}-{self.case_id}"

    @property
    def key(self) -> Key:
        return (int(self.overdue), self.opened_at, self.case_id)

    @staticmethod
    def parse(token: str) -> Cursor | None:
        """The cursor a token stands for; None for anything else (a link edited by hand)."""
        found = _TOKEN.fullmatch(token)
        if found is None or int(found[3]) > _MAX_ID:
            return None
        try:
            opened_at = dt.datetime.strptime(found[2], "%Y%m%d%H%M%S%f")
        except ValueError:
            return None
        return Cursor(found[1] == "f", opened_at, int(found[3]))


@dataclass(frozen=True)
class Found:
    case: Case
    overdue: bool

    @property
    def cursor(self) -> Cursor:
        return Cursor(self.overdue, self.case.opened_at, self.case.id)


def owner_routed() -> ColumnElement[bool]:
    """The cases routed to the school owner, as trygg.cases.access.visible_to writes them
    and the partial index ix_cases_routed_to_owner is written (trygg.models.cases
    .OWNER_ROUTED)."""
    return or_(
        Case.leadership_suspected.is_(True),
        Case.routed_to_owner.is_(True),
        Case.owner_reported_at.is_not(None),
        Case.hidden_case_id.is_not(None),
    )


def narrowing(session: Session, user: Principal) -> list[ColumnElement[bool]]:
    """The user's cases in the form an index is written in, when that is what they are.

    A rektor sees the own school's cases and those it handles at another school; the
    school owner the cases routed to it and those it handles. Nearly always the second
    kind is among the first, and then the list says so in so many words: PostgreSQL reads
    the school's cases (ix_cases_school_list), or the owner's (ix_cases_routed_to_owner),
    from the index alone rather than from thousands of scattered rows. A narrowing only:
    what the user may see is still `visible_to`.
    """
    if user.role == LEDELSE and user.school_id is not None:
        mine = Case.school_id == user.school_id
    elif user.role == SKOLEEIER:
        mine = owner_routed()
    else:
        return []
    handled_elsewhere = session.execute(
        select(Case.id).where(visible_to(user), Case.handler_id == user.id, ~mine).limit(1)
    ).first()
    return [] if handled_elsewhere is not None else [mine]


class ListQuery:
    """One list of cases: the user's, with its filters, as of today."""

    def __init__(self, session: Session, user: Principal, today: dt.date, filters: CaseFilter):
        self.session = session
        self.dialect = session.get_bind().dialect.name
        self.conditions: list[ColumnElement[bool]] = [visible_to(user), *narrowing(session, user)]
        if filters.status in (OPEN, CLOSED):
            self.conditions.append(Case.status == filters.status)
        if filters.handler_id is not None:
            self.conditions.append(Case.handler_id == filters.handler_id)
        if filters.class_name:
            self.conditions.append(func.lower(Case.pupil_class) == filters.class_name.lower())
        not_closed = open_cases(session, self.conditions)
        self.overdue_ids = overdue_among(session, today, not_closed)
        overdue = overdue_clause(today, self.overdue_ids, self.dialect)
        if filters.overdue_only:
            self.conditions.append(overdue)
        # 1 for a case with an overdue deadline, 0 for the rest: the order's first part.
        self.overdue: ColumnElement[int] = case((overdue, 1), else_=0)
        # A list of open cases is the open cases found above: no more queries to order it.
        self.in_memory: list[Key] | None = None
        if filters.status == OPEN:
            keys = [(int(c.id in self.overdue_ids), c.opened_at, c.id) for c in not_closed]
            if filters.overdue_only:
                keys = [key for key in keys if key[0]]
            self.in_memory = sorted(keys, reverse=True)
        self._total: int | None = None if self.in_memory is None else len(self.in_memory)

    @cached_property
    def total(self) -> int:
        if self._total is None:
            query = select(func.count(Case.id)).where(*self.conditions)
            self._total = int(self.session.execute(query).scalar_one())
        return self._total

    def fetch(
        self, limit: int, *, offset: int = 0, beyond: Cursor | None = None, forward: bool = True
    ) -> list[Found]:
        """`limit` rows in the list's order from `offset`, or the `limit` rows after the
        row at `beyond` (just before it, when not `forward`), in the list's order."""
        if self.in_memory is not None:
            keys = self._from_memory(limit, offset, beyond, forward)
        else:
            keys = self._from_sql(limit, offset, beyond, forward)
        if not keys:
            return []
        # Only the page's rows are loaded whole, with their handler and school.
        cases = self.session.execute(
            select(Case)
            .options(joinedload(Case.handler), joinedload(Case.school))
            .where(ids_among(Case.id, [key[2] for key in keys], self.dialect))
        ).scalars()
        by_id = {found.id: found for found in cases}
        return [Found(by_id[key[2]], bool(key[0])) for key in sorted(keys, reverse=True)]

    def _from_memory(
        self, limit: int, offset: int, beyond: Cursor | None, forward: bool
    ) -> list[Key]:
        keys = self.in_memory or []
        if beyond is None:
            return keys[offset : offset + limit]
        if forward:
            return [key for key in keys if key < beyond.key][:limit]
        return [key for key in keys if key > beyond.key][-limit:]

    def _from_sql(self, limit: int, offset: int, beyond: Cursor | None, forward: bool) -> list[Key]:
        # Every row of the list is read to order it (overdue first), so the count comes
        # with the page: one reading of the list, not two.
        rows = (
            select(
                self.overdue.label("overdue"),
                Case.opened_at.label("opened_at"),
                Case.id.label("id"),
                func.count().over().label("total"),
            )
            .where(*self.conditions)
            .subquery("list")
        )
        key = (rows.c.overdue, rows.c.opened_at, rows.c.id)
        query = select(rows)
        if beyond is not None:
            here = tuple_(*key)
            at = tuple_(
                literal(int(beyond.overdue)),
                literal(beyond.opened_at, DateTime),
                literal(beyond.case_id),
            )
            query = query.where(here < at if forward else here > at)
        order = [part.desc() for part in key] if forward else list(key)
        found = self.session.execute(query.order_by(*order).limit(limit).offset(offset)).all()
        if found:
            self._total = int(found[0].total)
        elif beyond is None and not offset:
            self._total = 0
        return [(int(row.overdue), row.opened_at, row.id) for row in found]
