"""A school year of demo cases at both demo schools, so the rektor's overview and the
figures (issue 16) look like a school that uses Trygg: most cases reported since the
school year began are closed by the leadership's documented decision (the older ones
followed up, the pupil still safe), a few plans run with an evaluation coming, a few
cases are under investigation within their deadline, two or three fresh reports wait,
and at most one deadline is overdue (a school that is never late does not exist).

Every step goes through the domain, as the pages take it (trygg.demo.year_steps), with
the words of trygg.demo.year_texts. Days are counted back from `today` in the school's
own school days, so the demo looks current whatever day `make run` is started.

Deterministic and idempotent: nothing is added when Vestre Aker skole already has cases
(the three cases of trygg.demo.cases are all at Nordpolen). The pupils are the demo
register's (trygg.demo.pupils); without a register the same names are typed in.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from trygg.archive import Archive
from trygg.calendar.school_days import SchoolCalendar
from trygg.cases.overview import calendar_for
from trygg.demo.pupils import register_id
from trygg.demo.year_steps import DemoCase, Staff
from trygg.demo.year_texts import PLAN_STORIES, SAFE_STORIES
from trygg.models import Case, Notification, School, User, utcnow
from trygg.models.cases import CLOSED as CASE_CLOSED

# What happens to a case, from its report to today.
FRESH = "fresh"  # reported this morning, not yet received
RECEIVED = "received"  # received, a handler named, the investigation not yet begun
INVESTIGATING = "investigating"  # the investigation's first conversation is written
PLANNING = "planning"  # investigated: not safe; the plan is a draft
PROPOSED = "proposed"  # investigated: safe again; closing proposed to the leadership
RUNNING = "running"  # the plan runs; its next evaluation is `Plot.extra` days ahead
RUNNING_AGAIN = "running_again"  # the same after one evaluation that continued the plan
LATE = "late"  # the plan's evaluation date passed two school days ago, not yet held
CLOSED = "closed"  # plan, evaluation, closed; followed up once the date has passed
REVISED = "revised"  # the same with a revised plan version between two evaluations
SETTLED = "settled"  # investigated: safe again; the leadership closed it directly


class Plot(NamedTuple):
    path: str
    ago: int  # school days between the report and today
    story: int
    extra: int = 0  # calendar days to the next evaluation (RUNNING, RUNNING_AGAIN)
    pupil_said_so: bool = False
    serious: bool = False


# Nordpolen has trygg.demo.cases besides: a fresh report (Sara), an investigation past its
# deadline (Leo, serious) and a plan evaluated in two days (Nora); so no late plot here.
NORDPOLEN = (
    Plot(RECEIVED, 0, 0, pupil_said_so=True),
    Plot(RECEIVED, 1, 1),
    Plot(INVESTIGATING, 1, 2, pupil_said_so=True),
    Plot(PLANNING, 5, 3),
    Plot(PROPOSED, 6, 0),
    Plot(RUNNING_AGAIN, 25, 4, extra=8, pupil_said_so=True),
    Plot(RUNNING, 12, 5, extra=12),
    Plot(CLOSED, 26, 6, pupil_said_so=True),
    Plot(CLOSED, 40, 7),
    Plot(REVISED, 55, 0, pupil_said_so=True, serious=True),
    Plot(CLOSED, 48, 1, pupil_said_so=True),
    Plot(CLOSED, 62, 2),
    Plot(CLOSED, 70, 3, pupil_said_so=True),
    Plot(SETTLED, 15, 1),
    Plot(SETTLED, 30, 2, pupil_said_so=True),
    Plot(SETTLED, 44, 3),
    Plot(SETTLED, 58, 0),
    Plot(SETTLED, 66, 1),
)
VESTRE_AKER = (
    Plot(FRESH, 0, 5, pupil_said_so=True),
    Plot(RECEIVED, 1, 6),
    Plot(INVESTIGATING, 1, 7),
    Plot(PLANNING, 4, 1),
    Plot(PROPOSED, 7, 2),
    Plot(RUNNING, 18, 2, extra=0, pupil_said_so=True),
    Plot(RUNNING_AGAIN, 27, 3, extra=9, serious=True),
    Plot(RUNNING, 11, 0, extra=13),
    Plot(LATE, 22, 4, pupil_said_so=True),
    Plot(CLOSED, 24, 5),
    Plot(CLOSED, 36, 6, pupil_said_so=True),
    Plot(CLOSED, 45, 7, pupil_said_so=True),
    Plot(REVISED, 52, 1),
    Plot(CLOSED, 60, 4),
    Plot(CLOSED, 68, 0, pupil_said_so=True),
    Plot(SETTLED, 13, 0),
    Plot(SETTLED, 33, 3),
    Plot(SETTLED, 50, 2, pupil_said_so=True),
    Plot(SETTLED, 64, 1),
)
# The demo register's pupils (trygg.demo.pupils) without a case of trygg.demo.cases: the
# pupil of each plot in turn, and the pupil pointed out beside them.
PUPILS = {
    "nordpolen": (
        ("Leo", "Bakke", "5B"), ("Jonas", "Eriksen", "6A"), ("Emma", "Johansen", "6B"),
        ("Mats", "Lie", "7A"), ("Nora", "Larsen", "5A"), ("Ali", "Berg", "5B"),
        ("Ella", "Moen", "6A"), ("Filip", "Haugen", "6B"), ("Ida", "Hansen", "7A"),
        ("Noah", "Nilsen", "5A"), ("Maja", "Bakke", "5B"), ("Oskar", "Eriksen", "6A"),
        ("Sofie", "Johansen", "6B"), ("Lucas", "Lie", "7A"), ("Amalie", "Larsen", "5A"),
        ("Isak", "Berg", "5B"), ("Hedda", "Moen", "6A"), ("Aksel", "Haugen", "6B"),
        ("Tiril", "Hansen", "7A"),
    ),
    "vestreaker": (
        ("Emma", "Hansen", "5A"), ("Mats", "Nilsen", "5B"), ("Nora", "Bakke", "6A"),
        ("Ali", "Eriksen", "6B"), ("Ella", "Johansen", "7A"), ("Filip", "Lie", "5A"),
        ("Ida", "Larsen", "5B"), ("Noah", "Berg", "6A"), ("Maja", "Moen", "6B"),
        ("Oskar", "Haugen", "7A"), ("Sofie", "Hansen", "5A"), ("Lucas", "Nilsen", "5B"),
        ("Amalie", "Bakke", "6A"), ("Isak", "Eriksen", "6B"), ("Hedda", "Johansen", "7A"),
        ("Aksel", "Lie", "5A"), ("Tiril", "Larsen", "5B"), ("Sara", "Berg", "6A"),
        ("Leo", "Moen", "6B"), ("Jonas", "Haugen", "7A"),
    ),
}  # fmt: skip
SCHOOLS = (("Nordpolen skole", "nordpolen", NORDPOLEN),
           ("Vestre Aker skole", "vestreaker", VESTRE_AKER))  # fmt: skip
# School days from the evaluation to the follow-up after closing (about four weeks), and
# from a closing after the investigation to its follow-up (about three weeks).
FOLLOW_UP_AFTER_PLAN = 20
FOLLOW_UP_AFTER_INVESTIGATION = 15


def _user(session: Session, email: str) -> User:
    return session.execute(select(User).where(User.email == email)).scalar_one()


def school_days_before(calendar: SchoolCalendar, today: dt.date, count: int) -> dt.date:
    """The school day `count` school days before today (0: today, or the last school day
    before it when today has no school)."""
    day = today
    while not calendar.is_school_day(day):
        day -= dt.timedelta(days=1)
    for _ in range(count):
        day -= dt.timedelta(days=1)
        while not calendar.is_school_day(day):
            day -= dt.timedelta(days=1)
    return day


def _school_day_from(calendar: SchoolCalendar, day: dt.date) -> dt.date:
    while not calendar.is_school_day(day):
        day += dt.timedelta(days=1)
    return day


def _play(c: DemoCase, plot: Plot, today: dt.date) -> None:
    """The steps of one plot after the report."""
    if plot.path == FRESH:
        return
    c.receive(serious=plot.serious)
    if plot.path == RECEIVED:
        return
    if plot.path == INVESTIGATING:
        c.investigate(0, None)
        return
    settles = plot.path in (PROPOSED, SETTLED)
    # Mostly begun the school day after the report, some the same day; always finalised
    # within the two school days.
    c.investigate(0 if plot.ago % 3 == 0 else 1, 2, safe=settles)
    if plot.path == PROPOSED:
        c.propose(3, c.day(3 + FOLLOW_UP_AFTER_INVESTIGATION))
        return
    if plot.path == SETTLED:
        follow_up = c.day(3 + FOLLOW_UP_AFTER_INVESTIGATION)
        c.close(3, follow_up)
        if follow_up < today:
            c.follow_up(follow_up)
        return
    ahead = _school_day_from(c.calendar, today + dt.timedelta(days=plot.extra))
    if plot.path == PLANNING:
        c.plan(3, c.day(18), final=False)
    elif plot.path == RUNNING:
        c.plan(4, ahead)
    elif plot.path == RUNNING_AGAIN:
        c.plan(4, c.day(19))
        c.evaluate(c.day(19), {"action": "ny_evaluering", "evaluate_on": ahead.isoformat()})
    elif plot.path == LATE:
        c.plan(4, school_days_before(c.calendar, today, 2))
    else:
        _close_after_plan(c, plot, today)


def _close_after_plan(c: DemoCase, plot: Plot, today: dt.date) -> None:
    # A revised plan is evaluated first after three weeks, asks to adjust a measure, and
    # its new version runs two more weeks before the evaluation that ends it.
    evaluated = 14 if plot.path == REVISED else 19
    c.plan(4, c.day(evaluated))
    if plot.path == REVISED:
        again = c.day(evaluated + 10)
        c.evaluate(c.day(evaluated), {"action": "ny_versjon", "evaluate_on": again.isoformat()},
                   adjust=True)  # fmt: skip
        evaluated += 10
    follow_up = c.calendar.add_school_days(c.day(evaluated), FOLLOW_UP_AFTER_PLAN)
    c.evaluate(c.day(evaluated), {"action": "avslutte", "follow_up_on": follow_up.isoformat()})
    c.confirm(c.day(evaluated + 1))
    if follow_up < today:
        c.follow_up(follow_up)


def seed_demo_year(session: Session, archive: Archive, today: dt.date) -> int:
    vestre = session.execute(select(School).where(School.name == "Vestre Aker skole")).scalar_one()
    if session.execute(select(Case.id).where(Case.school_id == vestre.id)).first():
        return 0
    created = 0
    for name, slug, plots in SCHOOLS:
        school = session.execute(select(School).where(School.name == name)).scalar_one()
        calendar = calendar_for(session, school.id)
        staff = Staff(
            reporter=_user(session, f"ansatt.{slug}@demo.trygg.no"),
            handler=_user(session, f"kontaktlaerer.{slug}@demo.trygg.no"),
            rektor=_user(session, f"rektor.{slug}@demo.trygg.no"),
        )
        pupils = PUPILS[slug]
        # Oldest first, so the reference numbers follow the order of the reports.
        for number, plot in sorted(enumerate(plots), key=lambda p: (-p[1].ago, p[0])):
            stories = SAFE_STORIES if plot.path in (PROPOSED, SETTLED) else PLAN_STORIES
            pupil = pupils[number]
            other = next(
                p for p in pupils[number + 7 :] + pupils if p[0] != pupil[0] and p != pupil
            )
            reported_on = school_days_before(calendar, today, plot.ago)
            c = DemoCase(session, archive, staff, calendar, stories[plot.story], reported_on)
            c.file(pupil, register_id(session, school.id, pupil[0], pupil[1]),
                   f"{other[0]} {other[1]}", pupil_said_so=plot.pupil_said_so,
                   hour=7 + number % 4)  # fmt: skip
            _play(c, plot, today)
            created += 1
    _read_what_is_settled(session)
    return created


def _read_what_is_settled(session: Session) -> None:
    """A school that uses Trygg has read the alerts of the cases it has closed; without
    this the demo rektor met some thirty unread alerts from months ago."""
    closed = select(Case.id).where(Case.status == CASE_CLOSED)
    session.execute(
        update(Notification)
        .where(Notification.case_id.in_(closed), Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
