"""What every job kind is given and gives back: the worker's session, archive, converters
and settings, the owner the job works for, and one progress callback; a file to download,
or nothing when the job's work is what it did (the invitations it sent).

Its own module so the kinds (exports.py, invitations.py) and the runner share it without
importing each other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from trygg import audit
from trygg.accounts.principal import Principal
from trygg.archive import Archive
from trygg.config import Settings
from trygg.models import User
from trygg.pdf import ConverterPool

# (steps done, steps in all): the runner turns it into the job's percentage, and commits.
Progress = Callable[[int, int], None]

NOT_FOUND = "Fant ikke det som skulle eksporteres, eller du har ikke lenger tilgang til det."


@dataclass(frozen=True)
class ExportContext:
    session: Session
    archive: Archive
    converters: ConverterPool | None
    owner: User
    now: dt.datetime
    progress: Progress
    # The mail and link settings a job that sends needs; None where nothing is sent.
    settings: Settings | None = None
    # The job's own id, for the audit events of what it did (0 outside a job).
    job_id: int = 0

    @property
    def principal(self) -> Principal:
        return Principal.of(self.owner)

    @property
    def initiator(self) -> audit.Initiator:
        # No request, so no address: the audit trail names the owner the job worked for.
        return audit.Initiator(user_id=self.owner.id, email=self.owner.email, ip="")


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    filename: str


# A kind of job: from the job's subject to its file, or None when there is nothing to
# download.
JobKind = Callable[[ExportContext, int], ExportFile | None]
