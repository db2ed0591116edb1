"""Issue 13 over HTTP, the parts a script and a menu add: the search as the reporter types
(the meldeskjema's own "Søk" request answered as JSON: the school's pupils only, nothing
of the form or of any case, audited, never filing the report) and the admin menu's link
to the pupil register for those who may import it."""

from __future__ import annotations

import json
import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from tests.admin_pages import audit_events
from tests.conftest import csrf_token, log_in
from tests.factories.cases import BY, NOW
from tests.factories.users import school
from tests.pupil_files import HEADER
from tests.report_pages import NEW, report_data
from trygg.models import Case, Pupil
from trygg.pupils import register
from trygg.pupils.import_csv import parse_register_csv

JSON = {"Accept": "application/json"}
SECRET = "Eleven gråt i garderoben etter gymmen."


@pytest.fixture
def registers(session: Session, demo: dict[str, str]) -> dict[str, int]:
    """Lea and Leo at Nordpolen, another Lea at Vestre Aker: the pupils' ids by name."""
    for name, lines in (
        ("Nordpolen skole", "Lea;Holm;14.03.2015;6B;;;;;\nLeo;Lie;01.02.2015;5A;;;;;\n"),
        ("Vestre Aker skole", "Lea;Strand;01.01.2015;6B;;;;;\n"),
    ):
        records = parse_register_csv(f"{HEADER}\n{lines}").pupils
        register.apply_import(session, school(session, name).id, records, BY, NOW, "csv")
    session.commit()
    rows = session.execute(select(Pupil.first_name, Pupil.last_name, Pupil.id)).all()
    return {f"{first} {last}": pupil_id for first, last, pupil_id in rows}


def search_as_typed(client: FlaskClient, query: str, **changes: object) -> dict[str, object]:
    """What static/js/pupil_search.js sends: the whole form, "Søk", and Accept JSON."""
    data = {"csrf_token": csrf_token(client, NEW), **report_data(**changes)}
    data.update(pupil_search=query, search_pupil="1")
    response = client.post(NEW, data=data, headers=JSON)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    answer: dict[str, object] = json.loads(response.get_data(as_text=True))
    return answer


def test_the_search_answers_with_the_schools_pupils_and_nothing_else(
    client: FlaskClient, session: Session, demo: dict[str, str], registers: dict[str, int]
) -> None:
    log_in(client, demo["ansatt"])
    answer = search_as_typed(client, "lea", account=SECRET)
    assert answer == {
        "pupils": [
            {
                "id": registers["Lea Holm"],
                "name": "Lea Holm",
                "class": "6B",
                "label": "Lea Holm, 6B",
            }
        ],
        "status": "1 elev passer. Bruk pil ned og opp for å velge.",
    }
    assert search_as_typed(client, "l e")["pupils"] != []  # two letters are enough
    several = search_as_typed(client, "le")
    assert several["status"] == "2 elever passer. Bruk pil ned og opp for å velge."
    none = search_as_typed(client, "zz")
    assert none == {"pupils": [], "status": "Ingen elever i registeret passer."}
    assert search_as_typed(client, "l")["pupils"] == []  # one letter lists nobody
    # The other school searches its own register only.
    log_in(client, demo["ansatt_other_school"])
    assert [p["name"] for p in search_as_typed(client, "lea")["pupils"]] == ["Lea Strand"]  # type: ignore[attr-defined, index]


def test_a_search_that_finds_too_many_says_to_type_more(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    lines = "".join(f"Lea;Nummer{n};01.01.2015;6B;;;;;\n" for n in range(30))
    records = parse_register_csv(f"{HEADER}\n{lines}").pupils
    register.apply_import(session, school(session).id, records, BY, NOW, "csv")
    session.commit()
    log_in(client, demo["ansatt"])
    answer = search_as_typed(client, "lea")
    assert len(answer["pupils"]) == register.SEARCH_LIMIT  # type: ignore[arg-type]
    assert answer["status"] == (
        "Viser de 25 første elevene som passer. Skriv mer for å finne eleven. "
        "Bruk pil ned og opp for å velge."
    )


def test_every_answer_that_showed_pupils_is_audited_with_ids_only(
    client: FlaskClient, session: Session, demo: dict[str, str], registers: dict[str, int]
) -> None:
    log_in(client, demo["ansatt"])
    search_as_typed(client, "lea holm")
    search_as_typed(client, "zz")  # showed nobody: nothing to record
    search_as_typed(client, "l")
    (event,) = audit_events(session, "pupils.searched")
    details = event.details if isinstance(event.details, dict) else json.loads(event.details)
    assert details == {"shown": [registers["Lea Holm"]]}
    assert (event.object_type, event.object_id) == ("school", str(school(session).id))
    assert event.actor_email == demo["ansatt"]
    # The "Søk" button without JavaScript is the same search, audited the same way.
    data = {"csrf_token": csrf_token(client, NEW), **report_data()}
    data.update(pupil_search="leo", search_pupil="1")
    page = client.post(NEW, data=data).get_data(as_text=True)
    assert "Velg Leo Lie, 5A" in page
    assert len(audit_events(session, "pupils.searched")) == 2


def test_a_search_never_files_the_report(
    client: FlaskClient, session: Session, demo: dict[str, str], registers: dict[str, int]
) -> None:
    # A complete form that "Send" would file: the search only searches.
    log_in(client, demo["ansatt"])
    answer = search_as_typed(client, "leo", account=SECRET, send="1")
    assert SECRET not in json.dumps(answer, ensure_ascii=False)
    assert session.execute(select(func.count(Case.id))).scalar_one() == 0


def test_the_search_needs_a_login_a_token_and_the_right_to_report(
    client: FlaskClient, session: Session, demo: dict[str, str], registers: dict[str, int]
) -> None:
    log_in(client, demo["ansatt"])
    token = csrf_token(client, NEW)
    data = {"csrf_token": token, **report_data(), "pupil_search": "lea", "search_pupil": "1"}
    without_token = {k: v for k, v in data.items() if k != "csrf_token"}
    refused = client.post(NEW, data=without_token, headers=JSON)
    assert refused.status_code == 400 and "Lea" not in refused.get_data(as_text=True)
    client.post("/logg-ut", data={"csrf_token": token})
    anonymous = client.post(NEW, data=data, headers=JSON)
    assert anonymous.status_code == 302 and "/logg-inn" in anonymous.headers["Location"]
    for key in ("admin_school", "skoleeier"):
        log_in(client, demo[key])
        token = csrf_token(client, "/")
        answer = client.post(NEW, data={**data, "csrf_token": token}, headers=JSON)
        assert answer.status_code == 403 and "Lea" not in answer.get_data(as_text=True), key
    assert audit_events(session, "pupils.searched") == []


def test_the_search_as_you_type_is_offered_where_there_is_a_register(
    client: FlaskClient, session: Session, demo: dict[str, str], registers: dict[str, int]
) -> None:
    log_in(client, demo["ansatt"])
    page = client.get(NEW).get_data(as_text=True)
    assert "data-pupil-search-form" in page and "js/pupil_search.js" in page
    # A school with no pupils in its register (all left): the form's own "Søk" button only.
    session.execute(update(Pupil).where(Pupil.school_id == school(session).id).values(active=False))
    session.commit()
    page = client.get(NEW).get_data(as_text=True)
    assert "data-pupil-search-form" not in page
    assert 'name="search_pupil"' in page


def menu_links(client: FlaskClient) -> list[str]:
    page = client.get("/").get_data(as_text=True)
    menu = page.split('aria-label="Hovedmeny"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'href="([^"]+)"', menu)


def test_the_admin_menu_links_to_the_register_for_those_who_may_import_it(
    client: FlaskClient, demo: dict[str, str]
) -> None:
    for key in ("admin_school", "admin_other_school"):
        log_in(client, demo[key])
        assert "/admin/elever" in menu_links(client), key
        assert client.get("/admin/elever").status_code == 200, key
    # A municipality admin has no one school's register; the others never import.
    for key in ("admin", "ledelse", "ansatt", "kontaktlaerer", "skoleeier"):
        log_in(client, demo[key])
        links = menu_links(client)
        assert "/" in links and "/admin/elever" not in links, (key, links)
