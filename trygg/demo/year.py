"""A school year of demo cases at both demo schools, so the overviews and the figures
(issue 16) show something in `make run`: reports spread over the months since the
school year began, with different kinds of violation, arenas and trinn; most received
and given a handler, some with an investigation begun, a few serious.

Deterministic (a fixed random seed) and idempotent: nothing is added when Vestre Aker
skole already has cases (the three cases of trygg.demo.cases are all at Nordpolen).
All names are invented.
"""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from trygg import audit
from trygg.archive import Archive
from trygg.cases.leadership import Receipt, assign_handler, receive
from trygg.cases.reports import NewReport, file_report
from trygg.cases.workflow import start_document
from trygg.documents.vocabulary import ARENAS, VIOLATION_KINDS
from trygg.models import Case, School, User

BY = audit.Initiator(user_id=None, email="demo-seed")
FIRST_NAMES = (
    "Ella", "Jakob", "Olivia", "Noah", "Emma", "Filip", "Ingrid", "Lucas", "Maja", "Oskar",
    "Sofie", "Henrik", "Amalie", "Aksel", "Frida", "Elias", "Tiril", "Magnus", "Hedda", "Sander",
)  # fmt: skip
LAST_NAMES = ("Berg", "Lien", "Dahl", "Moen", "Bakke", "Strand", "Eide", "Solberg", "Vik")
CLASSES = ("1A", "2B", "3A", "4A", "4B", "5A", "5B", "6A", "6B", "7A", "7C")
ACCOUNT = "Eleven fortalte at andre elever holder henne eller ham utenfor og sier stygge ting."
CASES_PER_SCHOOL = 18


def _user(session: Session, email: str) -> User:
    return session.execute(select(User).where(User.email == email)).scalar_one()


def _school_year_start(today: dt.date) -> dt.date:
    return dt.date(today.year if today.month >= 8 else today.year - 1, 8, 15)


def seed_demo_year(session: Session, archive: Archive, today: dt.date) -> int:
    vestre = session.execute(select(School).where(School.name == "Vestre Aker skole")).scalar_one()
    if session.execute(select(Case.id).where(Case.school_id == vestre.id)).first():
        return 0
    rng = random.Random(2026)  # noqa: S311 - demo data, the same every time
    start = _school_year_start(today)
    span = max((today - start).days - 1, 1)
    created = 0
    for slug in ("nordpolen", "vestreaker"):
        reporter = _user(session, f"ansatt.{slug}@demo.trygg.no")
        handler = _user(session, f"kontaktlaerer.{slug}@demo.trygg.no")
        rektor = _user(session, f"rektor.{slug}@demo.trygg.no")
        for number in range(CASES_PER_SCHOOL):
            day = start + dt.timedelta(days=rng.randrange(span))
            while day.weekday() >= 5:
                day += dt.timedelta(days=1)
            if day >= today:
                continue
            at = dt.datetime.combine(day, dt.time(9 + number % 6, 10))
            name = f"{FIRST_NAMES[(number * 7) % 20]} {LAST_NAMES[number % 9]}"
            report = file_report(
                session,
                archive,
                reporter,
                NewReport(
                    pupil_name=f"{name} {slug[:1].upper()}{number}",
                    pupil_class=rng.choice(CLASSES),
                    arena=rng.choice(list(ARENAS)),
                    account=ACCOUNT,
                    kinds=tuple(rng.sample(list(VIOLATION_KINDS)[:-1], rng.randint(1, 2))),
                    pupil_said_so=rng.random() < 0.6,
                ),
                BY,
                at,
            )
            created += 1
            case = session.get(Case, report.case_id)
            assert case is not None
            if rng.random() < 0.15:
                continue  # not yet received: the week shows it without a handler
            received = at + dt.timedelta(hours=rng.choice((2, 26, 50)))
            serious = rng.random() < 0.15
            receive(session, case, Receipt(rektor_informed_at=received, serious=serious),
                    rektor, BY, received)  # fmt: skip
            assign_handler(session, case, f"u{handler.id}", rektor, BY, received)
            if rng.random() < 0.6:
                begun = received + dt.timedelta(days=rng.choice((0, 1, 2, 5, 9)))
                if begun.date() < today:
                    start_document(session, case, "undersokelse", handler, begun)
    return created
