"""Pre-flight catches each class of template defect on small templates built here."""

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest

from trygg.documents import check_template
from trygg.documents.contract import CONTRACTS
from trygg.documents.render import template_path

KIND = "kvitteringsliste"


def build(
    body: Callable[[docx.document.Document], None],
    *,
    header: bool = True,
    row_name: str = "{{ r.name }}",
) -> bytes:
    """A minimal template: every required variable of KIND, plus `body` to break it."""
    document = docx.Document()
    if header:
        document.sections[0].header.paragraphs[0].text = "{{ marking }}"
    document.add_paragraph(
        "{{ municipality }} {{ school_name }} {{ reference }} {{ document_date }}"
    )
    document.add_paragraph("{{ document_title }} {{ school_plan_title }} {{ school_year }}")
    document.add_paragraph("{{ school_plan_version }} {{ school_plan_sha256 }}")
    document.add_paragraph("{{ signed_count }}")
    table = document.add_table(rows=3, cols=2)
    table.cell(0, 0).text = "{%tr for r in rows %}"
    table.cell(1, 0).text = f"{row_name} {{{{ r.title }}}}"
    table.cell(1, 1).text = "{{ r.signed_at }}"
    table.cell(2, 0).text = "{%tr endfor %}"
    body(document)
    document.add_paragraph("{{ end_marker }}")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def nothing(document: docx.document.Document) -> None:
    return None


def messages(data: bytes, kind: str = KIND) -> str:
    report = check_template(data, kind)
    assert report.refused, report.as_text()
    return report.as_text()


def test_the_minimal_template_passes() -> None:
    report = check_template(build(nothing), KIND)
    assert not report.refused, report.as_text()
    assert "GODKJENT" in report.as_text()


@pytest.mark.parametrize("kind", tuple(CONTRACTS))
def test_the_default_templates_pass(kind: str) -> None:
    report = check_template(template_path(kind).read_bytes(), kind)
    assert not report.refused and not report.findings, report.as_text()


@pytest.mark.parametrize(
    "data",
    [b"", b"not a word file", b"PK\x03\x04garbage", b"%PDF-1.7"],
)
def test_not_a_docx(data: bytes) -> None:
    assert "ikke et Word-dokument" in messages(data) or "kan ikke leses" in messages(data)


def test_a_zip_that_is_not_a_docx() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hei")
    assert "kan ikke leses som Word-dokument" in messages(out.getvalue())


def test_jinja_syntax_error_is_shown_with_the_text_around_it() -> None:
    text = messages(build(lambda d: d.add_paragraph("Før {% if school_name %} ingen slutt")))
    assert "Malsyntaksfeil i hoveddelen" in text
    assert "ingen slutt" in text


def test_unknown_and_missing_variables() -> None:
    def body(document: docx.document.Document) -> None:
        document.add_paragraph("{{ elevens_personnummer }}")

    text = messages(build(body, header=False))
    assert "«elevens_personnummer» finnes ikke i kontrakten" in text
    # Issue 10: a kvitteringsliste is not marked; tests/test_document_words.py checks that
    # a case document's template without its marking is refused.
    assert "«marking»" not in text


def test_smart_quotes_inside_a_tag() -> None:
    text = messages(build(lambda d: d.add_paragraph("{{ school_name|default(“x”) }}")))
    assert "Typografiske anførselstegn" in text


def test_tag_split_across_paragraphs() -> None:
    def body(document: docx.document.Document) -> None:
        document.add_paragraph("{{ school_")
        document.add_paragraph("name }}")

    assert "delt over flere avsnitt" in messages(build(body))


def test_tag_split_across_runs_is_resolved_by_docxtpl() -> None:
    def body(document: docx.document.Document) -> None:
        paragraph = document.add_paragraph()
        paragraph.add_run("{{ scho").bold = True
        paragraph.add_run("ol_name }}").italic = True

    report = check_template(build(body), KIND)
    assert not report.refused, report.as_text()


def test_row_loop_without_tr() -> None:
    def body(document: docx.document.Document) -> None:
        table = document.add_table(rows=3, cols=1)
        table.cell(0, 0).text = "{% for r in rows %}"
        table.cell(1, 0).text = "{{ r.name }}"
        table.cell(2, 0).text = "{% endfor %}"

    assert "{%tr for %}" in messages(build(body))


def test_percent_or_brace_inside_a_tr_or_p_tag() -> None:
    def body(document: docx.document.Document) -> None:
        document.add_paragraph("{%p if 3 % 2 == 1 %}")
        document.add_paragraph("tekst")
        document.add_paragraph("{%p endif %}")

    assert "docxtpl #644" in messages(build(body))


def test_unknown_attribute_of_a_row_fails_in_the_hostile_render() -> None:
    def body(document: docx.document.Document) -> None:
        table = document.add_table(rows=3, cols=1)
        table.cell(0, 0).text = "{%tr for r in rows %}"
        table.cell(1, 0).text = "{{ r.personnummer }}"
        table.cell(2, 0).text = "{%tr endfor %}"

    assert "kunne ikke fylles ut med testdata" in messages(build(body))


def test_filtered_free_text_is_caught_by_the_content_check() -> None:
    assert "mangler i dokumentet" in messages(build(nothing, row_name="{{ r.name|upper }}"))


def test_a_kvitteringsliste_needs_no_marking() -> None:
    # Issue 10: a kvittering holds nothing confidential. A case document's marking that
    # never shows is still refused (tests/test_document_words.py).
    def body(document: docx.document.Document) -> None:
        document.add_paragraph("{%p if false %}")
        document.add_paragraph("{{ marking }}")
        document.add_paragraph("{%p endif %}")

    report = check_template(build(body, header=False), KIND)
    assert not report.refused, report.as_text()
    assert "Merkingen" not in report.as_text()


def test_libreoffice_hook_failure_is_a_finding() -> None:
    def refuse(data: bytes) -> None:
        raise RuntimeError("krasjet")

    report = check_template(build(nothing), KIND, open_with_libreoffice=refuse)
    assert report.refused and "LibreOffice klarte ikke" in report.as_text()
    seen: list[bytes] = []
    report = check_template(build(nothing), KIND, open_with_libreoffice=seen.append)
    assert not report.refused and seen and seen[0][:2] == b"PK"


def test_unknown_kind() -> None:
    assert "Ukjent dokumenttype" in messages(build(nothing), kind="brev")


def test_odd_docx_never_crashes(tmp_path: Path) -> None:
    # A docx whose document.xml is not XML at all.
    source = zipfile.ZipFile(io.BytesIO(build(nothing)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for item in source.infolist():
            data = b"<w:document" if item.filename == "word/document.xml" else source.read(item)
            archive.writestr(item, data)
    report = check_template(out.getvalue(), KIND)
    assert report.refused and report.findings


def test_a_list_that_shows_only_its_first_row_is_refused() -> None:
    # Issue 12: each row has its own markers, so a template showing rows[0] fails.
    report = check_template(build(nothing, row_name="{{ rows[0].name }}"), KIND)
    assert report.refused
    assert "Feltet «rows[].name» i rad 2 kommer ikke med" in report.as_text()


def test_an_upper_cased_plain_field_is_not_a_lost_field() -> None:
    def body(document: docx.document.Document) -> None:
        document.add_paragraph("{{ school_year|upper }}")

    report = check_template(build(body), KIND)
    assert not report.refused, report.as_text()
