"""Shared parts of context building: the plain, already anonymised dict a template gets.

Templates receive only str/int/bool/list/dict. Every free text goes through the
anonymiser's text() and is recorded, so the post-render guard can prove it reached the
document; every actor reference goes through label_for().
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from trygg import anonymise
from trygg.documents.anonymisation import anonymiser_for
from trygg.documents.case_inputs import CaseDocumentInput
from trygg.documents.vocabulary import (
    DOCUMENT_TITLES,
    MARKING,
    NOT_GIVEN,
    format_date,
    format_datetime,
)

Context = dict[str, Any]

END_MARKER = "Slutt på dokumentet."


@dataclass
class DocumentContext:
    kind: str
    variables: Context
    title: str
    reference: str
    version: int = 1
    # Rendered user texts that must appear verbatim in the output (silent-drop check).
    free_texts: list[str] = field(default_factory=list)


class TextCollector:
    """Anonymises free text and remembers it for the post-render content check."""

    def __init__(self, anonymiser: anonymise.Anonymiser | None) -> None:
        self.anonymiser = anonymiser
        self.seen: list[str] = []

    def text(self, value: str) -> str:
        out = self.anonymiser.text(value) if self.anonymiser else value
        self.seen.append(out)
        return out

    def optional(self, value: str | None, empty: str = NOT_GIVEN) -> str:
        return empty if value is None else self.text(value)

    def label(self, actor_id: str) -> str:
        if self.anonymiser is None:
            return actor_id
        return self.anonymiser.label_for(actor_id)


def actor_records(data: CaseDocumentInput) -> list[anonymise.Actor]:
    return [
        anonymise.Actor(
            id=a.id,
            kind=a.kind,
            name=a.name,
            aliases=a.aliases,
            role=a.role,
            title=a.title,
            guardian_of=a.guardian_of,
            suspected=a.suspected,
        )
        for a in data.actors
    ]


def common_variables(
    kind: str, municipality: str, school: str, reference: str, date: dt.date | None
) -> Context:
    return {
        "municipality": municipality,
        "school_name": school,
        "reference": reference,
        "document_date": format_date(date),
        "document_title": DOCUMENT_TITLES[kind],
        "marking": MARKING,
        "end_marker": END_MARKER,
        "owner_contact": NOT_GIVEN,
    }


def case_variables(
    kind: str, data: CaseDocumentInput, date: dt.date
) -> tuple[Context, TextCollector]:
    """Header, pupil and legend variables of a case document, and its text collector."""
    existing = {a.id: a.label for a in data.actors if a.label}
    anonymiser = anonymiser_for(data.pupil.name, actor_records(data), existing_labels=existing)
    collector = TextCollector(anonymiser)
    variables = common_variables(
        kind,
        data.school.municipality,
        data.school.name,
        data.case.reference,
        data.document_date or date,
    )
    variables.update(
        {
            "owner_contact": data.school.owner_contact or NOT_GIVEN,
            "pupil_name": data.pupil.name,
            "pupil_class": data.pupil.class_name,
            "case_opened": format_date(data.case.opened),
            "rektor_informed": format_datetime(data.case.rektor_informed),
            "legend": [
                {"label": label, "description": description}
                for label, description in anonymiser.legend()
            ],
        }
    )
    return variables, collector


def statsforvalteren_text(data: CaseDocumentInput) -> str:
    """The § 12-6 information, with the earliest date when the school knows it."""
    known = [
        d
        for d in (
            data.case.rektor_informed.date() if data.case.rektor_informed else None,
            data.case.raised_with_rektor_by_home,
        )
        if d is not None
    ]
    # A case about the leadership (§ 12-5) is taken up with the school owner instead.
    owner = data.case.received_by == "skoleeier"
    raised_with = "rektor – i denne saken med skoleeier –" if owner else "rektor"
    receiver = "skoleeier" if owner else "rektor"
    text = (
        "Hvis eleven ikke opplever at skolemiljøet er trygt og godt, kan eleven eller "
        f"foresatte melde saken til Statsforvalteren når saken er tatt opp med {raised_with} "
        "og det har gått minst én uke (opplæringslova § 12-6)."
    )
    if known:
        earliest = min(known) + dt.timedelta(days=7)
        text += (
            f" Saken ble tatt opp med {receiver} {format_date(min(known))}, og kan meldes "
            f"til Statsforvalteren fra og med {format_date(earliest)}."
        )
    else:
        text += f" Datoen saken ble tatt opp med {receiver} er ikke registrert."
    return text
