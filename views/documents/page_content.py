"""What a case-document page shows: the form of a draft, the read-only text of a final
document, or the conflict between two saves. Templates get plain values, not models."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from flask import render_template, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _

from database import db
from forms.auth import ConfirmForm
from forms.base import BaseForm
from forms.documents import evaluation, investigation, plan
from forms.documents.fields import (
    blank_row,
    error_list,
    field_name_of_problem,
    find_field,
    people_for,
    problem_text,
    row_lists,
    set_choices,
)
from trygg.calendar.clock import oslo_time
from trygg.calendar.formats import date_text, stored_text
from trygg.cases.actors import roster
from trygg.cases.documents import EditConflict, current, documents_of, jsonable, previous_plan
from trygg.cases.measure_owners import barred_user_ids
from trygg.cases.names_check import case_people, check_texts, not_names
from trygg.cases.thin_texts import Caution
from trygg.cases.workflow import final_plan, plan_changes, start_document, start_evaluation
from trygg.models import Case, CaseDocument, User
from trygg.models.cases import CLOSED
from trygg.models.documents import DRAFT, FINAL
from views.documents import name_questions
from views.documents.display import Presenter
from web.form_errors import add_error


@dataclass(frozen=True)
class Kind:
    form_class: type[BaseForm]
    module: ModuleType
    template: str
    title: Any

    @property
    def problem_fields(self) -> dict[str, str]:
        return dict(self.module.PROBLEM_FIELDS)

    @property
    def row_labels(self) -> dict[str, str]:
        return {k: str(v) for k, v in self.module.ROW_LABELS.items()}


KINDS = {
    "undersokelse": Kind(
        investigation.InvestigationForm,
        investigation,
        "documents/_investigation_fields.html",
        _("Undersøkelse"),
    ),
    "aktivitetsplan": Kind(plan.PlanForm, plan, "documents/_plan_fields.html", _("Aktivitetsplan")),
    "evaluering": Kind(
        evaluation.EvaluationForm,
        evaluation,
        "documents/_evaluation_fields.html",
        _("Evaluering av aktivitetsplan"),
    ),
}


def shown_document(case: Case, kind: str) -> CaseDocument | None:
    """The document the page is about: the open draft or the latest final one (read-only);
    None when there is none yet. An evaluation belongs to the current plan version: once
    a new version is final, there is no evaluation of it until one is started.

    Opening a page never creates anything (a link from another site must not start an
    investigation and set its start time): start_document_of does, from the start button."""
    latest = current(db.session, case, kind)
    if kind != "evaluering" or latest is None:
        return latest
    plan_doc = final_plan(db.session, case)
    if latest.status == DRAFT or plan_doc is None or latest.parent_id == plan_doc.id:
        return latest
    return None


def start_document_of(case: Case, kind: str, user: User, now: dt.datetime) -> CaseDocument:
    """The new draft the start button asks for, when shown_document found none."""
    if kind == "evaluering":
        return start_evaluation(db.session, case, user, now)
    return start_document(db.session, case, kind, user, now)


# The domain's own words (trygg.cases.workflow), so one translation serves both.
CASE_CLOSED = "Saken er avsluttet. Åpne den igjen for å arbeide videre."
NO_PLAN_TO_EVALUATE = "Det finnes ingen ferdigstilt aktivitetsplan å evaluere."


def start_refusal(case: Case, kind: str) -> str | None:
    """Why the document cannot be started now, read without starting it; None if it can.
    The start itself is still checked by the domain."""
    if case.status == CLOSED:
        return str(gettext(CASE_CLOSED))
    if kind == "evaluering" and final_plan(db.session, case) is None:
        return str(gettext(NO_PLAN_TO_EVALUATE))
    return None


def start_page(case: Case, kind: str) -> str:
    """What a document page shows before the document exists: what starting it does, and
    the button (a form with the CSRF token) that starts it."""
    return render_template(
        "documents/start.html",
        case={"id": case.id, "reference": case.reference},
        document={"kind": kind, "title": str(KINDS[kind].title)},
        urls={
            "case": url_for("cases.show", case_id=case.id),
            "start": url_for(".start", case_id=case.id, kind=kind),
        },
    )


def problem_items(form: Any, problems: list[str], aliases: dict[str, str]) -> list[dict[str, Any]]:
    """The domain's list of what is missing, linked to the fields it is about; each
    problem is also shown beside its field."""
    items = []
    for problem in problems:
        name = field_name_of_problem(problem)
        name = aliases.get(name or "", name)
        target = find_field(form, name) if name else None
        text = problem_text(problem)
        if target is not None:
            add_error(form, name, text.rpartition(": ")[2] or text)
        items.append({"target": target.id if target is not None else None, "text": text})
    return items


def caution_items(form: Any, cautions: list[Caution]) -> list[dict[str, Any]]:
    """What may be thin (trygg.cases.thin_texts), linked to its field, with examples of
    what a good text says."""
    items = []
    for caution in cautions:
        target = find_field(form, caution.field)
        items.append(
            {
                "target": target.id if target is not None else None,
                "text": gettext(caution.message, **dict(caution.params)),
                "examples": list(caution.examples),
            }
        )
    return items


def race_conflict(doc: CaseDocument, section: dict[str, Any]) -> EditConflict:
    """The conflict when two saves of one revision met in the database at once. Called
    after the failed write is undone (web.lifecycle.discard_changes), which expires the
    document: it is read again as the other save left it."""
    by = doc.updater.name if doc.updater else gettext("En annen bruker")
    return EditConflict(jsonable(section), doc.data, by)


class EditPage:
    def __init__(self, case: Case, doc: CaseDocument, form: BaseForm | None = None) -> None:
        self.case = case
        self.doc = doc
        self.spec = KINDS[doc.kind]
        self.staff = roster(db.session, case.school_id)
        # § 12-5: the suspect (and the leadership in its own case) is never offered.
        self.people = people_for(case, self.staff, barred_user_ids(db.session, case))
        self.problems: list[dict[str, Any]] = []
        # Shown before finalising; «Ferdigstill likevel» goes on (views/documents/pages).
        self.cautions: list[dict[str, Any]] = []
        # Words ticked as «not a name» in a post that was not saved: still ticked.
        self.confirmed: list[str] = []
        if form is None:
            form = self.spec.form_class(
                formdata=None, data=self.spec.module.form_data(doc.data, self.people)
            )
            form.document_id.data = str(doc.id)
            form.revision.data = str(doc.revision)
        self.form: Any = form
        set_choices(self.form, self.people)

    def text_fields(self) -> dict[str, Any]:
        return name_questions.document_text_fields(
            self.form, self.doc.kind, self.spec.problem_fields
        )

    def _names(self) -> list[dict[str, str]]:
        """Ask about names beside the fields: which Ola is meant, and is «Liv» a name."""
        fields = self.text_fields()
        texts = {name: f.data or "" for name, f in fields.items()}
        check = check_texts(case_people(self.case), texts, not_names(self.doc.data))
        button = ("lagre", gettext("Bruk svarene og lagre utkastet"))
        return name_questions.show(fields, check, button, self.confirmed)

    def section(self) -> dict[str, Any]:
        module = self.spec.module
        if module is plan:
            return plan.section(self.form, self.doc.data, self.people)
        section: Callable[[Any, dict[str, Any]], dict[str, Any]] = module.section
        return section(self.form, self.doc.data)

    def refresh_revision(self) -> None:
        """After a refused finalise the save still stands: the next save starts from it."""
        self.form.revision.data = str(self.doc.revision)

    def _urls(self) -> dict[str, Any]:
        doc, case = self.doc, self.case
        return {
            "case": url_for("cases.show", case_id=case.id),
            "action": url_for(".edit", case_id=case.id, kind=doc.kind),
            "new_version": url_for(".new_version", case_id=case.id, kind=doc.kind),
            "downloads": [
                (label, url_for(".download", case_id=case.id, document_id=doc.id, fmt=fmt))
                for label, fmt in (
                    (gettext("Last ned Word (.docx)"), "docx"),
                    (gettext("Last ned PDF"), "pdf"),
                )
            ],
        }

    def _context(self) -> dict[str, Any]:
        doc, case = self.doc, self.case
        changes = list(doc.change_summary or [])
        parent = previous_plan(db.session, doc) if doc.status == DRAFT else None
        if parent is not None:
            changes = plan_changes(parent.data, doc.data)
        return {
            "case": {
                "id": case.id,
                "reference": case.reference,
                "pupil_name": case.pupil_name,
                "pupil_class": case.pupil_class,
                "closed": case.status == CLOSED,
            },
            "document": {
                "id": doc.id,
                "kind": doc.kind,
                "title": str(self.spec.title),
                "number": doc.number,
                "final": doc.status == FINAL,
                "finalised_on": (
                    date_text(oslo_time(doc.finalised_at).date()) if doc.finalised_at else ""
                ),
                "changes": [gettext(c) for c in changes],
                "data": doc.data,
            },
            "planned_date": stored_text(doc.data.get("planned_date")),
            "urls": self._urls(),
            "earlier": self._earlier(),
        }

    def _earlier(self) -> list[dict[str, Any]]:
        docs = [
            d for d in documents_of(db.session, self.case, self.doc.kind) if d.id != self.doc.id
        ]
        return [
            {
                "number": d.number,
                "final": d.status == FINAL,
                "downloads": [
                    (
                        fmt.upper() if fmt == "pdf" else "Word",
                        url_for(".download", case_id=self.case.id, document_id=d.id, fmt=fmt),
                    )
                    for fmt in ("docx", "pdf")
                ],
            }
            for d in docs
        ]

    def _can_start_new(self) -> bool:
        if (
            self.case.status == CLOSED
            or current(db.session, self.case, self.doc.kind) is not self.doc
        ):
            return False
        if self.doc.kind != "evaluering":
            return True
        step = self.doc.data.get("next") or {}
        return step.get("action") == "ny_evaluering"

    def render(self, template: str = "documents/edit.html", **extra: Any) -> str:
        context = self._context()
        if (
            self.doc.status == FINAL
            and not extra
            and not self.form.errors
            and not self.form.form_errors
        ):
            return render_template(
                "documents/view.html",
                rows=Presenter(self.case, self.staff).rows(self.doc.data, self.doc.kind),
                can_start_new=self._can_start_new(),
                confirm=ConfirmForm(formdata=None),
                **context,
            )
        blanks = {name: blank_row(rows) for name, rows in row_lists(self.form).items()}
        for row in blanks.values():
            set_choices(row, self.people)
        set_choices(self.form, self.people)
        summary = self.problems or [
            {"target": target, "text": text}
            for target, text in error_list(self.form, self.spec.row_labels)
        ]
        return render_template(
            template,
            names=self._names(),
            form=self.form,
            fields_template=self.spec.template,
            blanks=blanks,
            problems=bool(self.problems),
            summary=summary,
            cautions=self.cautions,
            staff_names=self.people.staff_names,
            staff_list_id=plan.STAFF_LIST_ID,
            confirm=ConfirmForm(formdata=None),
            **context,
            **extra,
        )

    def conflict(self, conflict: EditConflict) -> str:
        # The form keeps the user's text and takes the saved revision, so saving again
        # is a deliberate merge, not a blind overwrite.
        self.form.revision.data = str(self.doc.revision)
        return self.render(
            "documents/conflict.html",
            message=gettext(conflict.message, **conflict.params),
            differences=Presenter(self.case, self.staff).differences(
                conflict.theirs, conflict.mine, self.doc.kind
            ),
        )
