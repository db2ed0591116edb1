"""Input models of the document kinds, matching examples/*.json.

Cross-field rules that need only one model live here as validators; rules about actor
references across the whole input live in references.py so they run even when other
fields are invalid.
"""

import datetime as dt
from typing import Literal

from pydantic import Field, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from trygg.documents.case_inputs import CaseDocumentInput, Input, SchoolPart
from trygg.documents.sanitise import (
    CellText,
    LineText,
    LongText,
    OptionalCellText,
    OptionalLineText,
    OptionalLongText,
)

Arena = Literal["klasserom", "friminutt", "sfo_aks", "skoleveien", "digitalt", "annet"]
ViolationKind = Literal[
    "mobbing",
    "utestenging",
    "uthenging",
    "rasisme",
    "seksuell trakassering",
    "andre hatefulle ytringer",
    "vold",
    "digital krenkelse",
    "annet",
]
Level = Literal["individ", "gruppe", "system"]
Decision = Literal["fortsette", "justere", "avslutte", "ny"]
NextAction = Literal["ny_evaluering", "ny_versjon", "avslutte"]

MAX_ROWS = 60


def _rule(message: str) -> PydanticCustomError:
    # The message is already Norwegian; validation.py passes it through unchanged.
    return PydanticCustomError("trygg_rule", message)


def _field_rule(model: str, field: str, message: str, value: object) -> ValidationError:
    """A rule across fields whose error belongs to one of them: reported at `field`, so
    the form puts it beside that field and the error summary links there."""
    error = InitErrorDetails(type=_rule(message), loc=(field,), input=value)
    return ValidationError.from_exception_data(model, [error])


# --- Meldeskjema -------------------------------------------------------------------


class GuardiansInformed(Input):
    at: dt.datetime
    by: LineText


class ReportPart(Input):
    reporter: LineText
    reported_at: dt.datetime
    happened_at: dt.datetime | None = None
    arena: Arena
    arena_detail: OptionalLineText = None
    pupil_said_so: bool
    account: LongText
    intervention: OptionalLongText = None
    kinds: tuple[ViolationKind, ...] = Field(min_length=1, max_length=9)
    staff_suspected: bool
    leadership_suspected: bool
    # Why the report went straight to the school owner, not to the rektor: a leader is
    # suspected, the reporter could not say who (§ 12-5), or no leader could receive it.
    sent_to_owner: Literal["ledelse", "vet_ikke", "ingen_ledelse"] | None = None
    guardians_informed: GuardiansInformed | None = None

    @model_validator(mode="after")
    def _leadership_is_staff(self) -> "ReportPart":
        if self.leadership_suspected and not self.staff_suspected:
            raise _rule(
                "Når en i skoleledelsen mistenkes, må også «ansatt mistenkt» være krysset av"
            )
        return self


class ReportInput(CaseDocumentInput):
    report: ReportPart


# --- Undersøkelse ------------------------------------------------------------------


class Conversation(Input):
    date: dt.date
    with_: LineText = Field(alias="with")
    by: LineText
    account: CellText
    kontradiksjon: bool = False
    declined: bool = False


class Observation(Input):
    date: dt.date
    arena: LineText
    by: LineText
    findings: CellText


class Conclusion(Input):
    pupil_safe: bool
    plan_needed: bool
    comment: OptionalLongText = None

    @model_validator(mode="after")
    def _unsafe_needs_plan(self) -> "Conclusion":
        if not self.pupil_safe and not self.plan_needed:
            raise _rule(
                "Når eleven ikke har et trygt og godt skolemiljø, skal skolen sette inn "
                "tiltak i en aktivitetsplan (§ 12-4)"
            )
        return self


class InvestigationPart(Input):
    started_at: dt.datetime
    watch: LongText
    interventions: OptionalLongText = None
    reporting: OptionalLongText = None
    conversations: tuple[Conversation, ...] = Field(min_length=1, max_length=MAX_ROWS)
    observations: tuple[Observation, ...] = Field(default=(), max_length=MAX_ROWS)
    pupil_voice: OptionalLongText = None
    analysis: LongText
    best_interest: LongText
    conclusion: Conclusion
    measures_summary: OptionalLongText = None
    guardians_informed_of_rights: dt.date | None = None
    # Required at finalising by trygg.cases.investigation_rules when the case calls for
    # them: why the pupil, or a person pointed out, was not heard; why the pupil is found
    # safe although she said herself she is not.
    pupil_not_heard_reason: OptionalLongText = None
    not_heard_reason: OptionalLongText = None
    safe_justification: OptionalLongText = None


class InvestigationInput(CaseDocumentInput):
    investigation: InvestigationPart


# --- Aktivitetsplan ----------------------------------------------------------------


class Measure(Input):
    description: CellText
    level: Level
    start: dt.date
    frequency: LineText
    end: dt.date | None = None
    by: LineText
    evaluate_on: dt.date

    @model_validator(mode="after")
    def _dates_in_order(self) -> "Measure":
        if self.end is not None and self.end < self.start:
            raise _rule("sluttdatoen er før startdatoen")
        if self.evaluate_on < self.start:
            raise _rule("evalueringsdatoen er før startdatoen")
        return self


class ActivityPlanPart(Input):
    version: int = Field(ge=1, le=999)
    created: dt.date
    responsible: LineText
    problem: LongText
    background: OptionalLongText = None
    measures: tuple[Measure, ...] = Field(min_length=1, max_length=MAX_ROWS)
    pupil_voice: LongText
    best_interest: LongText
    guardian_views: OptionalLongText = None
    reviewed_with_pupil_on: dt.date | None = None
    # Required at finalising by trygg.cases.plan_rules when the case calls for them: why
    # measures come before a finalised investigation; why a measure the evaluation said
    # to adjust is kept as it was.
    measures_first_reason: OptionalLongText = None
    unadjusted_reason: OptionalLongText = None


class ActivityPlanInput(CaseDocumentInput):
    plan: ActivityPlanPart


# --- Evaluering --------------------------------------------------------------------


class MeasureEvaluation(Input):
    measure: int = Field(ge=1, le=MAX_ROWS)
    description: OptionalCellText = None
    carried_out: bool
    by: LineText
    deviations: OptionalCellText = None
    effect_pupil: CellText
    effect_staff: OptionalCellText = None
    effect_guardians: OptionalCellText = None
    decision: Decision


class NextStep(Input):
    action: NextAction
    evaluate_on: dt.date | None = None
    follow_up_on: dt.date | None = None

    @model_validator(mode="after")
    def _date_for_action(self) -> "NextStep":
        if self.action == "avslutte" and self.follow_up_on is None:
            raise _field_rule(
                "NextStep",
                "follow_up_on",
                "Når planen avsluttes, må det settes en dato for oppfølging",
                None,
            )
        if self.action != "avslutte" and self.evaluate_on is None:
            raise _field_rule("NextStep", "evaluate_on", "Neste evalueringsdato mangler", None)
        return self


class EvaluationPart(Input):
    plan_version: int = Field(ge=1, le=999)
    number: int = Field(ge=1, le=999)
    date: dt.date
    planned_date: dt.date | None = None
    date_moved_reason: OptionalLongText = None
    participants: tuple[LineText, ...] = Field(min_length=1, max_length=30)
    measures: tuple[MeasureEvaluation, ...] = Field(min_length=1, max_length=MAX_ROWS)
    pupil_safe_now: bool
    overall: LongText
    next: NextStep
    external_help_considered: OptionalLongText = None

    @model_validator(mode="after")
    def _consistent(self) -> "EvaluationPart":
        numbers = [m.measure for m in self.measures]
        if len(numbers) != len(set(numbers)):
            raise _rule("Samme tiltak er evaluert flere ganger")
        if self.next.action == "avslutte" and not self.pupil_safe_now:
            raise _rule(
                "Planen kan ikke avsluttes så lenge eleven ikke opplever skolemiljøet "
                "som trygt og godt (§ 12-4)"
            )
        if (
            self.planned_date is not None
            and self.planned_date != self.date
            and self.date_moved_reason is None
        ):
            raise _rule("Evalueringen er flyttet fra planlagt dato; oppgi hvorfor")
        return self


class EvaluationInput(CaseDocumentInput):
    evaluation: EvaluationPart


# --- Avslutning av saken ------------------------------------------------------------

# Who took the decision: the school's leadership, or the school owner in a case routed to
# it (§ 12-5); the document names the one that decided.
DecidedAs = Literal["ledelse", "skoleeier"]


class ClosingPart(Input):
    proposed_by: LineText
    proposed_at: dt.datetime
    decided_by: LineText
    decided_at: dt.datetime
    decided_as: DecidedAs
    reason: LongText
    pupil_experience: LongText
    heard_how: LongText
    # The investigation behind the closing, or why the case closes without one.
    investigation_finalised_on: dt.date | None = None
    no_investigation_reason: OptionalLongText = None
    plan_version: int | None = Field(default=None, ge=1, le=999)
    evaluation_number: int | None = Field(default=None, ge=1, le=999)
    follow_up_on: dt.date

    @model_validator(mode="after")
    def _justified(self) -> "ClosingPart":
        if self.investigation_finalised_on is None and self.no_investigation_reason is None:
            raise _field_rule(
                "ClosingPart",
                "no_investigation_reason",
                "Saken har ingen ferdigstilt undersøkelse; skriv hvorfor den likevel avsluttes "
                "(§ 12-4 krever at skolen undersøker)",
                None,
            )
        if self.follow_up_on < self.decided_at.date():
            raise _field_rule(
                "ClosingPart",
                "follow_up_on",
                "Oppfølgingsdatoen kan ikke være før avgjørelsen",
                self.follow_up_on,
            )
        return self


class ClosingInput(CaseDocumentInput):
    closing: ClosingPart


# --- Kvittering and the rektor's register ------------------------------------------


class Employee(Input):
    name: LineText
    title: LineText
    employer: LineText


class PlanVersionRef(Input):
    title: LineText
    version: LineText
    # Fingerprint of the published file the employee read; shown so the register can
    # prove which text was acknowledged.
    sha256: OptionalLineText = None


class SchoolPlanRef(PlanVersionRef):
    school_year: LineText = Field(max_length=20)


class Confirmations(Input):
    read_plan: bool
    knows_five_duties: bool
    knows_12_5_route: bool
    knows_confidentiality: bool

    @model_validator(mode="after")
    def _all_confirmed(self) -> "Confirmations":
        if not all(
            (
                self.read_plan,
                self.knows_five_duties,
                self.knows_12_5_route,
                self.knows_confidentiality,
            )
        ):
            raise _rule("Alle bekreftelsene må være krysset av før kvitteringen signeres")
        return self


class AcknowledgementInput(Input):
    school: SchoolPart
    employee: Employee
    school_plan: SchoolPlanRef
    confirmations: Confirmations
    signed_at: dt.datetime
    typed_signature: LineText


class AcknowledgementListRow(Input):
    name: LineText
    title: OptionalLineText = None
    signed_at: dt.datetime | None = None


class AcknowledgementListInput(Input):
    school: SchoolPart
    school_year: LineText = Field(max_length=20)
    school_plan: PlanVersionRef
    generated_on: dt.date
    rows: tuple[AcknowledgementListRow, ...] = Field(max_length=1000)


CaseInput = ReportInput | InvestigationInput | ActivityPlanInput | EvaluationInput | ClosingInput
DocumentInput = CaseInput | AcknowledgementInput | AcknowledgementListInput

INPUT_MODELS: dict[str, type[Input]] = {
    "meldeskjema": ReportInput,
    "undersokelse": InvestigationInput,
    "aktivitetsplan": ActivityPlanInput,
    "evaluering": EvaluationInput,
    "avslutning": ClosingInput,
    "kvittering": AcknowledgementInput,
    "kvitteringsliste": AcknowledgementListInput,
}
