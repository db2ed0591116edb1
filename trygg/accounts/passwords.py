"""Password hashing with argon2id, and the rules a new password must meet."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from trygg.config import PasswordHashing
from trygg.errors import Refused

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256


class Passwords:
    def __init__(self, params: PasswordHashing) -> None:
        self._hasher = PasswordHasher(
            time_cost=params.time_cost,
            memory_cost=params.memory_cost_kib,
            parallelism=params.parallelism,
        )
        # Verifying against this when no account matches costs the same time as a real
        # check, so response times do not reveal which addresses have accounts.
        self._dummy_hash = self._hasher.hash("trygg-dummy-password-for-timing")

    def hash(self, password: str) -> str:
        check_new_password(password)
        return self._hasher.hash(password)

    def verify(self, stored_hash: str | None, password: str) -> bool:
        try:
            return self._hasher.verify(stored_hash or self._dummy_hash, password) and (
                stored_hash is not None
            )
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored_hash: str) -> bool:
        return self._hasher.check_needs_rehash(stored_hash)


def check_new_password(password: str) -> None:
    # Every form that sets a password names its field new_password.
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Refused(
            "Passordet må ha minst %(min)d tegn.", field="new_password", min=MIN_PASSWORD_LENGTH
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise Refused(
            "Passordet kan ha høyst %(max)d tegn.", field="new_password", max=MAX_PASSWORD_LENGTH
        )
    if password.strip() != password or not password.strip():
        raise Refused(
            "Passordet kan ikke begynne eller slutte med mellomrom.", field="new_password"
        )
