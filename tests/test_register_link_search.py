"""Issue 13 over HTTP: the "Knytt … til elevregisteret" pages answer the search as you type
(static/js/pupil_search.js) with the JSON the meldeskjema's search gets, behind the login,
the CSRF token and the leadership's right, with only the case's school's pupils, and with
an audit event of the pupils shown; a choice the search does not show is refused; and the
merge page checks the right before it looks for candidate cases."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from tests.case_pages import fresh
from tests.conftest import csrf_token, log_in
from tests.factories.cases import file, receive_and_assign, sara_report
from tests.factories.users import HANDLER, NORDPOLEN, RECTOR, REPORTER, VESTRE_AKER, school
from tests.pupil_register import sara_with_guardians
from trygg.cases.actors import PersonInput
from trygg.models import AuditEvent, Case, Pupil

SCRIPT = {"search_pupil": "1", "pupil_search": "nilsen", "q": "nilsen "}
JSON = {"Accept": "application/json"}


def _pupil(session: Session, school_name: str, first: str, last: str, class_name: str) -> Pupil:
    pupil = Pupil(
        school_id=school(session, school_name).id,
        first_name=first,
        last_name=last,
        name_key=f"{first} {last}".casefold(),
        class_name=class_name,
    )
    session.add(pupil)
    session.commit()
    return pupil


@pytest.fixture
def typed_case(session: Session, demo: dict[str, str], tmp_path: Path) -> Case:
    """A case whose pupil was typed, another pupil typed too, and the register: Sara and
    Emil Nilsen at the case's school, another Sara Nilsen at Vestre Aker."""
    others = (PersonInput("Emil Nilsenn", "pupil", role="utøvende"),)
    case, _ = file(
        session, tmp_path, REPORTER, sara_report(pupil_name="Sara Nilsenn", others=others)
    )
    sara_with_guardians(session)
    _pupil(session, NORDPOLEN, "Emil", "Nilsen", "5A")
    _pupil(session, VESTRE_AKER, "Sara", "Nilsen", "6B")
    return case


def _searched(session: Session) -> list[dict[str, Any]]:
    session.expire_all()
    rows = session.execute(
        select(AuditEvent.details).where(AuditEvent.action == "pupils.searched")
    ).scalars()
    return [json.loads(d) if isinstance(d, str) else d for d in rows]


def _ids(session: Session, school_name: str) -> set[int]:
    school_id = school(session, school_name).id
    return set(session.execute(select(Pupil.id).where(Pupil.school_id == school_id)).scalars())


@pytest.mark.parametrize("page", ["elevregisteret", "personer/p1/elevregisteret"])
def test_the_link_pages_answer_the_search_as_you_type(
    client: FlaskClient, session: Session, typed_case: Case, page: str
) -> None:
    url = f"/saker/{typed_case.id}/{page}"
    log_in(client, RECTOR)
    form = client.get(url).get_data(as_text=True)
    # The script's hooks: the form, the field, and the texts it reads.
    assert "data-pupil-search-form" in form and 'data-pupil-search="register"' in form
    assert 'name="pupil_id" value=""' in form and "js/pupil_search.js" in form

    response = client.post(
        url, data={"csrf_token": csrf_token(client, url), **SCRIPT}, headers=JSON
    )

    assert response.status_code == 200 and response.mimetype == "application/json"
    answer = response.get_json()
    assert answer["status"] == "2 elever passer. Bruk pil ned og opp for å velge."
    # Only the case's school: Vestre Aker's Sara Nilsen is never shown.
    assert [(p["name"], p["class"], p["label"]) for p in answer["pupils"]] == [
        ("Emil Nilsen", "5A", "Emil Nilsen, 5A"),
        ("Sara Nilsen", "6B", "Sara Nilsen, 6B"),
    ]
    shown = {p["id"] for p in answer["pupils"]}
    assert shown <= _ids(session, NORDPOLEN)
    # Audited like the reporter's search: the ids shown, never what was typed.
    (details,) = _searched(session)
    assert set(details["shown"]) == shown and "nilsen" not in json.dumps(details).casefold()
    # A search never links.
    assert fresh(session, typed_case.id).pupil_id is None


def test_the_search_as_you_type_needs_a_login_a_token_and_the_right(
    client: FlaskClient, session: Session, typed_case: Case, tmp_path: Path
) -> None:
    url = f"/saker/{typed_case.id}/elevregisteret"
    anonymous = client.post(url, data=SCRIPT, headers=JSON)
    assert anonymous.status_code == 302 and "/logg-inn" in anonymous.headers["Location"]

    log_in(client, RECTOR)
    without_token = client.post(url, data=SCRIPT, headers=JSON)
    assert without_token.status_code == 400 and b"Nilsen" not in without_token.data

    client.post("/logg-ut", data={"csrf_token": csrf_token(client, "/")})
    receive_and_assign(session, typed_case, RECTOR, HANDLER)
    log_in(client, HANDLER)  # sees the case, but linking it is the leadership's
    token = csrf_token(client, f"/saker/{typed_case.id}")
    refused = client.post(url, data={"csrf_token": token, **SCRIPT}, headers=JSON)
    assert refused.status_code == 403 and b"Nilsen" not in refused.data
    assert _searched(session) == []

    # The same request with all three: the matches, and the one audit event.
    client.post("/logg-ut", data={"csrf_token": csrf_token(client, "/")})
    log_in(client, RECTOR)
    answered = client.post(
        url, data={"csrf_token": csrf_token(client, url), **SCRIPT}, headers=JSON
    )
    assert len(answered.get_json()["pupils"]) == 2 and len(_searched(session)) == 1


def test_the_search_without_script_is_audited_and_a_stale_choice_is_refused(
    client: FlaskClient, session: Session, typed_case: Case
) -> None:
    url = f"/saker/{typed_case.id}/elevregisteret"
    log_in(client, RECTOR)
    token = csrf_token(client, url)
    page = client.post(url, data={"csrf_token": token, "q": "sara", "action": "search"})
    sara = session.execute(select(Pupil).where(Pupil.name_key == "sara nilsen")).scalars()
    ours = next(p for p in sara if p.school_id == typed_case.school_id)
    assert f'value="{ours.id}"' in page.get_data(as_text=True)
    assert [d["shown"] for d in _searched(session)] == [[ours.id]]

    # A pick the field no longer shows (the text changed after it): refused, text kept.
    emil = session.execute(select(Pupil.id).where(Pupil.name_key == "emil nilsen")).scalar_one()
    stale = {"csrf_token": token, "q": "sara", "pupil_id": str(emil)}
    refused = client.post(url, data=stale).get_data(as_text=True)
    assert "Søk etter eleven og velg henne eller ham." in refused
    assert 'name="q" value="sara"' in refused
    assert fresh(session, typed_case.id).pupil_id is None

    # The script's pick: the search form itself, with the picked name and the hidden id.
    picked = {"csrf_token": token, "q": "Sara Nilsen", "pupil_id": str(ours.id)}
    done = client.post(url, data={**picked, "pupil_name": "Sara Nilsen", "pupil_class": "6B"})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/saker/{typed_case.id}")
    assert fresh(session, typed_case.id).pupil_id == ours.id


@pytest.fixture
def statements(engine: Engine) -> Iterator[list[str]]:
    """Every SQL statement the app sends while the test runs."""
    sent: list[str] = []

    def record(*args: Any) -> None:
        sent.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", record)
    yield sent
    event.remove(engine, "before_cursor_execute", record)


def test_merge_checks_the_right_before_it_looks_for_candidates(
    client: FlaskClient, session: Session, typed_case: Case, statements: list[str]
) -> None:
    receive_and_assign(session, typed_case, RECTOR, HANDLER)
    log_in(client, HANDLER)
    url = f"/saker/{typed_case.id}/slaa-sammen"
    statements.clear()

    assert client.get(url).status_code == 403

    # The candidates' query: the school's other open cases (trygg.cases.merging).
    candidate_queries = [s for s in statements if "cases.id !=" in s]
    assert candidate_queries == []
