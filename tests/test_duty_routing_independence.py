"""Issue 10, § 12-5 independence: in a § 12-5 case the suspect, and every leader of the
school when the case is hidden from the leadership, never handles the case, leads its
plan or owns a measure, in any form or input file; the school owner may pick a handler
from any school of the municipality, or handle the case itself.

Domain and HTTP, on SQLite and PostgreSQL, with the demo users (tests/test_duty_routing.py
names them).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.case_pages import case_links, fresh, logged_in, post_form
from tests.factories.cases import BY, LEADERSHIP_CASE, NOW, file, receive_and_assign, sara_report
from tests.factories.users import VESTRE_AKER, demo_email, school, user
from trygg.accounts.permissions import can_view_case
from trygg.accounts.principal import Principal
from trygg.accounts.roles import ANSATT, KONTAKTLAERER, LEDELSE, SKOLEEIER
from trygg.accounts.users import NewUser, create_user
from trygg.cases.access import case_access, visible_to
from trygg.cases.documents import save_draft
from trygg.cases.leadership import assign_handler
from trygg.cases.workflow import start_document
from trygg.documents import InvalidInput, validate_input
from trygg.errors import Refused
from trygg.models import Case, CaseDocument, User

MONA = demo_email(ANSATT)
PER = demo_email(KONTAKTLAERER)
HILDE = demo_email(LEDELSE)
EVA = demo_email(SKOLEEIER, None)
INGRID = demo_email(KONTAKTLAERER, VESTRE_AKER)
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def sees(session: Session, email: str, case: Case) -> bool:
    """Whether the person may see the case, by the page rule and the list rule alike."""
    principal = Principal.of(user(session, email))
    by_rule = can_view_case(principal, case_access(case))
    query = select(Case.id).where(visible_to(principal), Case.id == case.id)
    assert (session.execute(query).first() is not None) == by_rule, email
    return by_rule


def second_leader(app: Flask, session: Session) -> User:
    """Lars Vik, avdelingsleder at Nordpolen: a second member of the leadership."""
    nordpolen = school(session)
    create_user(
        session,
        app.extensions["trygg.passwords"],
        NewUser(
            "avdelingsleder@demo.trygg.no",
            "Lars Vik",
            LEDELSE,
            nordpolen.municipality_id,
            nordpolen.id,
            title="avdelingsleder",
        ),
        BY,
    )
    session.commit()
    return user(session, "avdelingsleder@demo.trygg.no")


# --- independence ----------------------------------------------------------------------


def test_the_owner_picks_a_handler_anywhere_in_the_municipality_never_the_suspect(
    app: Flask, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case, _ = file(session, tmp_path, MONA, sara_report(**LEADERSHIP_CASE))
    owner = logged_in(app.test_client(), EVA)
    page = owner.get(f"/saker/{case.id}").get_data(as_text=True)
    picker = page.split('id="behandler-handler"', 1)[1].split("</select>", 1)[0]
    ingrid, hilde, eva = user(session, INGRID), user(session, HILDE), user(session, EVA)
    assert f'value="u{ingrid.id}"' in picker and "Vestre Aker skole" in picker
    assert f'value="u{eva.id}"' in picker and "skoleeier behandler saken selv" in picker
    assert f'value="u{hilde.id}"' not in picker

    url = f"/saker/{case.id}/saksbehandler"
    refused = post_form(owner, url, "behandler", {"handler": f"u{hilde.id}"})
    assert refused.status_code == 200
    assert "mistenkt i saken" in refused.get_data(as_text=True)
    assert post_form(owner, url, "behandler", {"handler": f"u{ingrid.id}"}).status_code == 302
    teacher = logged_in(app.test_client(), INGRID)
    assert teacher.get(f"/saker/{case.id}").status_code == 200
    assert case.id in case_links(teacher.get("/saker").get_data(as_text=True))
    assert logged_in(app.test_client(), HILDE).get(f"/saker/{case.id}").status_code == 404
    # Or the school owner handles the case itself.
    assert post_form(owner, url, "behandler", {"handler": f"u{eva.id}"}).status_code == 302
    assert fresh(session, case.id).handler_id == eva.id


def test_no_suspect_and_no_leader_of_a_hidden_case_leads_the_plan_or_owns_a_measure(
    app: Flask, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    lars = second_leader(app, session)
    case, _ = file(session, tmp_path, MONA, sara_report(**LEADERSHIP_CASE))
    per, hilde, eva = user(session, PER), user(session, HILDE), user(session, EVA)
    assign_handler(session, case, f"u{per.id}", eva, BY, NOW)
    plan = start_document(session, case, "aktivitetsplan", per, NOW)
    session.commit()
    suspect = next(a for a in case.actors if a.suspected)
    measure = {"description": "Voksen ute", "level": "gruppe", "start": "2026-09-22"}
    for field, section in (
        ("responsible", {"responsible": f"u{hilde.id}"}),
        ("responsible", {"responsible": f"u{lars.id}"}),
        ("responsible", {"responsible": suspect.key}),
        ("measures-0-by", {"measures": [{**measure, "by": "Hilde Moe"}]}),
        ("measures-0-by", {"measures": [{**measure, "by": suspect.key}]}),
        ("measures-0-by", {"measures": [{**measure, "by": "Lars Vik"}]}),
    ):
        with pytest.raises(Refused) as refused:
            save_draft(session, case, plan, {**plan.data, **section}, plan.revision, per, NOW)
        assert refused.value.field == field, section
        session.rollback()
        plan = session.get(CaseDocument, plan.id)  # type: ignore[assignment]
        case = session.get(Case, case.id)  # type: ignore[assignment]
        assert plan is not None and case is not None
    fine = {"responsible": f"u{per.id}", "measures": [{**measure, "by": "Per Olsen"}]}
    save_draft(session, case, plan, {**plan.data, **fine}, plan.revision, per, NOW)


def test_a_suspected_employee_never_handles_a_staff_case_or_owns_its_measures(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    report = sara_report(staff_suspected=True, suspected_name="Per Olsen")
    case, _ = file(session, tmp_path, MONA, report)
    hilde, per = user(session, HILDE), user(session, PER)
    with pytest.raises(Refused, match="mistenkt i saken"):
        assign_handler(session, case, f"u{per.id}", hilde, BY, NOW)
    session.rollback()
    plan = start_document(session, case, "aktivitetsplan", hilde, NOW)
    with pytest.raises(Refused, match="mistenkt i saken"):
        save_draft(
            session,
            case,
            plan,
            {**plan.data, "responsible": "Per Olsen"},
            plan.revision,
            hilde,
            NOW,
        )


def test_an_input_file_cannot_make_the_suspect_responsible() -> None:
    data = json.loads((EXAMPLES / "aktivitetsplan.json").read_text(encoding="utf-8"))
    validate_input("aktivitetsplan", data)  # the example is fine as it is
    for actor in data["actors"]:
        if actor["id"] == "s2":
            actor["suspected"] = True
    with pytest.raises(InvalidInput) as invalid:
        validate_input("aktivitetsplan", data)
    problems = "\n".join(invalid.value.problems)
    assert "Ansvarlig leder: «s2» er mistenkt i saken (§ 12-5)" in problems
    assert "Tiltak 2 › Hvem gjennomfører: «s2» er mistenkt" in problems


def test_a_handler_who_becomes_a_suspect_is_no_longer_the_handler(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case, _ = file(session, tmp_path, MONA, sara_report())
    receive_and_assign(session, case, HILDE, PER)
    file(session, tmp_path, MONA, sara_report(staff_suspected=True, suspected_name="Per Olsen"))
    case = fresh(session, case.id)
    assert case.handler_id is None
    assert not sees(session, PER, case)
