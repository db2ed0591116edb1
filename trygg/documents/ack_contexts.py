"""Contexts of the acknowledgement (kvittering) and the rektor's register of them.

These name the employee: an acknowledgement is a personal, signed statement, and staff
acting in their role are named in every document.
"""

from trygg.documents.context import Context, DocumentContext, TextCollector, common_variables
from trygg.documents.inputs import AcknowledgementInput, AcknowledgementListInput
from trygg.documents.vocabulary import DOCUMENT_TITLES, NOT_GIVEN, format_datetime, yes_no

CONFIRMATION_STATEMENTS = {
    "read_plan": "Jeg har lest skolens plan for trygt og godt skolemiljø.",
    "knows_five_duties": (
        "Jeg kjenner de fem delpliktene i aktivitetsplikten (følge med, gripe inn, melde "
        "fra, undersøke, sette inn tiltak) og min personlige plikt til å melde fra til rektor."
    ),
    "knows_12_5_route": (
        "Jeg kjenner den skjerpede aktivitetsplikten når en ansatt krenker en elev "
        "(§ 12-5), og at saker om skoleledelsen meldes direkte til skoleeier."
    ),
    "knows_confidentiality": ("Jeg kjenner taushetsplikten og hvordan arbeidet skal dokumenteres."),
}


def _without_marking(variables: Context) -> None:
    # A kvittering holds nothing confidential: no «Unntatt offentlighet». The variable
    # stays, empty, for a municipality's older template that still shows it.
    variables["marking"] = ""


def _owner_contact(data: AcknowledgementInput | AcknowledgementListInput) -> str:
    # Not collected for the silent-drop check: the contract makes owner_contact optional,
    # and the default kvitteringsliste (like a municipality's own template may) leaves it
    # out. Checking it would refuse every register once the municipality has a contact.
    return data.school.owner_contact or NOT_GIVEN


def acknowledgement_context(data: AcknowledgementInput) -> DocumentContext:
    t = TextCollector(None)
    plan = data.school_plan
    reference = f"Skoleår {plan.school_year}"
    variables = common_variables(
        "kvittering",
        data.school.municipality,
        data.school.name,
        reference,
        data.signed_at.date(),
    )
    _without_marking(variables)
    confirmations = data.confirmations.model_dump()
    variables.update(
        {
            "owner_contact": _owner_contact(data),
            "employee_name": t.text(data.employee.name),
            "employee_title": t.text(data.employee.title),
            "employer": t.text(data.employee.employer),
            "school_plan_title": t.text(plan.title),
            "school_year": t.text(plan.school_year),
            "school_plan_version": t.text(plan.version),
            "school_plan_sha256": t.optional(plan.sha256),
            "confirmations": [
                {"statement": statement, "answer": yes_no(bool(confirmations[key]))}
                for key, statement in CONFIRMATION_STATEMENTS.items()
            ],
            "signed_at": format_datetime(data.signed_at),
            "typed_signature": t.text(data.typed_signature),
        }
    )
    return DocumentContext(
        "kvittering",
        variables,
        f"{DOCUMENT_TITLES['kvittering']} – {plan.school_year}",
        plan.school_year,
        free_texts=t.seen,
    )


def acknowledgement_list_context(data: AcknowledgementListInput) -> DocumentContext:
    t = TextCollector(None)
    plan = data.school_plan
    variables = common_variables(
        "kvitteringsliste",
        data.school.municipality,
        data.school.name,
        f"Skoleår {data.school_year}",
        data.generated_on,
    )
    _without_marking(variables)
    # Unsigned first: they are who the rektor must follow up.
    rows = sorted(data.rows, key=lambda r: (r.signed_at is not None, r.name.casefold()))
    signed = sum(1 for r in data.rows if r.signed_at is not None)
    variables.update(
        {
            "owner_contact": _owner_contact(data),
            "school_plan_title": t.text(plan.title),
            "school_year": t.text(data.school_year),
            "school_plan_version": t.text(plan.version),
            "school_plan_sha256": t.optional(plan.sha256),
            "rows": [
                {
                    "name": t.text(r.name),
                    "title": t.optional(r.title),
                    "signed_at": format_datetime(r.signed_at) if r.signed_at else "Ikke signert",
                }
                for r in rows
            ],
            "signed_count": f"{signed} av {len(data.rows)} ansatte har signert.",
        }
    )
    return DocumentContext(
        "kvitteringsliste",
        variables,
        f"{DOCUMENT_TITLES['kvitteringsliste']} – {data.school_year}",
        data.school_year,
        free_texts=t.seen,
    )
