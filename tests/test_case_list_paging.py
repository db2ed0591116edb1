"""Issue 15: the case lists page by keyset. "Neste side" and "Forrige side" walk the whole
list in its order (overdue first, then newest) and keep the filters; a case filed meanwhile
does not move rows between pages; a link edited by hand falls back to the page's number;
the rektor never meets a case routed to the school owner on any page (§ 12-5); and a
page costs the same number of queries however many rows it shows.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from contextlib import contextmanager

from flask.testing import FlaskClient
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from tests.case_pages import case_links, logged_in
from tests.factories.case_rows import FIRST_DAY, CaseRows, add_case
from tests.factories.users import NORDPOLEN, VESTRE_AKER, demo_user, school_id
from trygg.accounts.principal import Principal
from trygg.accounts.roles import KONTAKTLAERER, LEDELSE, SKOLEEIER
from trygg.calendar.clock import oslo_now
from trygg.cases.facts import deadlines_of
from trygg.cases.list_query import CaseFilter, Cursor
from trygg.cases.listing import PER_PAGE, list_cases
from trygg.models import Case, User

_LINK = re.compile(r'<a href="([^"]+)" rel="(prev|next)">')


def _days_ago(days: int) -> int:
    """CaseRows counts days from FIRST_DAY; these cases were opened `days` ago."""
    return (oslo_now().date() - FIRST_DAY).days - days


def _municipality(session: Session, handler: int) -> list[Case]:
    """80 cases at Nordpolen over 120 days: open ones with and without an investigation
    (overdue and not), closed ones, two classes; a few hidden from the leadership (§ 12-5)
    and a few at Vestre Aker. Committed: the pages read them in their own sessions."""
    schools = [school_id(session, NORDPOLEN), school_id(session, VESTRE_AKER)]
    cases = []
    for n in range(80):
        row = CaseRows(
            school=1 if n % 13 == 0 else 0,
            status="closed" if n % 4 == 0 else "open",
            opened_day=_days_ago(120 - n * 3 // 2),
            opened_hour=n % 24,
            investigation="final" if n % 3 else "",
            leadership_suspected=n % 11 == 0,
            handler_id=handler if n % 5 == 0 else None,
            pupil_class="5A" if n % 2 else "6B",
        )
        cases.append(add_case(session, row, schools, n + 1))
    session.commit()
    return cases


def _overdue(session: Session, cases: list[Case]) -> set[int]:
    today = oslo_now().date()
    return {
        c.id for c in cases if any(d.state == "overdue" for d in deadlines_of(session, c, today))
    }


def _in_list_order(session: Session, cases: list[Case]) -> list[int]:
    """Overdue first, then newest first (the case page's deadlines decide what is overdue)."""
    overdue = _overdue(session, cases)
    return [
        c.id
        for c in sorted(cases, key=lambda c: (c.id in overdue, c.opened_at, c.id), reverse=True)
    ]


def _pages(ids: list[int]) -> list[list[int]]:
    return [ids[i : i + PER_PAGE] for i in range(0, len(ids), PER_PAGE)]


def _links(page: str) -> dict[str, str]:
    return {rel: html.unescape(href) for href, rel in _LINK.findall(page)}


def _walk(client: FlaskClient, url: str, rel: str) -> Iterator[tuple[str, str]]:
    """Each page from `url` on, following the `rel` link ("next" or "prev")."""
    while url:
        page = client.get(url).get_data(as_text=True)
        yield url, page
        url = _links(page).get(rel, "")


def test_next_and_previous_walk_the_whole_list_and_keep_the_filters(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    cases = _municipality(session, demo_user(session, KONTAKTLAERER).id)
    rektor = demo_user(session, LEDELSE)
    visible = [c for c in cases if c.school.name == NORDPOLEN and not c.leadership_suspected]
    in_5a = [c for c in visible if c.pupil_class == "5A"]
    logged_in(client, rektor.email)

    forward = list(_walk(client, "/saker?status=all&klasse=5A", "next"))
    assert [case_links(page) for _, page in forward] == _pages(_in_list_order(session, in_5a))
    assert len(forward) == 2 and f"{len(in_5a)} saker. Side 2 av 2." in forward[-1][1]
    for url, _ in forward[1:]:
        assert "status=all" in url and "klasse=5A" in url and "etter=" in url
    # Back from the last page: the same pages in reverse, and the first has no "Forrige".
    backward = list(_walk(client, _links(forward[-1][1])["prev"], "prev"))
    assert [case_links(p) for _, p in backward] == [case_links(p) for _, p in forward[-2::-1]]
    assert "Side 1 av 2." in backward[-1][1] and 'rel="prev"' not in backward[-1][1]

    # The default list (open cases): every visible open case once, overdue ones first.
    open_cases = [c for c in visible if c.status == "open"]
    walked = list(_walk(client, "/saker", "next"))
    pages = [case_links(page) for _, page in walked]
    assert pages == _pages(_in_list_order(session, open_cases)) and len(pages) == 2
    back = [case_links(page) for _, page in _walk(client, _links(walked[-1][1])["prev"], "prev")]
    assert back == pages[-2::-1]


def test_a_case_filed_meanwhile_does_not_move_rows_between_pages(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    cases = _municipality(session, demo_user(session, KONTAKTLAERER).id)
    logged_in(client, demo["ledelse"])
    first = client.get("/saker?status=all").get_data(as_text=True)
    before = case_links(client.get(_links(first)["next"]).get_data(as_text=True))
    # Filed now, so first in its part of the list: page 1 grows by one at its top.
    school = school_id(session, NORDPOLEN)
    add_case(session, CaseRows(school=0, opened_day=_days_ago(0)), [school], len(cases) + 1)
    session.commit()
    assert case_links(client.get(_links(first)["next"]).get_data(as_text=True)) == before
    # Counted by its number instead, page 2 starts one row earlier.
    by_number = case_links(client.get("/saker?status=all&side=2").get_data(as_text=True))
    assert by_number[1:] == before[: len(by_number) - 1] and by_number[0] not in before


def test_links_edited_by_hand_fall_back_to_the_page_number(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    _municipality(session, demo_user(session, KONTAKTLAERER).id)
    logged_in(client, demo["ledelse"])
    second = client.get("/saker?status=all&side=2").get_data(as_text=True)
    assert len(case_links(second)) == PER_PAGE
    for junk in (
        "etter=garbage",
        "etter=f99999999999999999999-1",
        "etter=r20261130120000000000-99999999999",
        "foer=%3Cscript%3E",
    ):
        response = client.get(f"/saker?status=all&side=2&{junk}")
        assert response.status_code == 200, junk
        page = response.get_data(as_text=True)
        assert case_links(page) == case_links(second) and "<script>" not in page, junk
    # A cursor past the end of the list: the last page by number.
    last = client.get("/saker?status=all&side=9&etter=r20000101000000000000-1")
    assert "Side 3 av 3." in last.get_data(as_text=True)


def test_no_page_shows_the_rektor_a_case_routed_to_the_school_owner(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    cases = _municipality(session, demo_user(session, KONTAKTLAERER).id)
    hidden = {c.id for c in cases if c.leadership_suspected}
    assert hidden
    logged_in(client, demo["ledelse"])
    for start in ("/saker?status=all", "/saker?status=all&forsinket=1", "/saker?status=closed"):
        for _, page in _walk(client, start, "next"):
            assert not hidden & set(case_links(page)), start
            tokens = re.findall(r"(?:etter|foer)=([a-z0-9-]+)", page)
            assert all(int(t.rsplit("-", 1)[1]) not in hidden for t in tokens)
    # The owner's inbox has them, and only the cases routed to it.
    owner = logged_in(client.application.test_client(), demo["skoleeier"])
    inbox = [i for _, p in _walk(owner, "/saker?status=all", "next") for i in case_links(p)]
    assert set(inbox) == hidden


def test_the_owners_inbox_and_a_handlers_list(session: Session, demo: dict[str, str]) -> None:
    teacher = demo_user(session, KONTAKTLAERER)
    cases = _municipality(session, teacher.id)
    today = oslo_now().date()
    owner = Principal.of(demo_user(session, SKOLEEIER, None))
    inbox = list_cases(session, owner, today, CaseFilter(overdue_only=True))
    routed_open = [c for c in cases if c.leadership_suspected and c.status == "open"]
    overdue = _overdue(session, routed_open)
    assert [r.id for r in inbox.rows] == [
        i for i in _in_list_order(session, routed_open) if i in overdue
    ]
    assert inbox.rows and all(r.overdue for r in inbox.rows)
    assert {r.school for r in inbox.rows} <= {NORDPOLEN, VESTRE_AKER}
    handler = list_cases(session, Principal.of(teacher), today, CaseFilter(status="all"))
    handled = [c for c in cases if c.handler_id == teacher.id]
    assert [r.id for r in handler.rows] == _in_list_order(session, handled)
    assert handler.total == len(handled) and handler.next_cursor is None


@contextmanager
def _statements(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(*args: object) -> None:
        seen.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_a_page_costs_the_same_queries_however_many_rows_it_shows(
    engine: Engine, session: Session, demo: dict[str, str]
) -> None:
    teacher = demo_user(session, KONTAKTLAERER)
    _municipality(session, teacher.id)
    rektor = Principal.of(demo_user(session, LEDELSE))
    today = oslo_now().date()
    everything = CaseFilter(status="all")
    counts = {}
    for filters in (everything, CaseFilter(status="all", handler_id=teacher.id)):
        with Session(engine) as fresh, _statements(engine) as seen:
            shown = list_cases(fresh, rektor, today, filters)
        counts[filters.handler_id] = (len(shown.rows), len(seen))
    # A full page and a short one take the same queries: nothing is loaded row by row.
    assert counts[None][0] == PER_PAGE and counts[teacher.id][0] < PER_PAGE
    assert counts[None][1] == counts[teacher.id][1] <= 10, counts
    # The next page from its cursor, in as many queries again.
    first = list_cases(session, rektor, today, everything)
    assert first.next_cursor is not None
    assert Cursor.parse(first.next_cursor.token) == first.next_cursor
    with Session(engine) as fresh, _statements(engine) as seen:
        after = list_cases(fresh, rektor, today, everything, 2, after=first.next_cursor)
    assert len(seen) == counts[None][1] and after.page == 2
    assert len(after.rows) == PER_PAGE and not {r.id for r in after.rows} & {
        r.id for r in first.rows
    }


def test_a_case_handled_beyond_the_usual_ones_is_listed_too(
    session: Session, demo: dict[str, str]
) -> None:
    """The lists read the rektor's school, or the cases routed to the owner, from an index
    of their own: a case the user handles outside those is listed all the same."""
    cases = _municipality(session, demo_user(session, KONTAKTLAERER).id)
    today = oslo_now().date()
    rektor, owner = demo_user(session, LEDELSE), demo_user(session, SKOLEEIER, None)
    elsewhere = next(
        c for c in cases if c.school.name == VESTRE_AKER and not c.leadership_suspected
    )
    ordinary = next(c for c in cases if c.school.name == NORDPOLEN and not c.leadership_suspected)

    def listed(who: User) -> set[int]:
        user, everything = Principal.of(who), CaseFilter(status="all")
        found = list_cases(session, user, today, everything)
        ids = {r.id for r in found.rows}
        while found.next_cursor is not None:
            found = list_cases(session, user, today, everything, after=found.next_cursor)
            ids |= {r.id for r in found.rows}
        assert len(ids) == found.total
        return ids

    assert elsewhere.id not in listed(rektor) and ordinary.id not in listed(owner)
    elsewhere.handler_id, ordinary.handler_id = rektor.id, owner.id
    session.commit()
    assert elsewhere.id in listed(rektor) and ordinary.id in listed(owner)
    assert listed(owner) == {c.id for c in cases if c.leadership_suspected} | {ordinary.id}
