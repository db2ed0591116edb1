"""The trinn (grade) of a case, for filters and figures.

A case stores the class the reporter gave ("6B", "10 A"); the register pupil, when the
case has one, knows the grade itself. Classes follow the Norwegian habit of starting
with the grade's number, so the leading digits are the grade; a class without them
("Innføring", "AKS-gruppe") has no grade.
"""

from __future__ import annotations

import re

_LEADING_NUMBER = re.compile(r"\s*(\d{1,2})")
HIGHEST_GRADE = 13


def grade_of(class_name: str, register_grade: int | None = None) -> int | None:
    if register_grade is not None and 1 <= register_grade <= HIGHEST_GRADE:
        return register_grade
    match = _LEADING_NUMBER.match(class_name)
    if match is None:
        return None
    grade = int(match.group(1))
    return grade if 1 <= grade <= HIGHEST_GRADE else None
