"""Issue 10, words in the documents: counts in proper singular and plural, the kvittering's
title, the routing sentence, the plan's words of the 2023 Act, labelled signature cells,
headings and signatures that never stand alone, and no marking on the kvitteringer."""

import copy
import io
import json
import re
import shutil
from pathlib import Path
from typing import Any

import docx
import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy.orm import Session

from tests.case_pages import logged_in
from tests.factories.cases import archive_for
from trygg.calendar.clock import oslo_now
from trygg.demo.cases import seed_demo_cases
from trygg.documents import check_template, render_document
from trygg.documents.guard import document_text
from trygg.documents.render import template_path
from trygg.documents.validation import InvalidInput
from trygg.models import Case
from trygg.pdf import convert_docx_to_pdfa

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
CASE_KINDS = ("meldeskjema", "undersokelse", "aktivitetsplan", "evaluering")
ACK_KINDS = ("kvittering", "kvitteringsliste")
MARKING = "Unntatt offentlighet"
# «samtale(r)», «observasjon(er)», «dag(er)», «tekst(er)»: a word with its plural ending
# in brackets.
BRACKETED_PLURAL = re.compile(r"\w\((e|er|r|ene)\)")


def example(kind: str) -> dict[str, Any]:
    if kind == "kvitteringsliste":
        return staff_list(3)
    return json.loads((EXAMPLES / f"{kind}.json").read_text(encoding="utf-8"))


def staff_list(count: int) -> dict[str, Any]:
    return {
        "school": {"name": "Nordpolen skole", "municipality": "Oslo kommune"},
        "school_year": "2026/2027",
        "school_plan": {"title": "Skolens plan for trygt og godt skolemiljø", "version": "1"},
        "generated_on": "2026-09-01",
        "rows": [
            {
                "name": f"Ansatt Nummer{i}",
                "title": "lærer",
                "signed_at": "2026-08-14T09:12" if i % 2 else None,
            }
            for i in range(count)
        ],
    }


def text_of(kind: str, data: dict[str, Any]) -> str:
    return document_text(render_document(kind, data).docx)


def investigation(conversations: int, observations: int, started: str) -> dict[str, Any]:
    data = copy.deepcopy(example("undersokelse"))
    inv = data["investigation"]
    inv["conversations"] = inv["conversations"][:conversations]
    assert len(inv["conversations"]) == conversations
    inv["observations"] = [
        {**inv["observations"][0], "date": f"2026-09-1{7 + i}"} for i in range(observations)
    ]
    inv["started_at"] = started
    return data


@pytest.mark.parametrize(
    ("conversations", "observations", "phrase"),
    [
        (1, 0, "1 samtale og ingen observasjoner, se nedenfor."),
        (1, 1, "1 samtale og 1 observasjon, se nedenfor."),
        (2, 0, "2 samtaler og ingen observasjoner, se nedenfor."),
        (2, 2, "2 samtaler og 2 observasjoner, se nedenfor."),
    ],
)
def test_the_investigation_counts_in_words(
    conversations: int, observations: int, phrase: str
) -> None:
    text = text_of("undersokelse", investigation(conversations, observations, "2026-09-15T08:30"))
    assert phrase in text
    assert not BRACKETED_PLURAL.search(text), BRACKETED_PLURAL.search(text)
    assert ("Ingen observasjoner er registrert." in text) == (observations == 0)


def test_an_investigation_without_conversations_is_refused_so_none_is_counted() -> None:
    with pytest.raises(InvalidInput, match="Samtaler: mangler"):
        render_document("undersokelse", investigation(0, 0, "2026-09-15T08:30"))


@pytest.mark.parametrize(
    ("started", "phrase"),
    [
        ("2026-09-14T14:00", "startet samme dag som rektor ble kjent med saken 14.09.2026"),
        ("2026-09-15T08:30", "startet 1 dag etter at rektor ble kjent med saken 14.09.2026"),
        ("2026-09-16T08:30", "startet 2 dager etter at rektor ble kjent med saken 14.09.2026"),
    ],
)
def test_the_investigation_says_how_many_days_in_words(started: str, phrase: str) -> None:
    text = text_of("undersokelse", investigation(2, 1, started))
    assert f"Undersøkelsen {phrase} kl. 13.05." in text
    assert "dag(er)" not in text and "0 dag" not in text


@pytest.mark.parametrize("kind", (*CASE_KINDS, *ACK_KINDS))
def test_no_document_writes_a_plural_in_brackets(kind: str) -> None:
    text = text_of(kind, example(kind))
    assert not BRACKETED_PLURAL.search(text), BRACKETED_PLURAL.search(text)


def test_the_kvittering_is_titled_as_a_receipt_for_reading_the_plan() -> None:
    result = render_document("kvittering", example("kvittering"))
    text = document_text(result.docx)
    assert "Kvittering for at skolens plan er lest" in text
    assert "for lest skolens plan" not in text
    assert result.title.startswith("Kvittering for at skolens plan er lest")


ROUTES = [
    {"staff_suspected": False, "leadership_suspected": False},
    {"staff_suspected": True, "leadership_suspected": False},
    {"staff_suspected": True, "leadership_suspected": True},
    {"staff_suspected": True, "leadership_suspected": False, "sent_to_owner": "vet_ikke"},
    {"staff_suspected": False, "leadership_suspected": False, "sent_to_owner": "ingen_ledelse"},
    {"staff_suspected": True, "leadership_suspected": False, "sent_to_owner": "ingen_ledelse"},
]


@pytest.mark.parametrize("route", ROUTES)
def test_the_route_follows_its_label_without_a_second_colon(route: dict[str, Any]) -> None:
    data = copy.deepcopy(example("meldeskjema"))
    data["report"].update(route)
    text = text_of("meldeskjema", data)
    sentence = text.split("Meldingsvei\n", 1)[1].split("\n", 1)[0]
    assert ":" not in sentence, sentence
    assert re.search(r"§ 12-[45]", sentence), sentence


def test_the_plan_states_its_five_elements_in_the_words_of_the_2023_act() -> None:
    text = " ".join(text_of("aktivitetsplan", example("aktivitetsplan")).split())
    assert (
        "Etter opplæringslova (2023) § 12-4 skal skolen lage en skriftlig plan når det skal "
        "settes inn tiltak i en sak. I planen skal det stå hvilket problem tiltakene skal "
        "løse, hvilke tiltak skolen har planlagt, når tiltakene skal gjennomføres, hvem som "
        "er ansvarlig for gjennomføringen av tiltakene, og når tiltakene skal evalueres."
    ) in text
    assert "9 A-4" not in text


@pytest.mark.parametrize("kind", (*CASE_KINDS, *ACK_KINDS))
def test_the_marking_stays_on_case_documents_only(kind: str) -> None:
    text = text_of(kind, example(kind))
    assert (MARKING in text) == (kind in CASE_KINDS)


def test_a_case_template_without_its_marking_is_refused() -> None:
    # The marking left the kvitteringer, not the case documents: their pre-flight keeps it.
    document = docx.Document(str(template_path("meldeskjema")))
    for paragraph in document.sections[0].header.paragraphs:
        if "{{ marking }}" in paragraph.text:
            for run in paragraph.runs:
                run.text = run.text.replace("{{ marking }}", "")
    out = io.BytesIO()
    document.save(out)
    report = check_template(out.getvalue(), "meldeskjema")
    assert report.refused
    assert "Påkrevd variabel «marking» er ikke brukt" in report.as_text()


def test_a_case_template_whose_marking_never_shows_is_refused() -> None:
    document = docx.Document(str(template_path("meldeskjema")))
    for paragraph in document.sections[0].header.paragraphs:
        for run in paragraph.runs:
            run.text = run.text.replace("{{ marking }}", "{{ marking if false else '' }}")
    out = io.BytesIO()
    document.save(out)
    text = check_template(out.getvalue(), "meldeskjema").as_text()
    assert "Påkrevd variabel" not in text
    assert "Merkingen «Unntatt offentlighet" in text


@pytest.mark.parametrize("kind", (*CASE_KINDS, *ACK_KINDS))
def test_every_heading_keeps_with_what_follows(kind: str) -> None:
    document = docx.Document(io.BytesIO(render_document(kind, example(kind)).docx))
    headings = [p for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings
    for heading in headings:
        assert heading.paragraph_format.keep_with_next, heading.text


SIGNERS = {
    # An ordinary report: received by the rektor (a § 12-5 one about the leadership says
    # "Mottatt av skoleeier", tests/test_duty_details.py).
    "meldeskjema": ("Melder: Per Olsen (kontaktlærer)", "Mottatt av rektor"),
    "undersokelse": ("Saksbehandler", "Rektor"),
    "aktivitetsplan": ("Ansvarlig leder: Ingrid Dahl (sosiallærer)", "Rektor"),
    "evaluering": ("Ansvarlig for evalueringen", "Rektor"),
    "kvitteringsliste": ("Rektor",),
}


@pytest.mark.parametrize("kind", tuple(SIGNERS))
def test_every_signature_cell_is_labelled_and_the_block_holds_together(kind: str) -> None:
    document = docx.Document(io.BytesIO(render_document(kind, example(kind)).docx))
    signature, before = document.tables[-1], document.tables[-2]
    rows = [[cell.text.strip() for cell in row.cells] for row in signature.rows]
    assert tuple(rows[0]) == SIGNERS[kind]
    assert rows[1:] == [["Sted og dato"] * len(SIGNERS[kind]), ["Underskrift"] * len(SIGNERS[kind])]
    for table in (before, signature):  # the legend or list keeps with the signatures
        for row in table.rows:
            for cell in row.cells:
                assert all(p.paragraph_format.keep_with_next for p in cell.paragraphs)


needs_libreoffice = pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice is missing"
)


@pytest.mark.libreoffice
@needs_libreoffice
@pytest.mark.parametrize(
    ("kind", "data"),
    [
        *((kind, example(kind)) for kind in SIGNERS),
        ("kvitteringsliste", staff_list(70)),
    ],
    ids=(*SIGNERS, "kvitteringsliste-70"),
)
def test_no_pdf_page_holds_only_the_signature_block(kind: str, data: dict[str, Any]) -> None:
    pdf = convert_docx_to_pdfa(render_document(kind, data).docx)
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    last = pages[-1]
    assert "Sted og dato" in last and "Slutt på dokumentet" in last
    # Rows of the legend or the list stand on the page above the signatures.
    assert "Elev A" in last or "Ingen andre personer" in last or "Nummer" in last, last


def test_the_case_page_says_status(
    app: Flask, client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    seed_demo_cases(session, archive_for(tmp_path), oslo_now().date())
    session.commit()
    case = next(c for c in session.query(Case).all() if c.pupil_name == "Nora Haugen")
    page = logged_in(client, demo["ledelse"]).get(f"/saker/{case.id}").get_data(as_text=True)
    assert "<dt>Status</dt>" in page
    assert "Stadium" not in page
