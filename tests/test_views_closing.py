"""Closing over HTTP (issue 10): the handler proposes, the rektor confirms or declines on
the case page, the decision is a Word document among the case's documents, the follow-up
is a deadline and its answer is recorded; each button only for the right role."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy.orm import Session

from tests.admin_pages import audit_events, error_summary
from tests.case_pages import fresh, logged_in, post_form
from tests.case_pdf_job import whole_case_pdf
from tests.factories.cases import case_at
from tests.factories.users import HANDLER, RECTOR
from trygg.calendar.clock import oslo_now
from trygg.cases.closing import pending_proposal
from trygg.models.closing import DECLINED

FOLLOW_UP = oslo_now().date() + dt.timedelta(days=30)
ANSWERS = {
    "pupil_experience": "Sara sier at hun er med i leken og har det fint.",
    "heard_how": "Samtale med Sara og kontaktlæreren.",
    "pupil_safe": "y",
    "reason": "Tiltakene har virket.",
    "follow_up_on": FOLLOW_UP.isoformat(),
}


def textarea(page: str, name: str) -> str:
    match = re.search(rf'<textarea[^>]*name="{re.escape(name)}"[^>]*>\s*([^<]*)</textarea>', page)
    assert match, f"no textarea {name!r}"
    return match.group(1).strip()


def test_handler_proposes_rektor_confirms_and_the_word_file_is_there(
    app: object, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "investigated")
    url = f"/saker/{case.id}"
    handler = logged_in(app.test_client(), HANDLER)  # type: ignore[attr-defined]
    page = handler.get(url).get_data(as_text=True)
    assert "Foreslå å avslutte saken" in page and "Bekreft og avslutt saken" not in page
    # The handler may not close it, only propose.
    assert post_form(handler, f"{url}/avslutt", "avslutt", ANSWERS).status_code == 403

    response = post_form(handler, f"{url}/avslutning/forslag", "avslutt", ANSWERS)
    assert response.status_code == 302
    proposal = pending_proposal(session, fresh(session, case.id))
    assert proposal is not None
    page = handler.get(url).get_data(as_text=True)
    assert "Forslaget venter på at ledelsen bekrefter eller avslår det." in page
    confirm_url = f"{url}/avslutning/{proposal.id}/bekreft"
    assert post_form(handler, confirm_url, "bekreft", {}).status_code == 403

    rektor = logged_in(app.test_client(), RECTOR)  # type: ignore[attr-defined]
    page = rektor.get(url).get_data(as_text=True)
    assert "Forslag om å avslutte saken" in page and ANSWERS["pupil_experience"] in page
    assert "Bekreft og avslutt saken" in page and "Avslå forslaget" in page
    assert post_form(rektor, confirm_url, "bekreft", {}).status_code == 302
    assert fresh(session, case.id).status == "closed"
    assert [e.object_id for e in audit_events(session, "case.closed")] == [str(case.id)]

    page = rektor.get(url).get_data(as_text=True)
    assert "Avsluttet av Hilde Moe" in page and "Foreslått av Per Olsen" in page
    assert "Følg opp avsluttet sak" in page  # the follow-up deadline
    assert "Registrer oppfølgingen" in page
    word = re.search(r'Avslutning av saken, nr\. 1.*?href="([^"]+/docx)"', page, re.S)
    assert word, "no Word link for the closing decision"
    download = rektor.get(word.group(1))
    assert download.status_code == 200 and download.data[:2] == b"PK"
    assert "avslutning_v1.docx" in download.headers["Content-Disposition"]
    # The proposal is answered: confirming it again is refused, and nothing changes.
    again = post_form(rektor, confirm_url, "bekreft", {}).get_data(as_text=True)
    assert "Forslaget er allerede behandlet." in again
    assert len(audit_events(session, "case.closed")) == 1


def test_a_refused_proposal_keeps_what_was_typed(
    app: object, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "received")
    url = f"/saker/{case.id}"
    handler = logged_in(app.test_client(), HANDLER)  # type: ignore[attr-defined]
    response = post_form(handler, f"{url}/avslutning/forslag", "avslutt", ANSWERS)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Saken har ingen ferdigstilt undersøkelse" in error_summary(page)
    assert textarea(page, "avslutt-pupil_experience") == ANSWERS["pupil_experience"]
    assert pending_proposal(session, fresh(session, case.id)) is None

    fields = {**ANSWERS, "no_investigation_reason": "Meldingen viste seg å være grunnløs."}
    assert post_form(handler, f"{url}/avslutning/forslag", "avslutt", fields).status_code == 302


def test_the_rektor_declines_with_a_reason(
    app: object, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "investigated")
    url = f"/saker/{case.id}"
    handler = logged_in(app.test_client(), HANDLER)  # type: ignore[attr-defined]
    post_form(handler, f"{url}/avslutning/forslag", "avslutt", ANSWERS)
    proposal = pending_proposal(session, fresh(session, case.id))
    assert proposal is not None
    decline_url = f"{url}/avslutning/{proposal.id}/avsla"
    assert post_form(handler, decline_url, "avsla", {"decline_reason": "Nei"}).status_code == 403

    rektor = logged_in(app.test_client(), RECTOR)  # type: ignore[attr-defined]
    page = post_form(rektor, decline_url, "avsla", {"decline_reason": ""}).get_data(as_text=True)
    assert "Skriv hvorfor saken ikke kan avsluttes ennå." in error_summary(page)
    reason = "Vi vil snakke med foresatte først."
    assert post_form(rektor, decline_url, "avsla", {"decline_reason": reason}).status_code == 302
    session.expire_all()
    assert proposal.status == DECLINED and fresh(session, case.id).status == "open"
    page = handler.get(url).get_data(as_text=True)
    assert reason in page and "Foreslå å avslutte saken" in page


def test_at_the_follow_up_the_rektor_reopens_for_a_new_plan(
    app: object, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "closed")
    url = f"/saker/{case.id}"
    handler = logged_in(app.test_client(), HANDLER)  # type: ignore[attr-defined]
    answer = {"result": "reopen", "pupil_experience": "Det har startet igjen.", "heard_how": "Sara"}
    assert post_form(handler, f"{url}/oppfolging", "oppfolging", answer).status_code == 403

    rektor = logged_in(app.test_client(), RECTOR)  # type: ignore[attr-defined]
    page = post_form(rektor, f"{url}/oppfolging", "oppfolging", {"result": "reopen"})
    assert "Skriv hva eleven selv sier om skolemiljøet nå." in error_summary(
        page.get_data(as_text=True)
    )
    response = post_form(rektor, f"{url}/oppfolging", "oppfolging", answer)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/saker/{case.id}/dokument/aktivitetsplan")
    assert fresh(session, case.id).status == "open"
    assert [e.object_id for e in audit_events(session, "case.followed_up")] == [str(case.id)]
    page = rektor.get(url).get_data(as_text=True)
    assert "Oppfølging etter avslutning: saken er åpnet igjen med ny plan" in page
    assert "Ferdigstill aktivitetsplanen" in page  # the new plan's deadline runs


@pytest.mark.libreoffice
@pytest.mark.usefixtures("converter")
def test_the_closing_decision_is_in_the_whole_case_pdf(
    app: object, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "closed")
    rektor = logged_in(app.test_client(), RECTOR)  # type: ignore[attr-defined]
    response = whole_case_pdf(rektor, session, case.id).download
    assert response is not None and response.status_code == 200
    reader = PdfReader(io.BytesIO(response.data))
    titles = [item.title for item in reader.outline]  # type: ignore[union-attr]
    assert titles[-2:] == ["Evaluering av aktivitetsplan nr. 1", "Avslutning av saken"]
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Skoleledelsen: Hilde Moe (rektor)" in text and "Jonas" not in text
