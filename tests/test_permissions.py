"""The access rules as pure functions: no HTTP, no database."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.factories.principals import (
    ADMIN,
    BERGEN,
    DEPUTY,
    HANDLER,
    NORDPOLEN,
    OSLO,
    OTHER_OWNER,
    OTHER_RECTOR,
    OTHER_TEACHER,
    OWNER,
    RECTOR,
    REPORTER,
    SCHOOL_ADMIN,
    VESTRE_AKER,
    person,
)
from trygg.accounts.permissions import (
    CaseAccess,
    assignable_roles,
    can_administer,
    can_edit_case,
    can_export_key,
    can_file_report,
    can_manage_case,
    can_manage_school,
    can_manage_user,
    can_report_to_owner,
    can_see_cases,
    can_view_audit_trail,
    can_view_case,
)
from trygg.accounts.principal import Principal

CASE = CaseAccess(
    school_id=NORDPOLEN,
    municipality_id=OSLO,
    handler_id=HANDLER.id,
    reporter_ids=frozenset({REPORTER.id}),
)


@pytest.mark.parametrize(
    ("user", "allowed"),
    [
        (RECTOR, True),
        (HANDLER, True),
        (OTHER_TEACHER, False),
        (REPORTER, False),  # a reporter sees the report they filed, not the case
        (OWNER, False),  # an ordinary case is not routed to the school owner
        (ADMIN, False),  # admins see no case content
        (SCHOOL_ADMIN, False),
        (OTHER_RECTOR, False),
    ],
)
def test_ordinary_case(user: Principal, allowed: bool) -> None:
    assert can_view_case(user, CASE) is allowed


def test_staff_suspected_routes_case_to_school_owner_of_the_same_municipality() -> None:
    case = replace(
        CASE, routed_to_school_owner=True, suspected_user_ids=frozenset({OTHER_TEACHER.id})
    )
    assert can_view_case(OWNER, case)
    assert not can_view_case(OTHER_OWNER, case)
    assert can_view_case(RECTOR, case)
    assert not can_view_case(OTHER_TEACHER, case)


def test_leadership_suspected_hides_the_case_from_every_leader_of_the_school() -> None:
    case = replace(
        CASE,
        routed_to_school_owner=True,
        leadership_suspected=True,
        suspected_user_ids=frozenset({DEPUTY.id}),
    )
    assert not can_view_case(RECTOR, case)
    assert not can_view_case(DEPUTY, case)
    assert can_view_case(OWNER, case)
    assert can_view_case(HANDLER, case)


def test_a_suspected_handler_loses_access() -> None:
    case = replace(CASE, suspected_user_ids=frozenset({HANDLER.id}), routed_to_school_owner=True)
    assert not can_view_case(HANDLER, case)
    assert not can_edit_case(HANDLER, case)


def test_editing_needs_viewing_and_a_case_role() -> None:
    assert can_edit_case(RECTOR, CASE)
    assert can_edit_case(HANDLER, CASE)
    assert not can_edit_case(REPORTER, CASE)


def test_page_rules() -> None:
    assert can_file_report(REPORTER) and can_file_report(HANDLER) and can_file_report(RECTOR)
    assert not can_file_report(OWNER) and not can_file_report(ADMIN)
    assert can_administer(ADMIN) and can_administer(SCHOOL_ADMIN) and not can_administer(RECTOR)
    assert can_view_audit_trail(ADMIN) and not can_view_audit_trail(SCHOOL_ADMIN)


def test_user_management_scope() -> None:
    assert can_manage_user(ADMIN, NORDPOLEN, OSLO)
    assert can_manage_user(ADMIN, None, OSLO)
    assert not can_manage_user(ADMIN, NORDPOLEN, BERGEN)
    assert can_manage_user(SCHOOL_ADMIN, NORDPOLEN, OSLO)
    assert not can_manage_user(SCHOOL_ADMIN, VESTRE_AKER, OSLO)
    assert not can_manage_user(SCHOOL_ADMIN, None, OSLO)
    assert not can_manage_user(RECTOR, NORDPOLEN, OSLO)
    assert "skoleeier" in assignable_roles(ADMIN)
    assert "skoleeier" not in assignable_roles(SCHOOL_ADMIN)


def test_school_settings_scope() -> None:
    # The municipality admin sets templates and days off for every school and for the
    # municipality as a whole; a school admin only for their own school.
    assert can_manage_school(ADMIN, NORDPOLEN, OSLO)
    assert can_manage_school(ADMIN, VESTRE_AKER, OSLO)
    assert can_manage_school(ADMIN, None, OSLO)
    assert not can_manage_school(ADMIN, NORDPOLEN, BERGEN)
    assert not can_manage_school(ADMIN, None, BERGEN)
    assert can_manage_school(SCHOOL_ADMIN, NORDPOLEN, OSLO)
    assert not can_manage_school(SCHOOL_ADMIN, VESTRE_AKER, OSLO)
    assert not can_manage_school(SCHOOL_ADMIN, None, OSLO)
    assert not can_manage_school(SCHOOL_ADMIN, NORDPOLEN, BERGEN)
    assert not can_manage_school(RECTOR, NORDPOLEN, OSLO)
    assert not can_manage_school(OWNER, None, OSLO)


def test_case_pages_are_for_leadership_handlers_with_a_school_and_the_school_owner() -> None:
    assert can_see_cases(RECTOR) and can_see_cases(HANDLER) and can_see_cases(OWNER)
    assert not can_see_cases(REPORTER)
    assert not can_see_cases(ADMIN) and not can_see_cases(SCHOOL_ADMIN)
    # A teacher or leader without a school has no school's cases to list.
    assert not can_see_cases(person(11, "kontaktlaerer", school_id=None))
    assert not can_see_cases(person(12, "ledelse", school_id=None))


def test_leadership_actions_need_the_case_and_a_leading_role() -> None:
    assert can_manage_case(RECTOR, CASE) and can_report_to_owner(RECTOR, CASE)
    assert not can_manage_case(HANDLER, CASE) and not can_report_to_owner(HANDLER, CASE)
    assert not can_manage_case(OTHER_RECTOR, CASE)
    routed = replace(CASE, routed_to_school_owner=True, leadership_suspected=True)
    # The owner steps in for the leadership, but does not report the case to itself.
    assert can_manage_case(OWNER, routed) and not can_report_to_owner(OWNER, routed)
    assert not can_manage_case(RECTOR, routed) and not can_report_to_owner(RECTOR, routed)
    assert not can_manage_case(OWNER, CASE)


def test_only_the_school_owner_exports_the_key_and_only_for_cases_routed_to_it() -> None:
    routed = replace(CASE, routed_to_school_owner=True)
    assert can_export_key(OWNER, routed)
    assert not can_export_key(OWNER, CASE)  # not routed: the owner does not see it
    assert not can_export_key(OTHER_OWNER, routed)  # another municipality
    for user in (RECTOR, HANDLER, REPORTER, ADMIN, SCHOOL_ADMIN):
        assert not can_export_key(user, routed)
    suspected = replace(routed, suspected_user_ids=frozenset({OWNER.id}))
    assert not can_export_key(OWNER, suspected)
