"""Every page a demo user reaches has unique element ids: a repeated id breaks label
association and error links for screen readers (WCAG 4.1.1/1.3.1), and pages with several
forms (the user page, the case page, rows of delete buttons) are where it happens."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import csrf_token, log_in
from tests.factories.cases import BY, archive_for
from trygg.calendar.days_off import add_days_off
from trygg.demo.cases import seed_demo_cases
from trygg.models import Case, School, User

_ID = re.compile(r'\sid="([^"]+)"')


def duplicate_ids(page: str) -> list[str]:
    return sorted(i for i, n in Counter(_ID.findall(page)).items() if n > 1)


def test_pages_have_unique_ids(
    app: Flask, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    seed_demo_cases(session, archive_for(tmp_path), dt.date(2026, 11, 23))
    school = session.execute(select(School).where(School.name == "Nordpolen skole")).scalar_one()
    # Two days off give the days-off page two delete forms.
    add_days_off(
        session,
        school.id,
        dt.date(2026, 11, 25),
        dt.date(2026, 11, 26),
        "Planleggingsdag",
        BY,
        dt.datetime(2026, 11, 22, 12),
    )
    session.commit()
    cases = [c.id for c in session.execute(select(Case)).scalars()]
    rektor = session.execute(select(User).where(User.email == demo["ledelse"])).scalar_one()
    pages = {
        demo["ledelse"]: ["/", "/saker", "/meldinger/ny", "/meldinger", "/varsler"]
        + [f"/saker/{c}" for c in cases],
        demo["kontaktlaerer"]: [
            f"/saker/{c}/dokument/{kind}"
            for c in cases
            for kind in ("undersokelse", "aktivitetsplan", "evaluering")
        ],
        demo["admin_school"]: [
            "/admin/brukere",
            f"/admin/brukere/{rektor.id}",
            "/admin/brukere/ny",
            "/admin/import",
            "/admin/maler",
            "/admin/maler/last-opp",
            f"/admin/fridager/{school.id}",
            f"/admin/skoler/{school.id}",
        ],
    }
    checked = 0
    for email, urls in pages.items():
        client = app.test_client()
        log_in(client, email)
        for url in urls:
            if "/dokument/" in url:
                # Opening a document page creates nothing: start it, to check its form.
                client.post(f"{url}/start", data={"csrf_token": csrf_token(client, "/")})
            response = client.get(url)
            if response.status_code != 200:
                continue  # e.g. no evaluation before a plan: the page redirects
            assert duplicate_ids(response.get_data(as_text=True)) == [], url
            checked += 1
    assert checked >= 20
