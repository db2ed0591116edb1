"""The demo's school plan at Nordpolen, so a newcomer sees the acknowledgement flow at
work: the plan is published and the kontaktlærer has signed; everyone else has not.

Only `flask seed-demo` calls this; the tests' demo fixture leaves plans out, so their
reminder counts stay about cases unless a test publishes a plan itself.
"""

from __future__ import annotations

import datetime as dt
import io

import docx
from sqlalchemy import select
from sqlalchemy.orm import Session

from trygg import acknowledgements, audit
from trygg.acknowledgements.plans import school_year_of
from trygg.archive import Archive
from trygg.models import School, User

BY = audit.Initiator(user_id=None, email="demo-seed")
TITLE = "Skolens plan for trygt og godt skolemiljø"
# Section headings as in the real plans; the text says plainly that it is a demo.
SECTIONS = (
    (
        "1. Formål",
        "Alle elever har rett til et trygt og godt skolemiljø som fremmer helse, "
        "trivsel og læring (opplæringslova § 12-2).",
    ),
    (
        "2. Nulltoleranse",
        "Skolen har nulltoleranse mot krenking som utestenging, isolering, "
        "baksnakking, mobbing, vold, diskriminering og trakassering.",
    ),
    (
        "3. Aktivitetsplikten",
        "Alle som arbeider på skolen skal følge med, gripe inn, varsle "
        "rektor, undersøke og sette inn tiltak (§ 12-4).",
    ),
    (
        "4. Skjerpet aktivitetsplikt",
        "Mistenker du at en ansatt krenker en elev, skal du melde "
        "fra til rektor straks. Gjelder det noen i skoleledelsen, melder du direkte til "
        "skoleeier (§ 12-5).",
    ),
    (
        "5. Dokumentasjon",
        "Meldinger, undersøkelser, aktivitetsplaner og evalueringer føres i "
        "Trygg. Opplysningene er taushetsbelagte.",
    ),
)


def plan_document() -> bytes:
    document = docx.Document()
    document.add_heading(f"{TITLE} (demo)", level=1)
    document.add_paragraph("Nordpolen skole. Dette er et eksempel laget for demoen av Trygg.")
    for heading, text in SECTIONS:
        document.add_heading(heading, level=2)
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def seed_demo_plan(session: Session, archive: Archive, today: dt.date) -> bool:
    """Publish Nordpolen's plan for this school year and let Per Olsen sign it; False
    when the school already has a plan (a re-run changes nothing)."""
    school = session.execute(
        select(School).where(School.name == "Nordpolen skole")
    ).scalar_one_or_none()
    if school is None or acknowledgements.current_plan(session, school.id) is not None:
        return False
    year = school_year_of(today)
    published = dt.datetime(int(year[:4]), 8, 10, 9, 0)
    plan = acknowledgements.publish_plan(
        session,
        archive,
        school.id,
        acknowledgements.NewPlan(
            title=TITLE,
            school_year=year,
            version_date=published.date(),
            filename="skolens-plan-nordpolen.docx",
            content=plan_document(),
        ),
        BY,
        published,
    )
    teacher = session.execute(
        select(User).where(User.email == "kontaktlaerer.nordpolen@demo.trygg.no")
    ).scalar_one_or_none()
    if teacher is not None:
        acknowledgements.sign(
            session,
            archive,
            teacher,
            acknowledgements.Signature(
                plan.id, dict.fromkeys(acknowledgements.CONFIRMATIONS, True), teacher.name
            ),
            BY,
            published + dt.timedelta(days=4),
        )
    return True
