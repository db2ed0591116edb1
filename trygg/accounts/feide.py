"""Login with Feide, the domain side: which Trygg account a verified Feide login is, the
municipality's Feide settings, and the session a Feide login opens.

The OpenID Connect protocol itself (PKCE, state, nonce, the ID token's signature, issuer
and audience) is checked in the web shell (views.auth.feide) before anything here runs:
this module receives claims that are already verified.

Matching, in this order: the stored `sub`, the stored Feide user id (eduPersonPrincipalName),
then the e-mail address of an account an admin created or imported, whose Feide ids are
then stored so the next login matches by them. An account already tied to another Feide
login is never taken over by e-mail. Without an account, a municipality that lists the
e-mail's domain creates one (ansatt, no school, until an admin places them); otherwise the
person is refused and told whom to contact.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from trygg import audit
from trygg.accounts import access_changes
from trygg.accounts.authentication import normalise_email, token_hash
from trygg.accounts.principal import Principal
from trygg.accounts.roles import ADMIN, ANSATT
from trygg.errors import Refused
from trygg.models import LoginSession, Municipality, User

FEIDE_USER_ID_CLAIM = "https://n.feide.no/claims/eduPersonPrincipalName"
# Detail values in the audit trail are identifiers; a claim longer than this is cut.
_AUDIT_TEXT = 200
_DOMAIN = re.compile(
    r"^(?=.{3,253}$)([a-z0-9æøå](?:[a-z0-9æøå-]{0,61}[a-z0-9æøå])?\.)+[a-z]{2,63}$"
)


@dataclass(frozen=True)
class FeideIdentity:
    """The verified claims of one Feide login that Trygg uses."""

    subject: str
    email: str | None
    name: str
    user_id: str | None = None

    @classmethod
    def from_claims(cls, claims: Mapping[str, object]) -> FeideIdentity:
        def text(key: str) -> str | None:
            value = claims.get(key)
            return value.strip() if isinstance(value, str) and value.strip() else None

        subject = text("sub")
        if subject is None:
            raise ValueError("an ID token without sub")
        email = text("email")
        return cls(
            subject=subject,
            email=normalise_email(email) if email else None,
            name=text("name") or (email or subject).split("@")[0],
            user_id=text(FEIDE_USER_ID_CLAIM),
        )


class Refusal(Enum):
    """Why a verified Feide login opened no session."""

    NO_ACCOUNT = "no_account"
    DEACTIVATED = "deactivated"
    FEIDE_OFF = "feide_off"
    # The e-mail's account answers to another Feide login already.
    LINKED_ELSEWHERE = "linked_elsewhere"


class Failure(Enum):
    """Why a Feide login could not be verified (the web shell decides which)."""

    PROVIDER_DOWN = "provider_down"
    PROVIDER_REFUSED = "provider_refused"
    STATE = "state"
    CODE = "code"
    SIGNATURE = "signature"
    ISSUER = "issuer"
    AUDIENCE = "audience"
    NONCE = "nonce"
    EXPIRED = "expired"
    CLAIMS = "claims"


@dataclass(frozen=True)
class Contact:
    """Whom a refused person asks for an account: the municipality's admins."""

    municipality: str
    emails: tuple[str, ...]


@dataclass(frozen=True)
class FeideLogin:
    token: str | None = None
    principal: Principal | None = None
    refusal: Refusal | None = None
    contacts: tuple[Contact, ...] = field(default_factory=tuple)
    created: bool = False


# --- settings -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeideChoice:
    enabled: bool
    local_login_hidden: bool
    account_domains: str


def parse_domains(text: str) -> tuple[str, ...]:
    """The domains an admin typed, one per line (commas and spaces also part them), in
    lower case without a leading "@"; refused at the field when one is not a domain."""
    domains: list[str] = []
    for part in re.split(r"[\s,;]+", text.strip().lower()):
        domain = part.lstrip("@")
        if not domain:
            continue
        if not _DOMAIN.match(domain):
            raise Refused(
                "«%(domain)s» er ikke et domene (skriv for eksempel oslo.kommune.no).",
                field="account_domains",
                domain=part,
            )
        if domain not in domains:
            domains.append(domain)
    return tuple(domains)


def account_domains(municipality: Municipality) -> tuple[str, ...]:
    return tuple(line for line in municipality.feide_account_domains.split("\n") if line)


def set_feide_settings(
    session: Session, municipality_id: int, choice: FeideChoice, by: audit.Initiator, now: datetime
) -> bool:
    """Store the municipality's Feide settings; returns whether anything changed. A domain
    belongs to one municipality: two that both created accounts for it would disagree on
    where a new person works."""
    municipality = session.get(Municipality, municipality_id)
    if municipality is None:
        raise Refused("Kommunen finnes ikke.")
    domains = parse_domains(choice.account_domains)
    others = session.execute(select(Municipality).where(Municipality.id != municipality_id))
    for other in others.scalars():
        taken = sorted(set(domains) & set(account_domains(other)))
        if taken:
            raise Refused(
                "Domenet %(domain)s er allerede satt opp for %(municipality)s.",
                field="account_domains",
                domain=taken[0],
                municipality=other.name,
            )
    stored = "\n".join(domains)
    if (
        municipality.feide_enabled == choice.enabled
        and municipality.local_login_hidden == choice.local_login_hidden
        and municipality.feide_account_domains == stored
    ):
        return False
    municipality.feide_enabled = choice.enabled
    municipality.local_login_hidden = choice.local_login_hidden
    municipality.feide_account_domains = stored
    session.flush()
    audit.record(
        session,
        by,
        "municipality.feide_settings_changed",
        "municipality",
        municipality_id,
        {
            "feide_enabled": choice.enabled,
            "local_login_hidden": choice.local_login_hidden,
            "account_domains": len(domains),
        },
        now=now,
    )
    return True


@dataclass(frozen=True)
class LoginPageOptions:
    feide: bool
    local_hidden: bool


def login_page_options(session: Session, feide_configured: bool) -> LoginPageOptions:
    """Feide first when the installation has it and a municipality uses it; the local form
    hidden only when every municipality asked for that (it stays one link away, for the
    first admin and for accounts without Feide)."""
    if not feide_configured:
        return LoginPageOptions(feide=False, local_hidden=False)
    municipalities = list(session.execute(select(Municipality)).scalars())
    feide = any(m.feide_enabled for m in municipalities)
    hidden = feide and all(m.feide_enabled and m.local_login_hidden for m in municipalities)
    return LoginPageOptions(feide=feide, local_hidden=hidden)


# --- logging in -----------------------------------------------------------------------------


def _initiator(identity: FeideIdentity, ip: str, user: User | None = None) -> audit.Initiator:
    if user is not None:
        return audit.Initiator(user_id=user.id, email=user.email, ip=ip)
    return audit.Initiator(user_id=None, email=(identity.email or "")[:254], ip=ip)


def _one(session: Session, query: Select[User]) -> User | None:
    return session.execute(query).scalar_one_or_none()


def _match(session: Session, identity: FeideIdentity) -> tuple[User | None, str]:
    """The account and how it was found, or None; raises nothing."""
    user = _one(session, select(User).where(User.feide_subject == identity.subject))
    if user is not None:
        return user, "subject"
    if identity.user_id is not None:
        user = _one(session, select(User).where(User.feide_user_id == identity.user_id))
        if user is not None:
            return user, "user_id"
    if identity.email is not None:
        user = _one(session, select(User).where(User.email == identity.email))
        if user is not None:
            return user, "email"
    return None, ""


def _tied_elsewhere(user: User, identity: FeideIdentity, matched_by: str) -> bool:
    """An account found by e-mail that answers to another Feide login already. (Found by
    Feide's user id, which the home institution assigns, the account takes the new `sub`:
    a new registration of Trygg at Feide gives everyone a new one.)"""
    if matched_by != "email":
        return False
    if user.feide_subject is not None and user.feide_subject != identity.subject:
        return True
    return user.feide_user_id is not None and user.feide_user_id != identity.user_id


def _contacts(session: Session, municipalities: list[Municipality]) -> tuple[Contact, ...]:
    if not municipalities:
        # One municipality per installation is the usual case: it is the one to ask.
        all_of_them = list(session.execute(select(Municipality)).scalars())
        municipalities = all_of_them if len(all_of_them) == 1 else []
    contacts = []
    for municipality in municipalities:
        admins = session.execute(
            select(User.email)
            .where(
                User.municipality_id == municipality.id,
                User.role_code == ADMIN,
                User.school_id.is_(None),
                User.active.is_(True),
            )
            .order_by(User.email)
        )
        contacts.append(Contact(municipality.name, tuple(admins.scalars())))
    return tuple(contacts)


def _municipality_for_domain(session: Session, email: str | None) -> Municipality | None:
    if email is None or "@" not in email:
        return None
    domain = email.rsplit("@", 1)[1]
    for municipality in session.execute(select(Municipality)).scalars():
        if municipality.feide_enabled and domain in account_domains(municipality):
            return municipality
    return None


def _refuse(
    session: Session,
    identity: FeideIdentity,
    refusal: Refusal,
    ip: str,
    now: datetime,
    user: User | None = None,
    municipality: Municipality | None = None,
) -> FeideLogin:
    audit.record(
        session,
        _initiator(identity, ip, user),
        "login.feide_refused",
        "user" if user is not None else "",
        user.id if user is not None else "",
        {"reason": refusal.value, "feide_user": (identity.user_id or "")[:_AUDIT_TEXT]},
        now=now,
    )
    found = [municipality] if municipality is not None else []
    return FeideLogin(refusal=refusal, contacts=_contacts(session, found))


def _create_account(
    session: Session, identity: FeideIdentity, municipality: Municipality, ip: str, now: datetime
) -> User:
    assert identity.email is not None
    user = User(
        email=identity.email,
        name=identity.name[:200],
        title="",
        role_code=ANSATT,
        municipality_id=municipality.id,
        # No school until an admin places them: they reach no school's pages until then.
        school_id=None,
        password_hash=None,
        active=True,
        created_at=now,
        feide_subject=identity.subject,
        feide_user_id=identity.user_id,
    )
    session.add(user)
    session.flush()
    by = _initiator(identity, ip, user)
    audit.record(
        session,
        by,
        "user.created",
        "user",
        user.id,
        {"role": ANSATT, "school_id": None, "via": "feide"},
        now=now,
    )
    access_changes.record_change(session, user, None, None, by)
    return user


def log_in_with_feide(
    session: Session, identity: FeideIdentity, ip: str, now: datetime
) -> FeideLogin:
    """A verified Feide login: the matching account's new session, or the refusal (audited
    either way)."""
    user, matched_by = _match(session, identity)
    created = False
    if user is None:
        municipality = _municipality_for_domain(session, identity.email)
        if municipality is None:
            return _refuse(session, identity, Refusal.NO_ACCOUNT, ip, now)
        user = _create_account(session, identity, municipality, ip, now)
        matched_by, created = "created", True
    if _tied_elsewhere(user, identity, matched_by):
        return _refuse(
            session, identity, Refusal.LINKED_ELSEWHERE, ip, now, user, user.municipality
        )
    if not user.active:
        return _refuse(session, identity, Refusal.DEACTIVATED, ip, now, user, user.municipality)
    if not user.municipality.feide_enabled:
        return _refuse(session, identity, Refusal.FEIDE_OFF, ip, now, user, user.municipality)
    by = _initiator(identity, ip, user)
    # Feide's user id is stored when no other account holds it (an account an admin tied
    # to it by hand keeps it; the login still matches this account by its `sub`).
    user_id_free = identity.user_id is not None and (
        _one(
            session,
            select(User).where(User.feide_user_id == identity.user_id, User.id != user.id),
        )
        is None
    )
    if user.feide_subject != identity.subject or (user.feide_user_id is None and user_id_free):
        user.feide_subject = identity.subject
        if user.feide_user_id is None and user_id_free:
            user.feide_user_id = identity.user_id
        session.flush()
        audit.record(session, by, "user.feide_linked", "user", user.id, {"by": matched_by}, now=now)
    token = secrets.token_urlsafe(32)
    session.add(
        LoginSession(
            token_hash=token_hash(token), user_id=user.id, created_at=now, last_seen_at=now, ip=ip
        )
    )
    audit.record(
        session, by, "login.feide_succeeded", "user", user.id, {"matched_by": matched_by}, now=now
    )
    return FeideLogin(token=token, principal=Principal.of(user), created=created)


def record_failure(session: Session, failure: Failure, ip: str, now: datetime) -> None:
    """A Feide login that could not be verified, for the audit trail."""
    audit.record(
        session,
        audit.Initiator(user_id=None, email="", ip=ip),
        "login.feide_failed",
        details={"reason": failure.value},
        now=now,
    )
