"""The deadlines of one case, computed from plain facts (opplæringslova chapter 12).

The law says "snarast" and "straks" rather than a number of days; the numbers here are the
product's defaults from the domain primer, at which the school is warned.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from trygg.calendar.school_days import SchoolCalendar

STATES: Final = ("ok", "soon", "today", "overdue")

INVESTIGATE: Final = "investigate"
PLAN: Final = "plan"
EVALUATION: Final = "evaluation"
REPORT_TO_OWNER: Final = "report_to_owner"

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
    # § 12-5: a suspected staff member means the rektor reports to the school owner "straks".
    REPORT_TO_OWNER: "Meld til skoleeier",
}

# Investigate: warn after 2 school days without an investigation entry.
INVESTIGATE_SCHOOL_DAYS: Final = 2
# Plan: warn after 5 school days without a plan once the pupil is known not to be safe.
PLAN_SCHOOL_DAYS: Final = 5
# Evaluation: remind this many calendar days before the evaluation date.
EVALUATION_REMINDER_DAYS: Final = 2
# § 12-6: Statsforvalteren once at least one week has passed since the rektor knew.
STATSFORVALTEREN_AFTER: Final = timedelta(days=7)


@dataclass(frozen=True)
class CaseFacts:
    """What the deadlines depend on, read from the case by the caller."""

    reported_on: date  # first report in the case (school date)
    investigation_started: bool
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


def case_deadlines(facts: CaseFacts, calendar: SchoolCalendar, today: date) -> list[Deadline]:
    """The open deadlines of the case, earliest first; met deadlines are not listed.

    On equal due dates the order is § 12-5, investigation, plan, evaluation: the order in
    which the duties arise.
    """
    if facts.closed:
        return []
    found: list[Deadline] = []
    if facts.staff_suspected and not facts.owner_report_recorded:
        # "Straks": due the day the report was filed, so never merely "soon".
        found.append(_deadline(REPORT_TO_OWNER, facts.reported_on, today, soon=False))
    if not facts.investigation_started:
        due = calendar.add_school_days(facts.reported_on, INVESTIGATE_SCHOOL_DAYS)
        found.append(
            _deadline(INVESTIGATE, due, today, soon=_next_school_day_is(due, calendar, today))
        )
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
