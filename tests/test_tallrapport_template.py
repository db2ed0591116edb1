"""Issue 16: a municipality restyles the figures report with its own Word template, as it
does the case documents: the template admin offers the kind, the pre-flight checks it
(a chart must be a paragraph of its own, or the report would show a marker and no
chart), and the PDF report is made from it, charts in table cells too."""

from __future__ import annotations

import html
import io
from pathlib import Path

import docx
import pytest
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy.orm import Session

from tests.admin_pages import admin_client, post_upload
from tests.conftest import log_in
from tests.factories.cases import archive_for
from tests.factories.users import oslo
from trygg.calendar.clock import oslo_now
from trygg.demo.year import seed_demo_year
from trygg.documents.render import template_path
from trygg.documents.template_store import active_template
from trygg.overview.figures import school_year_of

KIND = "tallrapport"
HEADING = "Skolemiljøet i tall – Oslo kommune"


def own_template(*, kinds_chart_in_table: bool = False, chart_beside_text: bool = False) -> bytes:
    """The default figures template with the municipality's heading, and the kinds chart
    moved into a table cell or written after other text in its paragraph."""
    document = docx.Document(str(template_path(KIND)))
    document.paragraphs[0].text = HEADING
    chart = next(p for p in document.paragraphs if p.text == "{{ kinds_chart }}")
    if kinds_chart_in_table:
        table = document.add_table(rows=1, cols=2)
        table.cell(0, 0).text = "Krenkelser etter type"
        table.cell(0, 1).text = "{{ kinds_chart }}"
        chart._p.addprevious(table._tbl)
        chart._p.getparent().remove(chart._p)
    if chart_beside_text:
        chart.text = "Diagram: {{ kinds_chart }}"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_the_template_admin_offers_the_figures_report(
    client: FlaskClient, demo: dict[str, str]
) -> None:
    admin_client(client, demo["admin"])
    page = client.get("/admin/maler").get_data(as_text=True)
    assert "Tall og figurer for skolemiljøsaker" in page
    upload = client.get("/admin/maler/last-opp").get_data(as_text=True)
    assert f'value="{KIND}"' in upload
    default = client.get(f"/admin/maler/standardmal/{KIND}")
    assert default.status_code == 200
    assert default.data == template_path(KIND).read_bytes()


def test_a_chart_beside_other_text_is_refused_with_the_reason(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    admin_client(client, demo["admin"])
    status, _, location = post_upload(
        client, own_template(chart_beside_text=True), "kommune", kind=KIND
    )
    assert status == 302 and location == f"/admin/maler?skole=kommune#mal-{KIND}"
    page = html.unescape(client.get(location).get_data(as_text=True))
    assert "malen ble avvist og er ikke tatt i bruk" in page
    assert "{{ kinds_chart }} må stå alene i et eget avsnitt" in page
    assert active_template(session, oslo(session), None, KIND) is None


@pytest.mark.libreoffice
@pytest.mark.usefixtures("converter")
def test_the_municipalitys_template_makes_the_pdf_report(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    today = oslo_now().date()
    assert seed_demo_year(session, archive_for(tmp_path), today) > 0
    session.commit()
    year = school_year_of(today)
    rektor = client.application.test_client()
    default_pdf = _report(rektor, demo["ledelse"], year.start.year)

    admin_client(client, demo["admin"])
    content = own_template(kinds_chart_in_table=True)
    status, _, location = post_upload(client, content, "kommune", kind=KIND)
    assert status == 302, location
    assert active_template(session, oslo(session), None, KIND) == content

    own_pdf = _report(rektor, demo["ledelse"], year.start.year)
    own_text = _text(own_pdf)
    assert HEADING in own_text and HEADING not in _text(default_pdf)
    # The chart in the table cell is a picture like the others: as many as before, and
    # no marker is left as text.
    assert _images(own_pdf) == _images(default_pdf) > 0
    assert "diagram:" not in own_text and "kinds_chart" not in own_text
    assert "Krenkelser etter type" in own_text


def _report(client: FlaskClient, email: str, year: int) -> bytes:
    if client.get("/oversikt").status_code != 200:
        log_in(client, email)
    response = client.get(f"/oversikt/tall.pdf?skolear={year}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return response.data


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((p.extract_text() or "") for p in reader.pages).split())


def _images(pdf: bytes) -> int:
    return len({image.name for p in PdfReader(io.BytesIO(pdf)).pages for image in p.images})
