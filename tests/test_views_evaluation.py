"""The evaluation page: pre-filled from the plan, leading to a new plan version with the
measures to keep, or closing the case."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import csrf_token, log_in
from tests.document_pages import documents, edit_url, form_fields, submit, text_of
from tests.factories.cases import case_at
from tests.factories.users import HANDLER, RECTOR, staff_value, user
from trygg.cases.closing import pending_proposal
from trygg.models import Case, Notification
from trygg.models.cases import CLOSED
from trygg.models.documents import DRAFT, FINAL


def answers(**overall: str) -> dict[str, str]:
    return {
        "measures-0-carried_out": "ja",
        "measures-0-effect_pupil": "Sara sier friminuttene er bedre.",
        "measures-0-decision": "fortsette",
        "measures-1-carried_out": "ja",
        "measures-1-effect_pupil": "Chatten er roligere.",
        "measures-1-decision": "avslutte",
        "participants": "Sara\nforesatte\nPer Olsen",
        "date": "2026-12-01",
        "overall": "Bedring, men Sara opplever det ikke som trygt ennå.",
        **overall,
    }


def test_evaluation_is_prefilled_from_the_plan(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "planned")
    log_in(client, HANDLER)

    url = edit_url(case.id, "evaluering")
    client.post(f"{url}/start", data={"csrf_token": csrf_token(client, url)})  # start button
    page = client.get(edit_url(case.id, "evaluering"))

    assert page.status_code == 200
    shown = text_of(page)
    assert "Voksen ute i storefri" in shown and "Klassemøte om klassemiljøet" in shown
    assert "01.12.2026" in shown  # the planned date, read-only
    fields = form_fields(page.get_data(as_text=True))
    assert fields["measures-0-by"] == staff_value(session, HANDLER)
    assert fields["measures-1-by"] == staff_value(session, HANDLER)
    assert "measures-2-by" not in fields
    [draft] = documents(session, case.id, "evaluering")
    assert draft.status == DRAFT and draft.data["plan_version"] == 1


def test_new_version_keeps_only_measures_to_continue_or_adjust(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "planned")
    log_in(client, HANDLER)
    url = edit_url(case.id, "evaluering")
    client.post(f"{url}/start", data={"csrf_token": csrf_token(client, url)})  # start button
    page = client.get(url).get_data(as_text=True)
    changes = answers(pupil_safe_now="nei", next_action="ny_versjon", next_evaluate_on="2027-01-15")

    done = submit(client, url, page, changes, button="ferdigstill")

    assert done.status_code == 302, text_of(done)[:3000]
    assert done.headers["Location"] == edit_url(case.id, "aktivitetsplan")
    [evaluation] = documents(session, case.id, "evaluering")
    assert evaluation.status == FINAL
    assert evaluation.data["participants"] == ["Sara", "foresatte", "Per Olsen"]
    v1, v2 = documents(session, case.id, "aktivitetsplan")
    assert (v2.number, v2.status, v2.parent_id) == (2, DRAFT, v1.id)
    assert [m["description"] for m in v2.data["measures"]] == ["Voksen ute i storefri"]
    assert v2.data["measures"][0]["evaluate_on"] == "2027-01-15"
    shown = text_of(client.get(done.headers["Location"]))
    assert "tiltakene som skal fortsette eller justeres, er fylt ut" in shown
    assert form_fields(shown)["measures-0-description"] == "Voksen ute i storefri"
    assert "measures-1-description" not in form_fields(shown)


def test_closing_the_plan_proposes_closing_to_the_leadership(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "planned")
    log_in(client, HANDLER)
    url = edit_url(case.id, "evaluering")
    client.post(f"{url}/start", data={"csrf_token": csrf_token(client, url)})  # start button
    page = client.get(url).get_data(as_text=True)

    refused = submit(
        client,
        url,
        page,
        answers(pupil_safe_now="nei", next_action="avslutte", next_follow_up_on="2027-02-01"),
        button="ferdigstill",
    )
    assert "kan ikke avsluttes så lenge eleven ikke opplever" in text_of(refused)
    session.expire_all()
    assert session.get(Case, case.id).status != CLOSED

    done = submit(
        client,
        url,
        refused.get_data(as_text=True),
        {"pupil_safe_now": "ja"},
        button="ferdigstill",
    )

    assert done.status_code == 302, text_of(done)[:3000]
    session.expire_all()
    # Never a silent close (issue 10): the leadership is alerted and decides.
    proposed = session.get(Case, case.id)
    proposal = pending_proposal(session, proposed)
    assert proposed.status != CLOSED and proposal is not None
    assert str(proposal.follow_up_on) == "2027-02-01"
    alerted = session.execute(
        select(Notification.user_id).where(Notification.code == "closing_proposed")
    ).scalars()
    leaders = set(alerted)
    assert user(session, RECTOR).id in leaders and user(session, HANDLER).id not in leaders
    view = text_of(client.get(url))
    assert "Forslaget om å avslutte saken er sendt til ledelsen" in view
    assert len(documents(session, case.id, "aktivitetsplan")) == 1


def test_a_missing_next_date_is_shown_at_the_date_field(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "planned")
    log_in(client, HANDLER)
    url = edit_url(case.id, "evaluering")
    client.post(f"{url}/start", data={"csrf_token": csrf_token(client, url)})  # start button
    page = client.get(url).get_data(as_text=True)

    refused = submit(
        client,
        url,
        page,
        answers(pupil_safe_now="ja", next_action="ny_evaluering", next_evaluate_on=""),
        button="ferdigstill",
    )

    shown = text_of(refused)
    # The summary links to the date field, and the message stands beside it.
    assert 'href="#next_evaluate_on"' in shown
    field = shown.split('id="next_evaluate_on-error"', 1)[1].split("</p>", 1)[0]
    assert "Neste evalueringsdato mangler" in field
