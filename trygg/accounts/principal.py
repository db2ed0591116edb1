"""The logged-in user as plain data: what permissions and templates see."""

from __future__ import annotations

from dataclasses import dataclass

from trygg.accounts.roles import role_name
from trygg.models import User


@dataclass(frozen=True)
class Principal:
    id: int
    email: str
    name: str
    title: str
    role: str
    municipality_id: int
    school_id: int | None
    school_name: str | None
    municipality_name: str

    @property
    def role_name(self) -> str:
        return role_name(self.role)

    @classmethod
    def of(cls, user: User) -> Principal:
        return cls(
            id=user.id,
            email=user.email,
            name=user.name,
            title=user.title,
            role=user.role_code,
            municipality_id=user.municipality_id,
            school_id=user.school_id,
            school_name=user.school.name if user.school else None,
            municipality_name=user.municipality.name,
        )
