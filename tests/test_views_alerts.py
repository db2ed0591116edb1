"""The in-app alerts through HTTP: the menu count, /varsler, marking read, and that an
alert disappears when its case is no longer the user's to see (§ 12-5)."""

from __future__ import annotations

import json
from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.admin_pages import audit_events
from tests.case_pages import logged_in
from tests.conftest import csrf_token
from tests.factories.cases import file, receive_and_assign, sara_report
from tests.factories.users import user
from trygg.models import Notification


def test_alerts_link_to_cases_the_user_may_still_see(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case, _ = file(session, tmp_path, demo["ansatt"])
    logged_in(client, demo["ledelse"])
    home = client.get("/").get_data(as_text=True)
    assert 'class="badge badge-amber">1<span class="visually-hidden"> uleste' in home
    assert "Åpne saker: <strong>1</strong>" in home and 'href="/saker"' in home
    page = client.get("/varsler").get_data(as_text=True)
    assert "Ny melding om skolemiljø" in page and f'href="/saker/{case.id}"' in page
    assert "Merk alle som lest" in page
    response = client.post("/varsler/lest", data={"csrf_token": csrf_token(client, "/varsler")})
    assert response.status_code == 302
    page = client.get("/varsler").get_data(as_text=True)
    assert "Merk alle som lest" not in page and 'visually-hidden"> uleste' not in page

    # Per is made handler (and alerted), then a new report suspects him: the alert is no
    # longer his to see, and nothing on the page says why (that would warn the suspect).
    receive_and_assign(session, case, demo["ledelse"], demo["kontaktlaerer"])
    teacher = logged_in(client.application.test_client(), demo["kontaktlaerer"])
    page = teacher.get("/varsler").get_data(as_text=True)
    assert "Du er satt som saksbehandler" in page and f'href="/saker/{case.id}"' in page
    assert "uleste" in teacher.get("/").get_data(as_text=True)
    file(
        session,
        tmp_path,
        demo["ansatt"],
        sara_report(staff_suspected=True, suspected_name="Per Olsen"),
    )
    page = teacher.get("/varsler").get_data(as_text=True)
    assert "Du er satt som saksbehandler" not in page and "Du har ingen varsler." in page
    assert f'href="/saker/{case.id}"' not in page and case.reference not in page
    assert "uleste" not in teacher.get("/").get_data(as_text=True)
    assert teacher.get(f"/saker/{case.id}").status_code == 404


def test_marking_alerts_as_read_is_audited_with_the_count(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    # Two reports, two alerts for the rektor.
    file(session, tmp_path, demo["ansatt"])
    file(session, tmp_path, demo["ansatt"], sara_report(account="Sara ble dyttet i gangen."))
    leader = user(session, demo["ledelse"])
    unread = select(func.count()).where(
        Notification.user_id == leader.id, Notification.read_at.is_(None)
    )
    assert session.execute(unread).scalar_one() == 2
    logged_in(client, demo["ledelse"])
    assert audit_events(session, "notifications.read") == []

    response = client.post("/varsler/lest", data={"csrf_token": csrf_token(client, "/varsler")})
    assert response.status_code == 302
    assert session.execute(unread).scalar_one() == 0
    (event,) = audit_events(session, "notifications.read")
    assert (event.actor_user_id, event.object_type, event.object_id) == (
        leader.id,
        "user",
        str(leader.id),
    )
    assert json.loads(event.details) == {"count": 2}
