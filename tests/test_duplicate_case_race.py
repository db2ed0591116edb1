"""Two reports about the same pupil at the same instant open one case, not two.

Each report reads "does the pupil have an open case?" before it writes; without a lock
both read "no" while the other's case is not yet committed, and the pupil ends up with two
open cases the leadership must notice and merge by hand. The filing transaction takes the
pupil's filing lock (trygg.cases.reports.lock_pupil) before it looks, so the second report
waits and joins the first one's case. Both databases, real threads; and over HTTP in a real
gunicorn server, where neither reporter may get an error page.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import DEMO_PASSWORD
from tests.factories.cases import BY, LEADERSHIP_CASE, NOW, archive_for, sara_report
from tests.factories.users import demo_email, user
from tests.live_server import Client, live_server
from tests.report_pages import report_data
from trygg.accounts.roles import ANSATT, KONTAKTLAERER
from trygg.cases.reports import NewReport, file_report
from trygg.models import Case, CaseDocument, User

# Among the longest files (real processes, threads or conversions): run first
# (tests/conftest.py).
pytestmark = pytest.mark.slow

MONA = demo_email(ANSATT)
PER = demo_email(KONTAKTLAERER)


def _at_once(session: Session, tmp_path: Path, filings: list[tuple[str, NewReport]]) -> None:
    """File the reports in threads of their own, released together; no failure allowed."""
    engine = session.get_bind()
    reporters = [user(session, email).id for email, _ in filings]
    start, failures = threading.Barrier(len(filings)), []

    def filing(reporter_id: int, report: NewReport) -> Callable[[], None]:
        def run() -> None:
            with Session(engine) as own:
                reporter = own.get(User, reporter_id)
                assert reporter is not None
                start.wait()
                try:
                    file_report(own, archive_for(tmp_path), reporter, report, BY, NOW)
                    own.commit()
                except Exception as error:  # any failure, reported below with the others
                    failures.append(repr(error))

        return run

    threads = [
        threading.Thread(target=filing(reporter_id, report))
        for reporter_id, (_, report) in zip(reporters, filings, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    session.expire_all()


def _open_cases(session: Session, hidden: bool) -> list[Case]:
    return list(
        session.execute(
            select(Case).where(Case.status == "open", Case.leadership_suspected.is_(hidden))
        ).scalars()
    )


def test_two_reports_about_one_pupil_at_once_open_one_case(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    _at_once(session, tmp_path, [(MONA, sara_report()), (PER, sara_report())])
    cases = _open_cases(session, hidden=False)
    assert len(cases) == 1
    reports = session.execute(
        select(CaseDocument).where(CaseDocument.kind == "meldeskjema")
    ).scalars()
    # Both reports are in that one case, numbered 1 and 2.
    assert sorted((d.case_id, d.number) for d in reports) == [(cases[0].id, 1), (cases[0].id, 2)]


def test_many_reports_at_once_still_open_one_case(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    _at_once(session, tmp_path, [(email, sara_report()) for email in (MONA, PER) * 2])
    assert len(_open_cases(session, hidden=False)) == 1


def test_a_hidden_report_beside_an_ordinary_one_at_once_gives_one_of_each(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    """The lock is per pupil, not per kind of case: the ordinary and the § 12-5 case are
    both opened, once each, and the ordinary one is linked to the hidden one."""
    filings = [(PER, sara_report()), (MONA, sara_report(**LEADERSHIP_CASE))]
    _at_once(session, tmp_path, filings * 2)
    hidden, ordinary = _open_cases(session, hidden=True), _open_cases(session, hidden=False)
    assert len(hidden) == 1
    assert len(ordinary) == 1
    assert ordinary[0].hidden_case_id == hidden[0].id


def test_two_pupils_at_once_still_get_a_case_each(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    """The lock is the pupil's: another pupil's report neither waits long nor joins."""
    other = sara_report(pupil_name="Ola Nordmann", pupil_class="6B")
    _at_once(session, tmp_path, [(MONA, sara_report()), (PER, other)])
    assert sorted(c.pupil_name for c in _open_cases(session, hidden=False)) == [
        "Ola Nordmann",
        "Sara Nilsen",
    ]


# The meldeskjema as the browser posts it, with one kind and nobody else named.
REPORT_FORM = {
    key: str(value)
    for key, value in report_data(
        account="Eleven sa at de andre ikke lar henne være med i friminuttet.",
        intervention="Snakket med klassen med en gang.",
        kinds="utestenging",
        **{"others-0-name": "", "others-0-role": "", "others-0-aliases": ""},
    ).items()
}


@pytest.mark.parametrize("attempt", range(2))
def test_two_reporters_over_http_at_once_both_get_their_receipt(
    app: Flask, session: Session, demo: dict[str, str], attempt: int
) -> None:
    """Two gunicorn workers file the same pupil at once: both land on their receipt (no
    500, no refusal) and the pupil has one open case."""
    with live_server(app.extensions["trygg.settings"], workers=2) as server:
        clients = []
        for email in (MONA, PER):
            client = server.client()
            client.log_in(email, DEMO_PASSWORD)
            clients.append((client, client.csrf_token("/meldinger/ny")))
        start = threading.Barrier(len(clients))

        def send(pair: tuple[Client, str]) -> int:
            client, token = pair
            start.wait()
            reply = client.post("/meldinger/ny", {**REPORT_FORM, "csrf_token": token})
            assert reply.status == 302, server.log()[-3000:]
            return reply.status

        with ThreadPoolExecutor(len(clients)) as pool:
            statuses = list(pool.map(send, clients))
    assert statuses == [302, 302]
    session.expire_all()
    assert len(_open_cases(session, hidden=False)) == 1
