"""§ 12-5: a case where someone in the school leadership is suspected does not exist for
that leadership, on any page, list, count, alert or action; the school owner has it.

And the SQL rule behind every list and count (`visible_to`) lets exactly the same users see
exactly the same cases as the rule behind every page (`can_view_case`).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.routing import IntegerConverter, Rule

from tests.case_pages import case_links, logged_in, post_form
from tests.conftest import csrf_token
from tests.factories.cases import (
    BY,
    LEADERSHIP_CASE,
    NOW,
    archive_for,
    close_directly,
    file,
    receive_and_assign,
    sara_report,
)
from tests.factories.users import user
from trygg.accounts.organisation import ensure_municipality, ensure_school, find_school
from trygg.accounts.permissions import can_view_case
from trygg.accounts.principal import Principal
from trygg.accounts.users import NewUser, create_user
from trygg.calendar.clock import oslo_now
from trygg.cases.access import case_access, visible_to
from trygg.cases.leadership import assign_handler, record_owner_report
from trygg.demo.cases import seed_demo_cases
from trygg.errors import DomainError
from trygg.models import Case, CaseDocument, Notification, User


def ordinary_report(name: str, class_name: str) -> object:
    return sara_report(
        pupil_name=name,
        pupil_class=class_name,
        account="Eleven sier at ingen vil sitte ved siden av ham i klasserommet.",
        others=(),
    )


def url_for_case(rule: Rule, case_id: int, document_id: int) -> str:
    values: dict[str, object] = {}
    for arg in rule.arguments:
        if arg == "case_id":
            values[arg] = case_id
        elif arg == "document_id":
            values[arg] = document_id
        elif arg == "kind":
            values[arg] = "undersokelse"
        elif arg == "fmt":
            values[arg] = "docx"
        elif isinstance(rule._converters.get(arg), IntegerConverter):
            values[arg] = 1
        else:
            values[arg] = "x"
    return rule.build(values, append_unknown=False)[1]  # type: ignore[index]


def test_a_leadership_case_does_not_exist_for_the_rektor(
    app: Flask, client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    hidden, report = file(session, tmp_path, demo["ansatt"], sara_report(**LEADERSHIP_CASE))
    visible, _ = file(session, tmp_path, demo["ansatt"], ordinary_report("Ola Nordmann", "5A"))
    secrets = (hidden.pupil_name, hidden.reference)
    assert visible.reference not in secrets and hidden.pupil_class != visible.pupil_class
    logged_in(client, demo["ledelse"])
    bodies: list[str] = []

    def get(url: str, status: int = 200) -> str:
        response = client.get(url)
        assert response.status_code == status, url
        bodies.append(response.get_data(as_text=True))
        return bodies[-1]

    for query in ("", "?status=all", "?status=closed", "?forsinket=1", "?klasse=6B&status=all"):
        page = get(f"/saker{query}")
        assert hidden.id not in case_links(page), query
    assert case_links(get("/saker?status=all")) == [visible.id]
    # Not even its class is offered as a filter.
    assert 'value="6B"' not in get("/saker")
    home = get("/")
    assert "Åpne saker: <strong>1</strong>" in home and "Forsinket: <strong>1</strong>" in home

    get(f"/saker/{hidden.id}", 404)
    case_rules = [r for r in app.url_map.iter_rules() if "case_id" in r.arguments]
    assert {
        "cases.show",
        "cases.receive",
        "cases.add_person",
        "cases.reopen",
        "case_closing.close",
        "case_closing.propose",
        "case_closing.confirm",
        "case_closing.decline",
        "case_closing.follow_up",
    } <= {r.endpoint for r in case_rules}
    token = csrf_token(client, "/")
    for rule in case_rules:
        url = url_for_case(rule, hidden.id, report.id)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method, data={"csrf_token": token})
            assert response.status_code == 404, f"{method} {url}"
            bodies.append(response.get_data(as_text=True))
    # The same actions on the case the rektor may see are answered (the test can fail).
    assert client.get(f"/saker/{visible.id}").status_code == 200

    alerts = get("/varsler")
    assert f'href="/saker/{visible.id}"' in alerts and "§ 12-5" not in alerts
    get("/admin/logg", 403)
    get("/admin/brukere", 403)
    for body in bodies:
        for secret in secrets:
            assert secret not in body

    owner = logged_in(app.test_client(), demo["skoleeier"])
    inbox = owner.get("/saker").get_data(as_text=True)
    assert case_links(inbox) == [hidden.id] and "Nordpolen skole" in inbox
    assert "Åpne saker: <strong>1</strong>" in owner.get("/").get_data(as_text=True)
    page = owner.get(f"/saker/{hidden.id}").get_data(as_text=True)
    for text in (
        "Sara Nilsen",
        hidden.reference,
        "Skjerpet aktivitetsplikt (§ 12-5)",
        "Noen i skoleledelsen er mistenkt",
        "Ledelsens oppgaver",
    ):
        assert text in page, text
    # Reported straight to the owner: no warning, no overdue report to the owner.
    assert "Rektor må melde saken til skoleeier straks" not in page
    assert "Meld til skoleeier, frist" not in page
    hilde, per = user(session, demo["ledelse"]), user(session, demo["kontaktlaerer"])
    assert f'value="u{hilde.id}"' not in page and f'value="u{per.id}"' in page
    alerts = owner.get("/varsler").get_data(as_text=True)
    assert "Melding etter § 12-5 – haster" in alerts and f'href="/saker/{hidden.id}"' in alerts
    assert owner.get(f"/saker/{visible.id}").status_code == 404

    # The owner acts for the leadership; the rektor still cannot see the case.
    fields = {"handler": f"u{per.id}"}
    assert (
        post_form(owner, f"/saker/{hidden.id}/saksbehandler", "behandler", fields).status_code
        == 302
    )
    teacher = logged_in(app.test_client(), demo["kontaktlaerer"])
    assert teacher.get(f"/saker/{hidden.id}").status_code == 200
    assert client.get(f"/saker/{hidden.id}").status_code == 404
    assert hidden.id not in case_links(client.get("/saker").get_data(as_text=True))


def _extra_people(app: Flask, session: Session) -> None:
    """A second leader at Nordpolen and a school owner in another municipality."""
    passwords = app.extensions["trygg.passwords"]
    nordpolen = find_school(session, "Nordpolen skole")
    create_user(
        session,
        passwords,
        NewUser(
            "avdelingsleder@demo.trygg.no",
            "Lars Vik",
            "ledelse",
            nordpolen.municipality_id,
            nordpolen.id,
        ),
        BY,
    )
    bergen = ensure_municipality(session, "Bergen kommune", "Etat for skole", BY)
    ensure_school(session, bergen, "Bergen skole", BY)
    create_user(
        session,
        passwords,
        NewUser("skoleeier@bergen.example.no", "Berit Berg", "skoleeier", bergen.id, None),
        BY,
    )
    session.commit()


def test_sql_and_page_rules_agree_for_every_user_and_case(
    app: Flask, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    _extra_people(app, session)
    seed_demo_cases(session, archive_for(tmp_path), oslo_now().date())
    session.commit()
    rektor = user(session, demo["ledelse"])
    file(session, tmp_path, demo["ansatt"], ordinary_report("Ola Vanlig", "4A"))
    file(
        session,
        tmp_path,
        demo["ansatt"],
        sara_report(pupil_name="Kari Ansatt", staff_suspected=True, suspected_name="Per Olsen"),
    )
    file(
        session, tmp_path, demo["ansatt"], sara_report(pupil_name="Siv Ledelse", **LEADERSHIP_CASE)
    )
    reported, _ = file(session, tmp_path, demo["ansatt"], ordinary_report("Ole Meldt", "4B"))
    record_owner_report(session, reported, NOW, "Utdanningsetaten", rektor, BY, NOW)
    handled, _ = file(session, tmp_path, demo["ansatt"], ordinary_report("Hans Handler", "3A"))
    receive_and_assign(session, handled, demo["ledelse"], demo["kontaktlaerer"])
    # Per handles a case, then a later report on the same pupil suspects him.
    turned, _ = file(session, tmp_path, demo["ansatt"], ordinary_report("Tor Snudd", "3B"))
    receive_and_assign(session, turned, demo["ledelse"], demo["kontaktlaerer"])
    file(
        session,
        tmp_path,
        demo["ansatt"],
        sara_report(
            pupil_name="Tor Snudd",
            pupil_class="3B",
            staff_suspected=True,
            suspected_name="Per Olsen",
        ),
    )
    closed, _ = file(session, tmp_path, demo["ansatt"], ordinary_report("Lukket Sak", "2A"))
    close_directly(session, tmp_path, closed, rektor)
    other = demo["ansatt_other_school"]
    file(session, tmp_path, other, ordinary_report("Vestre Vanlig", "4A"))
    far, _ = file(session, tmp_path, other, ordinary_report("Vestre Meldt", "6C"))
    knut = user(session, "rektor.vestreaker@demo.trygg.no")
    record_owner_report(session, far, NOW, "Utdanningsetaten", knut, BY, NOW)
    file(
        session,
        tmp_path,
        other,
        sara_report(
            pupil_name="Vestre Ledelse", **{**LEADERSHIP_CASE, "suspected_name": "Knut Aas"}
        ),
    )
    session.commit()

    cases = list(session.execute(select(Case)).scalars())
    assert len(cases) == 13
    seen_by: dict[str, set[str]] = {}
    for account in session.execute(select(User)).scalars():
        principal = Principal.of(account)
        in_sql = set(session.execute(select(Case.id).where(visible_to(principal))).scalars())
        by_rule = {c.id for c in cases if can_view_case(principal, case_access(c))}
        assert in_sql == by_rule, account.email
        seen_by[account.email] = {c.pupil_name for c in cases if c.id in in_sql}

    # The situations are what they claim to be (so agreement is not agreement on nothing).
    assert "Siv Ledelse" not in seen_by[demo["ledelse"]]
    assert "Siv Ledelse" not in seen_by["avdelingsleder@demo.trygg.no"]
    assert {"Kari Ansatt", "Tor Snudd", "Ola Vanlig", "Lukket Sak"} <= seen_by[demo["ledelse"]]
    assert seen_by[demo["kontaktlaerer"]] == {"Leo Johansen", "Nora Haugen", "Hans Handler"}
    assert seen_by[demo["skoleeier"]] == {
        "Leo Johansen",  # the demo's serious case, reported to the owner
        "Siv Ledelse",
        "Ole Meldt",
        "Vestre Meldt",
        "Vestre Ledelse",
    }
    assert seen_by["skoleeier@bergen.example.no"] == set()
    assert seen_by["rektor.vestreaker@demo.trygg.no"] == {"Vestre Vanlig", "Vestre Meldt"}
    for role in ("ansatt", "admin", "admin_school", "ansatt_other_school"):
        assert seen_by[demo[role]] == set(), role
    assert all(any(c.pupil_name in seen for seen in seen_by.values()) for c in cases)
    assert session.execute(select(CaseDocument.id)).first() is not None


def test_no_leader_can_be_made_handler_of_a_leadership_case(
    app: Flask, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    """A leader as handler would be told of the case by the assignment notice (§ 12-5)."""
    _extra_people(app, session)
    case, _ = file(
        session,
        tmp_path,
        demo["ansatt"],
        sara_report(staff_suspected=True, leadership_suspected=True, suspected_name="Hilde Moe"),
    )
    owner = user(session, demo["skoleeier"])
    other_leader = user(session, "avdelingsleder@demo.trygg.no")
    with pytest.raises(DomainError, match="skolens ledelse"):
        assign_handler(session, case, f"u{other_leader.id}", owner, BY, NOW)
    session.rollback()
    leader_notices = session.execute(
        select(Notification).where(Notification.user_id == other_leader.id)
    ).scalars()
    assert list(leader_notices) == []
    teacher = user(session, demo["kontaktlaerer"])
    assert assign_handler(session, case, f"u{teacher.id}", owner, BY, NOW) is teacher
