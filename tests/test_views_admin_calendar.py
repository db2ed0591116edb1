"""The days-off page through HTTP as the demo admins: a period without weekends, typed
text kept on mistakes, deleting, the school scope, and a deadline that moves."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.admin_pages import (
    admin_client,
    audit_events,
    error_summary,
    input_value,
)
from tests.conftest import csrf_token
from tests.factories.cases import file
from tests.factories.users import NORDPOLEN, VESTRE_AKER, school_id
from trygg import audit
from trygg.calendar.days_off import add_days_off, days_off_for
from trygg.calendar.deadlines import INVESTIGATE
from trygg.cases.overview import deadlines_of

D = dt.date
BY = audit.Initiator(user_id=None, email="test")


def post_days(client: FlaskClient, school: int, **fields: str) -> tuple[int, str, str | None]:
    url = f"/admin/fridager/{school}"
    data = {"csrf_token": csrf_token(client, url), "start": "", "end": "", "other": ""}
    data.update(fields)
    response = client.post(url, data=data)
    return response.status_code, response.get_data(as_text=True), response.headers.get("Location")


def test_admin_enters_a_holiday_week_without_its_weekends(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    admin_client(client, demo["admin"])
    nordpolen = school_id(session, NORDPOLEN)
    index = client.get("/admin/fridager").get_data(as_text=True)
    assert f'href="/admin/fridager/{nordpolen}"' in index and VESTRE_AKER in index

    # Typed without a date picker, Norwegian style.
    status, _, location = post_days(
        client, nordpolen, start="02.10.2026", end="13.10.2026", reason="Høstferie"
    )

    assert status == 302 and location == f"/admin/fridager/{nordpolen}?skolear=2026"
    page = client.get(location).get_data(as_text=True)
    assert "8 fridager er lagt til." in page
    # A day in a calendar list reads "weekday dd.mm.yyyy" (trygg.calendar.formats).
    assert "fredag 02.10.2026" in page and "tirsdag 13.10.2026" in page
    assert "lørdag 03.10.2026" not in page
    # The public holidays of the year are shown, so nobody enters them.
    assert "fredag 25.12.2026: Første juledag" in page
    assert len(days_off_for(session, nordpolen, 2026)) == 8
    assert days_off_for(session, school_id(session, VESTRE_AKER), 2026) == []
    event = audit_events(session, "school_day_off.added")[-1]
    assert event.object_id == str(nordpolen) and json.loads(event.details)["added"] == 8

    status, _, location = post_days(client, nordpolen, start="2026-10-05", reason="Høstferie")
    assert status == 302
    assert "Ingen nye fridager ble lagt til" in client.get(location or "").get_data(as_text=True)


def test_mistakes_keep_what_was_typed(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    admin_client(client, demo["admin_school"])
    nordpolen = school_id(session, NORDPOLEN)

    status, page, _ = post_days(
        client, nordpolen, start="31.02.2026", end="", reason="annet", other="Skolejubileum"
    )
    assert status == 200
    assert "Skriv datoen som dd.mm.åååå" in error_summary(page)
    assert input_value(page, "start") == "31.02.2026"
    assert input_value(page, "other") == "Skolejubileum"
    assert re.search(r'<input checked [^>]*value="annet"', page)

    status, page, _ = post_days(client, nordpolen, start="09.10.2026", end="05.10.2026")
    assert status == 200
    summary = error_summary(page)
    assert "Velg hva slags fridag det er." in summary

    status, page, _ = post_days(
        client, nordpolen, start="09.10.2026", end="05.10.2026", reason="Høstferie"
    )
    assert "Til-datoen kan ikke være før fra-datoen." in error_summary(page)
    assert input_value(page, "end") == "05.10.2026"

    status, page, _ = post_days(client, nordpolen, start="12.10.2026", reason="annet")
    assert "Beskriv fridagen: Skriv hva slags fridag det er." in error_summary(page)

    status, page, _ = post_days(client, nordpolen, start="03.10.2026", reason="Høstferie")
    assert "03.10.2026 er en lørdag og er fri uansett." in error_summary(page)
    assert days_off_for(session, nordpolen, 2026) == []


def test_deleting_a_day(client: FlaskClient, session: Session, demo: dict[str, str]) -> None:
    admin_client(client, demo["admin_school"])
    nordpolen = school_id(session, NORDPOLEN)
    post_days(client, nordpolen, start="16.11.2026", reason="Planleggingsdag")
    (day,) = days_off_for(session, nordpolen, 2026)
    token = csrf_token(client, f"/admin/fridager/{nordpolen}")

    response = client.post(
        f"/admin/fridager/{nordpolen}/{day.id}/slett", data={"csrf_token": token}
    )

    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Fridagen mandag 16.11.2026 er slettet." in page
    assert days_off_for(session, nordpolen, 2026) == []
    assert audit_events(session, "school_day_off.removed")[-1].object_id == str(nordpolen)


def test_school_admin_reaches_only_their_own_school(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    nordpolen, vestre = school_id(session, NORDPOLEN), school_id(session, VESTRE_AKER)
    add_days_off(session, vestre, D(2026, 11, 16), None, "Planleggingsdag", BY, dt.datetime.now())
    session.commit()
    (vestre_day,) = days_off_for(session, vestre, 2026)
    admin_client(client, demo["admin_school"])

    response = client.get("/admin/fridager")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/fridager/{nordpolen}"
    assert client.get(f"/admin/fridager/{vestre}").status_code == 404
    token = csrf_token(client, f"/admin/fridager/{nordpolen}")
    added = client.post(
        f"/admin/fridager/{vestre}",
        data={"csrf_token": token, "start": "17.11.2026", "reason": "Planleggingsdag"},
    )
    assert added.status_code == 404
    deleted = client.post(
        f"/admin/fridager/{vestre}/{vestre_day.id}/slett", data={"csrf_token": token}
    )
    assert deleted.status_code == 404
    # Through their own school's address the day is not theirs either: it is "gone",
    # the same answer as for a day someone else deleted a moment ago.
    deleted = client.post(
        f"/admin/fridager/{nordpolen}/{vestre_day.id}/slett", data={"csrf_token": token}
    )
    assert deleted.status_code == 302
    page = client.get(deleted.headers["Location"]).get_data(as_text=True)
    assert "Fridagen finnes ikke lenger." in page
    assert len(days_off_for(session, vestre, 2026)) == 1
    assert days_off_for(session, nordpolen, 2026) == []


def test_a_planning_day_moves_the_investigation_deadline_of_a_case(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    # Filed on Monday 14 September 2026: investigate within two school days.
    case, _ = file(session, tmp_path, demo["ansatt"])
    monday = D(2026, 9, 14)

    def investigate_due() -> dt.date:
        session.expire_all()
        return next(d.due for d in deadlines_of(session, case, monday) if d.code == INVESTIGATE)

    assert investigate_due() == D(2026, 9, 16)
    admin_client(client, demo["admin"])
    assert post_days(client, case.school_id, start="15.09.2026", reason="Planleggingsdag")[0] == 302
    assert investigate_due() == D(2026, 9, 17)
