"""Build the eight default Word templates and their variables contract (README.md).

Run from the repository root:  .venv/bin/python doc_templates/build_templates.py
The .docx files are generated, never edited by hand, so a change is a reviewable diff
of this script and can be repeated.
"""

import io
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from closing_and_figures import avslutning, tallrapport  # noqa: E402
from layout import (  # noqa: E402
    facts,
    header_and_footer,
    heading,
    legend,
    loop_table,
    new_document,
    signature,
    text,
    title,
)

from trygg.documents.contract_doc import contract_markdown  # noqa: E402
from trygg.documents.package import normalise_package  # noqa: E402

# Opplæringslova (lov 2023) § 12-4, the written plan, in bokmål (the Act is in nynorsk).
FIVE_ELEMENTS = (
    "Etter opplæringslova (2023) § 12-4 skal skolen lage en skriftlig plan når det skal "
    "settes inn tiltak i en sak. I planen skal det stå hvilket problem tiltakene skal løse, "
    "hvilke tiltak skolen har planlagt, når tiltakene skal gjennomføres, hvem som er "
    "ansvarlig for gjennomføringen av tiltakene, og når tiltakene skal evalueres."
)


def meldeskjema() -> object:
    doc = new_document("Meldeskjema")
    header_and_footer(doc)
    title(
        doc,
        "Meldeskjema",
        "Melding til {{ received_by_title }} om mistanke om eller kjennskap til at en elev "
        "ikke har et trygt og godt skolemiljø (opplæringslova §§ 12-4 og 12-5)",
    )
    facts(
        doc,
        (
            ("Elev", "{{ pupil_name }}, klasse {{ pupil_class }}"),
            ("Saksnummer", "{{ reference }}"),
            ("Meldt av", "{{ reporter }}"),
            ("Meldt tidspunkt", "{{ reported_at }}"),
        ),
    )
    heading(doc, "1. Hva har skjedd")
    facts(
        doc,
        (
            ("Når", "{{ happened_at }}"),
            ("Arena", "{{ arena }}"),
            ("Nærmere sted", "{{ arena_detail }}"),
            ("Type krenkelse", "{{ kinds }}"),
            ("Eleven har sagt fra selv", "{{ pupil_said_so }}"),
            ("Andre involverte elever", "{{ involved }}"),
        ),
    )
    heading(doc, "Hva som ble observert eller fortalt", 2)
    text(doc, "{{ account }}")
    heading(doc, "2. Gripe inn: hva ble gjort straks")
    text(doc, "{{ intervention }}")
    heading(doc, "3. Mistanke mot en ansatt (§ 12-5)")
    facts(
        doc,
        (
            ("Ansatt mistenkt", "{{ staff_suspected }}"),
            ("Noen i skoleledelsen mistenkt", "{{ leadership_suspected }}"),
            ("Meldingsvei", "{{ routing }}"),
        ),
    )
    heading(doc, "4. Foresatte informert")
    facts(doc, (("Når", "{{ guardians_informed_at }}"), ("Av hvem", "{{ guardians_informed_by }}")))
    legend(doc)
    # The route decides: a § 12-5 report about the leadership went to the school owner.
    signature(doc, ("Melder: {{ reporter }}", "Mottatt av {{ received_by_title }}"))
    return doc


def undersokelse() -> object:
    doc = new_document("Grunnlag for dokumentasjonsplikten")
    header_and_footer(doc)
    title(
        doc,
        "Grunnlag for dokumentasjonsplikten",
        "Hva skolen har gjort for å oppfylle aktivitetsplikten (opplæringslova § 12-4)",
    )
    facts(
        doc,
        (
            ("Elev", "{{ pupil_name }}, klasse {{ pupil_class }}"),
            ("Saksnummer", "{{ reference }} (opprettet {{ case_opened }})"),
            ("{{ received_by_heading }} kjent med saken", "{{ rektor_informed }}"),
            ("Undersøkelsen startet", "{{ started_at }}"),
        ),
    )
    heading(doc, "1. Aktivitetsplikten, delplikt for delplikt")
    for number, (name, variable) in enumerate(
        (
            ("Følge med", "duty_watch"),
            ("Gripe inn", "duty_intervene"),
            ("Melde fra", "duty_report"),
        ),
        start=1,
    ):
        heading(doc, f"1.{number} {name}", 2)
        text(doc, f"{{{{ {variable} }}}}")
    heading(doc, "1.4 Undersøke", 2)
    text(doc, "{{ started_after }} {{ duty_investigate }}")
    heading(doc, "1.5 Sette inn tiltak", 2)
    text(doc, "{{ duty_measures }}")
    heading(doc, "2. Samtaler")
    loop_table(
        doc,
        ("Dato", "Samtale med", "Holdt av", "Hva som kom fram", "Kontradiksjon"),
        (
            "{{ c.date }}",
            "{{ c.with_label }}",
            "{{ c.by }}",
            "{{ c.account }}",
            "{{ c.kontradiksjon }}",
        ),
        (2.0, 2.9, 2.9, 6.3, 2.5),
        "c in conversations",
    )
    heading(doc, "3. Observasjoner")
    loop_table(
        doc,
        ("Dato", "Arena", "Observatør", "Funn"),
        ("{{ o.date }}", "{{ o.arena }}", "{{ o.by }}", "{{ o.findings }}"),
        (2.0, 2.9, 2.9, 8.8),
        "o in observations",
    )
    text(doc, "{%p if not has_observations %}")
    text(doc, "Ingen observasjoner er registrert.", italic=True)
    text(doc, "{%p endif %}")
    heading(doc, "4. Elevens stemme")
    text(doc, "{{ pupil_voice }}")
    heading(doc, "5. Analyse")
    text(doc, "{{ analysis }}")
    heading(doc, "6. Vurdering av elevens beste")
    text(doc, "{{ best_interest }}")
    heading(doc, "7. Konklusjon")
    facts(
        doc,
        (
            ("Elevens skolemiljø", "{{ conclusion_safe }}"),
            ("Aktivitetsplan", "{{ conclusion_plan }}"),
            ("Utdypning", "{{ conclusion_comment }}"),
        ),
    )
    heading(doc, "8. Foresatte informert om rettigheter")
    text(
        doc,
        "Foresatte ble informert om sine rettigheter og om muligheten til å melde saken "
        "til Statsforvalteren: {{ guardians_informed_of_rights }}.",
    )
    text(doc, "{{ statsforvalteren }}")
    legend(doc)
    signature(doc, ("Saksbehandler", "{{ received_by_heading }}"))
    return doc


def aktivitetsplan() -> object:
    doc = new_document("Aktivitetsplan")
    header_and_footer(doc)
    title(doc, "Aktivitetsplan", "Skriftlig plan etter opplæringslova § 12-4")
    facts(
        doc,
        (
            ("Elev", "{{ pupil_name }}, klasse {{ pupil_class }}"),
            ("Saksnummer", "{{ reference }}"),
            ("Versjon", "{{ plan_version }}, laget {{ plan_created }}"),
            ("Ansvarlig leder", "{{ responsible }}"),
        ),
    )
    text(doc, FIVE_ELEMENTS, small=True)
    heading(doc, "1. Problemet tiltakene skal løse")
    text(doc, "{{ problem }}")
    heading(doc, "2. Bakgrunn fra undersøkelsen")
    text(doc, "{{ background }}")
    heading(doc, "3. Tiltak")
    loop_table(
        doc,
        ("Nr.", "Tiltak", "Nivå", "Når", "Hvem gjennomfører", "Evalueres"),
        (
            "{{ m.number }}",
            "{{ m.description }}",
            "{{ m.level }}",
            "{{ m.when }}",
            "{{ m.by }}",
            "{{ m.evaluate_on }}",
        ),
        (0.9, 5.9, 1.6, 3.1, 2.9, 2.2),
        "m in measures",
    )
    heading(doc, "4. Elevens stemme")
    text(doc, "Hvordan eleven er hørt, hva eleven ønsker, og hvordan det er vektlagt.", small=True)
    text(doc, "{{ pupil_voice }}")
    heading(doc, "5. Vurdering av elevens beste")
    text(doc, "{{ best_interest }}")
    heading(doc, "6. Foresattes syn")
    text(doc, "{{ guardian_views }}")
    heading(doc, "7. Gjennomgått med elev og foresatte")
    text(doc, "Planen ble gjennomgått med eleven og foresatte: {{ reviewed_with_pupil_on }}.")
    heading(doc, "8. Rett til å melde saken til Statsforvalteren")
    text(doc, "{{ statsforvalteren }}")
    text(doc, "Kontakt hos skoleeier: {{ owner_contact }}.", small=True)
    legend(doc)
    signature(doc, ("Ansvarlig leder: {{ responsible }}", "{{ received_by_heading }}"))
    return doc


def evaluering() -> object:
    doc = new_document("Evaluering av aktivitetsplan")
    header_and_footer(doc)
    title(
        doc,
        "Evaluering av aktivitetsplan",
        "Oppfølging av aktivitetsplan etter opplæringslova § 12-4",
    )
    facts(
        doc,
        (
            ("Elev", "{{ pupil_name }}, klasse {{ pupil_class }}"),
            ("Saksnummer", "{{ reference }}, aktivitetsplan versjon {{ plan_version }}"),
            ("Evaluering", "Nr. {{ evaluation_number }}, {{ evaluation_date }}"),
            ("Dato", "{{ date_note }}"),
            ("Deltakere", "{{ participants }}"),
        ),
    )
    heading(doc, "1. Evaluering per tiltak")
    loop_table(
        doc,
        ("Nr.", "Tiltak og gjennomføring", "Effekt", "Beslutning"),
        (
            "{{ m.number }}",
            "{{ m.description }}\nGjennomført som planlagt: {{ m.carried_out }}\n"
            "Av: {{ m.by }}\nAvvik: {{ m.deviations }}",
            "Eleven: {{ m.effect_pupil }}\nAnsatte: {{ m.effect_staff }}\n"
            "Foresatte: {{ m.effect_guardians }}",
            "{{ m.decision }}",
        ),
        (1.0, 6.3, 7.0, 2.3),
        "m in measures",
    )
    heading(doc, "2. Samlet vurdering")
    text(doc, "{{ pupil_safe_now }}")
    text(doc, "{{ overall }}")
    heading(doc, "3. Videre oppfølging")
    facts(doc, (("Hva skjer videre", "{{ next_action }}"), ("Dato", "{{ next_date }}")))
    heading(doc, "4. Ekstern hjelp vurdert")
    text(doc, "Om PPT, ressursteam eller skoleeier er vurdert eller koblet inn.", small=True)
    text(doc, "{{ external_help_considered }}")
    legend(doc)
    signature(doc, ("Ansvarlig for evalueringen", "{{ received_by_heading }}"))
    return doc


def kvittering() -> object:
    doc = new_document("Kvittering for at skolens plan er lest")
    # Unmarked: a kvittering holds nothing confidential (offentleglova is the rule).
    header_and_footer(doc, marked=False)
    title(
        doc,
        "Kvittering for at skolens plan er lest",
        "Skolens plan for trygt og godt skolemiljø (opplæringslova kapittel 12)",
    )
    facts(
        doc,
        (
            ("Ansatt", "{{ employee_name }}"),
            ("Stilling", "{{ employee_title }}"),
            ("Arbeidsgiver", "{{ employer }}"),
            ("Skole", "{{ school_name }}"),
        ),
    )
    heading(doc, "1. Planen som er lest")
    facts(
        doc,
        (
            ("Tittel", "{{ school_plan_title }}"),
            ("Skoleår", "{{ school_year }}"),
            ("Versjon", "{{ school_plan_version }}"),
            ("Sjekksum (SHA-256)", "{{ school_plan_sha256 }}"),
        ),
    )
    heading(doc, "2. Bekreftelser")
    loop_table(
        doc,
        ("Jeg bekrefter", "Svar"),
        ("{{ c.statement }}", "{{ c.answer }}"),
        (14.6, 2.0),
        "c in confirmations",
    )
    text(doc, "Kontakt hos skoleeier ved melding etter § 12-5: {{ owner_contact }}.")
    heading(doc, "3. Signatur")
    text(doc, "Signert elektronisk {{ signed_at }} av {{ typed_signature }}.")
    end = text(doc, "{{ end_marker }}", small=True)
    end.paragraph_format.space_before = end.paragraph_format.space_after
    return doc


def kvitteringsliste() -> object:
    doc = new_document("Oversikt over kvitteringer")
    header_and_footer(doc, marked=False)
    title(
        doc,
        "Oversikt over kvitteringer",
        "Ansattes kvittering for skolens plan for trygt og godt skolemiljø",
    )
    facts(
        doc,
        (
            ("Plan", "{{ school_plan_title }}"),
            ("Skoleår", "{{ school_year }}"),
            ("Versjon", "{{ school_plan_version }}"),
            ("Sjekksum (SHA-256)", "{{ school_plan_sha256 }}"),
            ("Status", "{{ signed_count }}"),
        ),
    )
    loop_table(
        doc,
        ("Navn", "Stilling", "Signert"),
        ("{{ r.name }}", "{{ r.title }}", "{{ r.signed_at }}"),
        (7.0, 5.1, 4.5),
        "r in rows",
        keep_with_next=True,
    )
    signature(doc, ("Rektor",))
    return doc


BUILDERS = {
    "meldeskjema": meldeskjema,
    "undersokelse": undersokelse,
    "aktivitetsplan": aktivitetsplan,
    "evaluering": evaluering,
    "avslutning": avslutning,
    "kvittering": kvittering,
    "kvitteringsliste": kvitteringsliste,
    "tallrapport": tallrapport,
}


def main() -> None:
    for kind, build in BUILDERS.items():
        document = build()
        out = io.BytesIO()
        document.save(out)  # type: ignore[attr-defined]
        # Fixed zip times and neutral properties, no thumbnail: a rebuild with no change
        # to this script gives the same bytes, so git shows only real changes.
        title = document.core_properties.title  # type: ignore[attr-defined]
        packaged = normalise_package(out.getvalue(), title=title, created=None)
        (HERE / f"{kind}.docx").write_bytes(packaged)
        print(f"skrev {kind}.docx")
    (HERE / "README.md").write_text(contract_markdown(), encoding="utf-8")
    print("skrev README.md")


if __name__ == "__main__":
    main()
