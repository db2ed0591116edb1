"""Input parts shared by the case documents: school, case, pupil and the actors."""

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from trygg.documents.sanitise import LineText, OptionalLineText

ActorKind = Literal["pupil", "guardian", "staff"]


class Input(BaseModel):
    # Unknown keys are refused: a typo in a form or a municipal integration must not
    # silently drop a field from a legal document.
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class SchoolPart(Input):
    name: LineText
    municipality: LineText
    owner_contact: OptionalLineText = None


class CasePart(Input):
    reference: LineText = Field(max_length=40)
    opened: dt.date
    # When the rektor personally learned of the case (§ 12-6 counts from the earliest).
    rektor_informed: dt.datetime | None = None
    raised_with_rektor_by_home: dt.date | None = None
    # Who received the report and answers for the case: the rektor, or the school owner
    # when the report went straight there (§ 12-5). The documents' words follow it.
    received_by: Literal["rektor", "skoleeier"] = "rektor"


class PupilPart(Input):
    name: LineText
    class_name: LineText = Field(alias="class")


class ActorPart(Input):
    id: LineText = Field(max_length=40)
    kind: ActorKind
    name: LineText
    aliases: tuple[LineText, ...] = Field(default=(), max_length=20)
    role: OptionalLineText = None
    title: OptionalLineText = None
    guardian_of: OptionalLineText = None
    # § 12-5: a staff member suspected of violating the pupil is labelled ("Ansatt A").
    suspected: bool = False
    # The label the case already gave this person; kept so a person is "Elev A" in
    # every document of the case. New people get the next free label.
    label: OptionalLineText = Field(default=None, max_length=80)


class CaseDocumentInput(Input):
    """Fields every case document carries; the kind adds its own section."""

    school: SchoolPart
    case: CasePart
    pupil: PupilPart
    actors: tuple[ActorPart, ...] = Field(default=(), max_length=100)
    # The date in the header; when absent, each kind derives it from its own dates.
    document_date: dt.date | None = None
