"""What an activity plan (aktivitetsplan) version must hold before it is finalised,
beyond the five legal elements its input model checks: rules that need the case.

- The plan rests on a finalised investigation (inspectors: "measures are not based on
  the investigation"). Measures may come first when the pupil needs them at once; then
  the version says why, and the investigation stays open with its own deadline.
- A measure the last evaluation marked «Justere» changes in the next version, or the
  version says why it is kept as it was (a plan copied forward unchanged is a finding).

`cautions` lists vague measures and thin texts for the user to confirm; `measures_status`
says on the case page what the duty «Sette inn tiltak» actually stands at.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from trygg.cases.documents import documents_of, previous_plan
from trygg.cases.thin_texts import (
    BEST_INTEREST_EXAMPLES,
    BEST_INTEREST_THIN,
    MEASURE_EXAMPLES,
    MIN_MEASURE_WORDS,
    PUPIL_VOICE_EXAMPLES,
    PUPIL_VOICE_THIN,
    Caution,
    empty_phrases,
    says_nothing,
    text_caution,
    words,
)
from trygg.errors import Refused
from trygg.models import Case, CaseDocument
from trygg.models.documents import DRAFT, FINAL

ADJUST = "justere"
# What «changed» means for a measure: everything but the evaluation date, which a new
# version after an evaluation gets anyway (trygg.cases.workflow._plan_from_evaluation).
COMPARED = ("description", "level", "start", "frequency", "end", "by")


@dataclass(frozen=True)
class PlanFacts:
    investigation_final: bool
    # Measures of the evaluated previous version that the evaluation said to adjust:
    # (number in that version, the measure as it was).
    to_adjust: tuple[tuple[int, Mapping[str, Any]], ...] = ()
    evaluation_number: int | None = None


def _latest_evaluation(session: Session, case: Case, plan: CaseDocument) -> CaseDocument | None:
    evaluations = [
        d
        for d in documents_of(session, case, "evaluering")
        if d.status == FINAL and d.parent_id == plan.id
    ]
    return evaluations[-1] if evaluations else None


def facts_of(session: Session, case: Case, doc: CaseDocument) -> PlanFacts:
    investigation_final = any(
        d.status == FINAL for d in documents_of(session, case, "undersokelse")
    )
    parent = previous_plan(session, doc)
    evaluation = _latest_evaluation(session, case, parent) if parent is not None else None
    if parent is None or evaluation is None:
        return PlanFacts(investigation_final)
    old = [m for m in parent.data.get("measures") or [] if isinstance(m, Mapping)]
    adjust = []
    for row in evaluation.data.get("measures") or []:
        number = row.get("measure")
        if row.get("decision") == ADJUST and isinstance(number, int) and 0 < number <= len(old):
            adjust.append((number, old[number - 1]))
    return PlanFacts(investigation_final, tuple(adjust), evaluation.number)


def _same(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    def norm(value: Any) -> str:
        return " ".join(str(value or "").split()).casefold()

    return all(norm(a.get(key)) == norm(b.get(key)) for key in COMPARED)


def unchanged(section: Mapping[str, Any], facts: PlanFacts) -> list[tuple[int, Mapping[str, Any]]]:
    """The measures to adjust that the new version still holds exactly as they were."""
    new = [m for m in section.get("measures") or [] if isinstance(m, Mapping)]
    return [(n, old) for n, old in facts.to_adjust if any(_same(old, m) for m in new)]


def check(section: Mapping[str, Any], facts: PlanFacts) -> None:
    """Refuse, at its field, the first rule the plan version breaks."""
    if not facts.investigation_final and says_nothing(section.get("measures_first_reason")):
        raise Refused(
            "Planen bygger ikke på en ferdigstilt undersøkelse. Ferdigstill undersøkelsen "
            "først, eller skriv her hvorfor tiltakene må settes inn før undersøkelsen er "
            "ferdig. Undersøkelsen fortsetter uansett.",
            field="measures_first_reason",
        )
    kept = unchanged(section, facts)
    if kept and says_nothing(section.get("unadjusted_reason")):
        raise Refused(
            "Evaluering nr. %(evaluation)s sa at %(measures)s skulle justeres, men i denne "
            "versjonen er det uendret. Endre det som skulle justeres, eller skriv her hvorfor "
            "det beholdes som før.",
            field="unadjusted_reason",
            evaluation=str(facts.evaluation_number),
            measures=_measure_list(kept),
        )


def _measure_list(measures: Sequence[tuple[int, Mapping[str, Any]]]) -> str:
    names = [f"tiltak {n} («{str(m.get('description', ''))[:60]}»)" for n, m in measures]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} og {names[-1]}"


def measure_cautions(number: int, measure: Mapping[str, Any]) -> list[Caution]:
    index = number - 1
    found = []
    phrases = empty_phrases(measure.get("description"))
    if phrases:
        found.append(
            Caution(
                f"measures-{index}-description",
                "Tiltak %(n)s bruker tomme ord («%(phrases)s»). Skriv hva som skal gjøres, "
                "hvor, når og av hvem.",
                MEASURE_EXAMPLES,
                (("n", str(number)), ("phrases", "», «".join(phrases))),
            )
        )
    elif len(words(measure.get("description"))) < MIN_MEASURE_WORDS:
        found.append(
            Caution(
                f"measures-{index}-description",
                "Tiltak %(n)s er kort. Skriv konkret hva som skal gjøres, hvor og med hvem.",
                MEASURE_EXAMPLES,
                (("n", str(number)),),
            )
        )
    vague_when = empty_phrases(measure.get("frequency"))
    if vague_when:
        found.append(
            Caution(
                f"measures-{index}-frequency",
                "Tiltak %(n)s sier ikke når det gjøres («%(phrases)s»). Skriv en fast tid, "
                "for eksempel «hver skoledag i storefri» eller «mandager kl. 08.30».",
                params=(("n", str(number)), ("phrases", "», «".join(vague_when))),
            )
        )
    return found


def cautions(section: Mapping[str, Any], facts: PlanFacts) -> list[Caution]:
    found: list[Caution] = []
    for number, measure in enumerate(section.get("measures") or [], start=1):
        if isinstance(measure, Mapping):
            found.extend(measure_cautions(number, measure))
    for caution in (
        text_caution(
            "pupil_voice", PUPIL_VOICE_THIN, section.get("pupil_voice"), PUPIL_VOICE_EXAMPLES
        ),
        text_caution(
            "best_interest",
            BEST_INTEREST_THIN,
            section.get("best_interest"),
            BEST_INTEREST_EXAMPLES,
        ),
    ):
        if caution is not None:
            found.append(caution)
    if facts.investigation_final and not (section.get("background") or "").strip():
        found.append(
            Caution(
                "background",
                "Bakgrunnen fra undersøkelsen er tom. Skriv kort hva undersøkelsen fant, så "
                "det går fram at tiltakene bygger på den.",
            )
        )
    return found


# --- The duty «Sette inn tiltak» on the case page ------------------------------------

PLAN_FINAL = "plan_final"  # a finalised plan: the duty is documented
PLAN_MISSING = "plan_missing"  # a plan is needed and none is finalised
NOT_NEEDED = "not_needed"  # the finalised investigation found no plan is needed
OPEN = "open"  # not yet known: no finalised investigation, no plan


@dataclass(frozen=True)
class MeasuresStatus:
    state: str
    plan_draft: bool = False
    # The conclusion's justification when it went against what the pupil said.
    safe_justification: str = ""


def measures_status(session: Session, case: Case) -> MeasuresStatus:
    docs = documents_of(session, case)
    plans = [d for d in docs if d.kind == "aktivitetsplan"]
    draft = any(d.status == DRAFT for d in plans)
    finals = [d for d in docs if d.kind == "undersokelse" and d.status == FINAL]
    investigation = finals[-1].data if finals else {}
    justification = str(investigation.get("safe_justification") or "")
    if any(d.status == FINAL for d in plans):
        state = PLAN_FINAL
    elif finals and (investigation.get("conclusion") or {}).get("plan_needed") is False:
        state = NOT_NEEDED
    elif finals or case.unsafe_since is not None:
        # The investigation asks for a plan, or the pupil said she is not safe (§ 12-4).
        state = PLAN_MISSING
    else:
        state = OPEN
    return MeasuresStatus(state, draft, justification)
