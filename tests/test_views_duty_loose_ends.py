"""Issue 10, the loose ends, over HTTP: a measure owner's reminder links to «Mine tiltak»;
the school owner sends a copy home in a case routed to it (real LibreOffice) and cannot
reach one that is not; a justified «safe» conclusion against what the pupil said keeps
the plan deadline, and the case page says why and how the case can end."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.admin_pages import audit_events
from tests.case_pages import logged_in
from tests.document_pages import documents, send_home, text_of
from tests.factories.cases import (
    LEADERSHIP_CASE,
    NOW,
    case_at,
    file,
    receive_and_assign,
    sara_report,
)
from tests.factories.content import INVESTIGATION, MEASURE, PLAN
from tests.factories.users import HANDLER, RECTOR, REPORTER, demo_email
from trygg.accounts.roles import SKOLEEIER
from trygg.cases.measures import collect_reminders

OWNER = demo_email(SKOLEEIER, None)
PASSWORD = "sommerfugl-42"


def _notices(page: str) -> str:
    """The list of alerts only: the menu links to «Mine tiltak» on every page."""
    return page.split('<ul class="notices">', 1)[1].split("</ul>", 1)[0]


def test_a_measure_owner_s_reminder_links_to_my_measures(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    owned = {**PLAN, "measures": [{**MEASURE, "by": "Mona Ruud"}]}
    case_at(session, tmp_path, "planned", plan=owned)
    # Three school days before the evaluation on Tuesday 1 December 2026.
    assert collect_reminders(session, NOW.date().replace(month=11, day=26), NOW)
    session.commit()
    notices = _notices(text_of(logged_in(client, REPORTER).get("/varsler")))
    assert "Et tiltak du har ansvar for, skal snart evalueres" in notices
    assert '<a href="/mine-tiltak">Mine tiltak</a>' in notices
    # Nothing of the case: the owner may not open it.
    assert "/saker/" not in notices and "Sara" not in notices


def test_an_alert_about_a_case_still_links_to_the_case_not_to_my_measures(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case, _ = file(session, tmp_path, REPORTER)
    notices = _notices(text_of(logged_in(client, RECTOR).get("/varsler")))
    assert f'href="/saker/{case.id}"' in notices and "/mine-tiltak" not in notices


@pytest.mark.usefixtures("converter")
def test_the_school_owner_sends_a_copy_home_in_a_case_routed_to_it(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case, report = file(session, tmp_path, REPORTER, sara_report(**LEADERSHIP_CASE))
    receive_and_assign(session, case, OWNER, HANDLER)
    owner = logged_in(client, OWNER)
    url = f"/saker/{case.id}/dokumenter/{report.id}/send-hjem"
    assert f'href="{url}"' in text_of(owner.get(f"/saker/{case.id}"))
    assert owner.get(url).status_code == 200
    response = send_home(owner, url, PASSWORD, PASSWORD)
    assert response.status_code == 200, text_of(response)[:2000]
    assert response.mimetype == "application/pdf"
    [event] = audit_events(session, "document.home_copy")
    assert event.object_id == str(case.id)


def test_the_school_owner_cannot_send_home_in_a_case_it_may_not_see(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "planned")
    [plan] = documents(session, case.id, "aktivitetsplan")
    owner = logged_in(client, OWNER)
    url = f"/saker/{case.id}/dokumenter/{plan.id}/send-hjem"
    # An ordinary case at the school is not the owner's: no page, not even a refusal.
    assert owner.get(url).status_code == 404
    assert send_home(owner, url, PASSWORD, PASSWORD).status_code == 404
    assert audit_events(session, "document.home_copy") == []


# The investigation hears Sara and concludes she is safe, against what she said in the
# report (pupil_said_so), with the justification that conclusion requires.
SAFE_AGAINST_THE_PUPIL = {
    **INVESTIGATION,
    "conclusion": {"pupil_safe": True, "plan_needed": False},
    "safe_justification": "Sara sier nå at hun er med i leken, og lærerne ser det samme i "
    "storefri hver dag denne uken.",
}
EXPLAINED = (
    "Eleven sa selv at hen ikke har det trygt; skolen konkluderte med trygt – lag en "
    "plan, eller avslutt saken med elevens egen opplevelse nå"
)


def _deadlines(page: str) -> str:
    return page.split('id="frister"', 1)[1].split("</section>", 1)[0]


def test_a_justified_safe_conclusion_keeps_the_plan_deadline_and_says_why(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "investigated", investigation=SAFE_AGAINST_THE_PUPIL)
    rektor = logged_in(client, RECTOR)
    page = text_of(rektor.get(f"/saker/{case.id}"))
    deadlines = _deadlines(page)
    assert "Ferdigstill aktivitetsplanen" in deadlines
    assert EXPLAINED in deadlines
    # The way out is the closing form, which asks for the pupil's own experience now.
    assert re.search(r'<a href="#avslutning">\s*Avslutt saken\s*</a>', deadlines)
    assert 'id="avslutning"' in page
    # The handler proposes closing in the same form; the text says the same to him.
    handler_page = text_of(
        logged_in(client.application.test_client(), HANDLER).get(f"/saker/{case.id}")
    )
    assert EXPLAINED in _deadlines(handler_page)


def test_an_investigation_that_finds_the_pupil_unsafe_needs_no_such_note(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "investigated")
    deadlines = _deadlines(text_of(logged_in(client, RECTOR).get(f"/saker/{case.id}")))
    assert "Ferdigstill aktivitetsplanen" in deadlines and EXPLAINED not in deadlines
