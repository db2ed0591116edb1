"""The deadlines of one case, computed from plain facts (opplæringslova chapter 12).

The law says "snarast" and "straks" rather than a number of days; the numbers here are the
product's defaults from the domain primer, at which the school is warned.

What starts and what ends each deadline. Only a finalised document or a recorded step
ends one: a draft never does, however far it has come, because only what is finalised is
archived and shows an inspector what the school did. The draft's age is shown beside the
deadline instead (trygg.cases.overview.open_drafts).

- investigate: starts when the case's first report is filed; due 2 school days later;
  ends when an investigation is finalised. Titled "Start undersøkelsen" until a draft
  exists, then "Ferdigstill undersøkelsen" (same code and due date, so the reminders sent
  for it are not repeated).
- plan: starts the day the pupil said they are not safe (a report) or a finalised
  investigation concluded so; due 5 school days later; ends when a plan version is
  finalised.
- evaluation: the next evaluation of the plan in force (the newest final version): its
  earliest measure date until it is evaluated; after a final evaluation, the date that
  evaluation set for the next one, also while the new version it asked for is a draft;
  ends with a final evaluation of that plan that sets no new date (one that closes the
  case). Counted in calendar days: a meeting is planned for a date.
- report_to_owner: starts when a report says a staff member is suspected (§ 12-5: due the
  day of the report) or when the leadership marks the case serious ("Alvorlig sak": due
  the day it was marked, stored on the case as `serious_since`),
  whichever came first; ends when the report to the school owner is recorded. A
  leadership case went to the owner with the report itself.

- follow_up: starts when the leadership closes the case (trygg.cases.closing); due the
  follow-up date the decision set; ends when the answer at the follow-up is recorded
  (the pupil still has it safe, or the case is opened again). Counted in calendar days,
  like an evaluation.

A closed case has no other deadline. Besides the deadlines, a report filed more than
LATE_REPORT_SCHOOL_DAYS school days after the event it describes is flagged: nothing can
be done about it any more, but the rektor should know (`is_late_report`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Final

from trygg.calendar.school_days import SchoolCalendar

STATES: Final = ("ok", "soon", "today", "overdue")

INVESTIGATE: Final = "investigate"
PLAN: Final = "plan"
EVALUATION: Final = "evaluation"
REPORT_TO_OWNER: Final = "report_to_owner"
FOLLOW_UP: Final = "follow_up"

# Bokmål msgids that the UI translates. Each names the step that ends the deadline, so the
# list reads as a to-do list.
TITLES: Final = {
    # § 12-4: investigate "snarast"; met as soon as an investigation entry exists.
    INVESTIGATE: "Start undersøkelsen",
    # § 12-4: measures and a written plan while the pupil does not feel safe; only a
    # finalised plan has all five legal elements, so a draft does not meet it.
    PLAN: "Ferdigstill aktivitetsplanen",
    # The plan states when it is evaluated; inspectors find evaluations never held.
    EVALUATION: "Evaluer aktivitetsplanen",
    # § 12-5: a suspected staff member means the rektor reports to the school owner
    # "straks"; § 12-4: the rektor reports serious cases to the school owner too.
    REPORT_TO_OWNER: "Meld til skoleeier",
    # The leadership set a date to check that the pupil still has it safe after closing.
    FOLLOW_UP: "Følg opp avsluttet sak",
}
# The investigation deadline once a draft exists: it was started, it is not done.
INVESTIGATION_DRAFT_TITLE: Final = "Ferdigstill undersøkelsen"

# Investigate: warn 2 school days after the report while no investigation is finalised.
INVESTIGATE_SCHOOL_DAYS: Final = 2
# Plan: warn after 5 school days without a plan once the pupil is known not to be safe.
PLAN_SCHOOL_DAYS: Final = 5
# Evaluation: remind this many calendar days before the evaluation date.
EVALUATION_REMINDER_DAYS: Final = 2
# § 12-6: Statsforvalteren once at least one week has passed since the rektor knew.
STATSFORVALTEREN_AFTER: Final = timedelta(days=7)
# A report is late when filed more than this many school days after the event: the span
# the school itself has to start investigating, so a later report means the school's
# clock started late.
LATE_REPORT_SCHOOL_DAYS: Final = 2


@dataclass(frozen=True)
class CaseFacts:
    """What the deadlines depend on, read from the case by the caller."""

    reported_on: date  # first report in the case (school date)
    # A final investigation exists; a draft alone does not meet the duty.
    investigation_finalised: bool
    # The pupil said they are not safe, or the investigation concluded so.
    unsafe_since: date | None
    plan_finalised: bool
    rektor_informed_on: date | None  # when the rektor personally learned of the case
    raised_with_rektor_by_home: date | None
    # Evaluation dates of the current finalised plan that are not yet evaluated.
    evaluation_dates: tuple[date, ...]
    staff_suspected: bool  # § 12-5
    owner_report_recorded: bool
    closed: bool
    # An investigation draft is open (only the deadline's title depends on it).
    investigation_draft: bool = False
    # The day the leadership marked the case serious ("Alvorlig sak"), if it is.
    serious_since: date | None = None
    # A closed case's follow-up date, until the answer at the follow-up is recorded.
    follow_up_on: date | None = None


@dataclass(frozen=True)
class Deadline:
    code: str
    title: str
    due: date
    state: str  # one of STATES


def _state(due: date, today: date, *, soon: bool) -> str:
    if today > due:
        return "overdue"
    if today == due:
        return "today"
    return "soon" if soon else "ok"


def _deadline(code: str, due: date, today: date, *, soon: bool) -> Deadline:
    return Deadline(code=code, title=TITLES[code], due=due, state=_state(due, today, soon=soon))


def _next_school_day_is(due: date, calendar: SchoolCalendar, today: date) -> bool:
    """School-day deadlines are "soon" when nothing but non-school days lie between."""
    return calendar.add_school_days(today, 1) == due


def _owner_report_due(facts: CaseFacts) -> date | None:
    """When the rektor must have reported to the school owner, if that is still open: one
    deadline, from whichever reason came first (a § 12-5 report or "Alvorlig sak")."""
    if facts.owner_report_recorded:
        return None
    reasons = (facts.reported_on if facts.staff_suspected else None, facts.serious_since)
    arisen = [day for day in reasons if day is not None]
    return min(arisen) if arisen else None


def case_deadlines(facts: CaseFacts, calendar: SchoolCalendar, today: date) -> list[Deadline]:
    """The open deadlines of the case, earliest first; met deadlines are not listed.

    On equal due dates the order is § 12-5, investigation, plan, evaluation: the order in
    which the duties arise.
    """
    if facts.closed:
        if facts.follow_up_on is None:
            return []
        due = facts.follow_up_on
        soon = 0 < (due - today).days <= EVALUATION_REMINDER_DAYS
        return [_deadline(FOLLOW_UP, due, today, soon=soon)]
    found: list[Deadline] = []
    owner_due = _owner_report_due(facts)
    if owner_due is not None:
        # "Straks": due the day it arose, so never merely "soon".
        found.append(_deadline(REPORT_TO_OWNER, owner_due, today, soon=False))
    if not facts.investigation_finalised:
        due = calendar.add_school_days(facts.reported_on, INVESTIGATE_SCHOOL_DAYS)
        soon = _next_school_day_is(due, calendar, today)
        deadline = _deadline(INVESTIGATE, due, today, soon=soon)
        if facts.investigation_draft:
            deadline = replace(deadline, title=INVESTIGATION_DRAFT_TITLE)
        found.append(deadline)
    if facts.unsafe_since is not None and not facts.plan_finalised:
        due = calendar.add_school_days(facts.unsafe_since, PLAN_SCHOOL_DAYS)
        found.append(_deadline(PLAN, due, today, soon=_next_school_day_is(due, calendar, today)))
    # A date entered twice is one evaluation, not two reminders.
    for due in sorted(set(facts.evaluation_dates)):
        # Calendar days: an evaluation meeting is planned for a date, school day or not.
        soon = 0 < (due - today).days <= EVALUATION_REMINDER_DAYS
        found.append(_deadline(EVALUATION, due, today, soon=soon))
    return sorted(found, key=lambda deadline: deadline.due)


def statsforvalteren_from(facts: CaseFacts) -> date | None:
    """The first day the case can go to Statsforvalteren (§ 12-6), if it was raised.

    The week runs from the earliest day the rektor personally knew: from the rektor's own
    record or from the day the home raised it with the rektor, whichever came first.
    """
    raised = (facts.rektor_informed_on, facts.raised_with_rektor_by_home)
    known = [day for day in raised if day is not None]
    return min(known) + STATSFORVALTEREN_AFTER if known else None


def is_overdue(facts: CaseFacts, calendar: SchoolCalendar, today: date) -> bool:
    return any(d.state == "overdue" for d in case_deadlines(facts, calendar, today))


def reminders_due(facts: CaseFacts, calendar: SchoolCalendar, today: date) -> list[Deadline]:
    """What the daily send-reminders run sends for this case: everything not "ok"."""
    return [d for d in case_deadlines(facts, calendar, today) if d.state != "ok"]


def report_delay(happened_on: date, filed_on: date, calendar: SchoolCalendar) -> int:
    """How many school days after the event a report was filed (0 the same day, and for a
    "happened at" after the filing, which the form does not forbid)."""
    return calendar.school_days_after(happened_on, filed_on)


def is_late_report(happened_on: date, filed_on: date, calendar: SchoolCalendar) -> bool:
    return report_delay(happened_on, filed_on, calendar) > LATE_REPORT_SCHOOL_DAYS
