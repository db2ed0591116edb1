"""Issue 16: the figures page as a PDF report (trygg.overview.report): made from the Word
template doc_templates/tallrapport.docx by the warm converters, with the page's numbers
as the page shows them (small ones "under 5"), the charts as pictures, no pupil's name,
and the download audited."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import log_in
from tests.factories.cases import archive_for
from tests.factories.users import demo_user, school_id
from trygg.accounts.principal import Principal
from trygg.accounts.roles import LEDELSE
from trygg.calendar.clock import oslo_now
from trygg.demo.year import seed_demo_year
from trygg.documents.contract import FIGURE_KEYS
from trygg.models import AuditEvent, Case
from trygg.overview.charts import cell_text, summary
from trygg.overview.figures import figures, school_year_of
from trygg.overview.suppression import SHOWN, UNDER_5

pytestmark = [pytest.mark.libreoffice, pytest.mark.usefixtures("converter")]


def words(text: str) -> str:
    return " ".join(text.split())


def test_the_figures_report_holds_the_pages_numbers_and_no_name(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    today = oslo_now().date()
    assert seed_demo_year(session, archive_for(tmp_path), today) > 0
    session.commit()
    year = school_year_of(today)
    rektor = Principal.of(demo_user(session, LEDELSE, "Nordpolen skole"))
    shown = figures(session, rektor, school_id(session, "Nordpolen skole"), year, today)
    log_in(client, demo["ledelse"])

    page = client.get(f"/oversikt/tall?skolear={year.start.year}").get_data(as_text=True)
    assert "Last ned som PDF" in page
    response = client.get(f"/oversikt/tall.pdf?skolear={year.start.year}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    (tmp_path / "tallrapport.pdf").write_bytes(response.data)
    reader = PdfReader(io.BytesIO(response.data))
    text = words("\n".join(p.extract_text() or "" for p in reader.pages))

    assert "Nordpolen skole" in text and year.label in text
    assert "Side 1 av" in text
    states = set()
    for key in FIGURE_KEYS:
        table = shown.table(key)
        assert table.title in text and words(summary(table)) in text
        for cell in table.cells:
            states.add(cell.state)
            if cell.state in (SHOWN, UNDER_5):
                assert f"{cell.label} {cell_text(cell.state, cell.shown)}" in text, cell
    # The demo year has small numbers: the report shows them as the page does.
    assert UNDER_5 in states and "under 5" in text
    # The charts are pictures in the PDF, one per figure with something to show
    # (LibreOffice lists every picture in each page's resources: count them by name).
    images = {image.name for p in reader.pages for image in p.images}
    assert len(images) == sum(1 for key in FIGURE_KEYS if not shown.table(key).withheld)
    names = session.execute(select(Case.pupil_name)).scalars()
    assert not [n for n in names if n and n in text]
    session.expire_all()
    events = session.execute(
        select(AuditEvent).where(AuditEvent.action == "overview.figures_report")
    ).scalars()
    assert len(list(events)) == 1
