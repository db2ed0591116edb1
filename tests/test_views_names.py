"""Names in the forms' free text: "Hvilken Jonas mener du?" beside the text, and warnings
about names nobody registered, in a case document and in the meldeskjema. Everything
typed is kept; a document is not finalised, and a report not filed, until each is
answered."""

from __future__ import annotations

import html
import re
from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.admin_pages import error_summary, input_value
from tests.conftest import csrf_token, log_in
from tests.document_pages import audit_actions, documents, edit_url, form_fields, submit, text_of
from tests.factories.cases import archive_for, case_at
from tests.factories.users import HANDLER, staff_value
from tests.report_pages import cases, docx_text, post_report
from trygg.cases.actors import PersonInput, add_person
from trygg.cases.documents import NOT_NAMES
from trygg.models import ArchivedFile, Case, CaseDocument
from trygg.models.documents import DRAFT, FINAL


def archived_text(session: Session, tmp_path: Path, doc: CaseDocument) -> str:
    stored = session.execute(
        select(ArchivedFile).where(ArchivedFile.document_id == doc.id)
    ).scalar_one()
    return docx_text(archive_for(tmp_path).get(stored.sha256, "docx"))


def investigation(session: Session, case: Case, **changes: str) -> dict[str, str]:
    """A finalisable investigation, with the account of the first conversation to test."""
    per = staff_value(session, HANDLER)
    jonas = next(a.key for a in case.actors if a.name == "Jonas Berg")
    fields = {
        "watch": "Ekstra voksen ute i storefri.",
        "conversations-0-date": "2026-09-15",
        "conversations-0-with": "pupil",
        "conversations-0-by": per,
        "conversations-0-account": "Sara forteller at hun er alene i storefri.",
        "conversations-1-date": "2026-09-16",
        "conversations-1-with": jonas,
        "conversations-1-by": per,
        "conversations-1-account": "Jonas Berg mener det bare var tull.",
        "conversations-1-kontradiksjon": "y",
        "pupil_voice": "Sara gruer seg til storefri og vil at en voksen er ute.",
        "analysis": "Sara holdes utenfor over tid.",
        "best_interest": "Saras trygghet veier tyngst.",
        "pupil_safe": "nei",
        "plan_needed": "ja",
    }
    fields.update(changes)
    return fields


def test_which_jonas_is_asked_beside_the_text_and_the_answer_reaches_the_document(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "received")
    lie = add_person(session, case, PersonInput("Jonas Lie", "pupil", role="vitne"))
    session.commit()
    assert lie.label == "Elev C"
    log_in(client, HANDLER)
    url = edit_url(case.id, "undersokelse")
    client.post(f"{url}/start", data={"csrf_token": csrf_token(client, url)})  # start button
    account = "Sara forteller at Jonas holder henne utenfor i storefri."
    typed = investigation(session, case, **{"conversations-0-account": account})

    refused = submit(client, url, client.get(url).get_data(as_text=True), typed, "ferdigstill")

    assert refused.status_code == 200
    page, shown = refused.get_data(as_text=True), text_of(refused)
    assert "Hvilken Jonas mener du?" in shown
    assert "Jonas Berg (elev, utøvende)" in shown and "Jonas Lie (elev, vitne)" in shown
    assert "Sara forteller at <mark>Jonas</mark> holder henne utenfor i storefri." in page
    assert "«Jonas» kan være flere personer. Velg hvem som menes." in shown
    # The question sits in the field's own block; the summary links to the field.
    assert '<a href="#conversations-0-account">«Jonas» kan være flere' in page
    block = page.split('id="conversations-0-account-navn"', 1)[1].split("</fieldset>", 1)[0]
    start = account.index("Jonas")
    assert f'name="hvem:conversations-0-account:{start}" value="{lie.key}"' in block
    # Nothing typed is lost: the draft is saved, and the form shows the text.
    [draft] = documents(session, case.id, "undersokelse")
    assert draft.status == DRAFT
    assert draft.data["conversations"][0]["account"] == account
    assert form_fields(page)["conversations-0-account"] == account

    answer = {f"hvem:conversations-0-account:{start}": lie.key}
    done = submit(client, url, page, answer, "ferdigstill")

    assert done.status_code == 302, text_of(done)[:2000]
    [final] = documents(session, case.id, "undersokelse")
    assert final.status == FINAL
    written = final.data["conversations"][0]["account"]
    assert written == "Sara forteller at Jonas Lie holder henne utenfor i storefri."
    text = archived_text(session, tmp_path, final)
    assert "Sara forteller at Elev C holder henne utenfor i storefri." in text
    assert "Jonas" not in text


def test_an_answer_to_text_edited_meanwhile_is_asked_again(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "received")
    add_person(session, case, PersonInput("Jonas Lie", "pupil", role="vitne"))
    session.commit()
    log_in(client, HANDLER)
    url = edit_url(case.id, "undersokelse")
    client.post(f"{url}/start", data={"csrf_token": csrf_token(client, url)})  # start button
    edited = "I går sa Sara at Jonas holder henne utenfor."
    stale = {"hvem:watch:0": "p1", "watch": edited}
    saved = submit(client, url, client.get(url).get_data(as_text=True), stale)
    assert saved.status_code == 302
    [draft] = documents(session, case.id, "undersokelse")
    assert draft.data["watch"] == edited
    page = text_of(client.get(url))
    assert "Hvilken Jonas mener du?" in page


def test_unregistered_names_are_warned_remembered_and_block_finalising_until_answered(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "received")
    log_in(client, HANDLER)
    url = edit_url(case.id, "undersokelse")
    client.post(f"{url}/start", data={"csrf_token": csrf_token(client, url)})  # start button
    watch = "Ekstra voksen ute. Sara leker nå med Kari og Liv i storefri."
    saved = submit(
        client,
        url,
        client.get(url).get_data(as_text=True),
        investigation(session, case, watch=watch),
    )
    # A draft is saved whatever the warnings: nothing typed is lost.
    assert saved.status_code == 302
    [draft] = documents(session, case.id, "undersokelse")
    assert draft.data["watch"] == watch

    response = client.get(url)
    page, shown = response.get_data(as_text=True), text_of(response)
    assert "Sjekk navnene før dokumentet ferdigstilles" in shown
    assert "Sara leker nå med <mark>Kari</mark> og Liv i storefri." in page
    assert "Sara leker nå med Kari og <mark>Liv</mark> i storefri." in page
    assert "«Kari» ser ut som et navn som ikke er registrert i saken." in shown
    assert "Dette er ikke et navn" in shown and "Legg til person" in shown

    refused = submit(client, url, page, {}, "ferdigstill")
    assert refused.status_code == 200
    assert "«Liv» ser ut som et navn som ikke er registrert i saken." in text_of(refused)
    assert documents(session, case.id, "undersokelse")[0].status == DRAFT

    # "Dette er ikke et navn" for Liv is remembered with the draft.
    confirmed = submit(client, url, refused.get_data(as_text=True), {"ikke_navn": "Liv"})
    assert confirmed.status_code == 302
    [draft] = documents(session, case.id, "undersokelse")
    assert draft.data[NOT_NAMES] == ["Liv"] and draft.data["watch"] == watch
    page = client.get(url).get_data(as_text=True)
    assert "<mark>Kari</mark>" in page and "<mark>Liv</mark>" not in page

    # "Legg til person" for Kari saves the draft and opens the person form, named.
    to_person = submit(client, url, page, {}, "legg_til_person=Kari")
    assert to_person.status_code == 302
    person_url = to_person.headers["Location"]
    assert person_url == f"/saker/{case.id}/personer/ny?navn=Kari&dokument=undersokelse"
    form = client.get(person_url).get_data(as_text=True)
    assert input_value(form, "name") == "Kari"
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form)
    assert token is not None
    added = client.post(
        person_url,
        data={"csrf_token": token.group(1), "name": "Kari Holm", "kind": "pupil", "role": "vitne"},
    )
    assert added.status_code == 302 and added.headers["Location"] == url
    assert "case.person_added" in audit_actions(session, case.id)
    back = client.get(url)
    assert "Kari Holm er lagt til i saken og heter Elev C i dokumentene." in text_of(back)
    assert "Sjekk navnene før dokumentet ferdigstilles" not in text_of(back)

    done = submit(client, url, back.get_data(as_text=True), {}, "ferdigstill")
    assert done.status_code == 302, text_of(done)[:2000]
    [final] = documents(session, case.id, "undersokelse")
    assert final.status == FINAL
    text = archived_text(session, tmp_path, final)
    assert "Sara leker nå med Elev C og Liv i storefri." in text
    assert NOT_NAMES not in text_of(client.get(url))


def test_the_report_form_warns_keeps_everything_and_files_once_confirmed(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    log_in(client, demo["ansatt"])
    account = "Sara sa at Jonas og Kari ikke lot henne være med, og Liv så det."
    status, page, _ = post_report(client, account=account)

    assert status == 200
    assert cases(session) == []
    summary = html.unescape(error_summary(page))
    assert "Sjekk navnene i teksten før meldingen sendes." in summary
    assert "«Kari» ser ut som et navn som ikke er registrert i saken." in summary
    assert 'href="#account-navn"' in error_summary(page)
    assert "Sara sa at Jonas og <mark>Kari</mark> ikke lot henne" in page
    assert html.escape(account, quote=False) in page
    assert input_value(page, "others-0-name") == "Jonas Berg"

    # Liv is not a name here; Kari is another pupil: she goes into an empty row.
    status, page, _ = post_report(client, account=account, ikke_navn="Liv", legg_til_person="Kari")
    assert status == 200 and cases(session) == []
    assert "Kari står nå under «Andre elever». Velg rollen til eleven." in html.unescape(page)
    assert input_value(page, "others-1-name") == "Kari"
    assert '<input type="hidden" name="ikke_navn" value="Liv">' in page
    assert "<mark>" not in page

    status, _, location = post_report(
        client,
        account=account,
        ikke_navn="Liv",
        **{"others-1-name": "Kari", "others-1-role": "vitne"},
    )
    assert status == 302 and location is not None
    [case] = cases(session)
    labels = {a.name: a.label for a in case.actors if a.kind == "pupil"}
    assert labels == {"Jonas Berg": "Elev A", "Kari": "Elev B"}
    [report] = documents(session, case.id, "meldeskjema")
    assert report.data[NOT_NAMES] == ["Liv"]
    receipt = docx_text(client.get(f"{location}/word").data)
    assert "Sara sa at Elev A og Elev B ikke lot henne være med, og Liv så det." in receipt


def test_the_report_form_shows_name_warnings_beside_its_other_errors(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    log_in(client, demo["ansatt"])
    account = "Sara sa at Kari ikke lot henne være med."
    status, page, _ = post_report(client, account=account, **{"others-0-role": ""})

    assert status == 200 and cases(session) == []
    summary = html.unescape(error_summary(page))
    # One round: the missing role and the name, not the role first and the name after.
    assert "Velg rollen til eleven." in summary
    assert "«Kari» ser ut som et navn som ikke er registrert i saken." in summary
    assert "Sara sa at <mark>Kari</mark> ikke lot henne" in page


def test_the_report_form_asks_which_person_a_shared_surname_means(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    log_in(client, demo["ansatt"])
    account = "Nilsen sa at Sara ikke fikk bli med."
    others = {"others-0-name": "Jonas Nilsen", "others-0-aliases": ""}
    status, page, _ = post_report(client, account=account, **others)
    assert status == 200 and cases(session) == []
    shown = html.unescape(page)
    assert "Hvilken Nilsen mener du?" in shown
    assert "Jonas Nilsen (elev, medelev)" in shown
    assert "Sara Nilsen (eleven saken gjelder)" in shown
    # The choice names the person, not a row number that moves when rows change.
    assert 'name="hvem:account:0" value="elev:jonas nilsen"' in page

    status, _, location = post_report(
        client, account=account, **others, **{"hvem:account:0": "elev:jonas nilsen"}
    )
    assert status == 302 and location is not None
    [case] = cases(session)
    [report] = documents(session, case.id, "meldeskjema")
    assert report.data["account"] == "Jonas Nilsen sa at Sara ikke fikk bli med."
    receipt = docx_text(client.get(f"{location}/word").data)
    assert "Elev A sa at Sara ikke fikk bli med." in receipt
