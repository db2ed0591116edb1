"""The leak scanner finds a labelled person's name wherever a DOCX can hide it."""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document
from docx.document import Document as DocumentObject
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from trygg.anonymise import Actor, UnreadableDocument, scan_docx, scan_text

PUPIL = "Sara Nilsen"
ACTORS = [
    Actor("p1", "pupil", "Jonas Berg", ("Jonte",), "utøvende"),
    Actor("p2", "pupil", "Emma Hansen", role="medelev"),
    Actor("g1", "guardian", "Kari Berg", guardian_of="p1"),
    Actor("s1", "staff", "Per Olsen", title="kontaktlærer"),
    Actor("s2", "staff", "Ingrid Dahl", title="sosiallærer"),
]
CLEAN_TEXT = (
    "Sara forteller at Elev A og Elev B stenger henne ute i storefri. "
    "Per Olsen (kontaktlærer) er ute i friminuttene. Foresatt til Elev A er informert."
)


def _clean_document() -> DocumentObject:
    document = Document()
    document.sections[0].header.paragraphs[0].text = "Oslo kommune – Nordpolen skole – 2026/0142"
    document.sections[0].footer.paragraphs[0].text = "Side 1"
    document.add_heading("Aktivitetsplan for Sara Nilsen", 1)
    document.add_paragraph(CLEAN_TEXT)
    table = document.add_table(rows=3, cols=2)
    table.cell(0, 0).text = "Tiltak"
    table.cell(1, 0).text = "Voksen ute i storefri"
    table.cell(1, 1).text = "Per Olsen"
    table.cell(2, 0).text = "Samtale med Elev A"
    table.cell(2, 1).text = "Ingrid Dahl"
    document.core_properties.author = "Ingrid Dahl"
    document.core_properties.title = "Aktivitetsplan"
    return document


def _bytes(document: DocumentObject, extra: dict[str, str] | None = None) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    if not extra:
        return buffer.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            if item.filename not in extra:
                target.writestr(item, source.read(item))
        for name, xml in extra.items():
            target.writestr(name, xml)
    return out.getvalue()


def _scan(data: bytes, filename: str = "aktivitetsplan-2026-0142.docx") -> list[tuple[str, str]]:
    return [(hit.where, hit.name) for hit in scan_docx(data, filename, PUPIL, ACTORS)]


def test_clean_document_has_no_hits() -> None:
    assert _scan(_bytes(_clean_document())) == []


def test_header_and_footer() -> None:
    document = _clean_document()
    document.sections[0].header.paragraphs[0].text = "Sak om Jonas Berg"
    document.sections[0].footer.paragraphs[0].text = "Kopi: Kari Berg"
    assert _scan(_bytes(document)) == [("Topptekst", "Jonas Berg"), ("Bunntekst", "Kari Berg")]


def test_table_cell_reports_table_and_row() -> None:
    document = _clean_document()
    document.tables[0].cell(2, 1).text = "Samtale med Emma"
    assert _scan(_bytes(document)) == [("Tabell 1, rad 3", "Emma")]


def test_body_paragraph_number() -> None:
    document = _clean_document()
    document.add_paragraph("Jonte sa unnskyld.")
    assert _scan(_bytes(document)) == [("Brødtekst, avsnitt 3", "Jonte")]


def test_name_split_across_runs() -> None:
    document = _clean_document()
    paragraph = document.add_paragraph("Samtale med ")
    paragraph.add_run("Jo").bold = True
    paragraph.add_run("nas")
    paragraph.add_run(" 16.09.")
    assert _scan(_bytes(document)) == [("Brødtekst, avsnitt 3", "Jonas")]


def test_comment_text_and_author() -> None:
    document = _clean_document()
    paragraph = document.add_paragraph("Observasjon i storefri.")
    document.add_comment(paragraph.runs, text="Sjekk med mora til Emma", author="Kari Berg")
    assert sorted(_scan(_bytes(document))) == [
        ("Kommentar", "Emma"),
        ("Kommentar: forfatter", "Kari Berg"),
    ]


def test_core_properties_author_and_title() -> None:
    document = _clean_document()
    document.core_properties.author = "Kari Berg"
    document.core_properties.title = "Plan – Jonas"
    document.core_properties.last_modified_by = "Emma Hansen"
    assert sorted(_scan(_bytes(document))) == [
        ("Dokumentegenskaper: forfatter", "Kari Berg"),
        ("Dokumentegenskaper: sist endret av", "Emma Hansen"),
        ("Dokumentegenskaper: tittel", "Jonas"),
    ]


def test_text_box() -> None:
    document = _clean_document()
    paragraph = document.add_paragraph()
    textbox = parse_xml(
        f"<w:r {nsdecls('w')} xmlns:v='urn:schemas-microsoft-com:vml'><w:pict><v:shape><v:textbox><w:txbxContent>"
        "<w:p><w:r><w:t>Hilsen til Jonas</w:t></w:r></w:p>"
        "</w:txbxContent></v:textbox></v:shape></w:pict></w:r>"
    )
    paragraph._p.append(textbox)
    assert _scan(_bytes(document)) == [("Tekstboks", "Jonas")]


def test_footnote_custom_xml_and_custom_property() -> None:
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    extra = {
        "word/footnotes.xml": f'<w:footnotes {w}><w:footnote w:id="1"><w:p><w:r>'
        "<w:t>Kilde: samtale med Emma Hansen</w:t></w:r></w:p></w:footnote></w:footnotes>",
        "customXml/item9.xml": "<sak><involvert>jonas.berg@skole.no</involvert></sak>",
        "docProps/custom.xml": (
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
            'custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
            '2006/docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" '
            'pid="2" name="Elev"><vt:lpwstr>Jonte</vt:lpwstr></property></Properties>'
        ),
    }
    assert sorted(_scan(_bytes(_clean_document(), extra))) == [
        ("Egendefinert XML", "Jonas Berg"),
        ("Egendefinert egenskap: Elev", "Jonte"),
        ("Fotnote", "Emma Hansen"),
    ]


def test_file_name() -> None:
    assert _scan(_bytes(_clean_document()), "plan_jonas_berg.docx") == [("Filnavn", "Jonas Berg")]


def test_hit_has_excerpt_and_message() -> None:
    [hit] = scan_text("Referat: Emma var ikke til stede i timen.", "PDF, side 2", PUPIL, ACTORS)
    assert hit.where == "PDF, side 2"
    assert hit.excerpt == "Referat: Emma var ikke til stede i timen."
    assert hit.message.startswith('Navnet "Emma" står i PDF, side 2')


def test_labels_case_pupil_and_staff_are_not_hits() -> None:
    text = (
        "Sara Nilsen, Sara, Nilsen, Per Olsen, Per, Olsen, Ingrid Dahl, Elev A, Foresatt til Elev A"
    )
    assert scan_text(text, "PDF", PUPIL, ACTORS) == []


def test_shared_first_name_with_case_pupil_is_not_a_hit() -> None:
    actors = [*ACTORS, Actor("p3", "pupil", "Sara Lie")]
    assert [h.name for h in scan_text("Sara og Sara Lie", "PDF", PUPIL, actors)] == ["Sara Lie"]


def test_folded_and_uppercase_names_are_hits() -> None:
    actors = [Actor("p1", "pupil", "Jørgen Sæther"), Actor("p2", "pupil", "Aïsha Khan")]
    hits = scan_text("JORGEN og Aisha og saether", "PDF", PUPIL, actors)
    assert [h.name for h in hits] == ["Jørgen", "Aïsha", "Sæther"]


def test_not_a_docx() -> None:
    with pytest.raises(UnreadableDocument):
        scan_docx(b"not a zip", "x.docx", PUPIL, ACTORS)
