"""Issue 10, «Mine tiltak»: an employee who owns a measure (the AKS worker Mona Ruud, who
cannot open the case) sees it with the pupil's name and the plan's next evaluation date,
and nothing else of the case; every look is audited; the owners are reminded before each
evaluation, once, by an e-mail that carries only a link; the plan's pickers never offer
the suspect of a § 12-5 case.

HTTP and domain, on SQLite and PostgreSQL, with the demo users."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.case_pages import fresh, logged_in
from tests.conftest import csrf_token
from tests.document_pages import documents, edit_url, form_fields, submit, text_of
from tests.factories.cases import BY, LEADERSHIP_CASE, NOW, case_at, file, sara_report
from tests.factories.content import MEASURE, PLAN
from tests.factories.users import RECTOR, REPORTER, user
from tests.measure_pages import EVA, HILDE, MONA, PAGE, PER, second_leader
from tests.smtp_server import smtp_server
from trygg.cases import reminders
from trygg.cases.leadership import assign_handler
from trygg.cases.workflow import start_document
from trygg.config import SmtpSettings
from trygg.mail import Mailer
from trygg.models import AuditEvent, Case, Notification

# Sara's plan: the AKS worker, the contact teacher and the helsesykepleier each own one.
OWNED_PLAN = {
    **PLAN,
    "measures": [
        {**MEASURE, "description": "Mona er ute i storefri på AKS", "by": "Mona Ruud"},
        {**MEASURE, "description": "Klassemøte om klassemiljøet", "by": "Per Olsen"},
        {
            **MEASURE,
            "description": "Samtaler hos helsesykepleier",
            "by": "Kari Nordmann",
            "by_role": "helsesykepleier",
        },
    ],
}
# The plan's measures are evaluated on Tuesday 1 December 2026 (MEASURE["evaluate_on"]).
THREE_SCHOOL_DAYS_BEFORE = dt.date(2026, 11, 26)  # Thursday: Fri, Mon, Tue to go


def viewed(session: Session, case: Case | None = None) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.action == "measures.viewed")
    if case is not None:
        query = query.where(AuditEvent.object_type == "case", AuditEvent.object_id == str(case.id))
    return list(session.execute(query).scalars())


def test_an_aks_worker_sees_her_measure_and_nothing_else_of_the_case(
    app: Flask, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "planned", plan=OWNED_PLAN)
    mona = logged_in(app.test_client(), MONA)

    home = mona.get("/").get_data(as_text=True)
    assert f'href="{PAGE}"' in home and "Mine tiltak" in home
    page = mona.get(PAGE).get_data(as_text=True)

    assert "Sara Nilsen" in page
    assert "Mona er ute i storefri på AKS" in page
    assert "01.12.2026" in page
    # Nothing else of the case: no other measure, person, text, reference or link. The
    # CSRF tokens are random letters and once held "6B": they are not case content.
    page = re.sub(r"<input[^>]*csrf_token[^>]*>", "", page)
    for other in (
        "Klassemøte",
        "helsesykepleier",
        "Per Olsen",
        "Hilde Moe",
        "Jonas",
        "Emma",
        "6B",
        case.reference,
        PLAN["problem"],
        f"/saker/{case.id}",
    ):
        assert other not in page, other
    # Still no access to the case itself.
    assert mona.get(f"/saker/{case.id}").status_code == 403


def test_each_owner_sees_their_own_and_every_look_is_audited(
    app: Flask, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "planned", plan=OWNED_PLAN)
    per = logged_in(app.test_client(), PER).get(PAGE).get_data(as_text=True)
    assert "Klassemøte om klassemiljøet" in per and "Mona er ute" not in per
    session.expire_all()
    assert len(viewed(session, case)) == 1

    logged_in(app.test_client(), MONA).get(PAGE)
    logged_in(app.test_client(), MONA).get(PAGE)
    session.expire_all()
    looks = viewed(session, case)
    assert len(looks) == 3
    assert {e.actor_user_id for e in looks} == {user(session, PER).id, user(session, MONA).id}

    # The rektor owns nothing here: she sees no measure, and the look is recorded too.
    rektor = logged_in(app.test_client(), RECTOR).get(PAGE).get_data(as_text=True)
    assert "Du har ikke ansvar for noen tiltak nå." in rektor and "Sara" not in rektor
    session.expire_all()
    assert len(viewed(session)) == 4


def test_others_get_nothing(
    app: Flask, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case_at(session, tmp_path, "planned", plan=OWNED_PLAN)
    other_school = logged_in(app.test_client(), demo["ansatt_other_school"]).get(PAGE)
    assert "Sara" not in other_school.get_data(as_text=True)
    for refused in (demo["skoleeier"], demo["admin_school"], demo["admin"]):
        assert logged_in(app.test_client(), refused).get(PAGE).status_code == 403
    assert app.test_client().get(PAGE).status_code == 302  # to the login page


def test_a_closed_case_leaves_the_list(
    app: Flask, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    closed_plan = {**OWNED_PLAN, "measures": OWNED_PLAN["measures"][:2]}
    case_at(session, tmp_path, "closed", plan=closed_plan)
    page = logged_in(app.test_client(), MONA).get(PAGE).get_data(as_text=True)
    assert "Sara" not in page and "Du har ikke ansvar for noen tiltak nå." in page


def test_an_owner_suspected_later_no_longer_sees_the_measure(
    app: Flask, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case_at(session, tmp_path, "planned", plan=OWNED_PLAN)
    suspecting = sara_report(staff_suspected=True, suspected_name="Mona Ruud")
    file(session, tmp_path, PER, suspecting)
    page = logged_in(app.test_client(), MONA).get(PAGE).get_data(as_text=True)
    assert "Sara" not in page


def owner_alerts(session: Session) -> list[tuple[int, str]]:
    notes = session.execute(
        select(Notification).where(Notification.code == "measure_evaluation")
    ).scalars()
    return sorted((n.user_id, n.dedupe_key.rsplit(":", 1)[1]) for n in notes)


def test_owners_are_reminded_once_before_the_evaluation_with_only_a_link(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "planned", plan=OWNED_PLAN)
    mona, per = user(session, MONA).id, user(session, PER).id
    base = "https://trygg.example"
    outbox = Mailer(SmtpSettings(), tmp_path / "outbox")
    reminders.run(session, outbox, base, THREE_SCHOOL_DAYS_BEFORE - dt.timedelta(1), NOW)
    session.commit()
    assert owner_alerts(session) == []

    with smtp_server() as (collector, port):
        mailer = Mailer(SmtpSettings(host="127.0.0.1", port=port), tmp_path / "outbox")
        reminders.run(session, mailer, base, THREE_SCHOOL_DAYS_BEFORE, NOW)
        session.commit()
        first = owner_alerts(session)
        # Run again the same day and on the next school days: nothing new for the owners.
        for day in (THREE_SCHOOL_DAYS_BEFORE, dt.date(2026, 11, 30), dt.date(2026, 12, 1)):
            reminders.run(session, mailer, base, day, NOW)
        session.commit()
        messages = collector.messages()

    # The helsesykepleier has no account: she is told by whoever works with her.
    assert first == owner_alerts(session) == [(mona, "2026-12-01"), (per, "2026-12-01")]
    sent = [m for m in messages if m["Subject"] == "Et tiltak skal snart evalueres"]
    assert sorted(m["To"] for m in sent) == sorted([MONA, PER])
    for message in sent:
        body = message.get_content()
        assert f"{base}{PAGE}" in body and f"/saker/{case.id}" not in body
        for secret in ("Sara", "Nilsen", "Jonas", "6B", "storefri", case.reference):
            assert secret not in body and secret not in message["Subject"]


def test_the_plan_page_never_offers_the_leadership_of_a_hidden_case(
    app: Flask, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    lars = second_leader(app, session)
    case, _ = file(session, tmp_path, REPORTER, sara_report(**LEADERSHIP_CASE))
    per, hilde = user(session, PER), user(session, HILDE)
    assign_handler(session, case, f"u{per.id}", user(session, EVA), BY, NOW)
    start_document(session, case, "aktivitetsplan", per, NOW)
    session.commit()

    page = logged_in(app.test_client(), PER).get(edit_url(case.id, "aktivitetsplan"))
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    responsible = html.split('id="responsible"', 1)[1].split("</select>", 1)[0]
    names = html.split('<datalist id="staff-names">', 1)[1].split("</datalist>", 1)[0]
    assert f'value="u{per.id}"' in responsible and '<option value="Per Olsen">' in names
    for leader in (hilde, lars):
        assert f'value="u{leader.id}"' not in responsible
        assert leader.name not in responsible and leader.name not in names
    # The outsider's role has its own box beside the owner.
    assert 'name="measures-0-by_role"' in html


def test_the_plan_form_names_an_outsider_with_her_role_and_keeps_a_refusal_at_its_field(
    app: Flask, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "investigated")
    handler = logged_in(app.test_client(), PER)
    url = edit_url(case.id, "aktivitetsplan")
    handler.post(f"{url}/start", data={"csrf_token": csrf_token(handler, url)})
    page = handler.get(url).get_data(as_text=True)
    row = {
        "measures-0-description": "Samtaler hos helsesykepleier hver onsdag",
        "measures-0-level": "individ",
        "measures-0-start": "2026-09-22",
        "measures-0-frequency": "ukentlig",
        "measures-0-evaluate_on": "2026-12-01",
    }

    employee = {**row, "measures-0-by": "Mona Ruud", "measures-0-by_role": "helsesykepleier"}
    refused = submit(handler, url, page, employee)
    assert refused.status_code == 200
    assert "Mona Ruud er ansatt ved skolen" in text_of(refused)
    assert 'href="#measures-0-by_role"' in text_of(refused)
    kept = form_fields(refused.get_data(as_text=True))
    assert (kept["measures-0-by"], kept["measures-0-by_role"]) == ("Mona Ruud", "helsesykepleier")

    outsider = {**row, "measures-0-by": "Kari Nordmann", "measures-0-by_role": "helsesykepleier"}
    assert submit(handler, url, page, outsider).status_code == 302
    shown = form_fields(handler.get(url).get_data(as_text=True))
    assert (shown["measures-0-by"], shown["measures-0-by_role"]) == (
        "Kari Nordmann",
        "helsesykepleier",
    )
    session.expire_all()
    [plan] = documents(session, case.id, "aktivitetsplan")
    kari = next(a for a in fresh(session, case.id).actors if a.name == "Kari Nordmann")
    assert plan.data["measures"][0]["by"] == kari.key and kari.title == "helsesykepleier"
