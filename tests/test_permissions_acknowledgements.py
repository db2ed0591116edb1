"""The Skolens plan access rules as pure functions: no HTTP, no database."""

from __future__ import annotations

import pytest

from tests.factories.principals import (
    ADMIN,
    DEPUTY,
    HANDLER,
    NORDPOLEN,
    OTHER_RECTOR,
    OWNER,
    RECTOR,
    REPORTER,
    SCHOOL_ADMIN,
    VESTRE_AKER,
    person,
)
from trygg.accounts.permissions import (
    can_acknowledge_school_plan,
    can_manage_school_plan,
    can_read_acknowledgement,
    can_read_school_plan,
)
from trygg.accounts.principal import Principal


@pytest.mark.parametrize(
    ("user", "allowed"),
    [
        (REPORTER, True),
        (HANDLER, True),
        (RECTOR, True),
        # The school's IT admin works at the school too: § 12-4 applies to everyone there.
        (SCHOOL_ADMIN, True),
        (OWNER, False),
        (ADMIN, False),
        (person(11, "ansatt", school_id=None), False),
    ],
)
def test_everyone_with_a_school_acknowledges_its_plan(user: Principal, allowed: bool) -> None:
    assert can_acknowledge_school_plan(user) is allowed


def test_only_the_leadership_of_a_school_publishes_and_keeps_the_register() -> None:
    assert can_manage_school_plan(RECTOR) and can_manage_school_plan(DEPUTY)
    for user in (REPORTER, HANDLER, SCHOOL_ADMIN, OWNER, ADMIN):
        assert not can_manage_school_plan(user)
    assert not can_manage_school_plan(person(12, "ledelse", school_id=None))


def test_a_plan_is_read_at_its_own_school_only() -> None:
    assert can_read_school_plan(REPORTER, NORDPOLEN)
    assert not can_read_school_plan(REPORTER, VESTRE_AKER)
    assert not can_read_school_plan(OWNER, NORDPOLEN)


def test_a_kvittering_is_the_employees_own_and_their_schools_leadership() -> None:
    assert can_read_acknowledgement(REPORTER, REPORTER.id, NORDPOLEN)
    assert can_read_acknowledgement(RECTOR, REPORTER.id, NORDPOLEN)
    # A colleague, another school's rektor, the IT admin and the school owner may not.
    for user in (HANDLER, OTHER_RECTOR, SCHOOL_ADMIN, OWNER, ADMIN):
        assert not can_read_acknowledgement(user, REPORTER.id, NORDPOLEN)
    # Their own, even after moving to another school.
    assert can_read_acknowledgement(OTHER_RECTOR, OTHER_RECTOR.id, NORDPOLEN)
