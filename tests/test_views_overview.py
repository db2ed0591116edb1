"""The overview pages over HTTP (views/overview): the rektor's week with and without
names, the school owner's schools, the figures with their charts and CSV, who may open
which, the audit trail, and the rektor's columns in the case list."""

from __future__ import annotations

import json
import re
from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import log_in
from tests.factories.cases import LEADERSHIP_CASE, file, receive_and_assign, sara_report
from tests.factories.users import HANDLER, RECTOR, REPORTER
from trygg.models import AuditEvent, Case


def arrange(session: Session, tmp_path: Path) -> tuple[Case, Case]:
    sara, _ = file(session, tmp_path, REPORTER)
    receive_and_assign(session, sara, RECTOR, HANDLER)
    leo, _ = file(
        session,
        tmp_path,
        REPORTER,
        sara_report(pupil_name="Leo Johansen", pupil_class="5A", others=(), **LEADERSHIP_CASE),
    )
    return sara, leo


def actions(session: Session, action: str) -> list[AuditEvent]:
    session.expire_all()
    return list(session.execute(select(AuditEvent).where(AuditEvent.action == action)).scalars())


def test_the_rektors_week_names_pupils_only_when_asked_and_never_the_hidden_case(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    sara, leo = arrange(session, tmp_path)
    log_in(client, demo["ledelse"])

    page = client.get("/oversikt").get_data(as_text=True)
    assert f'href="/saker/{sara.id}"' in page and sara.reference in page
    assert "Sara Nilsen" not in page and "Leo Johansen" not in page
    assert leo.reference not in page and f"/saker/{leo.id}" not in page
    assert "Over fristen" in page and "Uten saksbehandler" in page
    named = client.get("/oversikt?vis_navn=1&utskrift=1").get_data(as_text=True)
    assert "Sara Nilsen" in named and "Leo Johansen" not in named
    assert "css/overview.css" in named
    [first, second] = actions(session, "overview.week_viewed")
    assert json.loads(first.details) == {"cases": [sara.id], "names": False}
    assert json.loads(second.details)["names"] is True
    filtered = client.get("/oversikt?trinn=5").get_data(as_text=True)
    assert sara.reference not in filtered.split("Alle sakene")[1]


def test_the_school_owner_sees_every_school_without_names(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    arrange(session, tmp_path)
    log_in(client, demo["skoleeier"])

    page = client.get("/oversikt/skoleeier").get_data(as_text=True)
    assert "Nordpolen skole" in page and "Vestre Aker skole" in page
    assert "Sara Nilsen" not in page and "Leo Johansen" not in page
    assert page.index("Nordpolen skole") < page.index("Vestre Aker skole")
    assert len(actions(session, "overview.owner_viewed")) == 1


def test_figures_page_charts_and_csv(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    arrange(session, tmp_path)
    log_in(client, demo["ledelse"])

    page = client.get("/oversikt/tall?skolear=2026").get_data(as_text=True)
    assert "Tall og figurer: Nordpolen skole" in page and "Skoleåret 2026/27" in page
    assert "<svg" in page and 'role="img"' in page and "Saker etter type krenkelse" in page
    assert "under 5" in page
    csv = client.get("/oversikt/tall.csv?skolear=2026")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    assert csv.headers["Content-Disposition"].startswith("attachment")
    assert csv.data.startswith("\ufeffTabell;Rad;Antall".encode())
    assert len(actions(session, "overview.figures_viewed")) == 1
    assert len(actions(session, "overview.figures_exported")) == 1
    # A bad period is the default school year, not an error.
    assert client.get("/oversikt/tall?fra=2026-13-01&til=x").status_code == 200


def test_who_may_open_which_overview(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    log_in(client, demo["kontaktlaerer"])
    assert client.get("/oversikt").status_code == 403
    assert client.get("/oversikt/tall").status_code == 403
    client.post("/logg-ut")
    client = client.application.test_client()
    log_in(client, demo["ledelse"])
    assert client.get("/oversikt/skoleeier").status_code == 403
    # The rektor's figures are their own school's, whatever the address asks for.
    other = client.get("/oversikt/tall?skole=2").get_data(as_text=True)
    assert "Tall og figurer: Nordpolen skole" in other
    owner = client.application.test_client()
    log_in(owner, demo["skoleeier"])
    assert owner.get("/oversikt/tall?skole=999999").status_code == 404
    assert "Tall og figurer: Oslo kommune" in owner.get("/oversikt/tall").get_data(as_text=True)


def test_the_case_list_has_the_rektors_columns(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    arrange(session, tmp_path)
    log_in(client, demo["ledelse"])

    page = client.get("/saker").get_data(as_text=True)
    for header in ("Alvorlig", "Rektor fikk vite", "Skoledager siden melding", "Neste frist"):
        assert f'<th scope="col">{header}</th>' in page
    # One deadline column: the next deadline with its state, and how many more there are
    # (a second column of all the deadlines repeated it and made the list wider than the page).
    assert '<th scope="col">Frister</th>' not in page
    assert re.search(r"og \d+ frist(er)? til", page)
    assert "14.09.2026" in page or "14. september 2026" in page
