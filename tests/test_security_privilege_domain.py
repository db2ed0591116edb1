"""Penetration test, issue 17, in the domain without HTTP: nobody changes their own role
or school, a school admin's grant of a case role is a request until the school's
leadership confirms it, nobody sets another person's password, and the access changes
are listed newest first in pages. The pages: tests/test_security_privilege.py."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories.principals import (
    ADMIN,
    HANDLER,
    OTHER_RECTOR,
    OWNER,
    RECTOR,
    REPORTER,
    SCHOOL_ADMIN,
    VESTRE_AKER,
)
from trygg import audit
from trygg.accounts import access_changes, staff_import
from trygg.accounts import users as accounts
from trygg.accounts.permissions import (
    can_decide_role_grant,
    can_decide_role_grants,
    can_view_access_changes,
    grant_needs_confirmation,
)
from trygg.accounts.principal import Principal
from trygg.errors import NotAllowed, NotFound, Refused
from trygg.models import School, User

NEW_PASSWORD = "et langt og trygt passord"
NOW = dt.datetime(2026, 11, 23, 9, 0)


def user(session: Session, email: str) -> User:
    session.expire_all()
    return session.execute(select(User).where(User.email == email)).scalar_one()


def principal(session: Session, email: str) -> Principal:
    return Principal.of(user(session, email))


def by(who: Principal) -> audit.Initiator:
    return audit.Initiator(user_id=who.id, email=who.email)


def nordpolen(session: Session) -> int:
    return session.execute(select(School.id).where(School.name == "Nordpolen skole")).scalar_one()


def test_refuses_changing_ones_own_role_or_school(session: Session, demo: dict[str, str]) -> None:
    for key in ("admin", "admin_school"):
        admin = principal(session, demo[key])
        me = user(session, demo[key])
        other_school = None if me.school_id else nordpolen(session)
        for change in (
            accounts.UserChange(me.name, me.title, "ledelse", nordpolen(session)),
            accounts.UserChange(me.name, me.title, "admin", other_school),
        ):
            with pytest.raises(Refused, match="din egen rolle eller skole"):
                accounts.change_user(session, me, change, admin, by(admin))
        accounts.change_user(
            session,
            me,
            accounts.UserChange("Nytt Navn", "", "admin", me.school_id),
            admin,
            by(admin),
        )
        assert (me.name, me.role_code) == ("Nytt Navn", "admin")


def test_school_admin_grant_is_a_request_until_confirmed(
    session: Session, demo: dict[str, str]
) -> None:
    admin = principal(session, demo["admin_school"])
    mona = user(session, demo["ansatt"])
    change = accounts.UserChange(mona.name, mona.title, "ledelse", mona.school_id)
    pending = accounts.change_user(session, mona, change, admin, by(admin))
    assert pending is not None and mona.role_code == "ansatt"
    # Neither the admin, nor the subject, nor another school's leader decides it.
    for who in (admin, Principal.of(mona), principal(session, demo["kontaktlaerer"])):
        with pytest.raises((NotAllowed, NotFound)):
            access_changes.confirm(session, who, pending.id, by(who), NOW)
    rektor = principal(session, demo["ledelse"])
    access_changes.confirm(session, rektor, pending.id, by(rektor), NOW)
    assert mona.role_code == "ledelse"
    with pytest.raises(Refused):
        access_changes.refuse(session, rektor, pending.id, by(rektor), NOW)


def test_a_later_change_withdraws_the_request(session: Session, demo: dict[str, str]) -> None:
    school_admin = principal(session, demo["admin_school"])
    admin = principal(session, demo["admin"])
    rektor = principal(session, demo["ledelse"])
    mona = user(session, demo["ansatt"])
    pending = accounts.change_user(
        session,
        mona,
        accounts.UserChange(mona.name, "", "kontaktlaerer", mona.school_id),
        school_admin,
        by(school_admin),
    )
    assert pending is not None
    accounts.change_user(
        session, mona, accounts.UserChange(mona.name, "", "admin", mona.school_id), admin, by(admin)
    )
    assert access_changes.pending_for(session, rektor) == []
    with pytest.raises(Refused):
        access_changes.confirm(session, rektor, pending.id, by(rektor), NOW)
    assert mona.role_code == "admin"


def test_create_and_import_by_a_school_admin_wait(
    app: Flask, session: Session, demo: dict[str, str]
) -> None:
    admin = principal(session, demo["admin_school"])
    passwords = app.extensions["trygg.passwords"]
    added = accounts.add_user(
        session,
        passwords,
        accounts.NewUser(
            "ny@nordpolen.no", "Ny Lærer", "kontaktlaerer", admin.municipality_id, admin.school_id
        ),
        admin,
        by(admin),
    )
    assert added.user.role_code == "ansatt" and added.pending is not None
    rows = (
        staff_import.StaffRow(1, "Leder To", "leder2@nordpolen.no", "", "ledelse"),
        staff_import.StaffRow(2, "Vikar", "vikar@nordpolen.no", "", "ansatt"),
    )
    assert admin.school_id is not None
    result = staff_import.import_staff(session, passwords, rows, admin.school_id, admin, by(admin))
    assert (result.created, result.pending) == (2, 1)
    assert user(session, "leder2@nordpolen.no").role_code == "ansatt"
    municipal = principal(session, demo["admin"])
    direct = accounts.add_user(
        session,
        passwords,
        accounts.NewUser("eier2@oslo.no", "Eier To", "skoleeier", admin.municipality_id, None),
        municipal,
        by(municipal),
    )
    assert direct.user.role_code == "skoleeier" and direct.pending is None


def test_nobody_sets_another_persons_password(
    app: Flask, session: Session, demo: dict[str, str]
) -> None:
    admin = principal(session, demo["admin"])
    rektor = user(session, demo["ledelse"])
    with pytest.raises(Refused):
        accounts.set_password(
            session, app.extensions["trygg.passwords"], rektor, NEW_PASSWORD, by(admin), NOW
        )


def test_access_changes_newest_first_in_pages(session: Session, demo: dict[str, str]) -> None:
    admin = principal(session, demo["admin"])
    mona = user(session, demo["ansatt"])
    for step in range(60):
        role = "admin" if step % 2 == 0 else "ansatt"
        accounts.change_user(
            session,
            mona,
            accounts.UserChange(mona.name, "", role, mona.school_id),
            admin,
            by(admin),
        )
    rektor = principal(session, demo["ledelse"])
    first = access_changes.changes_page(session, rektor, 1)
    second = access_changes.changes_page(session, rektor, 2)
    assert len(first.rows) == access_changes.CHANGES_PER_PAGE and first.has_next
    ids = [row.id for row in first.rows + second.rows]
    assert ids == sorted(ids, reverse=True)
    # The demo's four Nordpolen accounts and the sixty changes; nothing from Vestre Aker.
    assert len(ids) == 64 and not second.has_next
    assert first.rows[0].role_to == "ansatt" and first.rows[0].by_name == "Jon Berge"
    owner = principal(session, demo["skoleeier"])
    assert len(access_changes.changes_page(session, owner, 1).rows) == 50
    other_rektor = session.execute(
        select(User).where(User.role_code == "ledelse", User.school_id != mona.school_id)
    ).scalar_one()
    assert len(access_changes.changes_page(session, Principal.of(other_rektor), 1).rows) == 4


def test_the_grant_rules_as_pure_functions() -> None:
    # Made-up principals (tests/factories/principals.py): no database.
    for role in ("kontaktlaerer", "ledelse"):
        assert grant_needs_confirmation(SCHOOL_ADMIN, "ansatt", role)
        assert grant_needs_confirmation(SCHOOL_ADMIN, None, role)
        assert not grant_needs_confirmation(ADMIN, "ansatt", role)
    assert grant_needs_confirmation(SCHOOL_ADMIN, "ledelse", "kontaktlaerer")
    assert not grant_needs_confirmation(SCHOOL_ADMIN, "ledelse", "ledelse")
    assert not grant_needs_confirmation(SCHOOL_ADMIN, "ledelse", "ansatt")
    assert not grant_needs_confirmation(SCHOOL_ADMIN, "ansatt", "admin")
    assert can_decide_role_grants(RECTOR) and can_decide_role_grants(OTHER_RECTOR)
    assert not any(can_decide_role_grants(p) for p in (HANDLER, REPORTER, OWNER, ADMIN))
    assert can_decide_role_grant(RECTOR, RECTOR.school_id or 0, REPORTER.id)
    assert not can_decide_role_grant(RECTOR, RECTOR.school_id or 0, RECTOR.id)
    assert not can_decide_role_grant(RECTOR, VESTRE_AKER, REPORTER.id)
    assert not can_decide_role_grant(SCHOOL_ADMIN, SCHOOL_ADMIN.school_id or 0, REPORTER.id)
    assert can_view_access_changes(RECTOR) and can_view_access_changes(OWNER)
    assert not any(can_view_access_changes(p) for p in (HANDLER, REPORTER, ADMIN, SCHOOL_ADMIN))
