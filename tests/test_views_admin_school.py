"""The school's label setting through HTTP: a school admin turns on "Utøvende elev 1", new
people in that school's cases get it, labels already given never change, and the setting
is the school's own (another school is a 404, a teacher is turned away)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.admin_pages import admin_client, audit_events
from tests.conftest import csrf_token, log_in
from tests.factories.cases import file, sara_report
from tests.factories.users import NORDPOLEN, VESTRE_AKER, school_id
from trygg.cases.actors import PersonInput, add_person
from trygg.models import Case


def labels(case: Case) -> dict[str, str]:
    return {a.name: a.label for a in case.actors if a.kind == "pupil"}


def set_labels(client: FlaskClient, school: int, enabled: bool) -> str:
    url = f"/admin/skoler/{school}"
    data = {"csrf_token": csrf_token(client, url)}
    if enabled:
        data["perpetrator_labels"] = "y"
    response = client.post(url, data=data, follow_redirects=True)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_school_admin_turns_on_perpetrator_labels_for_new_people(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    before, _ = file(session, tmp_path, demo["ansatt"])
    assert labels(before) == {"Jonas Berg": "Elev A", "Emma Hansen": "Elev B"}

    admin_client(client, demo["admin_school"])
    nordpolen = school_id(session, NORDPOLEN)
    # A school admin has only their own school: the list goes straight to it.
    assert client.get("/admin/skoler").headers["Location"].endswith(f"/admin/skoler/{nordpolen}")
    page = set_labels(client, nordpolen, True)
    assert "Innstillingen er lagret." in page
    assert re.search(r'<input[^>]*\bchecked\b[^>]*name="perpetrator_labels"', page)
    [event] = audit_events(session, "school.label_setting_changed")
    assert json.loads(event.details) == {"perpetrator_labels": True}

    report = sara_report(pupil_name="Lise Dahl", pupil_class="5A")
    after, _ = file(session, tmp_path, demo["ansatt"], report)
    assert labels(after) == {"Jonas Berg": "Utøvende elev 1", "Emma Hansen": "Elev A"}
    # The case labelled before the change keeps its labels; a newcomer gets the new style.
    session.refresh(before)
    add_person(session, before, PersonInput("Mats Lie", "pupil", role="utøvende"))
    session.commit()
    assert labels(before) == {
        "Jonas Berg": "Elev A",
        "Emma Hansen": "Elev B",
        "Mats Lie": "Utøvende elev 1",
    }


def test_another_school_and_other_roles_cannot_change_it(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    admin_client(client, demo["admin_other_school"])
    nordpolen = school_id(session, NORDPOLEN)
    assert client.get(f"/admin/skoler/{nordpolen}").status_code == 404
    assert client.get(f"/admin/skoler/{school_id(session, VESTRE_AKER)}").status_code == 200

    teacher = client.application.test_client()
    log_in(teacher, demo["kontaktlaerer"])
    assert teacher.get(f"/admin/skoler/{nordpolen}").status_code == 403
    assert audit_events(session, "school.label_setting_changed") == []
