"""Issue 10, the deadlines: no draft silences a deadline, a serious case is due to the
school owner the same day, and a report filed long after the event is flagged.

Domain tests on frozen dates over weekends, public holidays and a school's day off, on
both databases; then the case page and the alerts through HTTP as the demo users, on the
real clock."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.case_pages import logged_in, post_form
from tests.factories.cases import (
    BY,
    NOW,
    archive_for,
    case_at,
    file,
    finish_step,
    receive_and_assign,
    sara_report,
)
from tests.factories.content import INVESTIGATION
from tests.factories.users import HANDLER, RECTOR, user
from trygg.calendar.clock import oslo_now, oslo_time
from trygg.calendar.deadlines import CaseFacts, case_deadlines, is_late_report, report_delay
from trygg.calendar.formats import date_text
from trygg.calendar.school_days import SchoolCalendar
from trygg.cases import reminders
from trygg.cases.documents import save_draft
from trygg.cases.leadership import Receipt, receive, record_owner_report
from trygg.cases.overview import LateReport, deadlines_of, late_reports, open_drafts
from trygg.cases.workflow import finalise_step, start_document, start_evaluation
from trygg.models import Case, Notification, SchoolDayOff, utcnow

MONDAY = NOW.date()  # 2026-09-14, when case_at files and receives Sara's report


def due(session: Session, case: Case, today: dt.date) -> list[tuple[str, dt.date, str]]:
    return [(d.code, d.due, d.state) for d in deadlines_of(session, case, today)]


def owner_deadline(session: Session, case: Case, today: dt.date) -> tuple[str, dt.date, str] | None:
    found = [d for d in deadlines_of(session, case, today) if d.code == "report_to_owner"]
    assert len(found) <= 1
    return (found[0].title, found[0].due, found[0].state) if found else None


def deadline_alerts(session: Session) -> set[tuple[int, str, str]]:
    """(user, deadline code, state) of every deadline alert."""
    rows = session.execute(select(Notification).where(Notification.code == "deadline"))
    return {
        (n.user_id, n.dedupe_key.split(":")[2], n.dedupe_key.split(":")[4]) for n in rows.scalars()
    }


def collect(session: Session, today: dt.date) -> None:
    """The daily send-reminders run's alerts (delivery is tests/test_reminders.py's)."""
    # End the session's transaction first: on SQLite it reads a snapshot taken before
    # the pages' requests changed the case.
    session.commit()
    reminders.collect(session, today, dt.datetime.combine(today, dt.time(6)))
    session.commit()


# --- The rules, from plain facts ------------------------------------------------------

CALENDAR = SchoolCalendar()
# Nothing due: each test switches on what it is about.
QUIET = CaseFacts(
    reported_on=date(2026, 4, 1),  # the Wednesday before Easter
    investigation_finalised=True,
    unsafe_since=None,
    plan_finalised=False,
    rektor_informed_on=None,
    raised_with_rektor_by_home=None,
    evaluation_dates=(),
    staff_suspected=False,
    owner_report_recorded=False,
    closed=False,
)


def listed(facts: CaseFacts, today: date) -> list[tuple[str, str, date, str]]:
    return [(d.code, d.title, d.due, d.state) for d in case_deadlines(facts, CALENDAR, today)]


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (date(2026, 4, 6), "ok"),  # 2. påskedag: Tuesday is a school day before the due day
        (date(2026, 4, 7), "soon"),
        (date(2026, 4, 8), "today"),
        (date(2026, 4, 9), "overdue"),
        (date(2026, 6, 1), "overdue"),  # a draft left for weeks is still overdue
    ],
)
def test_an_investigation_draft_keeps_the_due_date(today: date, state: str) -> None:
    facts = replace(QUIET, investigation_finalised=False, investigation_draft=True)
    due_on = date(2026, 4, 8)  # Wed + 2 school days over Easter
    assert listed(facts, today) == [("investigate", "Ferdigstill undersøkelsen", due_on, state)]
    without_draft = replace(facts, investigation_draft=False)
    assert listed(without_draft, today) == [("investigate", "Start undersøkelsen", due_on, state)]


def test_a_serious_case_is_due_the_day_it_was_marked_over_a_holiday_weekend() -> None:
    friday = date(2027, 5, 14)  # Monday 17 May is Grunnlovsdag
    facts = replace(QUIET, serious_since=friday)
    owner = ("report_to_owner", "Meld til skoleeier", friday)
    assert listed(facts, friday) == [(*owner, "today")]
    assert listed(facts, date(2027, 5, 17)) == [(*owner, "overdue")]
    assert listed(replace(facts, owner_report_recorded=True), date(2027, 5, 17)) == []
    # A § 12-5 report and "Alvorlig sak" are one report to the owner, due at the first.
    both = replace(facts, staff_suspected=True, reported_on=date(2027, 5, 12))
    assert listed(both, friday) == [
        ("report_to_owner", "Meld til skoleeier", date(2027, 5, 12), "overdue")
    ]
    marked_first = replace(both, serious_since=date(2027, 5, 10))
    assert [d.due for d in case_deadlines(marked_first, CALENDAR, friday)] == [date(2027, 5, 10)]
    assert case_deadlines(replace(facts, closed=True), CALENDAR, friday) == []


@pytest.mark.parametrize(
    ("happened", "filed", "delay"),
    [
        (date(2026, 9, 11), date(2026, 9, 11), 0),  # the same Friday
        (date(2026, 9, 11), date(2026, 9, 15), 2),  # Friday to Tuesday: on time
        (date(2026, 9, 11), date(2026, 9, 16), 3),  # Friday to Wednesday: late
        (date(2026, 9, 12), date(2026, 9, 16), 3),  # a Saturday event counts from Monday
        (date(2026, 4, 1), date(2026, 4, 8), 2),  # over Easter: Tuesday 7 and Wednesday 8
        (date(2026, 4, 1), date(2026, 4, 9), 3),
        (date(2026, 12, 23), date(2027, 1, 4), 6),  # 24, 28, 29, 30, 31 Dec and 4 Jan
        (date(2026, 9, 16), date(2026, 9, 14), 0),  # "happened" after the filing
    ],
)
def test_a_report_is_late_after_more_than_two_school_days(
    happened: date, filed: date, delay: int
) -> None:
    assert report_delay(happened, filed, CALENDAR) == delay
    assert is_late_report(happened, filed, CALENDAR) is (delay > 2)


def test_the_schools_days_off_count_for_a_late_report() -> None:
    happened, filed = date(2026, 10, 9), date(2026, 10, 14)  # Friday to Wednesday
    assert is_late_report(happened, filed, CALENDAR)
    autumn = SchoolCalendar(days_off=frozenset({date(2026, 10, 12)}))
    assert not is_late_report(happened, filed, autumn)


# --- A draft investigation -------------------------------------------------------------


def test_a_draft_investigation_leaves_the_deadline_standing_until_finalised(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "received")
    # Tuesday is the school's day off: Monday + 2 school days is Thursday.
    session.add(SchoolDayOff(school_id=case.school_id, day=dt.date(2026, 9, 15), reason="Plan"))
    start_document(session, case, "undersokelse", user(session, HANDLER), NOW)
    session.commit()
    thursday, friday = dt.date(2026, 9, 17), dt.date(2026, 9, 18)
    assert due(session, case, dt.date(2026, 9, 16))[0] == ("investigate", thursday, "soon")
    assert due(session, case, friday)[0] == ("investigate", thursday, "overdue")
    [title] = [d.title for d in deadlines_of(session, case, friday) if d.code == "investigate"]
    assert title == "Ferdigstill undersøkelsen"
    collect(session, friday)
    rektor, handler = user(session, RECTOR).id, user(session, HANDLER).id
    assert {(rektor, "investigate", "overdue"), (handler, "investigate", "overdue")} <= (
        deadline_alerts(session)
    )
    finish_step(session, tmp_path, case, "undersokelse", INVESTIGATION)
    assert "investigate" not in {code for code, _, _ in due(session, case, friday)}


# --- A plan revision in progress -------------------------------------------------------


def _revising_evaluation(draft: dict[str, object], next_on: str) -> dict[str, object]:
    """The evaluation of plan version 1 on its planned date: not safe yet, so the plan is
    revised (a new version) and evaluated again on `next_on`."""
    rows = [
        {**row, "carried_out": True, "effect_pupil": "Litt bedre.", "decision": "justere"}
        for row in draft["measures"]  # type: ignore[attr-defined]
    ]
    return {
        "date": draft["planned_date"],
        "participants": ["Sara", "Per Olsen"],
        "measures": rows,
        "pupil_safe_now": False,
        "overall": "Bedre, men ikke trygt ennå.",
        "next": {"action": "ny_versjon", "evaluate_on": next_on},
    }


def test_a_plan_revision_in_progress_keeps_the_evaluation_date(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "planned")  # version 1 is evaluated on 1 Dec 2026
    handler = user(session, HANDLER)
    evaluation = start_evaluation(session, case, handler, NOW)
    # Evaluated again on the first school day of 2027 (Monday 4 January).
    content = _revising_evaluation(evaluation.data, "2027-01-04")
    save_draft(
        session, case, evaluation, {**evaluation.data, **content}, evaluation.revision, handler, NOW
    )
    revision = finalise_step(session, archive_for(tmp_path), case, evaluation, handler, BY, NOW)
    session.commit()
    assert revision is not None and revision.status == "draft" and revision.number == 2
    # New Year's Eve is three calendar days before, Saturday 2 January two.
    assert due(session, case, dt.date(2026, 12, 31)) == [("evaluation", dt.date(2027, 1, 4), "ok")]
    saturday = dt.date(2027, 1, 2)
    assert due(session, case, saturday) == [("evaluation", dt.date(2027, 1, 4), "soon")]
    assert due(session, case, dt.date(2027, 1, 5)) == [
        ("evaluation", dt.date(2027, 1, 4), "overdue")
    ]
    collect(session, saturday)
    rektor, per = user(session, RECTOR).id, handler.id
    assert deadline_alerts(session) >= {
        (rektor, "evaluation", "soon"),
        (per, "evaluation", "soon"),
    }
    # Finalised, the new version's own date (carried over from the evaluation) counts.
    # The measures marked «Justere» are adjusted (trygg.cases.plan_rules).
    adjusted = [{**m, "frequency": "to ganger i uka"} for m in revision.data["measures"]]
    save_draft(
        session,
        case,
        revision,
        {**revision.data, "measures": adjusted},
        revision.revision,
        handler,
        NOW,
    )
    finalise_step(session, archive_for(tmp_path), case, revision, handler, BY, NOW)
    session.commit()
    assert due(session, case, saturday) == [("evaluation", dt.date(2027, 1, 4), "soon")]


def test_a_revision_started_from_the_case_page_keeps_the_plans_dates(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "planned")
    revision = start_document(session, case, "aktivitetsplan", user(session, HANDLER), NOW)
    session.commit()
    assert revision.number == 2 and revision.status == "draft"
    assert due(session, case, dt.date(2026, 11, 29)) == [
        ("evaluation", dt.date(2026, 12, 1), "soon")
    ]


# --- "Alvorlig sak" -------------------------------------------------------------------


def test_a_serious_case_is_due_to_the_school_owner_the_day_it_is_marked(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "reported")
    rektor = user(session, RECTOR)
    friday = dt.datetime(2026, 9, 18, 10, 0)  # UTC: noon in Oslo
    receive(session, case, Receipt(rektor_informed_at=friday, serious=True), rektor, BY, friday)
    session.commit()
    owner = ("Meld til skoleeier", friday.date())
    assert owner_deadline(session, case, friday.date()) == (*owner, "today")
    # Over the weekend it is overdue: "straks" is not counted in school days.
    monday = dt.date(2026, 9, 21)
    assert owner_deadline(session, case, monday) == (*owner, "overdue")
    collect(session, monday)
    # The rektor reports to the school owner, not the handler (there is none yet anyway).
    assert (rektor.id, "report_to_owner", "overdue") in deadline_alerts(session)
    later = friday + dt.timedelta(days=3)
    record_owner_report(session, case, later, "Utdanningsetaten", rektor, BY, later)
    session.commit()
    assert owner_deadline(session, case, monday) is None


# --- Late reports and the drafts' age, from the case --------------------------------------


def test_late_reports_are_counted_in_the_schools_school_days(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    # Filed Monday 14 September about Wednesday the 9th: Thursday, Friday and Monday.
    wednesday = dt.datetime(2026, 9, 9, 13, 0)
    case, _ = file(session, tmp_path, demo["ansatt"], sara_report(happened_at=wednesday))
    assert late_reports(session, case) == [LateReport(1, wednesday.date(), MONDAY, 3)]
    # With Friday the school's day off, two school days passed: on time.
    session.add(SchoolDayOff(school_id=case.school_id, day=dt.date(2026, 9, 11), reason="Plan"))
    session.commit()
    assert late_reports(session, case) == []
    # A second report in the case, without a date for the event, says nothing.
    file(session, tmp_path, demo["ansatt"], sara_report())
    assert late_reports(session, case) == []


def test_open_drafts_say_how_many_school_days_they_have_waited(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "received")
    start_document(session, case, "undersokelse", user(session, HANDLER), NOW)
    session.add(SchoolDayOff(school_id=case.school_id, day=dt.date(2026, 9, 18), reason="Plan"))
    session.commit()
    ages = [
        (d.kind, d.number, d.started_on, d.school_days)
        for d in open_drafts(session, case, dt.date(2026, 9, 21))
    ]
    # Tuesday, Wednesday, Thursday, (Friday off, the weekend), Monday.
    assert ages == [("undersokelse", 1, MONDAY, 4)]
    assert [d.school_days for d in open_drafts(session, case, MONDAY)] == [0]
    finish_step(session, tmp_path, case, "undersokelse", INVESTIGATION)
    assert open_drafts(session, case, dt.date(2026, 9, 21)) == []


# --- The case page and the alerts, through HTTP on the real clock -----------------------


def utc_days_ago(days: int) -> dt.datetime:
    return utcnow() - dt.timedelta(days=days)


def school_days(start: dt.date, end: dt.date) -> int:
    # The demo school has entered no days off: public holidays and weekends only.
    return SchoolCalendar().school_days_after(start, end)


def test_the_case_page_shows_the_draft_investigation_its_age_and_its_deadline(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    reported = utc_days_ago(21)
    case, _ = file(session, tmp_path, demo["ansatt"], sara_report(), reported)
    receive_and_assign(session, case, demo["ledelse"], demo["kontaktlaerer"], reported)
    started = utc_days_ago(20)
    start_document(session, case, "undersokelse", user(session, HANDLER), started)
    session.commit()
    age = school_days(oslo_time(started).date(), oslo_now().date())
    for email in (demo["ledelse"], demo["kontaktlaerer"]):
        page = logged_in(client.application.test_client(), email)
        text = page.get(f"/saker/{case.id}").get_data(as_text=True)
        assert "Forsinket: Ferdigstill undersøkelsen" in text, email
        assert "Start undersøkelsen" not in text
        assert (
            f"Undersøkelse nr. 1: utkast påbegynt {date_text(oslo_time(started).date())}, "
            f"for {age} skoledager siden." in text
        ), email


def test_ticking_alvorlig_sak_shows_the_owner_deadline_until_reported(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case, _ = file(session, tmp_path, demo["ansatt"])
    url = f"/saker/{case.id}"
    logged_in(client, demo["ledelse"])
    assert "Meld til skoleeier, frist" not in client.get(url).get_data(as_text=True)
    typed = oslo_now().strftime("%Y-%m-%dT%H:%M")
    response = post_form(
        client, f"{url}/mottatt", "mottatt", {"rektor_informed_at": typed, "serious": "y"}
    )
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    today = date_text(oslo_now().date())
    assert f"Frist i dag: Meld til skoleeier, frist {today}" in page
    # The daily run alerts the rektor like any other deadline.
    collect(session, oslo_now().date())
    alerts = client.get("/varsler").get_data(as_text=True)
    assert "En frist nærmer seg eller er passert" in alerts
    assert (user(session, demo["ledelse"]).id, "report_to_owner", "today") in deadline_alerts(
        session
    )
    response = post_form(
        client, f"{url}/skoleeier", "skoleeier", {"reported_at": typed, "recipient": "UDE"}
    )
    assert response.status_code == 302
    assert "Meld til skoleeier, frist" not in client.get(url).get_data(as_text=True)


def test_a_report_filed_days_after_the_event_is_flagged_on_the_case_page(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    filed = utcnow()
    happened = oslo_time(filed) - dt.timedelta(days=14)
    late, _ = file(session, tmp_path, demo["ansatt"], sara_report(happened_at=happened), filed)
    on_time = sara_report(
        pupil_name="Ida Lie",
        pupil_class="5A",
        others=(),
        happened_at=oslo_time(filed) - dt.timedelta(hours=1),
    )
    timely, _ = file(session, tmp_path, demo["ansatt"], on_time, filed)
    delay = school_days(happened.date(), oslo_time(filed).date())
    assert delay > 2
    logged_in(client, demo["ledelse"])
    page = client.get(f"/saker/{late.id}").get_data(as_text=True)
    assert "Sen melding" in page
    assert (
        f"Meldeskjema nr. 1 ble sendt {date_text(oslo_time(filed).date())}, {delay} skoledager "
        f"etter hendelsen ({date_text(happened.date())})." in page
    )
    assert "Sen melding" not in client.get(f"/saker/{timely.id}").get_data(as_text=True)
