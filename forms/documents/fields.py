"""Fields and helpers the three case-document forms share: dates typed as text, ja/nei
radios, staff and people pickers, repeating rows, and turning domain errors into errors
beside the field they are about.

Dates stay the text the user typed until the form is valid, so a half-typed date is
shown back as typed instead of vanishing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _
from wtforms import Form, RadioField, StringField
from wtforms.fields import FieldList, FormField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError
from wtforms.widgets import DateInput, DateTimeLocalInput

from forms.base import clean_text
from trygg.accounts.roles import role_name
from trygg.cases.measure_owners import EXTERNAL
from trygg.models import Case, User

YES, NO = "ja", "nei"
YES_NO = [SelectChoice(YES, _("Ja")), SelectChoice(NO, _("Nei"))]
_NORWEGIAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


class RowForm(Form):
    """One row of a repeating table; text is cleaned like BaseForm's (no CSRF per row)."""

    class Meta:
        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
            filters = list(unbound_field.kwargs.get("filters", []))
            if unbound_field.field_class.__name__ in ("StringField", "TextAreaField"):
                filters.append(clean_text)
            return unbound_field.bind(form=form, filters=filters, **options)


def parse_date(text: str | None) -> dt.date | None:
    """ISO (what <input type=date> sends) or dd.mm.åååå (what people type without it)."""
    text = (text or "").strip()
    if not text:
        return None
    match = _NORWEGIAN_DATE.fullmatch(text)
    try:
        if match:
            day, month, year = (int(part) for part in match.groups())
            return dt.date(year, month, day)
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def parse_datetime(text: str | None) -> dt.datetime | None:
    text = (text or "").strip()
    if not text:
        return None
    date_part, _sep, time_part = text.replace("T", " ").partition(" ")
    day = parse_date(date_part)
    if day is None:
        return None
    try:
        clock = dt.time.fromisoformat(time_part.strip() or "00:00")
    except ValueError:
        return None
    return dt.datetime.combine(day, clock.replace(second=0, microsecond=0))


class DateText(StringField):
    """A date picker that keeps what was typed; `.iso` is the value for the document."""

    widget = DateInput()

    def pre_validate(self, form: Any) -> None:
        if self.data and parse_date(self.data) is None:
            raise ValidationError(gettext("Skriv datoen som dd.mm.åååå, for eksempel 14.09.2026."))

    @property
    def iso(self) -> str | None:
        day = parse_date(self.data)
        return day.isoformat() if day else None


class DateTimeText(StringField):
    widget = DateTimeLocalInput()

    def pre_validate(self, form: Any) -> None:
        if self.data and parse_datetime(self.data) is None:
            raise ValidationError(
                gettext("Skriv dato og klokkeslett, for eksempel 14.09.2026 08:30.")
            )

    @property
    def iso(self) -> str | None:
        moment = parse_datetime(self.data)
        # As the document's JSON stores a moment (trygg.cases.documents.jsonable).
        return moment.isoformat(timespec="minutes") if moment else None


def yes_no(label: Any, description: Any = "") -> RadioField:
    # The domain says what is missing when finalising; a draft may leave it open.
    return RadioField(label, choices=YES_NO, validate_choice=False, description=description)


def to_bool(value: str | None) -> bool | None:
    return {YES: True, NO: False}.get(value or "")


def from_bool(value: Any) -> str | None:
    if value is True:
        return YES
    if value is False:
        return NO
    return None


def text(value: str | None) -> str:
    return value or ""


def compact(section: dict[str, Any]) -> dict[str, Any]:
    """Leave out what was not filled in, so finalising says «feltet mangler»."""
    return {k: v for k, v in section.items() if v is not None and v != {}}


# --- People ------------------------------------------------------------------------


@dataclass(frozen=True)
class People:
    """The choices a document form offers, and how stored actor keys map back to them."""

    staff: list[SelectChoice] = field(default_factory=list)
    conversation_partners: list[SelectChoice] = field(default_factory=list)
    staff_names: list[str] = field(default_factory=list)
    picker_of: dict[str, str] = field(default_factory=dict)
    name_of: dict[str, str] = field(default_factory=dict)
    key_of_name: dict[str, str] = field(default_factory=dict)
    # The plan's responsible leader is an employee; a measure may be owned by someone
    # outside the staff too (trygg.cases.measure_owners), whose role is kept here.
    employees: list[SelectChoice] = field(default_factory=list)
    external_role_of: dict[str, str] = field(default_factory=dict)

    def picker(self, key: Any) -> str:
        """A stored reference as the select's value: staff actor "s1" → "u12"."""
        return self.picker_of.get(str(key or ""), str(key or ""))

    def name(self, key: Any) -> str:
        """A stored reference as the text a measure's «who» box shows."""
        return self.name_of.get(str(key or ""), str(key or ""))

    def typed(self, value: str | None) -> str:
        """A typed name of someone already in the case becomes their key, so staff
        registered without an account are found too; anything else goes to the domain."""
        value = " ".join((value or "").split())
        return self.key_of_name.get(value.casefold(), value)


def _pupil_role(role: str) -> str:
    return {
        "utøvende": gettext("utøvende"),
        "medelev": gettext("medelev"),
        "vitne": gettext("vitne"),
    }.get(role, gettext("elev"))


def people_for(case: Case, roster: Sequence[User], barred: Collection[int] = ()) -> People:
    """`barred`: accounts never offered as responsible leader or measure owner (§ 12-5,
    trygg.cases.measure_owners.barred_user_ids); they stay conversation partners."""
    choose = [SelectChoice("", gettext("Velg …"))]
    staff = [*choose]
    picker_of: dict[str, str] = {}
    name_of: dict[str, str] = {}
    key_of_name: dict[str, str] = {}
    external_role_of: dict[str, str] = {}
    on_roster = {user.id for user in roster}
    for user in roster:
        if user.id in barred:
            continue
        title = user.title or role_name(user.role_code)
        staff.append(SelectChoice(f"u{user.id}", f"{user.name} ({title})"))
    employees = list(staff)
    names = {a.key: a.name for a in case.actors}
    pupil = gettext("%(name)s (eleven saken gjelder)", name=case.pupil_name)
    partners = [*choose, SelectChoice("pupil", pupil)]
    for actor in case.actors:
        if actor.kind == "staff":
            name_of[actor.key] = actor.name
            key_of_name.setdefault(actor.name.casefold(), actor.key)
            if actor.role == EXTERNAL and actor.user_id is None:
                external_role_of[actor.key] = actor.title
            if actor.user_id in on_roster:
                picker_of[actor.key] = f"u{actor.user_id}"
            elif not (actor.suspected or actor.user_id in barred):
                shown = f"{actor.name} ({actor.title})" if actor.title else actor.name
                staff.append(SelectChoice(actor.key, shown))
                if actor.key not in external_role_of:
                    employees.append(SelectChoice(actor.key, shown))
            title = actor.title or gettext("ansatt")
            partners.append(SelectChoice(actor.key, f"{actor.name} ({title})"))
        elif actor.kind == "guardian":
            child = names.get(actor.guardian_of, "")
            label = (
                gettext("%(name)s (foresatt til %(child)s)", name=actor.name, child=child)
                if child
                else f"{actor.name} ({gettext('foresatt')})"
            )
            partners.append(SelectChoice(actor.key, label))
        else:
            partners.append(SelectChoice(actor.key, f"{actor.name} ({_pupil_role(actor.role)})"))
    offered = {u.name for u in roster if u.id not in barred}
    offered |= {
        a.name
        for a in case.actors
        if a.kind == "staff" and not a.suspected and a.user_id not in barred
    }
    staff_names = sorted(offered)
    return People(
        staff,
        partners,
        staff_names,
        picker_of,
        name_of,
        key_of_name,
        employees,
        external_role_of,
    )


# --- Repeating rows ----------------------------------------------------------------


def blank_row(rows: FieldList) -> Any:
    """One empty row named `<list>-__index__`, for the <template> rows.js copies."""
    index = "__index__"
    options = {
        "name": f"{rows.name}-{index}",
        "id": f"{rows.id}-{index}",
        "_meta": rows.meta,
        "translations": rows._translations,
    }
    row = rows.meta.bind_field(rows._form, rows.unbound_field, options)
    row.process(None)
    return row


def row_lists(form: Form) -> dict[str, FieldList]:
    return {name: f for name, f in form._fields.items() if isinstance(f, FieldList)}


def change_rows(form: Form, add: str | None, remove: str | None) -> bool:
    """The no-JavaScript «Legg til rad» / «Fjern» buttons: change the rows, keep the text.
    Returns whether the form was asked to change."""
    lists = row_lists(form)
    if add in lists:
        rows = lists[add]
        if not rows.max_entries or len(rows.entries) < rows.max_entries:
            rows.append_entry()
        return True
    name, _sep, index = (remove or "").rpartition("-")
    if name in lists and index.isdigit() and int(index) < len(lists[name].entries):
        lists[name].pop_entry(int(index))
        if not lists[name].entries:
            lists[name].append_entry()
        return True
    return add is not None or remove is not None


def is_blank(row: Form) -> bool:
    return not any(f.data for f in row if f.type not in ("CSRFTokenField",))


def drop_blank_rows(rows: FieldList, keep_one: bool = False) -> None:
    """Rows added and left empty are not part of the document. Removing them from the
    form too keeps row numbers in domain errors equal to the rows shown."""
    for index in reversed(range(len(rows.entries))):
        if is_blank(rows.entries[index].form):
            rows.pop_entry(index)
    if keep_one and not rows.entries:
        rows.append_entry()


# --- Errors ------------------------------------------------------------------------


def all_fields(form: Form) -> Iterator[Any]:
    for f in form:
        if isinstance(f, FieldList):
            for entry in f.entries:
                yield from all_fields(entry.form)
        elif isinstance(f, FormField):
            yield from all_fields(f.form)
        else:
            yield f


def find_field(form: Form, name: str) -> Any | None:
    for f in all_fields(form):
        if f.name == name:
            return f
    return None


_PATH = re.compile(r"\s*\(([a-z_]+)((?:\.[a-z_]+|\[\d+\])*)\)$")


def field_name_of_problem(problem: str) -> str | None:
    """«… (plan.measures[1].evaluate_on)» → "measures-1-evaluate_on", the form's name."""
    match = _PATH.search(problem)
    if not match:
        return None
    parts = re.findall(r"\.([a-z_]+)|\[(\d+)\]", match.group(2))
    return "-".join(name or number for name, number in parts) or None


def problem_text(problem: str) -> str:
    """The problem without its technical path, for people."""
    return _PATH.sub("", problem)


def error_list(form: Form, labels: dict[str, str]) -> list[tuple[str | None, str]]:
    """(field id, «Tiltak 2 › Hvem gjennomfører: message») for the summary at the top."""
    items: list[tuple[str | None, str]] = [(None, str(e)) for e in form.form_errors]
    # A refusal about a whole list of rows (trygg.cases.investigation_rules) sits on the
    # list; the rows' own errors are dicts and are listed per field below.
    for rows in row_lists(form).values():
        for error in rows.errors:
            if isinstance(error, str):
                items.append((rows.id, error))
    for f in all_fields(form):
        if f.type == "CSRFTokenField":
            continue
        for error in f.errors:
            items.append((f.id, f"{where(f.name, str(f.label.text), labels)}: {error}"))
    return items


def where(name: str, label: str, row_labels: dict[str, str]) -> str:
    """ "measures-1-by" with the label «Hvem» → «Tiltak 2 › Hvem»."""
    parts = name.split("-")
    if len(parts) == 3 and parts[1].isdigit():
        row = row_labels.get(parts[0], gettext("Rad"))
        return f"{row} {int(parts[1]) + 1} › {label}"
    return label


def set_choices(form: Any, people: People) -> None:
    """Give every person picker its options; call again after rows are added."""
    options = {
        "by": people.staff,
        "responsible": people.employees,
        "with": people.conversation_partners,
    }
    for f in all_fields(form):
        if f.type == "SelectField" and f.short_name in options:
            f.choices = options[f.short_name]
