"""Issue 10, § 12-5: the duty chain holds in every case. No report falls between two chairs:
Trygg routes a report from what it knows (the accounts decide who is in the leadership),
a report beside a case hidden from the leadership goes to the pupil's ordinary case, the
words follow the route, and case references betray no case a person cannot see.
Independence (who may handle, lead or carry out) is in test_duty_routing_independence.py,
the property over every answer in test_duty_routing_properties.py.

Domain and HTTP, on SQLite and PostgreSQL, with the demo users: Mona Ruud (ansatt), Per
Olsen (kontaktlærer) and Hilde Moe (rektor) at Nordpolen, Eva Strand (skoleeier), Ingrid
Dahl (kontaktlærer) and Knut Aas (rektor) at Vestre Aker.
"""

from __future__ import annotations

import html
import threading
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.case_pages import case_links, fresh, logged_in, post_form
from tests.factories.cases import (
    BY,
    LEADERSHIP_CASE,
    NOW,
    archive_for,
    close_directly,
    file,
    sara_report,
)
from tests.factories.users import demo_email, user
from tests.report_pages import docx_text, post_report
from trygg.accounts.permissions import can_view_case
from trygg.accounts.principal import Principal
from trygg.accounts.roles import ANSATT, KONTAKTLAERER, LEDELSE, SKOLEEIER
from trygg.cases.access import case_access, visible_to
from trygg.cases.reports import NewReport, file_report
from trygg.errors import Refused
from trygg.models import Case, CaseDocument, Notification, User

MONA = demo_email(ANSATT)
PER = demo_email(KONTAKTLAERER)
HILDE = demo_email(LEDELSE)
EVA = demo_email(SKOLEEIER, None)


def sees(session: Session, email: str, case: Case) -> bool:
    """Whether the person may see the case, by the page rule and the list rule alike."""
    principal = Principal.of(user(session, email))
    by_rule = can_view_case(principal, case_access(case))
    query = select(Case.id).where(visible_to(principal), Case.id == case.id)
    assert (session.execute(query).first() is not None) == by_rule, email
    return by_rule


def alerts(session: Session, case: Case) -> set[tuple[str, str]]:
    """Who was alerted about the case, and with which code: (e-mail, code)."""
    session.expire_all()
    notes = session.execute(select(Notification).where(Notification.case_id == case.id))
    found = set()
    for note in notes.scalars():
        account = session.get(User, note.user_id)
        assert account is not None
        found.add((account.email, note.code))
    return found


def receipt_page(client: FlaskClient, email: str, doc: CaseDocument) -> str:
    logged_in(client, email)
    response = client.get(f"/meldinger/{doc.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def receipt_word(client: FlaskClient, doc: CaseDocument) -> str:
    response = client.get(f"/meldinger/{doc.id}/word")
    assert response.status_code == 200
    return docx_text(response.data)


def report_about(name: str, class_name: str = "5A", **changes: object) -> NewReport:
    """A report about another pupil, naming nobody else."""
    return sara_report(pupil_name=name, pupil_class=class_name, others=(), **changes)


# --- the reporter names the employee; the accounts decide ---------------------------------


def test_a_report_about_the_rektor_reaches_the_school_owner_though_the_reporter_said_no(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    # The old form asked «Er den ansatte i skoleledelsen?»; the reporter answered «Nei».
    report = sara_report(
        staff_suspected=True, leadership_suspected=False, suspected_name="Hilde Moe"
    )
    case, doc = file(session, tmp_path, MONA, report)

    assert case.leadership_suspected
    assert not sees(session, HILDE, case)
    assert sees(session, EVA, case)
    assert alerts(session, case) == {(EVA, "section_12_5")}
    page = receipt_page(client, MONA, doc)
    assert "Skoleeier (Oslo kommune)" in page
    assert "Rektor og skoleledelsen" not in page and "Rektor har fått" not in page
    assert "ikke synlig for skoleledelsen" in page
    word = receipt_word(client, doc)
    assert "Meldingen gikk straks direkte til skoleeier" in word
    assert "går straks til rektor" not in word


@pytest.mark.parametrize(
    ("answer", "to_owner", "why"),
    [
        ("hilde", True, "gjelder noen i skoleledelsen"),
        ("ledelse", True, "gjelder noen i skoleledelsen"),
        ("vet_ikke", True, "men ikke hvem"),
        ("per", False, "Rektor har fått meldingen straks"),
    ],
)
def test_the_form_asks_who_and_the_route_follows_the_accounts(
    client: FlaskClient,
    session: Session,
    demo: dict[str, str],
    answer: str,
    to_owner: bool,
    why: str,
) -> None:
    picked = {"hilde": f"u{user(session, HILDE).id}", "per": f"u{user(session, PER).id}"}
    logged_in(client, MONA)
    form = client.get("/meldinger/ny").get_data(as_text=True)
    assert "Er den ansatte i skoleledelsen?" not in form
    choices = form.split('id="suspected_name"', 1)[1].split("</select>", 1)[0]
    for value in (picked["hilde"], picked["per"], "ledelse", "vet_ikke"):
        assert f'value="{value}"' in choices
    assert "Mona Ruud" not in choices  # nobody reports themselves

    status, page, location = post_report(
        client,
        staff_suspected="ja",
        leadership_suspected="nei",  # what the old form sent; nobody reads it now
        suspected_name=picked.get(answer, answer),
    )
    assert status == 302, page[:3000]
    session.expire_all()
    (case,) = session.execute(select(Case)).scalars()
    assert case.leadership_suspected is to_owner
    assert sees(session, EVA, case) is to_owner
    assert sees(session, HILDE, case) is not to_owner
    receiver = EVA if to_owner else HILDE
    assert alerts(session, case) == {(receiver, "section_12_5")}
    receipt = client.get(location or "").get_data(as_text=True)
    assert ("Skoleeier (Oslo kommune)" in receipt) is to_owner
    assert ("Rektor og skoleledelsen ved Nordpolen skole" in receipt) is not to_owner
    assert why in html.unescape(receipt)


def test_suspect_must_be_chosen_and_only_when_an_employee_is_suspected(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    logged_in(client, MONA)
    _, page, _ = post_report(client, staff_suspected="ja", suspected_name="")
    assert "Velg hvem som mistenkes, eller «Vet ikke hvem»." in html.unescape(page)
    _, page, _ = post_report(client, staff_suspected="nei", suspected_name="ledelse")
    assert "Velg bare hvem som mistenkes" in page
    assert session.execute(select(Case.id)).first() is None


# --- a report beside a case hidden from the leadership ------------------------------------


def test_a_report_beside_a_hidden_case_goes_to_the_pupils_ordinary_case(
    app: Flask, client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    hidden, _ = file(session, tmp_path, MONA, sara_report(**LEADERSHIP_CASE))
    ordinary, doc = file(session, tmp_path, PER, sara_report())

    assert ordinary.id != hidden.id and not ordinary.leadership_suspected
    assert sees(session, HILDE, ordinary) and not sees(session, HILDE, hidden)
    assert sees(session, EVA, ordinary) and sees(session, EVA, hidden)
    assert ordinary.hidden_case_id == hidden.id
    assert alerts(session, ordinary) == {(HILDE, "new_report"), (EVA, "new_report")}
    page = receipt_page(client, PER, doc)
    assert "Rektor og skoleledelsen ved Nordpolen skole" in page
    assert ordinary.reference in page and hidden.reference not in page
    assert "går til rektor" in receipt_word(client, doc)

    # The rektor's case page says nothing of the other case.
    rektor = logged_in(app.test_client(), HILDE)
    shown = rektor.get(f"/saker/{ordinary.id}").get_data(as_text=True)
    assert hidden.reference not in shown and f"/saker/{hidden.id}" not in shown
    assert "skjult for skoleledelsen" not in shown
    # The school owner sees both, and the link between them.
    owner = logged_in(app.test_client(), EVA)
    shown = owner.get(f"/saker/{hidden.id}").get_data(as_text=True)
    assert "Elevens ordinære sak ved skolen" in shown and f'href="/saker/{ordinary.id}"' in shown
    shown = owner.get(f"/saker/{ordinary.id}").get_data(as_text=True)
    assert f'href="/saker/{hidden.id}"' in shown
    assert set(case_links(owner.get("/saker").get_data(as_text=True))) == {hidden.id, ordinary.id}

    # A later report about the leadership joins the hidden case, not the ordinary one.
    again, _ = file(session, tmp_path, MONA, sara_report(**LEADERSHIP_CASE))
    assert again.id == hidden.id


def test_the_suspected_rektor_reporting_the_same_pupil_files_into_the_ordinary_case(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    hidden, _ = file(session, tmp_path, MONA, sara_report(**LEADERSHIP_CASE))
    mine, doc = file(session, tmp_path, HILDE, sara_report())

    assert mine.id != hidden.id and sees(session, HILDE, mine)
    page = receipt_page(client, HILDE, doc)
    assert hidden.reference not in page and mine.reference in page
    assert "Rektor og skoleledelsen ved Nordpolen skole" in page
    listing = client.get("/meldinger").get_data(as_text=True)
    assert hidden.reference not in listing


def test_reopening_the_ordinary_case_does_not_reveal_the_hidden_one(
    app: Flask, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    ordinary, _ = file(session, tmp_path, MONA, sara_report())
    close_directly(session, tmp_path, ordinary, user(session, HILDE))
    hidden, _ = file(session, tmp_path, MONA, sara_report(**LEADERSHIP_CASE))
    assert hidden.id != ordinary.id

    rektor = logged_in(app.test_client(), HILDE)
    response = post_form(rektor, f"/saker/{ordinary.id}/gjenapne", "gjenapne", {})
    assert response.status_code == 302
    page = rektor.get(response.headers["Location"]).get_data(as_text=True)
    assert hidden.reference not in page
    assert fresh(session, ordinary.id).status == "open"


# --- references ------------------------------------------------------------------------


def test_case_references_leave_no_gaps_that_betray_a_hidden_case(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    first, _ = file(session, tmp_path, MONA, report_about("Ola Nordmann"))
    hidden, _ = file(session, tmp_path, MONA, report_about("Siv Lund", **LEADERSHIP_CASE))
    other, _ = file(
        session, tmp_path, demo["ansatt_other_school"], report_about("Vestre Vanlig", "4A")
    )
    second, _ = file(session, tmp_path, MONA, report_about("Kari Berg"))

    year = NOW.year
    assert [first.reference, second.reference] == [f"{year}/0001", f"{year}/0002"]
    assert other.reference == f"{year}/0001"  # Vestre Aker counts its own cases
    assert hidden.reference == f"SE-{year}/0001"  # the school owner's own series
    principal = Principal.of(user(session, HILDE))
    seen = session.execute(select(Case.reference).where(visible_to(principal))).scalars()
    assert sorted(seen) == [f"{year}/0001", f"{year}/0002"]


def test_reports_filed_at_the_same_moment_get_consecutive_references(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    """The series is counted in the filing transaction: concurrent filings wait for each
    other's number instead of taking the same one or leaving a gap."""
    engine, mona, count = session.get_bind(), user(session, MONA).id, 6
    start, failures = threading.Barrier(count), []

    def report(number: int) -> None:
        with Session(engine) as own:
            reporter = own.get(User, mona)
            assert reporter is not None
            start.wait()
            try:
                pupil = report_about(f"Elev Nummer{number}")
                file_report(own, archive_for(tmp_path), reporter, pupil, BY, NOW)
                own.commit()
            except Exception as error:  # any failure, reported below with the others
                failures.append(repr(error))

    threads = [threading.Thread(target=report, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    session.expire_all()
    references = sorted(session.execute(select(Case.reference)).scalars())
    assert references == [f"{NOW.year}/{n:04d}" for n in range(1, count + 1)]


# --- words follow the route ------------------------------------------------------------


def test_a_leadership_case_speaks_of_the_school_owner_never_the_rektor(
    app: Flask, client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case, doc = file(session, tmp_path, MONA, sara_report(**LEADERSHIP_CASE))
    owner = logged_in(client, EVA)
    page = owner.get(f"/saker/{case.id}").get_data(as_text=True)
    for said in (
        "Skoleeier fikk vite",
        "Skoleeier har mottatt saken",
        "Når fikk skoleeier vite om saken?",
        "Melding til skoleeier registrert",
    ):
        assert said in page, said
    for never in (
        "Rektor fikk vite",
        "Rektor har mottatt saken",
        "Når fikk rektor selv vite",
        "Melding til rektor registrert",
        "Datoen rektor fikk vite",
    ):
        assert never not in page, never
    fields = {"rektor_informed_at": "2026-09-14T12:50"}
    assert post_form(owner, f"/saker/{case.id}/mottatt", "mottatt", fields).status_code == 302
    page = owner.get(f"/saker/{case.id}").get_data(as_text=True)
    assert "Skoleeier har mottatt saken" in page.split('id="kronologi"', 1)[1]

    reporter = logged_in(app.test_client(), MONA)
    word = receipt_word(reporter, doc)
    assert "Meldingen gikk straks direkte til skoleeier" in word
    assert "til rektor, som melder" not in word


# --- every report reaches someone who may act on it ------------------------------------


def test_a_school_without_a_leader_sends_the_report_to_the_school_owner(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    user(session, HILDE).active = False
    session.commit()
    case, doc = file(session, tmp_path, MONA, sara_report())
    assert alerts(session, case) == {(EVA, "new_report")}
    assert sees(session, EVA, case)
    page = receipt_page(client, MONA, doc)
    assert "Skoleeier (Oslo kommune)" in page and "Rektor og skoleledelsen" not in page


def test_a_report_nobody_could_receive_is_refused_with_where_to_go(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    user(session, EVA).active = False
    session.commit()
    with pytest.raises(Refused, match="Meld fra direkte til skoleeier") as refused:
        file(session, tmp_path, MONA, sara_report(**LEADERSHIP_CASE))
    assert "Utdanningsetaten" in str(refused.value)
    session.rollback()
    assert session.execute(select(Case.id)).first() is None


def test_the_report_form_says_where_a_report_about_the_leadership_goes(
    client: FlaskClient, demo: dict[str, str]
) -> None:
    logged_in(client, MONA)
    page = client.get("/meldinger/ny").get_data(as_text=True)
    assert "Trygg ser selv hvem som er i skoleledelsen" in page
