"""The simulated people of bench/load.py, for locust: leaders reading case lists and case
pages and downloading Word files; staff filing meldeskjemaer and reading their own
reports; now and then someone logs out and in again. Each takes an account of their own
from the plan file LOAD_PLAN names, and every answer is checked as a browser's user would
see it: a wrong status, a lost login or a form sent back is an error.

Every request is written to the plan's samples file when locust quits: kind, milliseconds,
the error (None when it went right) and when it ended, with the moment the last person had
arrived (the end of the arrival, when everyone logs in) and the moment the run stopped.
Run by bench/load.py, never on its own.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import random
import re
import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from locust import HttpUser, between, events, task
from locust.env import Environment

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text())
SAMPLES: list[tuple[str, float, str | None, float]] = []
MOMENTS: dict[str, float] = {}
# Locust's users share one process and run as greenlets: a plain iterator hands out each
# account once, round and round if there are more users than accounts.
LEADERS = itertools.cycle(PLAN["leaders"])
STAFF = itertools.cycle(PLAN["staff"])

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CASE_LINK = re.compile(r'href="/saker/(\d+)"')
WORD_LINK = re.compile(r'href="(/saker/\d+/dokumenter/\d+/docx)"')
RECEIPT = re.compile(r"/meldinger/\d+")
# Pupils are drawn from this many, so some reports join a pupil's open case.
PUPILS = 400
OSLO = ZoneInfo("Europe/Oslo")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@events.request.add_listener
def _record(name: str, response_time: float, exception: BaseException | None, **_: Any) -> None:
    error = None if exception is None else str(exception)[:200]
    SAMPLES.append((name, response_time, error, time.time()))


@events.spawning_complete.add_listener
def _arrived(user_count: int, **_: Any) -> None:
    MOMENTS.setdefault("arrived", time.time())


@events.test_stopping.add_listener  # the run time is up; requests under way still finish
def _stopped(environment: Environment, **_: Any) -> None:
    MOMENTS.setdefault("stopped", time.time())


@events.quitting.add_listener
def _write(environment: Environment, **_: Any) -> None:
    Path(PLAN["samples"]).write_text(json.dumps({**MOMENTS, "samples": SAMPLES}))


class Person(HttpUser):
    abstract = True
    # A person reads the page before the next click.
    wait_time = between(2, 8)
    email = ""

    def token(self, path: str, kind: str) -> str | None:
        with self.client.get(path, name=kind, allow_redirects=False, catch_response=True) as page:
            match = TOKEN.search(page.text or "")
            if page.status_code != 200 or match is None:
                page.failure(f"{page.status_code}, no form")
                return None
            return match.group(1)

    def log_in(self) -> None:
        token = self.token("/logg-inn", "login form")
        if token is None:
            return
        form = {"csrf_token": token, "email": self.email, "password": PLAN["password"]}
        with self.client.post(
            "/logg-inn", data=form, name="login", allow_redirects=False, catch_response=True
        ) as reply:
            if reply.status_code != 302 or "logg-inn" in reply.headers.get("Location", ""):
                reply.failure(f"{reply.status_code}, not logged in")

    def page(self, path: str, kind: str) -> str:
        """A page that must answer 200 (a redirect here is a lost login)."""
        with self.client.get(path, name=kind, allow_redirects=False, catch_response=True) as reply:
            if reply.status_code != 200:
                # Status 0: no answer at all; the exception says why (reset, timeout).
                why = reply.headers.get("Location", "") or repr(reply.error or "")
                reply.failure(f"{reply.status_code} {why}")
                return ""
            return reply.text or ""

    # About one click in 25 to 30: people stay logged in (30 minutes idle, 12 hours in all),
    # and a login is the heaviest request there is (argon2 at the server's cost).
    @task(1)
    def log_in_again(self) -> None:
        token = self.token("/", "front page")
        if token is not None:
            with self.client.post(
                "/logg-ut",
                data={"csrf_token": token},
                name="logout",
                allow_redirects=False,
                catch_response=True,
            ) as reply:
                if reply.status_code != 302:
                    reply.failure(str(reply.status_code))
        self.log_in()


class Leader(Person):
    """Skoleledelse: the case list, a case, a Word file of it."""

    weight = 1  # bench/load.py LEADER_SHARE: one in five

    def on_start(self) -> None:
        self.email = next(LEADERS)
        self.cases: list[str] = []
        self.files: list[str] = []
        self.log_in()
        # One of each first, so even a short run makes every kind of request.
        self.case_list()
        self.case_page()
        self.word_file()

    @task(10)
    def case_list(self) -> None:
        found = CASE_LINK.findall(self.page("/saker", "case list"))
        if found:
            self.cases = found

    @task(15)
    def case_page(self) -> None:
        if not self.cases:
            return
        page = self.page(f"/saker/{random.choice(self.cases)}", "case page")
        self.files = WORD_LINK.findall(page) or self.files

    @task(5)
    def word_file(self) -> None:
        if not self.files:
            return
        path = random.choice(self.files)
        with self.client.get(
            path, name="docx", allow_redirects=False, catch_response=True
        ) as reply:
            kind = reply.headers.get("Content-Type", "")
            if reply.status_code != 200 or kind != DOCX or not reply.content.startswith(b"PK"):
                reply.failure(f"{reply.status_code} {kind}")


class Staff(Person):
    """An employee: their own reports, and now and then a meldeskjema."""

    weight = 4

    def on_start(self) -> None:
        self.email = next(STAFF)
        self.log_in()
        self.report()

    @task(6)
    def report(self) -> None:
        token = self.token("/meldinger/ny", "report form")
        if token is None:
            return
        number = random.randint(1, PUPILS)
        # The form takes Oslo's time, whatever the machine's zone.
        happened = dt.datetime.now(OSLO) - dt.timedelta(minutes=random.randint(10, 600))
        form = {
            "csrf_token": token,
            "pupil_name": f"Elev Nummer{number}",
            "pupil_class": f"{5 + number % 3}A",
            "happened_at": happened.strftime("%Y-%m-%dT%H:%M"),
            "arena": random.choice(("friminutt", "klasserom", "digitalt")),
            "arena_detail": "",
            "pupil_said_so": "ja",
            "account": "Eleven sa at de andre ikke lar henne være med i friminuttet.",
            "intervention": "Snakket med klassen med en gang.",
            "kinds": "utestenging",
            "staff_suspected": "nei",
            "leadership_suspected": "nei",
            "suspected_name": "",
            "guardians_informed_at": "",
        }
        with self.client.post(
            "/meldinger/ny", data=form, name="report", allow_redirects=False, catch_response=True
        ) as reply:
            if reply.status_code != 302 or not RECEIPT.fullmatch(reply.headers.get("Location", "")):
                reply.failure(f"{reply.status_code}, the form came back")

    @task(18)
    def own_reports(self) -> None:
        self.page("/meldinger", "own reports")
