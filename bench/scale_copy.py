"""The COPY side of the scale fill (bench/scale_fill.py builds the rows): one batch of case
rows at a time, and the audit trail chained with trygg.audit.event_hash in time order."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Table, text

from trygg.audit import event_hash
from trygg.cases.evaluation_dates import evaluation_date_set_by
from trygg.models import AuditEvent, Base
from trygg.models.audit import GENESIS_HASH


def copy_rows(
    connection: Connection, table: str, rows: Iterable[Sequence[Any]], columns: list[str]
):
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


def flush_cases(
    connection: Connection, counts: dict[str, int], *lists: list[tuple[Any, ...]]
) -> None:
    """COPY one batch of each kind of case row, then empty the lists for the next."""
    cases, docs, actors, events, closings, notes = lists
    c = counts
    c["cases"] = c.get("cases", 0) + copy_rows(
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
    c["case_documents"] = c.get("case_documents", 0) + copy_rows(
        connection,
        "case_documents",
        (
            (
                *d[:5],
                json.dumps(d[5]),
                *d[6:13],
                json.dumps(d[13]),
                d[14],
                # As the model's flush writes it (trygg.models.documents).
                evaluation_date_set_by(d[2], d[5]) if d[4] == "final" else None,
            )
            for d in docs
        ),
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
            "next_evaluation_on",
        ],
    )
    c["case_actors"] = c.get("case_actors", 0) + copy_rows(
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
    c["case_events"] = c.get("case_events", 0) + copy_rows(
        connection,
        "case_events",
        ((*e[:4], json.dumps(e[4])) for e in events),
        ["case_id", "at", "user_id", "code", "details"],
    )
    c["closing_decisions"] = c.get("closing_decisions", 0) + copy_rows(
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
    c["notifications"] = c.get("notifications", 0) + copy_rows(
        connection,
        "notifications",
        notes,
        ["user_id", "case_id", "code", "dedupe_key", "created_at", "read_at", "emailed_at"],
    )
    for rows in lists:
        rows.clear()


def fill_audit(connection: Connection, audit: list[tuple[dt.datetime, int, str, int]]) -> int:
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

    count = copy_rows(
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
