"""Issue 13 over HTTP: merging (the merged case's page leads to the surviving one and its
documents are read from there), linking a typed pupil, guardians on the case page and
"Foresatte informert", another pupil tied to the register and the register brought in
later, the school owner merging its hidden cases; refusals for other roles, other
schools and changed ids."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.case_pages import fresh
from tests.conftest import csrf_token, log_in
from tests.factories.cases import LEADERSHIP_CASE, file, sara_report
from tests.factories.users import HANDLER, RECTOR, REPORTER, VESTRE_AKER, demo_email
from tests.pupil_register import sara_with_guardians
from trygg.accounts.roles import LEDELSE, SKOLEEIER
from trygg.cases.actors import PersonInput
from trygg.models import Guardian, Pupil
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
    form = client.get(url).get_data(as_text=True)
    # The search goes in the body: a pupil's name in the address would reach access logs.
    assert '<form method="post" class="search"' in form and 'method="get"' not in form
    page = _post(client, url, {"q": "nilsen", "action": "search"})
    assert f'value="{pupil.id}"' in page and 'name="q" value="nilsen"' in page
    assert fresh(session, case.id).pupil_id is None
    assert _post(client, url, {"q": "nilsen", "pupil_id": str(pupil.id)}).endswith(
        f"/saker/{case.id}"
    )
    assert fresh(session, case.id).pupil_id == pupil.id


def test_the_school_owner_merges_its_hidden_cases_on_the_page(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    ordinary, _ = file(session, tmp_path, REPORTER)
    hidden, _ = file(session, tmp_path, REPORTER, sara_report(**LEADERSHIP_CASE))
    typo = sara_report(pupil_name="Sara Nilsenn", **LEADERSHIP_CASE)
    typo_hidden, _ = file(session, tmp_path, REPORTER, typo)
    url = f"/saker/{hidden.id}/slaa-sammen"
    log_in(client, demo_email(SKOLEEIER, None))
    assert f'href="{url}"' in client.get(f"/saker/{hidden.id}").get_data(as_text=True)
    page = client.get(url).get_data(as_text=True)
    # Only the other hidden case is offered; the ordinary one is across the § 12-5 line.
    assert f'value="{typo_hidden.id}"' in page and f'value="{ordinary.id}"' not in page
    assert "Velg saken" in _post(client, url, {"other": str(ordinary.id), "confirm": "y"})
    assert fresh(session, ordinary.id).status != MERGED

    done = _post(client, url, {"other": str(typo_hidden.id), "confirm": "y"})

    assert done.endswith(f"/saker/{hidden.id}")
    assert fresh(session, typo_hidden.id).status == MERGED
    # The leadership never sees the merge page of a hidden case.
    client.post("/logg-ut", data={"csrf_token": csrf_token(client, "/")})
    log_in(client, RECTOR)
    assert client.get(url).status_code == 404


def test_another_pupil_is_tied_to_the_register_on_the_page(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    others = (PersonInput("Jonas Bergg", "pupil", role="utøvende"),)
    case, _ = file(session, tmp_path, REPORTER, sara_report(others=others))
    jonas = Pupil(
        school_id=case.school_id,
        first_name="Jonas",
        last_name="Berg",
        name_key="jonas berg",
        class_name="6B",
        guardians=[Guardian(name="Anne Berg", email="", relation="mor")],
    )
    session.add(jonas)
    session.commit()
    log_in(client, RECTOR)
    page = client.get(f"/saker/{case.id}").get_data(as_text=True)
    url = f"/saker/{case.id}/personer/p1/elevregisteret"
    assert f'href="{url}"' in page and "ikke knyttet til elevregisteret" in page
    assert client.get(f"/saker/{case.id}/personer/p9/elevregisteret").status_code == 404
    # Nothing chosen: refused on the page, with the search kept.
    page = _post(client, url, {"q": "berg"})
    assert "Søk etter eleven" in page and 'value="berg"' in page

    done = _post(client, url, {"q": "berg", "pupil_id": str(jonas.id)})

    assert done.endswith(f"/saker/{case.id}#foresatte")
    page = client.get(f"/saker/{case.id}").get_data(as_text=True)
    assert "Foresatt til Elev A: Anne Berg" in page
    actor = next(a for a in fresh(session, case.id).actors if a.key == "p1")
    assert (actor.name, actor.pupil_id, actor.aliases) == ("Jonas Berg", jonas.id, ["Jonas Bergg"])
    # Tied now: the link is gone, and the page refuses to tie twice.
    assert client.get(url).status_code == 404


def test_the_leadership_brings_in_a_register_imported_after_the_case(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case, _ = file(session, tmp_path, REPORTER)
    session.add(
        Pupil(
            school_id=case.school_id,
            first_name="Jonas",
            last_name="Berg",
            name_key="jonas berg",
            class_name="6B",
            guardians=[Guardian(name="Anne Berg", email="", relation="mor")],
        )
    )
    session.commit()
    log_in(client, RECTOR)
    url = f"/saker/{case.id}/foresatte/elevregisteret"
    assert f'action="{url}"' in client.get(f"/saker/{case.id}").get_data(as_text=True)

    done = _post(client, url, {})

    assert done.endswith(f"/saker/{case.id}#foresatte")
    page = client.get(f"/saker/{case.id}").get_data(as_text=True)
    assert "1 person fra elevregisteret er lagt til i saken." in page
    assert "Foresatt til Elev A: Anne Berg" in page
    assert "Elevregisteret har ingen flere personer" in client.get(_post(client, url, {})).get_data(
        as_text=True
    )
