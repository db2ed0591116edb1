"""Fill a PostgreSQL database with a municipality: schools, staff, pupils and ten years of
cases with their documents' rows (no files), case events, alerts and the audit trail.

Filing 400,000 cases through `trygg.cases.reports.file_report` would render, guard and
archive a Word file per report (about 0.1 s each: 11 hours), and the domain has no bulk
path for cases. So the rows are built here from the models' own tables (column names and
JSON shapes the domain reads) and loaded with PostgreSQL's COPY. The audit trail is filled
in time order with the same hash function as `trygg.audit.record` (`event_hash`), and the
chain head is set to its end, so `verify_chain` passes over the filled database.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

from bench.scale_copy import copy_rows, fill_audit, flush_cases
from trygg.accounts.roles import ADMIN, ANSATT, KONTAKTLAERER, LEDELSE, SKOLEEIER

LEADERS_PER_SCHOOL = 3
TEACHERS_PER_SCHOOL = 12
STAFF_PER_SCHOOL = 10
BATCH = 20_000


@dataclass(frozen=True)
class Size:
    schools: int = 180
    pupils: int = 60_000
    cases: int = 400_000
    years: int = 10


@dataclass
class Filled:
    """What the measurements need to know about the filled municipality."""

    municipality_id: int
    school_ids: list[int]
    owner_ids: list[int]
    leaders: dict[int, list[int]]  # school id -> leader ids
    teachers: dict[int, list[int]]  # school id -> kontaktlærer ids
    measure_owners: list[int]  # staff owning a measure in an open case's plan in force
    case_ids: list[int]  # a sample of cases for the case page
    counts: dict[str, int]


def _weekdays_off(year: int) -> list[dt.date]:
    """The school year's holidays one school enters: autumn, Christmas, winter, summer."""
    spans = [
        (dt.date(year, 1, 1), dt.date(year, 1, 2)),
        (dt.date(year, 2, 23), dt.date(year, 2, 27)),
        (dt.date(year, 6, 20), dt.date(year, 8, 17)),
        (dt.date(year, 10, 5), dt.date(year, 10, 9)),
        (dt.date(year, 12, 21), dt.date(year, 12, 31)),
    ]
    days = []
    for start, end in spans:
        day = start
        while day <= end:
            if day.weekday() < 5:
                days.append(day)
            day += dt.timedelta(days=1)
    return days


def fill(connection: Connection, size: Size, now: dt.datetime, seed: int = 15) -> Filled:
    """Fill an empty schema (created from the models, roles seeded) in one transaction."""
    rng = random.Random(seed)
    counts: dict[str, int] = {}
    municipality_id = connection.execute(
        text(
            "INSERT INTO municipalities (name, owner_contact, feide_enabled, local_login_hidden,"
            " feide_account_domains, statsforvalteren_name, statsforvalteren_address,"
            " statsforvalteren_phone, statsforvalteren_email, statsforvalteren_web)"
            " VALUES ('Skalakommune', '', false, false, '', '', '', '', '', '') RETURNING id"
        )
    ).scalar_one()
    school_ids = list(range(1, size.schools + 1))
    counts["schools"] = copy_rows(
        connection,
        "schools",
        ((s, municipality_id, f"Skole {s:03d}", False, "", "", "", "") for s in school_ids),
        [
            "id",
            "municipality_id",
            "name",
            "perpetrator_labels",
            "contact_name",
            "contact_role",
            "contact_phone",
            "contact_email",
        ],
    )
    users: list[tuple[Any, ...]] = []
    leaders: dict[int, list[int]] = {}
    teachers: dict[int, list[int]] = {}
    staff: dict[int, list[int]] = {}
    created = now - dt.timedelta(days=365 * size.years + 30)

    def user(role: str, school: int | None, title: str) -> int:
        uid = len(users) + 1
        email = f"{role}{uid}@scale.test"
        users.append(
            (uid, email, f"Ansatt {uid}", title, role, municipality_id, school, None, True, created)
        )
        return uid

    owner_ids = [user(SKOLEEIER, None, "Skoleeier") for _ in range(2)]
    user(ADMIN, None, "IT")
    for s in school_ids:
        leaders[s] = [user(LEDELSE, s, "Rektor") for _ in range(LEADERS_PER_SCHOOL)]
        teachers[s] = [user(KONTAKTLAERER, s, "Kontaktlærer") for _ in range(TEACHERS_PER_SCHOOL)]
        staff[s] = [user(ANSATT, s, "Lærer") for _ in range(STAFF_PER_SCHOOL)]
    counts["users"] = copy_rows(
        connection,
        "users",
        users,
        [
            "id",
            "email",
            "name",
            "title",
            "role_code",
            "municipality_id",
            "school_id",
            "password_hash",
            "active",
            "created_at",
        ],
    )
    days_off = (
        (s, day, "Ferie")
        for s in school_ids
        for year in range(now.year - size.years, now.year + 1)
        for day in _weekdays_off(year)
    )
    counts["school_days_off"] = copy_rows(
        connection, "school_days_off", days_off, ["school_id", "day", "reason"]
    )
    pupils: list[tuple[Any, ...]] = []
    pupils_of: dict[int, list[tuple[int, str, str]]] = {s: [] for s in school_ids}
    for pid in range(1, size.pupils + 1):
        s = school_ids[pid % len(school_ids)]
        grade = rng.randint(1, 10)
        klass = f"{grade}{'ABCD'[rng.randrange(4)]}"
        first, last = f"Elev{pid}", f"Etternavn{pid % 997}"
        pupils.append(
            (
                pid,
                s,
                f"ext-{pid}",
                first,
                last,
                f"{first} {last}".lower(),
                None,
                klass,
                grade,
                True,
                "",
                created,
                created,
                "[]",
            )
        )
        pupils_of[s].append((pid, f"{first} {last}", klass))
    counts["pupils"] = copy_rows(
        connection,
        "pupils",
        pupils,
        [
            "id",
            "school_id",
            "external_id",
            "first_name",
            "last_name",
            "name_key",
            "birth_date",
            "class_name",
            "grade",
            "active",
            "protected_address",
            "created_at",
            "updated_at",
            "aliases",
        ],
    )
    filled = Filled(municipality_id, school_ids, owner_ids, leaders, teachers, [], [], counts)
    _fill_cases(connection, size, now, rng, filled, staff, pupils_of)
    for table in (
        "municipalities",
        "schools",
        "users",
        "pupils",
        "cases",
        "case_documents",
        "case_actors",
        "case_events",
        "closing_decisions",
        "notifications",
        "school_days_off",
    ):
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" (SELECT coalesce(max(id), 1) FROM {table}))"
            )
        )
    return filled


def _fill_cases(
    connection: Connection,
    size: Size,
    now: dt.datetime,
    rng: random.Random,
    filled: Filled,
    staff: dict[int, list[int]],
    pupils_of: dict[int, list[tuple[int, str, str]]],
) -> None:
    span = dt.timedelta(days=365 * size.years)
    opened = sorted(now - span * rng.random() for _ in range(size.cases))
    series: dict[tuple[int, int], int] = {}
    cases, docs, actors, events, closings, notes, audit = [], [], [], [], [], [], []
    doc_id = 0
    for case_id, opened_at in enumerate(opened, start=1):
        s = filled.school_ids[rng.randrange(len(filled.school_ids))]
        pupil_id, pupil_name, klass = (
            rng.choice(pupils_of[s])
            if pupils_of[s]
            else (None, f"Elev uten register {case_id}", "1A")
        )
        number = series[(s, opened_at.year)] = series.get((s, opened_at.year), 0) + 1
        age = (now - opened_at).days
        is_open = age < rng.randint(30, 150)
        closed_at = None if is_open else opened_at + dt.timedelta(days=rng.randint(25, 140))
        handler = rng.choice(filled.teachers[s] if rng.random() < 0.7 else filled.leaders[s])
        serious = rng.random() < 0.05
        staff_suspected = rng.random() < 0.02
        leadership_suspected = rng.random() < 0.003
        unsafe = rng.random() < 0.5
        opened_day = opened_at.date()
        follow_up_on = None
        if closed_at is not None:
            follow_up = closed_at.date() + dt.timedelta(days=42)
            answered = follow_up < now.date() - dt.timedelta(days=rng.randint(0, 20))
            follow_up_on = None if answered else follow_up
            closings.append(
                (
                    case_id,
                    "confirmed",
                    closed_at,
                    handler,
                    "Trygt nå",
                    "",
                    "",
                    "",
                    follow_up,
                    closed_at,
                    filled.leaders[s][0],
                    "",
                    closed_at + dt.timedelta(days=42) if answered else None,
                    filled.leaders[s][0] if answered else None,
                    "still_safe" if answered else "",
                    "",
                    "",
                )
            )
        cases.append(
            (
                case_id,
                f"{opened_at.year}/{number:04d}",
                s,
                pupil_name,
                pupil_name.lower() + "|" + klass.lower(),
                klass,
                "open" if is_open else "closed",
                opened_at,
                closed_at,
                follow_up_on,
                None if leadership_suspected else handler,
                opened_at,
                opened_at,
                None,
                opened_day + dt.timedelta(days=2) if unsafe else None,
                staff_suspected,
                leadership_suspected,
                leadership_suspected,
                None,
                serious,
                opened_day if serious else None,
                opened_at + dt.timedelta(days=1) if serious and rng.random() < 0.9 else None,
                "Skoleeier" if serious else "",
                pupil_id,
            )
        )
        owner = rng.choice(staff[s])
        actors.append(
            (
                case_id,
                "pupil",
                "pupil",
                pupil_name,
                [],
                "",
                "",
                "",
                None,
                False,
                "Eleven",
                opened_at,
            )
        )
        actors.append(
            (
                case_id,
                "s1",
                "staff",
                f"Ansatt {owner}",
                [],
                "",
                "Lærer",
                "",
                owner,
                False,
                "Ansatt 1",
                opened_at,
            )
        )
        if staff_suspected:
            suspect = rng.choice(staff[s])
            actors.append(
                (
                    case_id,
                    "s2",
                    "staff",
                    f"Ansatt {suspect}",
                    [],
                    "",
                    "Lærer",
                    "",
                    suspect,
                    True,
                    "Ansatt 2",
                    opened_at,
                )
            )
        reporter = rng.choice(staff[s])
        invest_at = opened_at + dt.timedelta(days=rng.randint(3, 12))
        plan_at = opened_at + dt.timedelta(days=rng.randint(14, 25))

        def doc(
            kind: str,
            at: dt.datetime,
            final: bool,
            data: dict[str, Any],
            parent: int | None = None,
            case_id: int = case_id,
            handler: int = handler,
        ) -> int:
            nonlocal doc_id
            doc_id += 1
            docs.append(
                (
                    doc_id,
                    case_id,
                    kind,
                    1,
                    "final" if final else "draft",
                    data,
                    parent,
                    at,
                    handler,
                    at,
                    handler,
                    at if final else None,
                    handler if final else None,
                    [],
                    1,
                )
            )
            return doc_id

        doc(
            "meldeskjema",
            opened_at,
            True,
            {
                "happened_at": opened_at.strftime("%Y-%m-%dT08:30"),
                "intervention": "Snakket med eleven",
            },
        )
        if invest_at < now:
            done = closed_at is not None or age > 15
            doc(
                "undersokelse",
                invest_at,
                done,
                {"watch": "Følger med i friminutt", "conclusion": {"plan_needed": unsafe}},
            )
        if unsafe and plan_at < now and (closed_at is not None or age > 30):
            evaluate_on = (plan_at + dt.timedelta(days=rng.randint(20, 60))).date()
            plan = doc(
                "aktivitetsplan",
                plan_at,
                True,
                {
                    "measures": [
                        {
                            "by": "s1",
                            "description": "Voksen i friminutt",
                            "evaluate_on": evaluate_on.isoformat(),
                        }
                    ]
                },
            )
            if is_open:
                filled.measure_owners.append(owner)
            elif closed_at is not None:
                doc("evaluering", closed_at, True, {"next": {"action": "avslutte"}}, plan)
        events.append((case_id, opened_at, reporter, "report_filed", {}))
        events.append((case_id, opened_at, handler, "handler_assigned", {}))
        if closed_at is not None:
            events.append((case_id, closed_at, handler, "closed", {}))
        recent = age < 14
        for leader in filled.leaders[s]:
            notes.append(
                (
                    leader,
                    case_id,
                    "new_report",
                    f"new_report:{case_id}",
                    opened_at,
                    None if recent else opened_at + dt.timedelta(days=1),
                    opened_at,
                )
            )
        audit.append((opened_at, reporter, "case.report_filed", case_id))
        audit.append((opened_at + dt.timedelta(minutes=5), handler, "case.viewed", case_id))
        if closed_at is not None:
            audit.append((closed_at, handler, "case.closed", case_id))
        if len(cases) >= BATCH:
            flush_cases(connection, filled.counts, cases, docs, actors, events, closings, notes)
    flush_cases(connection, filled.counts, cases, docs, actors, events, closings, notes)
    filled.case_ids.extend(rng.sample(range(1, size.cases + 1), min(200, size.cases)))
    filled.counts["audit_events"] = fill_audit(connection, audit)
