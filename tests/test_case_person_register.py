"""Issue 13 over HTTP: "Legg til en person" picks a pupil from the school's register
("Søk i elevregisteret", "Velg …", "Velg en annen elev", everything typed kept), on its
own page and from the case page's form; the added person is the picked register pupil
(also when two pupils share the name), with the register's name and guardians labelled.
A forged id adds nobody, only staff of the school search, and a typed name still works."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.admin_pages import audit_events, input_value, selected_option
from tests.case_pages import fresh
from tests.conftest import csrf_token, log_in
from tests.factories.cases import BY, LEADERSHIP_CASE, NOW, file, sara_report
from tests.factories.users import RECTOR, REPORTER, VESTRE_AKER, demo_email, school, user
from tests.pupil_files import HEADER
from trygg.accounts.roles import KONTAKTLAERER, SKOLEEIER
from trygg.cases.leadership import assign_handler
from trygg.models import Case, CaseEvent, Pupil
from trygg.pupils import register
from trygg.pupils.import_csv import parse_register_csv

# Two pupils called Lea Holm: a name alone cannot tell them apart.
REGISTER = (
    f"{HEADER}\n"
    "Lea;Holm;14.03.2015;6B;Kari Holm;kari@example.no;;ja;\n"
    "Lea;Holm;02.05.2016;5A;Ola Holm;ola@example.no;;ja;\n"
)
NOT_IN_REGISTER = "Eleven finnes ikke i elevregisteret ved skolen."


@pytest.fixture
def pupils(session: Session, demo: dict[str, str]) -> dict[str, int]:
    """The pupils' ids as "Lea Holm 5A"; Ola Lie is Vestre Aker's."""
    for name, text in (
        ("Nordpolen skole", REGISTER),
        ("Vestre Aker skole", f"{HEADER}\nOla;Lie;01.01.2015;6B;;;;;\n"),
    ):
        records = parse_register_csv(text).pupils
        register.apply_import(session, school(session, name).id, records, BY, NOW, "csv")
    session.commit()
    rows = session.execute(select(Pupil.first_name, Pupil.last_name, Pupil.class_name, Pupil.id))
    return {f"{first} {last} {klass}": pupil_id for first, last, klass, pupil_id in rows}


@pytest.fixture
def case(session: Session, tmp_path: Path, demo: dict[str, str]) -> Case:
    """Sara's case: Jonas Berg is Elev A, Emma Hansen Elev B."""
    return file(session, tmp_path, REPORTER)[0]


def url(case: Case) -> str:
    return f"/saker/{case.id}/personer/ny"


def typed(**changes: str) -> dict[str, str]:
    """The form as the leadership left it: a pupil, a witness, a nickname."""
    return {"name": "Lea Holm", "kind": "pupil", "role": "vitne", "nicknames": "LH", **changes}


def post(client: FlaskClient, case: Case, fields: dict[str, str]) -> tuple[int, str]:
    data = {"csrf_token": csrf_token(client, url(case)), **fields}
    response = client.post(url(case), data=data)
    if response.status_code == 302:
        return 302, response.headers["Location"]
    return response.status_code, html.unescape(response.get_data(as_text=True))


def people(session: Session, case: Case) -> dict[str, tuple[str, str, int | None]]:
    return {a.name: (a.label, a.guardian_of, a.pupil_id) for a in fresh(session, case.id).actors}


def test_a_pupil_searched_picked_and_added_is_the_register_pupil_with_guardians(
    client: FlaskClient, session: Session, case: Case, pupils: dict[str, int]
) -> None:
    log_in(client, RECTOR)
    lea_5a = pupils["Lea Holm 5A"]
    status, page = post(client, case, typed(search_pupil="1"))
    assert status == 200
    # Both pupils called Lea Holm, each a button that names the class.
    assert f'name="pick_pupil" value="{lea_5a}"' in page
    assert "Velg Lea Holm, 6B" in page and "Velg Lea Holm, 5A" in page
    assert input_value(page, "nicknames") == "LH"
    assert selected_option(page, "role") == "vitne"
    assert audit_events(session, "pupils.searched")

    status, page = post(client, case, typed(name="lea", pick_pupil=str(lea_5a)))
    assert re.search(r"Fra elevregisteret: <strong>Lea Holm</strong>, 5A", page)
    assert input_value(page, "pupil_id") == str(lea_5a)
    assert 'name="clear_pupil"' in page
    assert (input_value(page, "nicknames"), selected_option(page, "role")) == ("LH", "vitne")

    status, location = post(client, case, typed(pupil_id=str(lea_5a)))

    assert (status, location) == (302, f"/saker/{case.id}#personer")
    found = people(session, case)
    assert found["Lea Holm"] == ("Elev C", "", lea_5a)
    lea = next(a for a in fresh(session, case.id).actors if a.pupil_id == lea_5a)
    assert (lea.role, lea.aliases) == ("vitne", ["LH"])
    assert found["Ola Holm"][:2] == ("Foresatt til Elev C", lea.key)
    assert "Kari Holm" not in found  # the other Lea's mother
    assert audit_events(session, "case.person_linked")
    events = session.execute(
        select(CaseEvent.id).where(CaseEvent.case_id == case.id, CaseEvent.code == "person_added")
    ).all()
    assert len(events) == 2  # Lea and her father

    # Picked again: she is in the case already, and nothing changes.
    status, page = post(client, case, typed(pick_pupil=str(lea_5a)))
    assert "Lea Holm står allerede i saken som Elev C." in page
    status, page = post(client, case, typed(pupil_id=str(lea_5a)))
    assert status == 200 and "Lea Holm står allerede i saken som Elev C." in page
    assert len(fresh(session, case.id).actors) == len(found)


def test_the_typed_spelling_stays_a_nickname_and_the_other_pick_is_undone(
    client: FlaskClient, session: Session, case: Case, pupils: dict[str, int]
) -> None:
    log_in(client, RECTOR)
    lea_6b = pupils["Lea Holm 6B"]
    status, page = post(client, case, typed(pupil_id=str(pupils["Lea Holm 5A"]), clear_pupil="1"))
    assert "picked-pupil" not in page and input_value(page, "name") == "Lea Holm"
    assert 'name="search_pupil"' in page

    status, _ = post(client, case, typed(name="Lea Hollm", pupil_id=str(lea_6b)))

    assert status == 302
    lea = next(a for a in fresh(session, case.id).actors if a.pupil_id == lea_6b)
    assert (lea.name, sorted(lea.aliases)) == ("Lea Holm", ["LH", "Lea Hollm"])
    assert people(session, case)["Kari Holm"][:2] == (f"Foresatt til {lea.label}", lea.key)


@pytest.mark.parametrize("forged", ["other school", "999999", "abc"])
def test_a_forged_pupil_id_is_refused_at_the_name_and_adds_nobody(
    client: FlaskClient, session: Session, case: Case, pupils: dict[str, int], forged: str
) -> None:
    log_in(client, RECTOR)
    pupil_id = str(pupils["Ola Lie 6B"]) if forged == "other school" else forged
    before = people(session, case)

    status, page = post(client, case, typed(pupil_id=pupil_id))

    assert status == 200 and NOT_IN_REGISTER in page
    assert input_value(page, "name") == "Lea Holm"  # as typed
    assert people(session, case) == before
    # A pick of that id is refused the same way.
    status, page = post(client, case, typed(pick_pupil=pupil_id))
    assert NOT_IN_REGISTER in page and "picked-pupil" not in page


def test_only_staff_of_the_school_who_handle_cases_search_or_pick(
    client: FlaskClient,
    session: Session,
    case: Case,
    pupils: dict[str, int],
    demo: dict[str, str],
) -> None:
    lea = str(pupils["Lea Holm 5A"])
    for email in (demo["ansatt"], demo["skoleeier"]):
        log_in(client, email)
        token = csrf_token(client, "/")
        for fields in (typed(search_pupil="1"), typed(pick_pupil=lea), typed(pupil_id=lea)):
            response = client.post(url(case), data={"csrf_token": token, **fields})
            assert response.status_code == 403
    assert audit_events(session, "pupils.searched") == []
    assert "Lea Holm" not in people(session, case)


def test_a_handler_from_another_school_adds_typed_names_only(
    client: FlaskClient,
    session: Session,
    tmp_path: Path,
    demo: dict[str, str],
    pupils: dict[str, int],
) -> None:
    # A case hidden from the leadership, handled by a teacher of another school (§ 12-5):
    # she works on the case, but the register of Nordpolen is not hers to search.
    hidden, _ = file(session, tmp_path, REPORTER, sara_report(**LEADERSHIP_CASE))
    ingrid = user(session, demo_email(KONTAKTLAERER, VESTRE_AKER))
    assign_handler(
        session, hidden, f"u{ingrid.id}", user(session, demo_email(SKOLEEIER, None)), BY, NOW
    )
    session.commit()
    log_in(client, ingrid.email)
    assert 'name="search_pupil"' not in client.get(url(hidden)).get_data(as_text=True)
    lea = str(pupils["Lea Holm 5A"])
    for fields in (typed(search_pupil="1"), typed(pick_pupil=lea), typed(pupil_id=lea)):
        assert post(client, hidden, fields)[0] == 403
    assert audit_events(session, "pupils.searched") == []

    assert post(client, hidden, typed())[0] == 302
    assert people(session, hidden)["Lea Holm"][2] is None


def test_a_typed_pupil_is_added_without_the_register(
    client: FlaskClient, session: Session, case: Case, pupils: dict[str, int]
) -> None:
    log_in(client, RECTOR)
    status, _ = post(client, case, typed(name="Mons Ukjent"))
    assert status == 302
    assert people(session, case)["Mons Ukjent"] == ("Elev C", "", None)
    # Nobody matching: the name stays as typed.
    status, page = post(client, case, typed(name="Nils Ingen", search_pupil="1"))
    assert "Ingen elever i registeret passer." in page
    assert input_value(page, "name") == "Nils Ingen"


def test_the_script_gets_the_matches_as_json(
    client: FlaskClient, session: Session, case: Case, pupils: dict[str, int]
) -> None:
    log_in(client, RECTOR)
    data = {"csrf_token": csrf_token(client, url(case)), **typed(search_pupil="1")}
    data["pupil_search"] = "holm 5a"
    response = client.post(url(case), data=data, headers={"Accept": "application/json"})
    assert response.status_code == 200
    answer = response.get_json()
    assert [p["id"] for p in answer["pupils"]] == [pupils["Lea Holm 5A"]]
    assert "Lea Holm" not in people(session, case)


def test_the_case_pages_form_searches_on_the_add_person_page(
    client: FlaskClient, session: Session, case: Case, pupils: dict[str, int]
) -> None:
    log_in(client, RECTOR)
    page = client.get(f"/saker/{case.id}").get_data(as_text=True)
    assert f'formaction="{url(case)}" name="search_pupil"' in page
    token = re.search(r'name="person-csrf_token"[^>]*value="([^"]+)"', page)
    assert token is not None
    fields = {f"person-{k}": v for k, v in typed().items()}
    fields["person-csrf_token"] = token.group(1)
    lea_5a = pupils["Lea Holm 5A"]

    shown = client.post(url(case), data={**fields, "search_pupil": "1"}).get_data(as_text=True)
    assert "Velg Lea Holm, 5A" in shown and input_value(shown, "person-nicknames") == "LH"
    picked = client.post(url(case), data={**fields, "pick_pupil": str(lea_5a)})
    assert input_value(picked.get_data(as_text=True), "person-pupil_id") == str(lea_5a)
    added = client.post(url(case), data={**fields, "person-pupil_id": str(lea_5a)})

    assert added.headers["Location"] == f"/saker/{case.id}#personer"
    assert people(session, case)["Lea Holm"] == ("Elev C", "", lea_5a)
