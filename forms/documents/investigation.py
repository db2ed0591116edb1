"""The investigation (undersøkelse): what the school did for each sub-duty of § 12-4,
the conversations and observations, and the conclusion."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields import FieldList, FormField
from wtforms.validators import Length

from forms.base import BaseForm
from forms.documents.fields import (
    DateText,
    DateTimeText,
    People,
    RowForm,
    compact,
    drop_blank_rows,
    from_bool,
    text,
    to_bool,
    yes_no,
)
from trygg.documents.inputs import MAX_ROWS
from trygg.documents.sanitise import CELL_TEXT_MAX, LINE_TEXT_MAX, LONG_TEXT_MAX

LONG = [Length(max=LONG_TEXT_MAX)]
CELL = [Length(max=CELL_TEXT_MAX)]
LINE = [Length(max=LINE_TEXT_MAX)]
ROW_LABELS = {"conversations": _("Samtale"), "observations": _("Observasjon")}
# The engine nests the conclusion; the form keeps it flat.
PROBLEM_FIELDS = {
    "conclusion": "pupil_safe",
    "conclusion-pupil_safe": "pupil_safe",
    "conclusion-plan_needed": "plan_needed",
    "conclusion-comment": "conclusion_comment",
}


class ConversationRow(RowForm):
    date = DateText(_("Dato"))
    with_ = SelectField(_("Samtale med"), name="with", validate_choice=False)
    by = SelectField(_("Samtalen holdt av"), validate_choice=False)
    account = TextAreaField(_("Hva som kom fram"), validators=CELL)
    kontradiksjon = BooleanField(_("Kontradiksjon: den utøvende elevens egen versjon"))
    declined = BooleanField(_("Ønsket ikke å gi sin versjon"))


class ObservationRow(RowForm):
    date = DateText(_("Dato"))
    arena = StringField(_("Arena"), validators=LINE, description=_("For eksempel storefri."))
    by = SelectField(_("Observatør"), validate_choice=False)
    findings = TextAreaField(_("Funn"), validators=CELL)


class InvestigationForm(BaseForm):
    document_id = HiddenField()
    revision = HiddenField()
    started_at = DateTimeText(
        _("Undersøkelsen startet"),
        description=_("Skolen skal undersøke snarast etter at den fikk vite om saken."),
    )
    watch = TextAreaField(
        _("Følge med"), validators=LONG, description=_("Hvordan skolen har fulgt med.")
    )
    interventions = TextAreaField(
        _("Gripe inn"), validators=LONG, description=_("Hva som ble gjort for å stanse det.")
    )
    reporting = TextAreaField(
        _("Melde fra"), validators=LONG, description=_("Hvem som meldte fra til rektor, og når.")
    )
    conversations = FieldList(FormField(ConversationRow), min_entries=1, max_entries=MAX_ROWS)
    observations = FieldList(FormField(ObservationRow), min_entries=1, max_entries=MAX_ROWS)
    pupil_not_heard_reason = TextAreaField(
        _("Hvis eleven ikke er snakket med: hvorfor"),
        validators=LONG,
        description=_(
            "Undersøkelsen kan ikke ferdigstilles uten en samtale med eleven, eller en "
            "begrunnelse for hvorfor eleven ikke er hørt."
        ),
    )
    not_heard_reason = TextAreaField(
        _("Hvis noen som er pekt ut, ikke er hørt: hvorfor"),
        validators=LONG,
        description=_(
            "Den som er pekt ut (en elev som utøvende, en ansatt som mistenkt), skal få gi sin "
            "versjon (kontradiksjon). Skriv hvorfor det ikke er gjort, for eksempel at "
            "skoleeier som arbeidsgiver hører den ansatte."
        ),
    )
    pupil_voice = TextAreaField(
        _("Elevens stemme"),
        validators=LONG,
        description=_("Hva eleven selv opplever og ønsker (§ 12-2: elevens egen opplevelse)."),
    )
    analysis = TextAreaField(_("Analyse"), validators=LONG)
    best_interest = TextAreaField(_("Vurdering av elevens beste"), validators=LONG)
    pupil_safe = yes_no(
        _("Har eleven et trygt og godt skolemiljø?"),
        _("Slik eleven selv opplever det."),
    )
    plan_needed = yes_no(_("Trengs det en aktivitetsplan?"))
    safe_justification = TextAreaField(
        _("Begrunnelse når eleven selv har sagt noe annet"),
        validators=LONG,
        description=_(
            "Når eleven selv har sagt fra, men konklusjonen er at eleven har et trygt og godt "
            "skolemiljø: hva sier eleven nå, og hvordan vet dere det? Vises på saksiden."
        ),
    )
    conclusion_comment = TextAreaField(_("Kommentar til konklusjonen"), validators=LONG)
    measures_summary = TextAreaField(
        _("Sette inn tiltak"),
        validators=LONG,
        description=_("Kort om tiltakene; selve tiltakene står i aktivitetsplanen."),
    )
    guardians_informed_of_rights = DateText(
        _("Foresatte informert om rettighetene og Statsforvalteren"),
    )


def form_data(section: dict[str, Any], people: People) -> dict[str, Any]:
    """What a saved draft shows in the form."""
    conclusion = section.get("conclusion") or {}
    return {
        "started_at": text(section.get("started_at")),
        "watch": text(section.get("watch")),
        "interventions": text(section.get("interventions")),
        "reporting": text(section.get("reporting")),
        "conversations": [
            {
                "date": text(row.get("date")),
                "with_": row.get("with") or "",
                "by": people.picker(row.get("by")),
                "account": text(row.get("account")),
                "kontradiksjon": bool(row.get("kontradiksjon")),
                "declined": bool(row.get("declined")),
            }
            for row in section.get("conversations") or []
        ],
        "observations": [
            {
                "date": text(row.get("date")),
                "arena": text(row.get("arena")),
                "by": people.picker(row.get("by")),
                "findings": text(row.get("findings")),
            }
            for row in section.get("observations") or []
        ],
        "pupil_not_heard_reason": text(section.get("pupil_not_heard_reason")),
        "not_heard_reason": text(section.get("not_heard_reason")),
        "safe_justification": text(section.get("safe_justification")),
        "pupil_voice": text(section.get("pupil_voice")),
        "analysis": text(section.get("analysis")),
        "best_interest": text(section.get("best_interest")),
        "pupil_safe": from_bool(conclusion.get("pupil_safe")),
        "plan_needed": from_bool(conclusion.get("plan_needed")),
        "conclusion_comment": text(conclusion.get("comment")),
        "measures_summary": text(section.get("measures_summary")),
        "guardians_informed_of_rights": text(section.get("guardians_informed_of_rights")),
    }


def section(form: InvestigationForm, base: dict[str, Any]) -> dict[str, Any]:
    """The engine's `investigation` section from a valid form."""
    drop_blank_rows(form.conversations)
    drop_blank_rows(form.observations)
    conversations = [
        compact(
            {
                "date": row.date.iso,
                "with": row.with_.data or None,
                "by": row.by.data or None,
                "account": row.account.data,
                "kontradiksjon": bool(row.kontradiksjon.data),
                "declined": bool(row.declined.data),
            }
        )
        for row in (entry.form for entry in form.conversations.entries)
    ]
    observations = [
        compact(
            {
                "date": row.date.iso,
                "arena": row.arena.data,
                "by": row.by.data or None,
                "findings": row.findings.data,
            }
        )
        for row in (entry.form for entry in form.observations.entries)
    ]
    conclusion = compact(
        {
            "pupil_safe": to_bool(form.pupil_safe.data),
            "plan_needed": to_bool(form.plan_needed.data),
            "comment": form.conclusion_comment.data or None,
        }
    )
    kept = {k: v for k, v in base.items() if k not in FORM_KEYS}
    return {
        **kept,
        **compact(
            {
                "started_at": form.started_at.iso,
                "watch": form.watch.data,
                "interventions": form.interventions.data,
                "reporting": form.reporting.data,
                "conversations": conversations,
                "observations": observations,
                "pupil_not_heard_reason": form.pupil_not_heard_reason.data,
                "not_heard_reason": form.not_heard_reason.data,
                "safe_justification": form.safe_justification.data,
                "pupil_voice": form.pupil_voice.data,
                "analysis": form.analysis.data,
                "best_interest": form.best_interest.data,
                "conclusion": conclusion,
                "measures_summary": form.measures_summary.data,
                "guardians_informed_of_rights": form.guardians_informed_of_rights.iso,
            }
        ),
    }


FORM_KEYS = frozenset(
    {
        "started_at",
        "watch",
        "interventions",
        "reporting",
        "conversations",
        "observations",
        "pupil_not_heard_reason",
        "not_heard_reason",
        "safe_justification",
        "pupil_voice",
        "analysis",
        "best_interest",
        "conclusion",
        "measures_summary",
        "guardians_informed_of_rights",
    }
)
