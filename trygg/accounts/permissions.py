"""Who may do what: pure functions on plain data, tested without HTTP.

Views declare one of the page-level rules below; object-level rules (a given case, a
given user account) are checked where the object is loaded. Anything not granted here
is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from trygg.accounts.principal import Principal
from trygg.accounts.roles import (
    ADMIN,
    ANSATT,
    CASE_ACCESS_ROLES,
    KONTAKTLAERER,
    LEDELSE,
    SKOLEEIER,
)

SCHOOL_STAFF = frozenset({ANSATT, KONTAKTLAERER, LEDELSE})

PageRule = Callable[[Principal], bool]


def any_user(user: Principal) -> bool:
    """Pages every logged-in person needs: the front page, their own account."""
    return True


def can_administer(user: Principal) -> bool:
    return user.role == ADMIN


def can_view_audit_trail(user: Principal) -> bool:
    # The trail records who looked at what across all schools; it is the municipal IT's
    # control (a municipality-wide admin), and it never contains case content.
    return user.role == ADMIN and user.school_id is None


def can_file_report(user: Principal) -> bool:
    """Everyone who works at a school reports to the rektor (§ 12-4 third sub-duty)."""
    return user.role in SCHOOL_STAFF and user.school_id is not None


def can_see_own_measures(user: Principal) -> bool:
    """«Mine tiltak»: every employee of a school may own a measure of a plan, and sees
    those measures (never the case) there; which measures is decided per measure."""
    return user.role in SCHOOL_STAFF and user.school_id is not None


def can_handle_cases(user: Principal) -> bool:
    return user.role in (KONTAKTLAERER, LEDELSE) and user.school_id is not None


def can_send_home_copies(user: Principal) -> bool:
    """The page that makes a password-protected copy for the pupil and the home: whoever
    works on cases, the school owner too, which works on the cases routed to it (§ 12-5).
    Which case is decided per case: the page loads it with `can_edit_case`, so the school
    owner sends home only in its own cases, never in one it may not see."""
    return can_handle_cases(user) or user.role == SKOLEEIER


def can_lead_school(user: Principal) -> bool:
    return user.role == LEDELSE and user.school_id is not None


def can_act_as_school_owner(user: Principal) -> bool:
    return user.role == SKOLEEIER


def can_see_cases(user: Principal) -> bool:
    """The case lists and case pages: the leadership and handlers of a school, and the
    school owner (for cases routed to it). Which cases is decided per case."""
    if user.role == SKOLEEIER:
        return True
    return user.role in (KONTAKTLAERER, LEDELSE) and user.school_id is not None


def can_acknowledge_school_plan(user: Principal) -> bool:
    """Everyone who works at a school acknowledges its plan, whatever their role: § 12-4
    puts the duty to keep watch and report on all of them, the school's IT admin too."""
    return user.school_id is not None


def can_manage_school_plan(user: Principal) -> bool:
    """The school leadership publishes the plan and keeps the register of who signed."""
    return can_lead_school(user)


def can_read_school_plan(user: Principal, school_id: int) -> bool:
    return user.school_id is not None and user.school_id == school_id


def can_read_acknowledgement(user: Principal, employee_id: int, school_id: int) -> bool:
    """A kvittering is the employee's own; their school's leadership keeps the register."""
    if user.id == employee_id:
        return True
    return can_manage_school_plan(user) and user.school_id == school_id


def can_manage_user(admin: Principal, school_id: int | None, municipality_id: int) -> bool:
    """A municipality admin manages the whole municipality; a school admin only their school,
    and never municipality-wide accounts."""
    if admin.role != ADMIN or admin.municipality_id != municipality_id:
        return False
    if admin.school_id is None:
        return True
    return school_id == admin.school_id


def can_manage_feide(user: Principal) -> bool:
    """Login with Feide is set for the whole municipality, by its own admin: a school admin
    could otherwise open accounts for the other schools' domains."""
    return user.role == ADMIN and user.school_id is None


def can_set_statsforvalteren(user: Principal) -> bool:
    """Which Statsforvalteren the guardians are pointed to is the same for every school of
    the municipality: set by the municipality's own admin, never by one school's."""
    return user.role == ADMIN and user.school_id is None


def can_manage_school(admin: Principal, school_id: int | None, municipality_id: int) -> bool:
    """School settings (Word templates, days off). `school_id` None is the municipality as
    a whole: only a municipality admin sets what applies to every school; a school admin
    sets only their own school's."""
    if admin.role != ADMIN or admin.municipality_id != municipality_id:
        return False
    return admin.school_id is None or school_id == admin.school_id


def assignable_roles(admin: Principal) -> tuple[str, ...]:
    """A school admin cannot create municipality-wide roles."""
    if admin.school_id is None:
        return (ANSATT, KONTAKTLAERER, LEDELSE, SKOLEEIER, ADMIN)
    return (ANSATT, KONTAKTLAERER, LEDELSE, ADMIN)


def grant_needs_confirmation(admin: Principal, role_from: str | None, role_to: str) -> bool:
    """A role that opens case content is granted by a municipality admin at once; a school
    admin's grant waits for the school's leadership (issue 17: a school admin must not be
    able to hand themselves, through a second account, the rektor's access). Taking such a
    role away, or giving one without case content, needs no confirmation."""
    if role_to not in CASE_ACCESS_ROLES or role_to == role_from:
        return False
    return admin.school_id is not None


def can_decide_role_grants(user: Principal) -> bool:
    """The page of role requests waiting for the school's leadership."""
    return can_lead_school(user)


def can_decide_role_grant(leader: Principal, school_id: int, user_id: int) -> bool:
    """A leader of the school the request is for, and never about their own role."""
    return can_lead_school(leader) and leader.school_id == school_id and leader.id != user_id


def can_import_pupils(user: Principal) -> bool:
    """The pupil register is imported by the school's own admin, for that school only
    (issue 13); a municipality admin has no one school to import into."""
    return user.role == ADMIN and user.school_id is not None


def can_search_pupils(user: Principal, school_id: int) -> bool:
    """The register's names are shown only to staff of the pupil's school, when they
    file a report; never to another school, an admin or the school owner."""
    return can_file_report(user) and user.school_id == school_id


def can_view_access_changes(user: Principal) -> bool:
    """Who got which role, when, and who confirmed it: the rektor for the school, the school
    owner for the whole municipality."""
    return can_lead_school(user) or user.role == SKOLEEIER


def can_view_week_overview(user: Principal) -> bool:
    """The rektor's week ("Oversikt"): the school's leadership, for its weekly meeting."""
    return can_lead_school(user)


def can_view_owner_overview(user: Principal) -> bool:
    """Every school of the municipality at a glance, in numbers: the school owner."""
    return user.role == SKOLEEIER


def can_view_figures(user: Principal) -> bool:
    """The year's figures: the leadership for its school, the school owner for all."""
    return can_lead_school(user) or user.role == SKOLEEIER


def can_view_school_figures(user: Principal, school_id: int | None) -> bool:
    """Whose figures: `school_id` None is the whole municipality (the school owner only);
    the leadership sees its own school's, never another school's."""
    if user.role == SKOLEEIER:
        return True
    return can_lead_school(user) and school_id is not None and school_id == user.school_id


@dataclass(frozen=True)
class CaseAccess:
    """What access decisions need to know about a case, and nothing of its content."""

    school_id: int
    municipality_id: int
    handler_id: int | None = None
    reporter_ids: frozenset[int] = field(default_factory=frozenset)
    # The school owner sees the case: hidden from the leadership, sent to the owner,
    # reported to it by the rektor, or beside the pupil's hidden case (§ 12-5).
    routed_to_school_owner: bool = False
    # § 12-5: hidden from the school's leadership; no leader of the school may see it.
    leadership_suspected: bool = False
    suspected_user_ids: frozenset[int] = field(default_factory=frozenset)


# Who can be a case's handler: a teacher, a leader, or the school owner itself.
HANDLER_ROLES = frozenset({KONTAKTLAERER, LEDELSE, SKOLEEIER})


def can_view_case(user: Principal, case: CaseAccess) -> bool:
    if user.id in case.suspected_user_ids or user.municipality_id != case.municipality_id:
        return False
    if user.role == LEDELSE and user.school_id == case.school_id:
        # Not even as its handler: the case is hidden from the whole leadership.
        return not case.leadership_suspected
    if case.handler_id == user.id and user.role in HANDLER_ROLES:
        # From any school of the municipality: the school owner may pick a handler from
        # another school for a case hidden from the leadership (§ 12-5).
        return True
    if user.role == SKOLEEIER:
        return case.routed_to_school_owner
    # Ansatt see their own reports, not the case; admins see no case content.
    return False


def can_edit_case(user: Principal, case: CaseAccess) -> bool:
    return can_view_case(user, case) and user.role in (KONTAKTLAERER, LEDELSE, SKOLEEIER)


def can_manage_case(user: Principal, case: CaseAccess) -> bool:
    """The leadership's actions: receipt, handler, closing. The school owner takes them in
    the cases routed to it, since the leadership may not see a § 12-5 leadership case.
    A leader of another school who handles the case does not manage it."""
    return can_view_case(user, case) and (user.role == SKOLEEIER or _leads(user, case))


def can_propose_closing(user: Principal, case: CaseAccess) -> bool:
    """Whoever works on the case may propose closing it; the leadership decides."""
    return can_edit_case(user, case)


def can_decide_closing(user: Principal, case: CaseAccess) -> bool:
    """Closing is the leadership's decision, or the school owner's in the cases routed to
    it; a leader of another school who handles the case only proposes."""
    return can_manage_case(user, case)


def can_follow_up_closing(user: Principal, case: CaseAccess) -> bool:
    """The answer at the follow-up may reopen the case: those who decided to close it."""
    return can_decide_closing(user, case)


def _leads(user: Principal, case: CaseAccess) -> bool:
    return user.role == LEDELSE and user.school_id == case.school_id


def can_report_to_owner(user: Principal, case: CaseAccess) -> bool:
    """Only the school's leadership reports a case to the school owner (§ 12-4, § 12-5)."""
    return can_view_case(user, case) and _leads(user, case)


def can_export_key(user: Principal, case: CaseAccess) -> bool:
    """The name-to-label key as a file, for Statsforvalteren: the school owner's errand
    (it sends the case on), so only the school owner, in the cases routed to it. Others
    who see the case see the key on the case page, not as a file to pass on."""
    return can_view_case(user, case) and user.role == SKOLEEIER


def can_add_case_records(user: Principal, case: CaseAccess) -> bool:
    """Dated notes and attachments: whoever works on the case (its handler, the school's
    leadership, the school owner in the cases routed to it), never a mere reader."""
    return can_edit_case(user, case)


def can_withdraw_case_record(user: Principal, case: CaseAccess, added_by: int | None) -> bool:
    """A note or attachment added by mistake is withdrawn by the one who added it, or by
    those who manage the case (the leadership, the school owner in its cases)."""
    if not can_add_case_records(user, case):
        return False
    return (added_by is not None and added_by == user.id) or can_manage_case(user, case)


def can_merge_cases(user: Principal, case: CaseAccess, other: CaseAccess) -> bool:
    """The school's leadership merges two cases of one pupil opened by mistake, both of its
    own school; the school owner two of its own cases hidden from that leadership. Never
    across the § 12-5 line: both must be seen by the same people (a case hidden from the
    leadership, or from a suspect, never merges with one that is not)."""
    owner_merges = user.role == SKOLEEIER and case.leadership_suspected
    return (
        (_leads(user, case) or owner_merges)
        and can_manage_case(user, case)
        and can_manage_case(user, other)
        and case.school_id == other.school_id
        and case.leadership_suspected == other.leadership_suspected
        and case.suspected_user_ids == other.suspected_user_ids
    )


def can_inform_guardians(user: Principal, case: CaseAccess) -> bool:
    """Linking the case to a register pupil, recording that the home was informed, and
    sending a document to the guardians: the leadership's (the school owner's in the
    cases routed to it)."""
    return can_manage_case(user, case)
