"""Benchmark: the pupil search of the meldeskjema (issue 13), as the reporter types.

Run from the repository root: .venv/bin/python -m bench.pupil_search
The script (static/js/pupil_search.js) sends the very request the form's "Søk" button
sends and gets the matches as JSON; without JavaScript the whole page comes back. This
prints, measured side by side in one run through the app (Flask's test client, SQLite in
a temporary folder, or BENCH_DATABASE_URL), the median time and size of: the empty form,
the "Søk" page, and the JSON answer, for a demo school (100 pupils) and a big one (2,000),
with the JSON answer's ratio to the "Søk" page. Goal: the answer to a pause in typing
costs less than the page the button brings back. About half a minute.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import create_app
from database import db
from trygg.audit import Initiator
from trygg.config import PasswordHashing, Settings
from trygg.demo.pupils import seed_demo_pupils
from trygg.demo.seed import seed_demo
from trygg.models import School, utcnow
from trygg.pupils.records import PupilRecord
from trygg.pupils.register import apply_import

PASSWORD = "bench-passord-123"
RUNS = 20
BIG_SCHOOL = 2_000
FIRST = ("Lea", "Leo", "Ola", "Kari", "Nils", "Ida", "Per", "Åse", "Liv", "Tor")
QUERIES = ("le", "lea", "lea h", "6b")
_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def settings_for(folder: Path) -> Settings:
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder / 'bench.sqlite3'}"
    return Settings(
        environment="testing",
        secret_key="bench-" + uuid.uuid4().hex,
        database_url=url,
        output_dir=folder / "output",
        instance_dir=folder / "instance",
        secure_cookies=False,
        password_hashing=PasswordHashing(time_cost=1, memory_cost_kib=1024, parallelism=1),
    )


def big_register(count: int) -> tuple[PupilRecord, ...]:
    return tuple(
        PupilRecord(
            n + 2,
            FIRST[n % len(FIRST)],
            f"Etternavn{n // len(FIRST)}",
            dt.date(2014, 1 + n % 12, 1 + n % 28),
            f"{1 + n % 10}{'ABCD'[n % 4]}",
            1 + n % 10,
            f"big-{n}",
        )
        for n in range(count)
    )


def median_ms(call: Callable[[], int]) -> tuple[float, int]:
    timings, size = [], 0
    for _ in range(RUNS):
        started = time.perf_counter()
        size = call()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000, size


def measure(client: FlaskClient, email: str) -> dict[str, tuple[float, int]]:
    page = client.get("/logg-inn").get_data(as_text=True)
    token = _TOKEN.search(page).group(1)  # type: ignore[union-attr]
    client.post("/logg-inn", data={"csrf_token": token, "email": email, "password": PASSWORD})
    form = client.get("/meldinger/ny").get_data(as_text=True)
    token = _TOKEN.search(form).group(1)  # type: ignore[union-attr]
    queries = iter(QUERIES * RUNS)

    def post(json_answer: bool) -> int:
        data = {"csrf_token": token, "pupil_search": next(queries), "search_pupil": "1"}
        headers = {"Accept": "application/json"} if json_answer else {}
        response = client.post("/meldinger/ny", data=data, headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)[:3000]
        return len(response.get_data())

    return {
        "the empty form (GET)": median_ms(lambda: len(client.get("/meldinger/ny").get_data())),
        '"Søk" without JavaScript': median_ms(lambda: post(False)),
        "as you type (JSON)": median_ms(lambda: post(True)),
    }


def seed(app: Flask) -> str:
    with app.app_context(), Session(db.engine) as session:
        seed_demo(session, app.extensions["trygg.passwords"], PASSWORD)
        seed_demo_pupils(session, utcnow())
        vestre = session.execute(
            select(School.id).where(School.name == "Vestre Aker skole")
        ).scalar_one()
        by = Initiator(user_id=None, email="bench")
        apply_import(session, vestre, big_register(BIG_SCHOOL), by, utcnow(), "bench")
        session.commit()
        return db.engine.dialect.name


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(settings_for(Path(folder)))
        with app.app_context():
            db.create_all()
        # The requests run outside this app context: inside it, flask.g (and with it
        # Flask-WTF's token) would be shared by every request.
        print(f"Database: {seed(app)}; median of {RUNS} requests each")
        for label, email in (
            ("Nordpolen skole, 100 pupils", "ansatt.nordpolen@demo.trygg.no"),
            (f"Vestre Aker skole, {BIG_SCHOOL:,} pupils", "ansatt.vestreaker@demo.trygg.no"),
        ):
            rows = measure(app.test_client(), email)
            page_ms = rows['"Søk" without JavaScript'][0]
            print(f"\n{label}")
            for name, (ms, size) in rows.items():
                print(f"  {name:<28} {ms:7.1f} ms  {size:>7,} bytes  {ms / page_ms:5.2f}x")
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
