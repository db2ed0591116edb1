"""Contexts of the case documents: meldeskjema, undersøkelse, plan, evaluering, avslutning."""

import datetime as dt

from trygg.documents.case_inputs import CaseDocumentInput
from trygg.documents.context import (
    Context,
    DocumentContext,
    TextCollector,
    statsforvalteren_text,
)
from trygg.documents.context import case_variables as common_case_variables
from trygg.documents.inputs import (
    ActivityPlanInput,
    ClosingInput,
    Conversation,
    EvaluationInput,
    InvestigationInput,
    ReportInput,
)
from trygg.documents.vocabulary import (
    ARENAS,
    DECISIONS,
    DOCUMENT_TITLES,
    LEVELS,
    NEXT_ACTIONS,
    NOT_GIVEN,
    VIOLATION_KINDS,
    count_text,
    days_after_text,
    format_date,
    format_datetime,
    yes_no,
)


def case_variables(
    kind: str, data: CaseDocumentInput, date: dt.date, received_by: str | None = None
) -> tuple[Context, TextCollector]:
    """The shared case variables, and the words of the route: who received the report.
    A case about the leadership went to the school owner, and its documents must never
    say the rektor received it (§ 12-5)."""
    variables, t = common_case_variables(kind, data, date)
    receiver = received_by or data.case.received_by
    variables["received_by_title"] = receiver
    variables["received_by_heading"] = receiver.capitalize()
    return variables, t


def _title(kind: str, reference: str, version: int | None = None) -> str:
    # No names in a title: it ends up in core properties and PDF metadata.
    suffix = f", versjon {version}" if version else ""
    return f"{DOCUMENT_TITLES[kind]} – sak {reference}{suffix}"


def _routing(staff: bool, leadership: bool, sent_to_owner: str | None) -> tuple[str, str]:
    """The meldeskjema's route in words, and its answer to «Noen i skoleledelsen
    mistenkt». A report that went to the school owner never says the rektor received it."""
    hidden = "Meldingen gikk straks direkte til skoleeier, og er ikke synlig for skoleledelsen."
    if leadership or sent_to_owner == "ledelse":
        return f"Noen i skoleledelsen mistenkes (§ 12-5). {hidden}", yes_no(True)
    if sent_to_owner == "vet_ikke":
        return f"En ansatt mistenkes, og melderen vet ikke hvem (§ 12-5). {hidden}", "Vet ikke"
    if sent_to_owner == "ingen_ledelse":
        section = "En ansatt mistenkes (§ 12-5)." if staff else "Melding etter § 12-4."
        return (
            f"{section} Skolen hadde ingen i skoleledelsen som kunne ta imot meldingen, så "
            "den gikk straks til skoleeier.",
            yes_no(False),
        )
    if staff:
        return (
            "En ansatt mistenkes (§ 12-5). Meldingen går straks til rektor, som melder videre "
            "til skoleeier.",
            yes_no(False),
        )
    return "Meldingen går til rektor samme dag (§ 12-4).", yes_no(False)


def report_context(data: ReportInput) -> DocumentContext:
    report = data.report
    # The report's own route: the case it joined may have gone elsewhere before.
    to_owner = report.sent_to_owner is not None or report.leadership_suspected
    receiver = "skoleeier" if to_owner else "rektor"
    variables, t = case_variables("meldeskjema", data, report.reported_at.date(), receiver)
    pupils = [a for a in data.actors if a.kind == "pupil"]
    routing, leadership = _routing(
        report.staff_suspected, report.leadership_suspected, report.sent_to_owner
    )
    informed = report.guardians_informed
    variables.update(
        {
            "reporter": t.label(report.reporter),
            "reported_at": format_datetime(report.reported_at),
            "happened_at": format_datetime(report.happened_at),
            "arena": ARENAS[report.arena],
            "arena_detail": t.optional(report.arena_detail),
            "pupil_said_so": yes_no(report.pupil_said_so),
            "account": t.text(report.account),
            "intervention": t.optional(report.intervention),
            "kinds": ", ".join(VIOLATION_KINDS[k] for k in report.kinds),
            "involved": ", ".join(t.label(a.id) for a in pupils) or "Ingen",
            "staff_suspected": yes_no(report.staff_suspected),
            "leadership_suspected": leadership,
            "routing": routing,
            "guardians_informed_at": format_datetime(informed.at if informed else None),
            "guardians_informed_by": t.label(informed.by) if informed else NOT_GIVEN,
        }
    )
    ref = data.case.reference
    return DocumentContext(
        "meldeskjema", variables, _title("meldeskjema", ref), ref, free_texts=t.seen
    )


def _kontradiksjon(conversation: Conversation) -> str:
    if conversation.declined:
        return "Ønsket ikke å gi sin versjon"
    if conversation.kontradiksjon:
        return "Egen versjon gitt"
    return "Ikke aktuelt"


def _investigated(conversations: int, observations: int) -> str:
    done = (
        f"{count_text(conversations, 'samtale', 'samtaler')} og "
        f"{count_text(observations, 'observasjon', 'observasjoner')}"
    )
    if conversations or observations:
        return f"{done[0].upper()}{done[1:]}, se nedenfor."
    return f"{done[0].upper()}{done[1:]} er registrert."


def _with_reason(text: str, lead: str, reason: str | None, t: TextCollector) -> str:
    """A variable with the reason the rules asked for (trygg.cases.investigation_rules,
    plan_rules) added as a sentence, so it is in the archived document without a new
    template variable."""
    if reason is None:
        return text
    added = f"{lead} {t.text(reason)}"
    return added if text == NOT_GIVEN else f"{text} {added}"


def investigation_context(data: InvestigationInput) -> DocumentContext:
    inv = data.investigation
    dates = [inv.started_at.date(), *(c.date for c in inv.conversations)]
    dates += [o.date for o in inv.observations]
    variables, t = case_variables("undersokelse", data, max(dates))
    informed = data.case.rektor_informed
    receiver = variables["received_by_title"]
    if informed is not None:
        days = (inv.started_at.date() - informed.date()).days
        started_after = (
            f"Undersøkelsen startet {days_after_text(days)} {receiver} ble kjent med saken "
            f"{format_datetime(informed)}."
        )
    else:
        started_after = f"Tidspunktet {receiver} ble kjent med saken er ikke registrert."
    known = f"{variables['received_by_heading']} ble kjent med saken {format_datetime(informed)}."
    duty_report = t.optional(inv.reporting, empty=known if informed else NOT_GIVEN)
    plan = "Det skal lages en aktivitetsplan." if inv.conclusion.plan_needed else NOT_GIVEN
    variables.update(
        {
            "started_at": format_datetime(inv.started_at),
            "started_after": started_after,
            "duty_watch": t.text(inv.watch),
            "duty_intervene": t.optional(inv.interventions),
            "duty_report": duty_report,
            "duty_investigate": _with_reason(
                _investigated(len(inv.conversations), len(inv.observations)),
                "Ikke alle som er pekt ut i saken, er hørt, fordi:",
                inv.not_heard_reason,
                t,
            ),
            "duty_measures": t.optional(inv.measures_summary, empty=plan),
            "conversations": [
                {
                    "date": format_date(c.date),
                    "with_label": data.pupil.name if c.with_ == "pupil" else t.label(c.with_),
                    "by": t.label(c.by),
                    "account": t.text(c.account),
                    "kontradiksjon": _kontradiksjon(c),
                }
                for c in inv.conversations
            ],
            "observations": [
                {
                    "date": format_date(o.date),
                    "arena": t.text(o.arena),
                    "by": t.label(o.by),
                    "findings": t.text(o.findings),
                }
                for o in inv.observations
            ],
            "has_observations": bool(inv.observations),
            "pupil_voice": _with_reason(
                t.optional(inv.pupil_voice),
                "Eleven er ikke snakket med, fordi:",
                inv.pupil_not_heard_reason,
                t,
            ),
            "analysis": t.text(inv.analysis),
            "best_interest": t.text(inv.best_interest),
            "conclusion_safe": (
                _with_reason(
                    "Eleven har et trygt og godt skolemiljø.",
                    "Eleven har selv sagt fra om noe annet; begrunnelse:",
                    inv.safe_justification,
                    t,
                )
                if inv.conclusion.pupil_safe
                else "Eleven har ikke et trygt og godt skolemiljø, ut fra elevens egen opplevelse."
            ),
            "conclusion_plan": (
                "Det skal lages en aktivitetsplan."
                if inv.conclusion.plan_needed
                else "Det trengs ikke en aktivitetsplan."
            ),
            "conclusion_comment": t.optional(inv.conclusion.comment),
            "guardians_informed_of_rights": format_date(inv.guardians_informed_of_rights),
            "statsforvalteren": statsforvalteren_text(data),
        }
    )
    ref = data.case.reference
    return DocumentContext(
        "undersokelse", variables, _title("undersokelse", ref), ref, free_texts=t.seen
    )


def activity_plan_context(data: ActivityPlanInput) -> DocumentContext:
    plan = data.plan
    variables, t = case_variables("aktivitetsplan", data, plan.created)
    measures = []
    for number, m in enumerate(plan.measures, start=1):
        period = (
            f"{format_date(m.start)}–{format_date(m.end)}"
            if m.end
            else f"Fra {format_date(m.start)}"
        )
        measures.append(
            {
                "number": str(number),
                "description": t.text(m.description),
                "level": LEVELS[m.level],
                "when": f"{period}\n{t.text(m.frequency)}",
                "by": t.label(m.by),
                "evaluate_on": format_date(m.evaluate_on),
            }
        )
    variables.update(
        {
            "plan_version": str(plan.version),
            "plan_created": format_date(plan.created),
            "responsible": t.label(plan.responsible),
            "problem": t.text(plan.problem),
            "background": _with_reason(
                _with_reason(
                    t.optional(plan.background),
                    "Tiltakene settes inn før undersøkelsen er ferdig, fordi:",
                    plan.measures_first_reason,
                    t,
                ),
                "Tiltak som evalueringen sa skulle justeres, beholdes uendret, fordi:",
                plan.unadjusted_reason,
                t,
            ),
            "measures": measures,
            "pupil_voice": t.text(plan.pupil_voice),
            "best_interest": t.text(plan.best_interest),
            "guardian_views": t.optional(plan.guardian_views),
            "reviewed_with_pupil_on": format_date(plan.reviewed_with_pupil_on),
            "statsforvalteren": statsforvalteren_text(data),
        }
    )
    ref = data.case.reference
    return DocumentContext(
        "aktivitetsplan",
        variables,
        _title("aktivitetsplan", ref, plan.version),
        ref,
        version=plan.version,
        free_texts=t.seen,
    )


def _participant(t: TextCollector, data: EvaluationInput, value: str) -> str:
    # Participants mix actor ids ("s1") with free words ("Sara", "foresatte").
    if any(a.id == value for a in data.actors):
        return t.label(value)
    return t.text(value)


def evaluation_context(data: EvaluationInput) -> DocumentContext:
    ev = data.evaluation
    variables, t = case_variables("evaluering", data, ev.date)
    if ev.date_moved_reason:
        date_note = (
            f"Planlagt {format_date(ev.planned_date)}; flyttet fordi: "
            f"{t.text(ev.date_moved_reason)}"
        )
    else:
        date_note = f"Holdt på planlagt dato ({format_date(ev.planned_date or ev.date)})."
    next_date = ev.next.follow_up_on if ev.next.action == "avslutte" else ev.next.evaluate_on
    variables.update(
        {
            "plan_version": str(ev.plan_version),
            "evaluation_number": str(ev.number),
            "evaluation_date": format_date(ev.date),
            "date_note": date_note,
            "participants": ", ".join(_participant(t, data, p) for p in ev.participants),
            "measures": [
                {
                    "number": str(m.measure),
                    "description": t.optional(m.description, empty=f"Tiltak {m.measure}"),
                    "carried_out": yes_no(m.carried_out),
                    "by": t.label(m.by),
                    "deviations": t.optional(m.deviations, empty="Ingen oppgitt"),
                    "effect_pupil": t.text(m.effect_pupil),
                    "effect_staff": t.optional(m.effect_staff),
                    "effect_guardians": t.optional(m.effect_guardians),
                    "decision": DECISIONS[m.decision],
                }
                for m in ev.measures
            ],
            "pupil_safe_now": (
                "Ja, eleven opplever nå skolemiljøet som trygt og godt."
                if ev.pupil_safe_now
                else "Nei, eleven opplever ennå ikke skolemiljøet som trygt og godt."
            ),
            "overall": t.text(ev.overall),
            "next_action": NEXT_ACTIONS[ev.next.action],
            "next_date": format_date(next_date),
            "external_help_considered": t.optional(ev.external_help_considered),
        }
    )
    ref = data.case.reference
    return DocumentContext(
        "evaluering",
        variables,
        f"{DOCUMENT_TITLES['evaluering']} – sak {ref}, evaluering {ev.number}",
        ref,
        version=ev.number,
        free_texts=t.seen,
    )


def _closing_measures(plan_version: int | None, evaluation_number: int | None) -> str:
    if plan_version is None:
        return "Det ble ikke laget aktivitetsplan i saken."
    text = f"Aktivitetsplanen gjaldt til og med versjon {plan_version}."
    if evaluation_number is not None:
        text += f" Evaluering nr. {evaluation_number} konkluderte med å avslutte planen."
    return text


def closing_context(data: ClosingInput) -> DocumentContext:
    closing = data.closing
    variables, t = case_variables("avslutning", data, closing.decided_at.date())
    if closing.investigation_finalised_on is not None:
        investigation = (
            f"Saken ble undersøkt; undersøkelsen ble ferdigstilt "
            f"{format_date(closing.investigation_finalised_on)}."
        )
    else:
        # The decision states why, in the leadership's words (§ 12-4 still applied).
        investigation = "Saken avsluttes uten ferdigstilt undersøkelse, fordi: " + t.text(
            closing.no_investigation_reason or NOT_GIVEN
        )
    variables.update(
        {
            "decided_by": t.label(closing.decided_by),
            "decided_at": format_datetime(closing.decided_at),
            "decision_maker": "Skoleeier" if closing.decided_as == "skoleeier" else "Skoleledelsen",
            "proposed_by": t.label(closing.proposed_by),
            "proposed_at": format_datetime(closing.proposed_at),
            "reason": t.text(closing.reason),
            "pupil_experience": t.text(closing.pupil_experience),
            "heard_how": t.text(closing.heard_how),
            "investigation": investigation,
            "measures": _closing_measures(closing.plan_version, closing.evaluation_number),
            "follow_up_on": format_date(closing.follow_up_on),
            "statsforvalteren": statsforvalteren_text(data),
        }
    )
    ref = data.case.reference
    return DocumentContext(
        "avslutning", variables, _title("avslutning", ref), ref, free_texts=t.seen
    )
