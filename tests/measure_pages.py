"""What the measure-owner tests share (tests/test_measure_owners.py and
tests/test_views_my_measures.py): the demo people, and a second leader at Nordpolen."""

from __future__ import annotations

from flask import Flask
from sqlalchemy.orm import Session

from tests.factories.cases import BY
from tests.factories.users import demo_email, school, user
from trygg.accounts.roles import ANSATT, KONTAKTLAERER, LEDELSE, SKOLEEIER
from trygg.accounts.users import NewUser, create_user
from trygg.models import User

PAGE = "/mine-tiltak"
MONA = demo_email(ANSATT)  # miljøarbeider AKS
PER = demo_email(KONTAKTLAERER)
HILDE = demo_email(LEDELSE)
EVA = demo_email(SKOLEEIER, None)


def second_leader(app: Flask, session: Session) -> User:
    """Lars Vik, avdelingsleder at Nordpolen: a second member of the leadership."""
    nordpolen = school(session)
    new = NewUser(
        "avdelingsleder@demo.trygg.no",
        "Lars Vik",
        LEDELSE,
        nordpolen.municipality_id,
        nordpolen.id,
        title="avdelingsleder",
    )
    create_user(session, app.extensions["trygg.passwords"], new, BY)
    session.commit()
    return user(session, "avdelingsleder@demo.trygg.no")
