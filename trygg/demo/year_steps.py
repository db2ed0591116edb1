"""The steps of one demo case (trygg.demo.year), taken through the domain as the pages take
them: file the report, receive it and name a handler, investigate, make the plan,
evaluate it, close the case as the leadership's decision and record the follow-up.

Days are school days of the school's own calendar (trygg.calendar), so every step falls
on a day the school is open; times are UTC, in school hours.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from trygg import audit
from trygg.archive import Archive
from trygg.calendar.school_days import SchoolCalendar
from trygg.cases.actors import PersonInput
from trygg.cases.closing import (
    ClosingGrounds,
    FollowUpAnswer,
    close_case,
    confirm_closing,
    pending_proposal,
    propose_closing,
    record_follow_up,
)
from trygg.cases.documents import save_draft
from trygg.cases.leadership import Receipt, assign_handler, receive, record_owner_report
from trygg.cases.reports import NewReport, file_report
from trygg.cases.workflow import finalise_step, start_document, start_evaluation
from trygg.demo.year_texts import Story
from trygg.models import Case, CaseDocument, User

BY = audit.Initiator(user_id=None, email="demo-seed")
# Who takes part in an evaluation meeting; written as roles, so no name needs checking.
PARTICIPANTS = ("{n}", "Kontaktlærer", "Foresatte", "Rektor")


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


@dataclass(frozen=True)
class Staff:
    reporter: User  # the employee who files the reports
    handler: User  # the kontaktlærer who handles the cases
    rektor: User


@dataclass
class DemoCase:
    """One case as it goes through its steps. `day(n)` is its n-th school day after the
    report; the steps are called in order, each on its day."""

    session: Session
    archive: Archive
    staff: Staff
    calendar: SchoolCalendar
    story: Story
    reported_on: dt.date
    case: Case | None = None

    def text(self, template: str) -> str:
        assert self.case is not None
        return template.replace("{n}", self.case.pupil_name.split()[0])

    def day(self, n: int) -> dt.date:
        return self.calendar.add_school_days(self.reported_on, n)

    @property
    def the_case(self) -> Case:
        assert self.case is not None
        return self.case

    def file(
        self,
        pupil: tuple[str, str, str],
        pupil_id: int | None,
        other: str,
        *,
        pupil_said_so: bool,
        hour: int = 8,
    ) -> None:
        first, last, class_name = pupil
        story = self.story
        report = NewReport(
            pupil_name=f"{first} {last}",
            pupil_class=class_name,
            arena=story.arena,
            account=story.account.replace("{n}", first),
            intervention=story.intervention.replace("{n}", first),
            kinds=story.kinds,
            pupil_said_so=pupil_said_so,
            others=(PersonInput(other, "pupil", role="utøvende"),),
            pupil_id=pupil_id,
        )
        doc = file_report(
            self.session,
            self.archive,
            self.staff.reporter,
            report,
            BY,
            at(self.reported_on, hour, 10),
        )
        self.case = self.session.get(Case, doc.case_id)

    def receive(self, *, serious: bool = False) -> None:
        # Within the hour of the report: the leadership reads its alerts during the day.
        case, rektor = self.the_case, self.staff.rektor
        when = self.the_case.opened_at + dt.timedelta(minutes=50)
        receive(
            self.session, case, Receipt(rektor_informed_at=when, serious=serious), rektor, BY, when
        )
        assign_handler(self.session, case, f"u{self.staff.handler.id}", rektor, BY, when)
        if serious:
            owner = case.school.municipality.owner_contact or case.school.municipality.name
            record_owner_report(self.session, case, when, owner, rektor, BY, when)

    def _save(self, doc: CaseDocument, content: dict[str, Any], when: dt.datetime) -> None:
        user = self.staff.handler
        save_draft(
            self.session, self.the_case, doc, {**doc.data, **content}, doc.revision, user, when
        )

    def _finalise(self, doc: CaseDocument, when: dt.datetime) -> CaseDocument | None:
        return finalise_step(
            self.session, self.archive, self.the_case, doc, self.staff.handler, BY, when
        )

    def investigate(self, start: int, final: int | None, *, safe: bool = False) -> None:
        """Begin the investigation on day `start`; finalise it on day `final` (None: the
        draft holds the first conversation only). `safe`: the pupil is safe again."""
        story, handler = self.story, f"u{self.staff.handler.id}"
        begun = self.day(start)
        doc = start_document(
            self.session, self.the_case, "undersokelse", self.staff.handler, at(begun, 9)
        )
        talk = {
            "date": begun.isoformat(),
            "with": "pupil",
            "by": handler,
            "account": self.text(story.pupil_said),
        }
        content: dict[str, Any] = {"watch": self.text(story.watch), "conversations": [talk]}
        if final is None:
            self._save(doc, content, at(begun, 11))
            return
        ended = self.day(final)
        other = next(a for a in self.the_case.actors if a.role == "utøvende")
        content |= {
            "conversations": [
                talk,
                {
                    "date": ended.isoformat(),
                    "with": other.key,
                    "by": handler,
                    "account": self.text(story.other_said),
                    "kontradiksjon": True,
                },
            ],
            "observations": [
                {
                    "date": begun.isoformat(),
                    "arena": story.observed_at,
                    "by": f"u{self.staff.reporter.id}",
                    "findings": self.text(story.observed),
                },
            ],
            "analysis": self.text(story.analysis),
            "best_interest": self.text(story.best_interest),
            "pupil_voice": self.text(story.pupil_voice),
            "conclusion": {"pupil_safe": safe, "plan_needed": not safe},
            "guardians_informed_of_rights": begun.isoformat(),
        }
        if safe and self.the_case.unsafe_since is not None:
            content["safe_justification"] = self.text(
                "{n} sa fra selv, men sier nå i samtale at det var én episode, at den er "
                "oppklart og at {n} har det bra. Observasjonen bekrefter det."
            )
        self._save(doc, content, at(ended, 12))
        self._finalise(doc, at(ended, 12, 10))

    def plan(self, on: int, evaluate_on: dt.date, *, final: bool = True) -> None:
        story, staff = self.story, self.staff
        made = self.day(on)
        doc = start_document(
            self.session, self.the_case, "aktivitetsplan", staff.handler, at(made, 9)
        )
        owners = (staff.reporter, staff.handler, staff.rektor)
        measures = [
            {
                "description": self.text(description),
                "level": level,
                "start": made.isoformat(),
                "frequency": self.text(frequency),
                "by": f"u{owners[n % 3].id}",
                "evaluate_on": evaluate_on.isoformat(),
            }
            for n, (description, level, frequency) in enumerate(story.measures)
        ]
        content = {
            "responsible": f"u{staff.rektor.id}",
            "problem": self.text(story.problem),
            "measures": measures,
            "guardian_views": "Foresatte er enige i tiltakene og ønsker kontakt hver uke.",
            "reviewed_with_pupil_on": made.isoformat(),
        }
        self._save(doc, content, at(made, 10))
        if final:
            self._finalise(doc, at(made, 10, 10))

    def evaluate(self, on: dt.date, next_step: dict[str, str], *, adjust: bool = False) -> None:
        """Hold the evaluation meeting on its planned day. "avslutte" proposes closing (the
        leadership confirms with `confirm`); with `adjust` the first measure is to be
        changed in the new version the evaluation asks for, which is made at once."""
        story, ending = self.story, next_step["action"] == "avslutte"
        doc = start_evaluation(self.session, self.the_case, self.staff.handler, at(on, 12))
        effect = self.text(story.effect if ending else story.progress)
        rows = [
            {
                **row,
                "carried_out": True,
                "effect_pupil": effect,
                "decision": "avslutte"
                if ending
                else ("justere" if adjust and n == 0 else "fortsette"),
            }
            for n, row in enumerate(doc.data["measures"])
        ]
        content = {
            "date": on.isoformat(),
            "participants": [self.text(p) for p in PARTICIPANTS],
            "measures": rows,
            "pupil_safe_now": ending,
            "overall": self.text(story.overall)
            if ending
            else self.text("{n} har det bedre, men er ikke trygg ennå. Tiltakene fortsetter."),
            "next": next_step,
        }
        self._save(doc, content, at(on, 13))
        revision = self._finalise(doc, at(on, 13, 10))
        if revision is not None and adjust:
            data = revision.data
            first = {**data["measures"][0]}
            first["frequency"] = f"{first['frequency']}, og i tillegg ved skoledagens slutt"
            data = {**data, "measures": [first, *data["measures"][1:]]}
            self._save(revision, data, at(on, 14))
            self._finalise(revision, at(on, 14, 10))

    def confirm(self, on: dt.date) -> None:
        proposal = pending_proposal(self.session, self.the_case)
        assert proposal is not None  # the evaluation proposed closing
        confirm_closing(
            self.session, self.archive, self.the_case, proposal, self.staff.rektor, BY, at(on, 11)
        )

    def _grounds(self, follow_up_on: dt.date, heard_on: dt.date) -> ClosingGrounds:
        return ClosingGrounds(
            reason=self.text(self.story.analysis),
            pupil_experience=self.text(self.story.pupil_voice),
            heard_how=f"Samtale med eleven {heard_on.strftime('%d.%m.%Y')}.",
            follow_up_on=follow_up_on,
            pupil_safe=True,
        )

    def propose(self, on: int, follow_up_on: dt.date) -> None:
        """The handler proposes closing; the leadership decides at its next meeting."""
        day = self.day(on)
        propose_closing(
            self.session,
            self.the_case,
            self._grounds(follow_up_on, day),
            self.staff.handler,
            BY,
            at(day, 14),
        )

    def close(self, on: int, follow_up_on: dt.date) -> None:
        """The leadership closes the case itself after the investigation."""
        day = self.day(on)
        close_case(
            self.session,
            self.archive,
            self.the_case,
            self._grounds(follow_up_on, self.day(on - 1)),
            self.staff.rektor,
            BY,
            at(day, 11),
        )

    def follow_up(self, on: dt.date) -> None:
        answer = FollowUpAnswer(
            still_safe=True,
            pupil_experience=self.text("{n} sier at det fortsatt er bra på skolen."),
            heard_how=f"Samtale med eleven {on.strftime('%d.%m.%Y')}.",
        )
        record_follow_up(self.session, self.the_case, answer, self.staff.handler, BY, at(on, 9))
