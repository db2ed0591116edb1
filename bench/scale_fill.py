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
import json
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table, text

from trygg.accounts.roles import ADMIN, ANSATT, KONTAKTLAERER, LEDELSE, SKOLEEIER
from trygg.audit import event_hash
from trygg.models import AuditEvent, Base
from trygg.models.audit import GENESIS_HASH

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


def _copy(connection: Connection, table: str, rows: Iterable[Sequence[Any]], columns: list[str]):
    """COPY rows into `table`; the column names are checked against the model's table."""
    model: Table = Base.metadata.tables[table]
    unknown = set(columns) - set(model.columns.keys())
    assert not unknown, f"{table}: no such columns {unknown}"
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    names = ", ".join(columns)
    count = 0
    with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


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
    counts["schools"] = _copy(
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
    counts["users"] = _copy(
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
    counts["school_days_off"] = _copy(
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
            )
        )
        pupils_of[s].append((pid, f"{first} {last}", klass))
    counts["pupils"] = _copy(
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
            _flush(connection, filled, cases, docs, actors, events, closings, notes)
    _flush(connection, filled, cases, docs, actors, events, closings, notes)
    filled.case_ids.extend(rng.sample(range(1, size.cases + 1), min(200, size.cases)))
    filled.counts["audit_events"] = _fill_audit(connection, audit)


def _flush(connection: Connection, filled: Filled, *lists: list[tuple[Any, ...]]) -> None:
    cases, docs, actors, events, closings, notes = lists
    c = filled.counts
    c["cases"] = c.get("cases", 0) + _copy(
        connection,
        "cases",
        cases,
        [
            "id",
            "reference",
            "school_id",
            "pupil_name",
            "pupil_key",
            "pupil_class",
            "status",
            "opened_at",
            "closed_at",
            "follow_up_on",
            "handler_id",
            "received_at",
            "rektor_informed_at",
            "raised_with_rektor_by_home",
            "unsafe_since",
            "staff_suspected",
            "leadership_suspected",
            "routed_to_owner",
            "hidden_case_id",
            "serious",
            "serious_since",
            "owner_reported_at",
            "owner_reported_to",
            "pupil_id",
        ],
    )
    c["case_documents"] = c.get("case_documents", 0) + _copy(
        connection,
        "case_documents",
        ((*d[:5], json.dumps(d[5]), *d[6:13], json.dumps(d[13]), d[14]) for d in docs),
        [
            "id",
            "case_id",
            "kind",
            "number",
            "status",
            "data",
            "parent_id",
            "created_at",
            "created_by",
            "updated_at",
            "updated_by",
            "finalised_at",
            "finalised_by",
            "change_summary",
            "revision",
        ],
    )
    c["case_actors"] = c.get("case_actors", 0) + _copy(
        connection,
        "case_actors",
        ((*a[:4], json.dumps(a[4]), *a[5:]) for a in actors),
        [
            "case_id",
            "key",
            "kind",
            "name",
            "aliases",
            "role",
            "title",
            "guardian_of",
            "user_id",
            "suspected",
            "label",
            "added_at",
        ],
    )
    c["case_events"] = c.get("case_events", 0) + _copy(
        connection,
        "case_events",
        ((*e[:4], json.dumps(e[4])) for e in events),
        ["case_id", "at", "user_id", "code", "details"],
    )
    c["closing_decisions"] = c.get("closing_decisions", 0) + _copy(
        connection,
        "closing_decisions",
        closings,
        [
            "case_id",
            "status",
            "proposed_at",
            "proposed_by",
            "reason",
            "pupil_experience",
            "heard_how",
            "no_investigation_reason",
            "follow_up_on",
            "decided_at",
            "decided_by",
            "decline_reason",
            "followed_up_at",
            "followed_up_by",
            "follow_up_result",
            "follow_up_experience",
            "follow_up_heard_how",
        ],
    )
    c["notifications"] = c.get("notifications", 0) + _copy(
        connection,
        "notifications",
        notes,
        ["user_id", "case_id", "code", "dedupe_key", "created_at", "read_at", "emailed_at"],
    )
    for rows in lists:
        rows.clear()


def _fill_audit(connection: Connection, audit: list[tuple[dt.datetime, int, str, int]]) -> int:
    """The trail in time order, chained with trygg.audit.event_hash from the genesis."""
    audit.sort(key=lambda a: a[0])
    prev = GENESIS_HASH

    def rows() -> Iterable[tuple[Any, ...]]:
        nonlocal prev
        for number, (at, uid, action, case_id) in enumerate(audit, start=1):
            event = AuditEvent(
                id=number,
                occurred_at=at,
                actor_user_id=uid,
                actor_email=f"user{uid}@scale.test",
                action=action,
                object_type="case",
                object_id=str(case_id),
                ip="10.0.0.1",
                details="{}",
                prev_hash=prev,
            )
            digest = event_hash(event)
            yield (
                number,
                at,
                uid,
                event.actor_email,
                action,
                "case",
                str(case_id),
                "10.0.0.1",
                "{}",
                prev,
                digest,
            )
            prev = digest

    count = _copy(
        connection,
        "audit_events",
        rows(),
        [
            "id",
            "occurred_at",
            "actor_user_id",
            "actor_email",
            "action",
            "object_type",
            "object_id",
            "ip",
            "details",
            "prev_hash",
            "hash",
        ],
    )
    connection.execute(
        text("UPDATE audit_head SET last_id = :n, last_hash = :h WHERE id = 1"),
        {"n": count, "h": prev},
    )
    return count
