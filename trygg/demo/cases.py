"""Three demo cases at Nordpolen skole at different stages, so a newcomer sees Trygg at work:
a fresh report, a case under investigation, and a plan whose evaluation is due this week.

Dates are relative to `today`, so the demo always looks current. Idempotent: nothing is
added when the school already has cases. All names are invented. Each case is tied to its
pupil in the demo register (trygg.demo.pupils), so the case page shows the guardians and
a document can be sent to them; without a register the names are typed in.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from trygg import audit
from trygg.archive import Archive
from trygg.cases.actors import PersonInput, add_person
from trygg.cases.documents import save_draft
from trygg.cases.leadership import Receipt, assign_handler, receive, record_owner_report
from trygg.cases.reports import NewReport, file_report
from trygg.cases.workflow import finalise_step, start_document
from trygg.demo.pupils import register_id
from trygg.models import Case, School, User

BY = audit.Initiator(user_id=None, email="demo-seed")


def _user(session: Session, email: str) -> User:
    return session.execute(select(User).where(User.email == email)).scalar_one()


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


def seed_demo_cases(session: Session, archive: Archive, today: dt.date) -> int:
    school = session.execute(select(School).where(School.name == "Nordpolen skole")).scalar_one()
    if session.execute(select(Case.id).where(Case.school_id == school.id)).first():
        return 0
    mona = _user(session, "ansatt.nordpolen@demo.trygg.no")
    per = _user(session, "kontaktlaerer.nordpolen@demo.trygg.no")
    hilde = _user(session, "rektor.nordpolen@demo.trygg.no")

    # 1. A fresh report, filed this morning, not yet received.
    file_report(
        session,
        archive,
        mona,
        NewReport(
            pupil_id=register_id(session, school.id, "Sara", "Nilsen"),
            pupil_name="Sara Nilsen",
            pupil_class="6B",
            arena="friminutt",
            account="Sara kom til meg etter storefri og gråt. Hun sa: «Jonas og Emma sier at "
            "jeg ikke får være med, og Jonte kaller meg stygge ting på Snap.»",
            intervention="Snakket med Jonas og Emma med en gang og stoppet situasjonen.",
            kinds=("utestenging", "digital krenkelse"),
            pupil_said_so=True,
            others=(
                PersonInput("Jonas Berg", "pupil", role="utøvende", aliases=("Jonte",)),
                PersonInput("Emma Hansen", "pupil", role="medelev"),
            ),
        ),
        BY,
        _at(today, 8, 40),
    )

    # 2. Under investigation: reported a week ago, one conversation recorded so far.
    week_ago = today - dt.timedelta(days=7)
    report = file_report(
        session,
        archive,
        per,
        NewReport(
            pupil_id=register_id(session, school.id, "Leo", "Johansen"),
            pupil_name="Leo Johansen",
            pupil_class="5A",
            arena="digitalt",
            account="Leo viste meg meldinger i klassechatten der Mats skriver at ingen liker ham.",
            kinds=("digital krenkelse", "mobbing"),
            pupil_said_so=False,
            others=(PersonInput("Mats Eriksen", "pupil", role="utøvende"),),
        ),
        BY,
        _at(week_ago, 10, 15),
    )
    leo = session.get(Case, report.case_id)
    assert leo is not None
    # Serious (weeks of chat messages) and reported to the school owner, so the owner's
    # inbox in the demo is not empty.
    receipt = Receipt(rektor_informed_at=_at(week_ago, 11), serious=True)
    receive(session, leo, receipt, hilde, BY, _at(week_ago, 11))
    assign_handler(session, leo, f"u{per.id}", hilde, BY, _at(week_ago, 11, 5))
    owner = leo.school.municipality.owner_contact or "Skoleeier"
    record_owner_report(
        session, leo, _at(week_ago, 11, 30), owner, hilde, BY, _at(week_ago, 11, 30)
    )
    investigation = start_document(session, leo, "undersokelse", per, _at(week_ago, 13))
    save_draft(
        session,
        leo,
        investigation,
        {
            **investigation.data,
            "watch": "Kontaktlærer følger med på klassechatten sammen med foresatte.",
            "conversations": [
                {
                    "date": (week_ago + dt.timedelta(days=1)).isoformat(),
                    "with": "pupil",
                    "by": f"u{per.id}",
                    "account": "Leo forteller at Mats har skrevet slik i flere uker.",
                }
            ],
        },
        investigation.revision,
        per,
        _at(week_ago + dt.timedelta(days=1), 14),
    )

    # 3. A plan whose evaluation is due in two days.
    start = today - dt.timedelta(days=28)
    report = file_report(
        session,
        archive,
        mona,
        NewReport(
            pupil_id=register_id(session, school.id, "Nora", "Haugen"),
            pupil_name="Nora Haugen",
            pupil_class="7C",
            arena="sfo_aks",
            account="Nora sier at Isak dytter henne og tar sekken hennes på AKS nesten hver dag.",
            kinds=("vold", "mobbing"),
            pupil_said_so=True,
            others=(PersonInput("Isak Lunde", "pupil", role="utøvende"),),
        ),
        BY,
        _at(start, 15, 30),
    )
    nora = session.get(Case, report.case_id)
    assert nora is not None
    receive(session, nora, Receipt(rektor_informed_at=_at(start, 16)), hilde, BY, _at(start, 16))
    assign_handler(session, nora, f"u{per.id}", hilde, BY, _at(start, 16, 5))
    isak = next(a for a in nora.actors if a.name == "Isak Lunde")
    add_person(session, nora, PersonInput("Trine Lunde", "guardian", guardian_of=isak.key))
    day = start + dt.timedelta(days=1)
    investigation = start_document(session, nora, "undersokelse", per, _at(day, 9))
    save_draft(
        session,
        nora,
        investigation,
        {
            **investigation.data,
            "watch": "Ekstra voksen på AKS fra dagen etter meldingen.",
            "conversations": [
                {
                    "date": day.isoformat(),
                    "with": "pupil",
                    "by": f"u{per.id}",
                    "account": "Nora forteller at Isak dytter henne i garderoben.",
                },
                {
                    "date": day.isoformat(),
                    "with": isak.key,
                    "by": f"u{per.id}",
                    "account": "Isak sier det var lek, men forstår at Nora ble lei seg.",
                    "kontradiksjon": True,
                },
            ],
            "analysis": "Nora opplever over tid å bli dyttet og fratatt tingene sine.",
            "best_interest": "Noras trygghet veier tyngst.",
            "pupil_voice": "Nora vil at en voksen er i garderoben.",
            "conclusion": {"pupil_safe": False, "plan_needed": True},
            "guardians_informed_of_rights": day.isoformat(),
        },
        investigation.revision,
        per,
        _at(day, 12),
    )
    finalise_step(session, archive, nora, investigation, per, BY, _at(day, 12, 5))
    plan_day = start + dt.timedelta(days=3)
    plan = start_document(session, nora, "aktivitetsplan", per, _at(plan_day, 9))
    save_draft(
        session,
        nora,
        plan,
        {
            **plan.data,
            "responsible": f"u{hilde.id}",
            "problem": "Isak dytter Nora og tar sekken hennes på AKS.",
            "measures": [
                {
                    "description": "Voksen til stede i garderoben ved AKS-start",
                    "level": "gruppe",
                    "start": plan_day.isoformat(),
                    "frequency": "hver dag",
                    "by": f"u{mona.id}",
                    "evaluate_on": (today + dt.timedelta(days=2)).isoformat(),
                },
                {
                    "description": "Samtaler med Isak om grenser, og kontakt med Trine Lunde",
                    "level": "individ",
                    "start": plan_day.isoformat(),
                    "frequency": "ukentlig",
                    "by": f"u{per.id}",
                    "evaluate_on": (today + dt.timedelta(days=2)).isoformat(),
                },
            ],
            "pupil_voice": "Nora ønsker en voksen i garderoben og vil ikke bytte AKS-gruppe.",
            "best_interest": "Tiltakene retter seg mot Isak og de voksne, ikke mot Nora.",
            "guardian_views": "Foresatte er enige.",
            "reviewed_with_pupil_on": plan_day.isoformat(),
        },
        plan.revision,
        per,
        _at(plan_day, 10),
    )
    finalise_step(session, archive, nora, plan, per, BY, _at(plan_day, 10, 5))
    return 3
