"""Journey 1 through HTTP: a staff member files a meldeskjema, gets a receipt and its Word
file, and finds it again; nobody else can open it."""

from __future__ import annotations

import html
import json

from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.admin_pages import audit_events, error_summary, input_value
from tests.conftest import log_in
from tests.report_pages import (
    ACCOUNT,
    NEW,
    cases,
    checked,
    docx_text,
    filed,
    notified,
    post_report,
    user_id,
)
from trygg.models import ArchivedFile, CaseDocument, Notification
from trygg.models.documents import FINAL

# --- filing --------------------------------------------------------------------------------


def test_filing_creates_case_archived_report_and_alert_for_rektor(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    receipt_url = filed(client, demo["ansatt"])
    (case,) = cases(session)
    assert (case.pupil_name, case.pupil_class, case.staff_suspected) == ("Sara Nilsen", "6B", False)
    doc = session.execute(select(CaseDocument).where(CaseDocument.case_id == case.id)).scalar_one()
    assert receipt_url == f"/meldinger/{doc.id}"
    assert (doc.kind, doc.status, doc.created_by) == (
        "meldeskjema",
        FINAL,
        user_id(session, demo["ansatt"]),
    )
    assert doc.data["account"] == ACCOUNT
    assert doc.data["kinds"] == ["utestenging", "digital krenkelse"]
    assert doc.data["happened_at"] == "2026-09-14T10:15"
    stored = session.execute(select(ArchivedFile).where(ArchivedFile.document_id == doc.id))
    assert stored.scalar_one().format == "docx"
    assert notified(session, case) == {user_id(session, demo["ledelse"])}
    assert [e.object_id for e in audit_events(session, "case.report_filed")] == [str(case.id)]

    page = client.get(receipt_url).get_data(as_text=True)
    assert "Meldingen er sendt" in page
    assert case.reference in page
    assert "Rektor og skoleledelsen ved Nordpolen skole" in page
    assert html.escape(ACCOUNT, quote=False) in page
    # The reporter sees the names they typed, not labels.
    assert "Jonas Berg" in page and "Jonte" in page
    assert "14.09.2026 kl. 10.15" in page  # the one format for a typed moment
    viewed = audit_events(session, "report.viewed")
    assert [(e.object_id, json.loads(e.details)) for e in viewed] == [
        (str(case.id), {"document": doc.id})
    ]
    assert "Hilde Moe" not in page  # never names the people it went to


def test_word_receipt_has_labels_instead_of_other_pupils_and_names_the_reporter(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    receipt_url = filed(client, demo["ansatt"])
    page = client.get(receipt_url).get_data(as_text=True)
    assert f'href="{receipt_url}/word"' in page and "Last ned meldeskjemaet (Word)" in page

    response = client.get(f"{receipt_url}/word")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    (case,) = cases(session)
    stored = session.execute(select(ArchivedFile)).scalar_one()
    assert stored.filename in response.headers["Content-Disposition"]
    text = docx_text(response.data)
    assert "Elev A" in text
    assert "Jonas Berg" not in text and "Jonte" not in text
    assert "Mona Ruud" in text  # the reporter, named in their role
    assert "Sara" in text and case.reference in text
    downloaded = audit_events(session, "document.downloaded")
    assert [json.loads(e.details) for e in downloaded] == [
        {"document": stored.document_id, "format": "docx"}
    ]


def test_second_report_for_the_same_pupil_joins_the_open_case(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    first = filed(client, demo["ansatt"])
    second = filed(
        client,
        demo["kontaktlaerer"],
        pupil_name="  sara   NILSEN ",
        pupil_class="6b",
        account="Sara gråt i gangen etter gym.",
        # Only people this form names: Jonas is in the case, but not in this report.
        intervention="Snakket med Emma med en gang.",
        **{"others-0-name": "Emma Hansen", "others-0-aliases": ""},
    )
    assert first != second
    (case,) = cases(session)
    docs = session.execute(select(CaseDocument).where(CaseDocument.case_id == case.id)).scalars()
    assert [d.number for d in docs] == [1, 2]

    # The second reporter's receipt lists only the pupils they named themselves.
    page = client.get(second).get_data(as_text=True)
    assert "Emma Hansen" in page and "Jonas Berg" not in page
    listing = client.get("/meldinger").get_data(as_text=True)
    assert second in listing and first not in listing


def test_my_reports_lists_own_reports_newest_first(
    client: FlaskClient, demo: dict[str, str]
) -> None:
    first = filed(client, demo["ansatt"])
    second = filed(
        client,
        demo["ansatt"],
        pupil_name="Ali Demir",
        pupil_class="5A",
        account="Ali sa at Jonas ikke lar ham være med.",
    )
    listing = client.get("/meldinger").get_data(as_text=True)
    assert "<h1>Mine meldinger</h1>" in listing
    assert listing.index(f'href="{second}"') < listing.index(f'href="{first}"')
    assert "Ali Demir, 5A" in listing and "Sara Nilsen, 6B" in listing


def test_nobody_else_can_open_a_receipt(client: FlaskClient, demo: dict[str, str]) -> None:
    receipt_url = filed(client, demo["ansatt"])
    for role in ("kontaktlaerer", "ledelse", "ansatt_other_school"):
        other = client.application.test_client()
        log_in(other, demo[role])
        assert other.get(receipt_url).status_code == 404, role
        assert other.get(f"{receipt_url}/word").status_code == 404, role
        assert receipt_url not in other.get("/meldinger").get_data(as_text=True)


# --- bad input -----------------------------------------------------------------------------


def test_bad_input_is_explained_in_norwegian_and_everything_typed_is_kept(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    log_in(client, demo["ansatt"])
    status, page, _ = post_report(client, kinds=None)
    assert status == 200
    assert "Hva slags krenkelse?: Kryss av for minst én type krenkelse." in error_summary(page)
    assert html.escape(ACCOUNT, quote=False) in page
    assert input_value(page, "others-0-name") == "Jonas Berg"
    assert input_value(page, "others-0-aliases") == "Jonte"
    assert input_value(page, "happened_at") == "2026-09-14T10:15"
    assert checked(page, "arena") == ["friminutt"]
    assert checked(page, "pupil_said_so") == ["ja"]

    status, page, _ = post_report(client, account="   ")
    summary = error_summary(page)
    assert "Skriv hva du så eller hva du ble fortalt." in summary
    assert 'href="#account"' in summary
    assert input_value(page, "pupil_name") == "Sara Nilsen"
    assert input_value(page, "arena_detail") == "ved sykkelstativet"
    assert checked(page, "kinds") == ["utestenging", "digital krenkelse"]

    status, page, _ = post_report(client, pupil_name="Å" * 201)
    assert "Kan være høyst 200 tegn. Nå er det 201 tegn." in error_summary(page)
    assert html.escape(ACCOUNT, quote=False) in page
    assert input_value(page, "pupil_name") == "Å" * 201
    assert cases(session) == []


def test_missing_role_and_unreadable_date_are_shown_at_the_row_and_field(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    log_in(client, demo["ansatt"])
    status, page, _ = post_report(
        client, happened_at="i går", **{"others-0-role": "", "others-1-aliases": "Kulingen"}
    )
    assert status == 200
    summary = error_summary(page)
    assert "Annen elev 1, Rolle: Velg rollen til eleven." in summary
    assert 'href="#others-0-role"' in summary
    assert "Annen elev 2, Navn: Skriv navnet til eleven med kallenavnet." in summary
    assert "Skriv dato og klokkeslett" in summary
    assert input_value(page, "others-1-aliases") == "Kulingen"
    assert cases(session) == []


def test_domain_refusal_about_another_pupil_lands_on_that_row_and_nothing_is_stored(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    log_in(client, demo["ansatt"])
    status, page, _ = post_report(
        client, **{"others-1-name": "Sara  Nilsen", "others-1-role": "vitne"}
    )
    assert status == 200
    summary = error_summary(page)
    assert "Sara Nilsen er eleven saken gjelder, og står allerede i saken." in summary
    assert 'href="#others-1-name"' in summary
    assert html.escape(ACCOUNT, quote=False) in page
    # file_report had flushed a new case before it refused: none of it is kept.
    assert cases(session) == []


def test_document_problems_are_listed_above_the_form_and_nothing_is_archived(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    log_in(client, demo["ansatt"])
    account = "Nilsen sa at Sara ikke fikk bli med."
    status, page, _ = post_report(
        client, account=account, **{"others-0-name": "Jonas Nilsen", "others-0-aliases": ""}
    )
    assert status == 200
    # The shared surname could be the pupil or Jonas: the engine refuses to guess.
    assert "kan være flere personer" in error_summary(page)
    assert account in page
    assert cases(session) == []
    assert session.execute(select(func.count()).select_from(ArchivedFile)).scalar_one() == 0


def test_unknown_staff_name_is_shown_at_the_field(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    log_in(client, demo["ansatt"])
    _, page, _ = post_report(client, staff_suspected="ja", suspected_name="Ola Ukjent")
    summary = error_summary(page)
    assert "Finner ingen ansatt ved skolen som heter «Ola Ukjent»." in summary
    assert 'href="#suspected_name"' in summary
    # A picker now (issue 10): the school's staff are offered again at the field.
    assert 'id="suspected_name"' in page.split('class="error-summary"', 1)[1]
    assert cases(session) == []


def test_add_row_without_javascript_keeps_what_was_typed(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    log_in(client, demo["ansatt"])
    status, page, _ = post_report(
        client,
        add_row="1",
        kinds=None,
        **{"others-1-name": "Emma Hansen", "others-1-role": "vitne"},
    )
    assert status == 200
    assert "Noe må rettes" not in page  # a new row is not a failed submission
    assert input_value(page, "others-0-name") == "Jonas Berg"
    assert input_value(page, "others-1-name") == "Emma Hansen"
    assert 'name="others-2-name"' in page and 'name="others-3-name"' not in page
    assert html.escape(ACCOUNT, quote=False) in page
    assert 'data-next-index="3"' in page
    assert cases(session) == []

    status, page, _ = post_report(client, remove_row="0")
    assert 'name="others-0-name"' not in page
    assert 'name="others-1-name"' in page
    assert html.escape(ACCOUNT, quote=False) in page


def test_form_has_the_js_row_template_and_works_without_script(
    client: FlaskClient, demo: dict[str, str]
) -> None:
    log_in(client, demo["ansatt"])
    page = client.get(NEW).get_data(as_text=True)
    assert 'src="/static/js/rows.js"' in page and "<script>" not in page
    template = page.split("<template>", 1)[1].split("</template>", 1)[0]
    assert 'name="others-__index__-name"' in template and "data-remove-row" in template
    assert 'name="add_row"' in page and "Legg til flere rader" in page
    for value in ("mobbing", "seksuell trakassering", "andre hatefulle ytringer", "annet"):
        assert f'name="kinds" type="checkbox" value="{value}"' in page
    # The staff of the school, for the § 12-5 picker; the reporter is left out.
    datalist = page.split('id="suspected_name"', 1)[1].split("</select>", 1)[0]
    assert "Hilde Moe" in datalist and "Per Olsen" in datalist and "Mona Ruud" not in datalist
    assert "Ali Khan" not in datalist  # another school
    assert "går direkte til skoleeier" in page
    with client.get("/static/js/rows.js") as script:
        assert script.status_code == 200


# --- § 12-5 --------------------------------------------------------------------------------


def test_leadership_suspected_goes_to_the_school_owner_and_not_to_the_rektor(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    receipt_url = filed(
        client,
        demo["ansatt"],
        staff_suspected="ja",
        leadership_suspected="ja",
        suspected_name="Hilde Moe",
    )
    (case,) = cases(session)
    assert case.staff_suspected and case.leadership_suspected
    assert notified(session, case) == {user_id(session, demo["skoleeier"])}
    codes = session.execute(select(Notification.code).where(Notification.case_id == case.id))
    assert set(codes.scalars()) == {"section_12_5"}
    page = client.get(receipt_url).get_data(as_text=True)
    assert "Skoleeier (Oslo kommune)" in page
    assert "ikke synlig for skoleledelsen" in page
    assert "Rektor og skoleledelsen" not in page


def test_staff_suspected_goes_to_rektor_at_once(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    per = f"u{user_id(session, demo['kontaktlaerer'])}"
    receipt_url = filed(client, demo["ansatt"], staff_suspected="ja", suspected_name=per)
    (case,) = cases(session)
    assert case.staff_suspected and not case.leadership_suspected
    assert notified(session, case) == {user_id(session, demo["ledelse"])}
    page = client.get(receipt_url).get_data(as_text=True)
    assert "Rektor har fått meldingen straks" in page


def test_leadership_without_staff_suspected_is_refused(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    log_in(client, demo["ansatt"])
    # The reporter no longer says whether the employee is in the leadership (issue 10):
    # naming anyone, «en i skoleledelsen» included, needs a «ja» to a suspected employee.
    status, page, _ = post_report(client, staff_suspected="nei", suspected_name="ledelse")
    assert status == 200
    assert (
        "Velg bare hvem som mistenkes når du har svart ja på at en ansatt mistenkes."
        in error_summary(page)
    )
    assert html.escape(ACCOUNT, quote=False) in page
    assert cases(session) == []
    assert session.execute(select(func.count()).select_from(Notification)).scalar_one() == 0


# --- navigation ----------------------------------------------------------------------------


def test_front_page_and_menu_offer_reporting_to_staff_only(
    client: FlaskClient, demo: dict[str, str]
) -> None:
    log_in(client, demo["ansatt"])
    home = client.get("/").get_data(as_text=True)
    assert 'href="/meldinger/ny">Send melding til rektor</a>' in home
    assert 'href="/meldinger/ny">Ny melding</a>' in home
    assert 'href="/meldinger">Mine meldinger</a>' in home

    owner = client.application.test_client()
    log_in(owner, demo["skoleeier"])
    page = owner.get("/").get_data(as_text=True)
    assert "/meldinger/ny" not in page
    assert owner.get(NEW).status_code == 403
