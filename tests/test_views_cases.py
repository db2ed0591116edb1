"""The case lists, the case page and the leadership's actions, through HTTP as demo users."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.admin_pages import audit_events, error_summary, input_value
from tests.case_pages import case_links, fresh, logged_in, post_form
from tests.factories.cases import (
    NOW,
    archive_for,
    case_at,
    close_directly,
    file,
    receive_and_assign,
    sara_report,
)
from tests.factories.users import user
from trygg.calendar.clock import oslo_now
from trygg.demo.cases import seed_demo_cases
from trygg.models import Case

# What the leadership states when it closes a case it never investigated.
CLOSING_ANSWERS = {
    "pupil_experience": "Sara sier hun har det fint nå.",
    "heard_how": "Samtale med Sara i dag.",
    "pupil_safe": "y",
    "reason": "Meldingen ble oppklart.",
    "no_investigation_reason": "Meldingen viste seg å være grunnløs.",
}


def quiet_report(name: str, class_name: str) -> object:
    return sara_report(
        pupil_name=name,
        pupil_class=class_name,
        account="Eleven sier at hun ikke får være med i friminuttene.",
        others=(),
    )


def test_case_pages_are_refused_to_staff_and_admins(
    client: FlaskClient, demo: dict[str, str]
) -> None:
    for role in ("ansatt", "admin", "admin_school"):
        fresh_client = logged_in(client.application.test_client(), demo[role])
        assert fresh_client.get("/saker").status_code == 403, role
        assert fresh_client.get("/saker/1").status_code == 403, role
    assert logged_in(client, demo["kontaktlaerer"]).get("/saker").status_code == 200


def test_leadership_list_filters_and_pages(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    per = user(session, demo["kontaktlaerer"])
    today_utc = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    cases = []
    for number in range(30):
        # 20 cases reported long ago (overdue), 10 reported now (not yet due).
        when = NOW if number < 20 else today_utc
        class_name = "5A" if number % 3 == 0 else "6B"
        case, _ = file(
            session,
            tmp_path,
            demo["ansatt"],
            quiet_report(f"Elev Nummer{number}", class_name),
            when,
        )
        cases.append(case)
    for case in cases[:5]:
        receive_and_assign(session, case, demo["ledelse"], demo["kontaktlaerer"])
    rektor = user(session, demo["ledelse"])
    for case in cases[28:]:
        close_directly(session, tmp_path, case, rektor, today_utc)
    session.commit()
    logged_in(client, demo["ledelse"])

    first = client.get("/saker").get_data(as_text=True)
    assert "<h1>Saker</h1>" in first
    assert "28 saker." in first and "Side 1 av 2." in first
    assert len(case_links(first)) == 25
    # Overdue first, in words and not only in colour.
    assert set(case_links(first)[:20]) == {c.id for c in cases[:20]}
    assert "Forsinket: Start undersøkelsen" in first
    second = client.get("/saker?side=2").get_data(as_text=True)
    assert len(case_links(second)) == 3
    assert set(case_links(first)) | set(case_links(second)) == {c.id for c in cases[:28]}

    closed = client.get("/saker?status=closed").get_data(as_text=True)
    assert sorted(case_links(closed)) == sorted(c.id for c in cases[28:])
    assert "30 saker." in client.get("/saker?status=all").get_data(as_text=True)
    overdue = client.get("/saker?forsinket=1").get_data(as_text=True)
    assert "20 saker." in overdue
    assert set(case_links(overdue)) == {c.id for c in cases[:20]}
    handled = client.get(f"/saker?behandler={per.id}").get_data(as_text=True)
    assert sorted(case_links(handled)) == sorted(c.id for c in cases[:5])
    in_5a = client.get("/saker?klasse=5A&status=all").get_data(as_text=True)
    assert sorted(case_links(in_5a)) == sorted(c.id for c in cases if c.pupil_class == "5A")

    for junk in (
        "status=alt&forsinket=kanskje&behandler=abc&klasse=%3Cscript%3E&side=-3",
        "behandler=99999999999999999999&side=99999999999999999999",
        "side=abc&klasse=9Z",
    ):
        response = client.get(f"/saker?{junk}")
        assert response.status_code == 200, junk
        page = response.get_data(as_text=True)
        assert "28 saker." in page and "<script>" not in page, junk
    last = client.get("/saker?side=7").get_data(as_text=True)
    assert "Side 2 av 2." in last
    listed = audit_events(session, "case.listed")
    assert listed and sorted(json.loads(listed[1].details)["cases"]) == sorted(case_links(second))


def test_empty_lists_say_so_in_plain_norwegian(client: FlaskClient, demo: dict[str, str]) -> None:
    rektor = logged_in(client, demo["ledelse"]).get("/saker").get_data(as_text=True)
    assert "Det er ingen åpne saker ved skolen nå." in rektor
    teacher = logged_in(client.application.test_client(), demo["kontaktlaerer"])
    page = teacher.get("/saker").get_data(as_text=True)
    assert "<h1>Mine saker</h1>" in page and "Du er ikke saksbehandler for noen åpne saker" in page
    owner = logged_in(client.application.test_client(), demo["skoleeier"])
    page = owner.get("/saker").get_data(as_text=True)
    assert "<h1>Innboks</h1>" in page and "Innboksen er tom." in page


def test_receive_assign_report_close_and_reopen(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case, _ = file(session, tmp_path, demo["ansatt"])
    url = f"/saker/{case.id}"
    logged_in(client, demo["ledelse"])
    page = client.get(url).get_data(as_text=True)
    assert "Datoen rektor fikk vite om saken er ikke registrert." in page
    # The receipt form starts at "now" in Oslo time.
    assert input_value(page, "mottatt-rektor_informed_at").startswith(
        oslo_now().strftime("%Y-%m-%d")
    )

    response = post_form(
        client,
        f"{url}/mottatt",
        "mottatt",
        {
            "rektor_informed_at": "2026-09-14T15:30",
            "raised_with_rektor_by_home": "2026-09-10",
            "serious": "y",
        },
    )
    assert response.status_code == 302 and response.headers["Location"] == url
    stored = fresh(session, case.id)
    # Typed times are kept as the Oslo wall-clock time (trygg.calendar.clock).
    assert stored.rektor_informed_at == dt.datetime(2026, 9, 14, 15, 30)
    assert stored.raised_with_rektor_by_home == dt.date(2026, 9, 10) and stored.serious
    assert [e.object_id for e in audit_events(session, "case.received")] == [str(case.id)]
    page = client.get(url).get_data(as_text=True)
    assert "Statsforvalteren kan behandle saken fra 17.09.2026." in page
    assert "14.09.2026 kl. 15.30" in page  # the one format for a typed moment

    per = user(session, demo["kontaktlaerer"])
    assert (
        post_form(
            client, f"{url}/saksbehandler", "behandler", {"handler": f"u{per.id}"}
        ).status_code
        == 302
    )
    assert fresh(session, case.id).handler_id == per.id
    assert json.loads(audit_events(session, "case.handler_assigned")[-1].details) == {
        "handler": per.id
    }
    teacher = logged_in(client.application.test_client(), demo["kontaktlaerer"])
    assert case_links(teacher.get("/saker").get_data(as_text=True)) == [case.id]

    owner = logged_in(client.application.test_client(), demo["skoleeier"])
    assert owner.get(url).status_code == 404
    page = client.get(url).get_data(as_text=True)
    assert input_value(page, "skoleeier-recipient") == "Utdanningsetaten, avdeling for skolemiljø"
    response = post_form(
        client,
        f"{url}/skoleeier",
        "skoleeier",
        {
            "reported_at": "2026-09-15T09:00",
            "recipient": "Utdanningsetaten, avdeling for skolemiljø",
        },
    )
    assert response.status_code == 302
    assert fresh(session, case.id).owner_reported_at == dt.datetime(2026, 9, 15, 9, 0)
    assert [e.object_id for e in audit_events(session, "case.owner_reported")] == [str(case.id)]
    inbox = owner.get("/saker").get_data(as_text=True)
    assert case_links(inbox) == [case.id] and "Nordpolen skole" in inbox

    follow_up = (oslo_now().date() + dt.timedelta(days=30)).isoformat()
    # Closing is a documented decision (tests/test_views_closing.py walks it through).
    response = post_form(
        client, f"{url}/avslutt", "avslutt", {**CLOSING_ANSWERS, "follow_up_on": follow_up}
    )
    assert response.status_code == 302
    assert fresh(session, case.id).status == "closed"
    assert [e.object_id for e in audit_events(session, "case.closed")] == [str(case.id)]
    page = client.get(url).get_data(as_text=True)
    assert "Åpne saken igjen" in page and "Saken er avsluttet" in page

    assert post_form(client, f"{url}/gjenapne", "gjenapne", {}).status_code == 302
    assert fresh(session, case.id).status == "open"
    assert [e.object_id for e in audit_events(session, "case.reopened")] == [str(case.id)]
    page = client.get(url).get_data(as_text=True)
    for text in (
        "Melding til rektor registrert",
        "Rektor har mottatt saken",
        "Saksbehandler satt: Per Olsen",
        "Saken er meldt til skoleeier",
        "Saken er åpnet igjen",
    ):
        assert text in page, text


def test_a_handler_works_the_case_but_does_not_take_leadership_actions(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "received")
    logged_in(client, demo["kontaktlaerer"])
    page = client.get(f"/saker/{case.id}").get_data(as_text=True)
    assert "Ledelsens oppgaver" not in page and "Legg til en person" in page
    if "case_documents.edit" in client.application.view_functions:
        assert f'href="/saker/{case.id}/dokument/undersokelse"' in page
        assert "Start/fortsett undersøkelse" in page and "Skriv aktivitetsplan" in page
        # No final plan yet, so nothing to evaluate.
        assert "Evaluer planen" not in page
    for action, prefix in (
        ("mottatt", "mottatt"),
        ("avslutt", "avslutt"),
        ("skoleeier", "skoleeier"),
    ):
        response = post_form(client, f"/saker/{case.id}/{action}", prefix, {})
        assert response.status_code == 403, action
    assert audit_events(session, "case.closed") == []


def test_adding_a_person_gives_the_next_label_and_is_audited(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case, _ = file(session, tmp_path, demo["ansatt"])
    labels = {a.name: a.label for a in case.actors if a.kind == "pupil"}
    assert labels == {"Jonas Berg": "Elev A", "Emma Hansen": "Elev B"}
    logged_in(client, demo["ledelse"])
    url = f"/saker/{case.id}/personer"
    fields = {"name": "Lise Ek", "kind": "pupil", "role": "vitne", "nicknames": "Lisa, LE ,"}
    response = post_form(client, url, "person", fields)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/saker/{case.id}#personer"
    lise = next(a for a in fresh(session, case.id).actors if a.name == "Lise Ek")
    assert (lise.label, lise.role, lise.aliases) == ("Elev C", "vitne", ["Lisa", "LE"])
    jonas = next(a for a in fresh(session, case.id).actors if a.name == "Jonas Berg")
    guardian = {"name": "Kari Berg", "kind": "guardian", "guardian_of": jonas.key}
    assert post_form(client, url, "person", guardian).status_code == 302
    kari = next(a for a in fresh(session, case.id).actors if a.name == "Kari Berg")
    assert kari.label == "Foresatt til Elev A"
    added = audit_events(session, "case.person_added")
    assert [json.loads(e.details) for e in added] == [{"actor": lise.id}, {"actor": kari.id}]

    page = client.get(f"/saker/{case.id}").get_data(as_text=True)
    assert "Lise Ek er lagt til i saken og heter Elev C i dokumentene." not in page  # flashed once
    key = page.split("<details>", 1)[1].split("</details>", 1)[0]
    for text in ("Lise Ek", "Elev C", "Lisa, LE", "Kari Berg", "Foresatt til Elev A"):
        assert text in key, text
    assert "Person lagt til i saken: Lise Ek" in page


def test_refused_forms_keep_what_was_typed(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case, _ = file(session, tmp_path, demo["ansatt"])
    url = f"/saker/{case.id}"
    logged_in(client, demo["ledelse"])

    response = post_form(
        client,
        f"{url}/mottatt",
        "mottatt",
        {
            "rektor_informed_at": "2099-01-01T10:00",
            "raised_with_rektor_by_home": "2026-09-10",
            "serious": "y",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Tidspunktet kan ikke være i fremtiden." in error_summary(page)
    assert 'href="#mottatt-rektor_informed_at"' in page
    assert input_value(page, "mottatt-rektor_informed_at") == "2099-01-01T10:00"
    assert input_value(page, "mottatt-raised_with_rektor_by_home") == "2026-09-10"
    assert re.search(r'<input[^>]* checked [^>]*id="mottatt-serious"', page)
    assert fresh(session, case.id).rektor_informed_at is None
    assert audit_events(session, "case.received") == []

    page = post_form(client, f"{url}/mottatt", "mottatt", {"rektor_informed_at": ""}).get_data(
        as_text=True
    )
    assert "Skriv når rektor fikk vite om saken." in error_summary(page)

    response = post_form(
        client, f"{url}/personer", "person", {"name": " ", "kind": "pupil", "nicknames": "Jonte2"}
    )
    page = response.get_data(as_text=True)
    assert "Skriv navnet på personen." in error_summary(page)
    assert input_value(page, "person-nicknames") == "Jonte2"

    response = post_form(
        client, f"{url}/avslutt", "avslutt", {**CLOSING_ANSWERS, "follow_up_on": "2020-01-01"}
    )
    page = response.get_data(as_text=True)
    assert "Oppfølgingsdatoen kan ikke være passert." in error_summary(page)
    assert input_value(page, "avslutt-follow_up_on") == "2020-01-01"
    assert fresh(session, case.id).status == "open"

    page = post_form(client, f"{url}/saksbehandler", "behandler", {"handler": "u999999"}).get_data(
        as_text=True
    )
    assert "Finner ingen ansatt ved skolen" in error_summary(page)

    # A button with nothing typed: the refusal is flashed on the case page (web.errors).
    response = post_form(client, f"{url}/gjenapne", "gjenapne", {})
    assert response.status_code == 302 and response.headers["Location"] == url
    assert "Saken er allerede åpen." in client.get(url).get_data(as_text=True)


def test_case_page_shows_the_whole_case_and_audits_the_key(
    app: Flask, client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    today = oslo_now().date()
    seed_demo_cases(session, archive_for(tmp_path), today)
    session.commit()
    nora = next(c for c in session.query(Case).all() if c.pupil_name == "Nora Haugen")
    logged_in(client, demo["ledelse"])
    page = client.get(f"/saker/{nora.id}").get_data(as_text=True)
    evaluate_on = (today + dt.timedelta(days=2)).strftime("%d.%m.%Y")
    for text in (
        "Nora Haugen, 7C",
        nora.reference,
        "Tiltak pågår",
        "Per Olsen",
        f"Frist snart: Evaluer aktivitetsplanen, frist {evaluate_on}",
        "Statsforvalteren kan behandle saken fra",
        "Meldeskjema, nr. 1",
        "Undersøkelse, nr. 1",
        "Aktivitetsplan, versjon 1",
        "Ferdigstilt",
        "Voksen til stede i garderoben ved AKS-start",
        "Mona Ruud (miljøarbeider AKS)",
        "Dokument ferdigstilt og arkivert – Aktivitetsplan 1",
        "Isak Lunde",
        "Trine Lunde",
        "Foresatt til Elev A",
    ):
        assert text in page, text
    duties = page.split('id="plikter"', 1)[1].split("</table>", 1)[0]
    done = {
        name: f'<tr><td>{name}</td><td><span class="badge badge-green">Ja' in duties
        for name in ("Følge med", "Gripe inn", "Melde fra", "Undersøke", "Sette inn tiltak")
    }
    # Nora's report records no intervention, and the investigation none either.
    assert done == {
        "Følge med": True,
        "Gripe inn": False,
        "Melde fra": True,
        "Undersøke": True,
        "Sette inn tiltak": True,
    }
    has_forms = "case_documents.edit" in app.view_functions
    assert ("Evaluer planen" in page) is has_forms
    assert (f'href="/saker/{nora.id}/dokument/evaluering"' in page) is has_forms
    for action in ("case.viewed", "case.key_viewed"):
        assert [e.object_id for e in audit_events(session, action)] == [str(nora.id)], action


def test_staff_suspected_case_warns_until_reported_to_the_owner(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    report = sara_report(staff_suspected=True, suspected_name="Per Olsen")
    case, _ = file(session, tmp_path, demo["ansatt"], report)
    logged_in(client, demo["ledelse"])
    page = client.get(f"/saker/{case.id}").get_data(as_text=True)
    assert "Skjerpet aktivitetsplikt (§ 12-5)" in page
    assert "Rektor må melde saken til skoleeier straks" in page
    assert "Forsinket: Meld til skoleeier" in page
    assert "Mistenkt (§ 12-5)" in page
    # The suspected teacher is no choice for handler.
    per = user(session, demo["kontaktlaerer"])
    assert f'value="u{per.id}"' not in page
    listing = client.get("/saker").get_data(as_text=True)
    assert "§ 12-5" in listing
    post_form(
        client,
        f"/saker/{case.id}/skoleeier",
        "skoleeier",
        {"reported_at": "2026-09-14T14:00", "recipient": "Utdanningsetaten"},
    )
    page = client.get(f"/saker/{case.id}").get_data(as_text=True)
    assert "Rektor må melde saken til skoleeier straks" not in page
    assert "Meldt til skoleeier" in page and "Forsinket: Meld til skoleeier" not in page
