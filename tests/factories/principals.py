"""Principals for the pure access rules (`trygg.accounts.permissions`): who is asking,
without a database. The ids are made up; they are not the demo users."""

from __future__ import annotations

from trygg.accounts.principal import Principal

NORDPOLEN, VESTRE_AKER, OSLO, BERGEN = 1, 2, 10, 20


def person(
    user_id: int, role: str, school_id: int | None = NORDPOLEN, municipality_id: int = OSLO
) -> Principal:
    return Principal(
        id=user_id,
        email=f"u{user_id}@skole.no",
        name=f"Bruker {user_id}",
        title="",
        role=role,
        municipality_id=municipality_id,
        school_id=school_id,
        school_name=None,
        municipality_name="Oslo kommune",
    )


RECTOR = person(1, "ledelse")
DEPUTY = person(2, "ledelse")
HANDLER = person(3, "kontaktlaerer")
OTHER_TEACHER = person(4, "kontaktlaerer")
REPORTER = person(5, "ansatt")
OWNER = person(6, "skoleeier", school_id=None)
ADMIN = person(7, "admin", school_id=None)
SCHOOL_ADMIN = person(8, "admin")
OTHER_RECTOR = person(9, "ledelse", school_id=VESTRE_AKER)
OTHER_OWNER = person(10, "skoleeier", school_id=None, municipality_id=BERGEN)
