"""What an investigation (undersøkelse) must hold before it is finalised, beyond the
fields of its input model: rules that need the case.

- The pupil's own voice (§ 12-2: the pupil's experience decides): a conversation with
  the pupil, or a stated reason why the pupil was not heard.
- More than the report: at least one conversation with someone other than the pupil and
  the reporter(s), or an observation. An investigation resting on the report and the
  pupil alone is the "thin investigation" inspectors find.
- Kontradiksjon: every person pointed out in the case (a pupil registered as
  «utøvende», an employee suspected under § 12-5) was talked to, or the investigation
  says why not.
- A pupil who said so herself (a report with «eleven har sagt fra selv») has told the
  school she is not safe. Concluding that she is safe needs a written justification,
  which the case page shows beside the conclusion.

The refusals name the form field where the user fixes them; `cautions` lists what may
be thin, for the user to confirm.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from trygg.cases.documents import documents_of
from trygg.cases.thin_texts import (
    BEST_INTEREST_EXAMPLES,
    BEST_INTEREST_THIN,
    PUPIL_VOICE_EXAMPLES,
    PUPIL_VOICE_THIN,
    Caution,
    says_nothing,
    text_caution,
)
from trygg.errors import Refused
from trygg.models import Case

PUPIL = "pupil"
PERPETRATOR_ROLE = "utøvende"


@dataclass(frozen=True)
class PointedOut:
    key: str
    name: str


@dataclass(frozen=True)
class InvestigationFacts:
    """What the rules read from the case besides the investigation itself."""

    reporters: frozenset[str]  # actor keys of the staff who filed the reports
    pointed_out: tuple[PointedOut, ...]
    # Numbers of the reports in which the pupil said so herself.
    pupil_said_so_in: tuple[int, ...]


def facts_of(session: Session, case: Case) -> InvestigationFacts:
    reports = documents_of(session, case, "meldeskjema")
    pointed = tuple(
        PointedOut(a.key, a.name)
        for a in case.actors
        if (a.kind == "pupil" and a.role == PERPETRATOR_ROLE) or (a.kind == "staff" and a.suspected)
    )
    return InvestigationFacts(
        reporters=frozenset(str(d.data["reporter"]) for d in reports if d.data.get("reporter")),
        pointed_out=pointed,
        pupil_said_so_in=tuple(d.number for d in reports if d.data.get("pupil_said_so")),
    )


def _conversations(section: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    rows = section.get("conversations") or []
    return [row for row in rows if isinstance(row, Mapping)]


def _names(people: Sequence[PointedOut]) -> str:
    names = [p.name for p in people]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} og {names[-1]}"


def pupil_heard(section: Mapping[str, Any]) -> bool:
    return any(row.get("with") == PUPIL for row in _conversations(section))


def not_heard(section: Mapping[str, Any], facts: InvestigationFacts) -> list[PointedOut]:
    talked_to = {row.get("with") for row in _conversations(section)}
    return [p for p in facts.pointed_out if p.key not in talked_to]


def against_the_pupil(section: Mapping[str, Any], facts: InvestigationFacts) -> bool:
    """The conclusion says the pupil is safe although she said herself she is not."""
    conclusion = section.get("conclusion") or {}
    return conclusion.get("pupil_safe") is True and bool(facts.pupil_said_so_in)


def check(section: Mapping[str, Any], facts: InvestigationFacts) -> None:
    """Refuse, at its field, the first rule the investigation breaks."""
    if not pupil_heard(section) and says_nothing(section.get("pupil_not_heard_reason")):
        raise Refused(
            "Eleven selv er ikke hørt. Legg til en samtale med eleven, eller skriv her hvorfor "
            "eleven ikke er hørt (§ 12-2: elevens egen opplevelse avgjør).",
            field="pupil_not_heard_reason",
        )
    others = [
        row
        for row in _conversations(section)
        if row.get("with") not in (PUPIL, None, "") and row.get("with") not in facts.reporters
    ]
    if not others and not section.get("observations"):
        raise Refused(
            "Undersøkelsen bygger bare på meldingen og eleven. Legg til minst én samtale med "
            "en annen (en annen elev, foresatte eller en ansatt som ikke meldte saken) eller "
            "en observasjon.",
            field="conversations",
        )
    missing = not_heard(section, facts)
    if missing and says_nothing(section.get("not_heard_reason")):
        raise Refused(
            "%(names)s er pekt ut i saken, men er ikke hørt. Legg til en samtale "
            "(kontradiksjon: egen versjon, eller at de ikke ønsket å gi den), eller skriv "
            "her hvorfor de ikke er hørt.",
            field="not_heard_reason",
            names=_names(missing),
        )
    if against_the_pupil(section, facts) and says_nothing(section.get("safe_justification")):
        raise Refused(
            "Eleven sa selv fra (meldeskjema nr. %(numbers)s), men konklusjonen er at eleven "
            "har et trygt og godt skolemiljø. Skriv en begrunnelse: hva sier eleven selv nå, "
            "og hvordan vet dere det?",
            field="safe_justification",
            numbers=", ".join(str(n) for n in facts.pupil_said_so_in),
        )


def cautions(section: Mapping[str, Any], facts: InvestigationFacts) -> list[Caution]:
    """What may be thin: the pupil's voice, the best-interest assessment, and a talk with
    a person pointed out that does not say whether they gave their version."""
    found = [
        text_caution(
            "pupil_voice", PUPIL_VOICE_THIN, section.get("pupil_voice"), PUPIL_VOICE_EXAMPLES
        ),
        text_caution(
            "best_interest",
            BEST_INTEREST_THIN,
            section.get("best_interest"),
            BEST_INTEREST_EXAMPLES,
        ),
    ]
    keys = {p.key: p for p in facts.pointed_out}
    for number, row in enumerate(_conversations(section), start=1):
        person = keys.get(str(row.get("with")))
        if person is not None and not row.get("kontradiksjon") and not row.get("declined"):
            found.append(
                Caution(
                    f"conversations-{number - 1}-kontradiksjon",
                    "Samtale %(n)s er med %(name)s, som er pekt ut i saken. Kryss av om "
                    "%(name)s ga sin egen versjon (kontradiksjon) eller ikke ønsket det.",
                    params=(("n", str(number)), ("name", person.name)),
                )
            )
    return [c for c in found if c is not None]
