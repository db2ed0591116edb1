"""The leadership's small forms on the case page, and adding a person to a case.

Each form has its own prefix: the case page shows several at once, and their fields and
CSRF inputs must not share ids. Choices that the domain checks (handler, person kind,
guardian) are not checked again here, so the user reads the domain's Norwegian message.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from forms.base import BaseForm
from trygg.cases.actors import PersonInput

# datetime-local sends "2026-09-14T12:40"; WTForms would otherwise render it with a space.
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"

RECEIVE = "mottatt"
ASSIGN = "behandler"
OWNER = "skoleeier"
REOPEN = "gjenapne"
PERSON = "person"


class ReceiptForm(BaseForm):
    rektor_informed_at = DateTimeLocalField(
        _("Når fikk rektor selv vite om saken?"),
        format=LOCAL_FORMAT,
        validators=[InputRequired(_("Skriv når rektor fikk vite om saken."))],
        description=_(
            "Dato og klokkeslett. Statsforvalteren kan behandle saken når det har gått en uke."
        ),
    )
    raised_with_rektor_by_home = DateField(
        _("Tok eleven eller hjemmet saken opp med rektor tidligere? (valgfritt)"),
        validators=[Optional()],
        description=_("Datoen eleven eller foresatte selv tok saken opp med rektor."),
    )
    serious = BooleanField(
        _("Alvorlig sak"),
        description=_("Alvorlige saker skal rektor melde til skoleeier."),
    )


class AssignForm(BaseForm):
    handler = SelectField(
        _("Saksbehandler"),
        validate_choice=False,
        description=_("Ansatte ved skolen med rollen kontaktlærer eller skoleledelse."),
    )


class OwnerReportForm(BaseForm):
    reported_at = DateTimeLocalField(
        _("Når ble saken meldt til skoleeier?"),
        format=LOCAL_FORMAT,
        validators=[InputRequired(_("Skriv når saken ble meldt til skoleeier."))],
    )
    recipient = StringField(
        _("Meldt til"),
        validators=[Length(max=300)],
        description=_("Hvem hos skoleeier som fikk meldingen."),
    )


class ConfirmCaseForm(BaseForm):
    """A button with CSRF only: reopening a case, marking alerts as read."""


class PersonForm(BaseForm):
    """A person to add. A pupil may be picked from the school's register (issue 13):
    pupil_id is the register pupil the search picked, checked by the domain on adding
    (trygg.cases.person_register); empty for a typed name."""

    # Where the case page's "Søk i elevregisteret" posts the form (views/cases/key.py),
    # set when the user may search the case's school's register; "" when it is not offered.
    register_search_url = ""

    name = StringField(_("Navn"), validators=[Length(max=200)])
    pupil_id = HiddenField()
    kind = RadioField(
        _("Personen er"),
        choices=[
            SelectChoice("pupil", _("Elev")),
            SelectChoice("guardian", _("Foresatt")),
            SelectChoice("staff", _("Ansatt")),
        ],
        validate_choice=False,
    )
    role = SelectField(
        _("Elevens rolle i saken (for elever)"),
        choices=[
            SelectChoice("", _("Ikke valgt")),
            SelectChoice("utøvende", _("Utøvende")),
            SelectChoice("medelev", _("Medelev")),
            SelectChoice("vitne", _("Vitne")),
        ],
        validate_choice=False,
    )
    guardian_of = SelectField(
        _("Foresatt til (for foresatte)"),
        validate_choice=False,
        description=_("Foresatte til andre elever får en anonymisert betegnelse i dokumentene."),
    )
    nicknames = StringField(
        _("Kallenavn (valgfritt)"),
        validators=[Length(max=500)],
        description=_("Skill med komma, for eksempel «Jonte, JB». Også kallenavn byttes ut."),
    )

    def aliases(self) -> tuple[str, ...]:
        return tuple(n.strip() for n in (self.nicknames.data or "").split(",") if n.strip())

    def person(self, pupil_id: int | None = None) -> PersonInput:
        """The person as the domain takes it: a role only for a pupil, the pupil a
        guardian belongs to only for a guardian. `pupil_id` is the register pupil the view
        read from the hidden field once it knew the user may search the register."""
        kind = self.kind.data or ""
        return PersonInput(
            name=self.name.data or "",
            kind=kind,
            role=(self.role.data or "") if kind == "pupil" else "",
            aliases=self.aliases(),
            guardian_of=(self.guardian_of.data or "") if kind == "guardian" else "",
            pupil_id=pupil_id if kind == "pupil" else None,
        )
