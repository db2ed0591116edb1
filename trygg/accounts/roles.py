"""The five roles. Codes are stable identifiers; names are what users read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class RoleDefinition:
    code: str
    name: str
    school_bound: bool


ANSATT: Final = "ansatt"
KONTAKTLAERER: Final = "kontaktlaerer"
LEDELSE: Final = "ledelse"
SKOLEEIER: Final = "skoleeier"
ADMIN: Final = "admin"

ROLES: Final = (
    RoleDefinition(ANSATT, "Ansatt", True),
    RoleDefinition(KONTAKTLAERER, "Kontaktlærer / saksbehandler", True),
    RoleDefinition(LEDELSE, "Skoleledelse", True),
    RoleDefinition(SKOLEEIER, "Skoleeier", False),
    # An admin may belong to one school (school IT) or to the whole municipality.
    RoleDefinition(ADMIN, "Administrator", False),
)
ROLE_CODES: Final = frozenset(role.code for role in ROLES)
# The roles that open case content (trygg.accounts.permissions.can_view_case): granted only
# by a municipality admin, or by a school admin with the school leadership's confirmation.
CASE_ACCESS_ROLES: Final = frozenset({KONTAKTLAERER, LEDELSE, SKOLEEIER})

# What people type in a staff list, mapped to a role code.
ROLE_ALIASES: Final = {
    "ansatt": ANSATT,
    "kontaktlærer": KONTAKTLAERER,
    "kontaktlaerer": KONTAKTLAERER,
    "saksbehandler": KONTAKTLAERER,
    "ledelse": LEDELSE,
    "skoleledelse": LEDELSE,
    "rektor": LEDELSE,
    "skoleeier": SKOLEEIER,
    "admin": ADMIN,
    "administrator": ADMIN,
}


def role_name(code: str) -> str:
    for role in ROLES:
        if role.code == code:
            return role.name
    return code
