"""Issue 13 over HTTP: merging (the merged case's page leads to the surviving one and its
documents are read from there), linking a typed pupil, guardians on the case page and
"Foresatte informert"; refusals for other roles, other schools and changed ids."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.case_pages import fresh
from tests.conftest import csrf_token, log_in
from tests.factories.cases import file, sara_report
from tests.factories.users import HANDLER, RECTOR, REPORTER, VESTRE_AKER, demo_email
from tests.pupil_register import sara_with_guardians
from trygg.accounts.roles import LEDELSE
from trygg.models.cases import MERGED


def _post(client: FlaskClient, url: str, data: dict[str, str | list[str]]) -> str:
    response = client.post(url, data={"csrf_token": csrf_token(client, url), **data})
    return response.headers.get("Location", "") or response.get_data(as_text=True)


def test_the_leadership_merges_and_the_merged_page_leads_to_the_surviving_case(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    surviving, _ = file(session, tmp_path, REPORTER)
    merged, report = file(session, tmp_path, REPORTER, sara_report(pupil_name="Sara Nilsenn"))
    url = f"/saker/{surviving.id}/slaa-sammen"
    log_in(client, RECTOR)
    assert f'href="{url}"' in client.get(f"/saker/{surviving.id}").get_data(as_text=True)

    # Not confirmed: refused at the field, the choice kept, nothing merged.
    page = _post(client, url, {"other": str(merged.id)})
    assert "Bekreft at sakene gjelder samme elev" in page and "checked" in page
    assert fresh(session, merged.id).status != MERGED
    # An id changed to a case that is not offered: the same refusal as no choice.
    assert "Velg saken" in _post(client, url, {"other": "999999", "confirm": "y"})

    assert _post(client, url, {"other": str(merged.id), "confirm": "y"}).endswith(
        f"/saker/{surviving.id}"
    )
    assert fresh(session, merged.id).status == MERGED
    response = client.get(f"/saker/{merged.id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/saker/{surviving.id}")
    page = client.get(f"/saker/{surviving.id}").get_data(as_text=True)
    document_url = f"/saker/{surviving.id}/sammenslatt/{merged.id}/dokumenter/{report.id}.pdf"
    assert merged.reference in page and document_url in page
    # Changed ids: another document, or the pair the wrong way round, is absent.
    assert client.get(document_url.replace(f"/{report.id}.pdf", "/999999.pdf")).status_code == 404
    swapped = f"/saker/{merged.id}/sammenslatt/{surviving.id}/dokumenter/{report.id}.pdf"
    assert client.get(swapped).status_code == 404


def test_only_the_leadership_of_the_school_merges(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case, _ = file(session, tmp_path, REPORTER)
    log_in(client, HANDLER)
    assert client.get(f"/saker/{case.id}/slaa-sammen").status_code in (403, 404)
    assert client.get(f"/saker/{case.id}/foresatte/informert").status_code in (403, 404)
    client.post("/logg-ut", data={"csrf_token": csrf_token(client, "/")})
    other = client.application.test_client()
    log_in(other, demo_email(LEDELSE, VESTRE_AKER))
    assert other.get(f"/saker/{case.id}/slaa-sammen").status_code == 404
    assert other.get(f"/saker/{case.id}/elevregisteret").status_code == 404


def test_guardians_on_the_page_and_informing_them(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    pupil = sara_with_guardians(session)
    case, _ = file(session, tmp_path, REPORTER, sara_report(pupil_id=pupil.id))
    kari = pupil.guardians[0]
    log_in(client, RECTOR)
    page = client.get(f"/saker/{case.id}").get_data(as_text=True)
    assert "kari@hjem.example.no" in page and "Line Berg" in page
    assert "line@hjem.example.no" not in page and "90000003" not in page
    url = f"/saker/{case.id}/foresatte/informert"
    page = _post(
        client, url, {"informed_on": "2099-01-01", "how": "telefon", "guardians": [str(kari.id)]}
    )
    assert "fram i tid" in page and 'value="2099-01-01"' in page
    done = _post(
        client, url, {"informed_on": "2026-09-14", "how": "telefon", "guardians": [str(kari.id)]}
    )
    assert done.endswith("#foresatte")
    page = client.get(f"/saker/{case.id}").get_data(as_text=True)
    assert "14.09.2026, telefon: Kari Nilsen" in page


def test_linking_a_typed_case_by_search(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case, _ = file(session, tmp_path, REPORTER, sara_report(pupil_name="Sara Nilsenn"))
    pupil = sara_with_guardians(session)
    url = f"/saker/{case.id}/elevregisteret"
    log_in(client, RECTOR)
    page = client.get(url + "?q=nilsen").get_data(as_text=True)
    assert f'value="{pupil.id}"' in page
    assert _post(client, url + "?q=nilsen", {"pupil_id": str(pupil.id)}).endswith(
        f"/saker/{case.id}"
    )
    assert fresh(session, case.id).pupil_id == pupil.id
