"""The default templates of the two kinds that are not one of the forms: the closing
decision (avslutning) and the figures report (tallrapport). Imported by
build_templates.py, which puts the folder and the repository root on the path."""

from docx.enum.text import WD_ALIGN_PARAGRAPH
from layout import (
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

from trygg.documents.contract import FIGURE_KEYS


def avslutning() -> object:
    doc = new_document("Avslutning av saken")
    header_and_footer(doc)
    title(
        doc,
        "Avslutning av saken",
        "Beslutning om å avslutte saken om elevens skolemiljø (opplæringslova § 12-4)",
    )
    facts(
        doc,
        (
            ("Elev", "{{ pupil_name }}, klasse {{ pupil_class }}"),
            ("Saksnummer", "{{ reference }} (opprettet {{ case_opened }})"),
            ("Besluttet av", "{{ decision_maker }}: {{ decided_by }}"),
            ("Besluttet", "{{ decided_at }}"),
            ("Foreslått av", "{{ proposed_by }}, {{ proposed_at }}"),
        ),
    )
    heading(doc, "1. Elevens egen opplevelse nå")
    text(doc, "{{ pupil_experience }}")
    heading(doc, "Hvordan skolen vet det", 2)
    text(doc, "{{ heard_how }}")
    heading(doc, "2. Begrunnelse")
    text(doc, "{{ reason }}")
    heading(doc, "3. Det skolen har gjort")
    text(doc, "{{ investigation }}")
    text(doc, "{{ measures }}")
    heading(doc, "4. Oppfølging")
    text(
        doc,
        "Skolen følger opp {{ follow_up_on }} at eleven fortsatt har et trygt og godt "
        "skolemiljø. Opplever eleven det ikke lenger slik, åpnes saken igjen med ny plan.",
    )
    heading(doc, "5. Rett til å melde saken til Statsforvalteren")
    text(doc, "{{ statsforvalteren }}")
    text(doc, "Kontakt hos skoleeier: {{ owner_contact }}.", small=True)
    legend(doc)
    signature(doc, ("Besluttet av: {{ decided_by }}",))
    return doc


def tallrapport() -> object:
    doc = new_document("Tall og figurer for skolemiljøsaker")
    # Unmarked: counts only, small ones suppressed as on the figures page.
    header_and_footer(doc, marked=False)
    title(
        doc,
        "Tall og figurer for skolemiljøsaker",
        "Saker om elevers rett til et trygt og godt skolemiljø (opplæringslova kapittel 12)",
    )
    facts(
        doc,
        (
            ("Gjelder", "{{ scope }}"),
            ("Periode", "{{ period }}"),
            ("Laget", "{{ document_date }}"),
            ("Kommune", "{{ municipality }}"),
        ),
    )
    text(doc, "{{ suppression_note }}", small=True)
    heading(doc, "Nøkkeltall")
    loop_table(
        doc,
        ("Nøkkeltall", "Verdi"),
        ("{{ k.label }}", "{{ k.value }}"),
        (8.6, 8.0),
        "k in key_figures",
    )
    for key in FIGURE_KEYS:
        heading(doc, f"{{{{ {key}_title }}}}")
        # One figure to a page: the chart, its summary and its table stay together.
        doc.paragraphs[-1].paragraph_format.page_break_before = True
        text(doc, f"{{{{ {key}_summary }}}}")
        chart = text(doc, f"{{{{ {key}_chart }}}}")
        chart.alignment = WD_ALIGN_PARAGRAPH.CENTER
        loop_table(
            doc,
            ("Rad", "Antall"),
            ("{{ r.label }}", "{{ r.count }}"),
            (12.6, 4.0),
            f"r in {key}_rows",
        )
    end = text(doc, "{{ end_marker }}", small=True)
    end.paragraph_format.space_before = end.paragraph_format.space_after
    return doc
