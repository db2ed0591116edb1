"""The audit trail as the admin reads it: the events in pages, newest first, each action
by its Norwegian name."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from trygg.audit import EventPage

ACTION_NAMES = {
    "login.succeeded": _l("Innlogging"),
    "login.failed": _l("Mislykket innlogging"),
    "login.refused_locked": _l("Innlogging avvist (sperret)"),
    "login.refused_throttled": _l("Innlogging avvist (for raskt)"),
    "logout": _l("Utlogging"),
    "login.feide_succeeded": _l("Innlogget med Feide"),
    "login.feide_refused": _l("Innlogging med Feide avvist (ingen tilgang)"),
    "login.feide_failed": _l("Innlogging med Feide mislyktes"),
    "user.feide_linked": _l("Bruker knyttet til Feide"),
    "municipality.feide_settings_changed": _l("Feide-innstillinger endret"),
    "session.expired": _l("Utlogget etter inaktivitet"),
    "user.created": _l("Bruker opprettet"),
    "user.changed": _l("Bruker endret"),
    "user.deactivated": _l("Bruker deaktivert"),
    "user.reactivated": _l("Bruker aktivert"),
    "user.password_set": _l("Passord satt"),
    "user.role_requested": _l("Rolle bedt om (venter på rektor)"),
    "user.role_confirmed": _l("Rolle bekreftet av rektor"),
    "user.role_refused": _l("Rolle avslått av rektor"),
    "user.role_request_withdrawn": _l("Forespørsel om rolle trukket tilbake"),
    "user.invitation_sent": _l("Invitasjon sendt"),
    "user.invitation_attempted": _l("Invitasjon gitt til e-postserveren"),
    "user.invitation_failed": _l("Invitasjon ikke sendt"),
    "staff.invitations_queued": _l("Invitasjoner satt i kø"),
    "user.password_reset_requested": _l("Lenke for nytt passord bedt om"),
    "user.password_link_used": _l("Passord satt fra lenke"),
    "password_change.failed": _l("Feil nåværende passord ved passordbytte"),
    "password_change.refused_throttled": _l("Passordbytte avvist (for raskt)"),
    "password_change.refused_locked": _l("Passordbytte avvist (sperret)"),
    "staff.imported": _l("Ansatte importert"),
    "jobs.cleaned_up": _l("Gamle eksportfiler slettet"),
}


def event_rows(page: EventPage) -> list[dict[str, Any]]:
    return [
        {
            "id": event.id,
            "occurred_at": event.occurred_at,
            "actor": event.actor_email or "–",
            "action": ACTION_NAMES.get(event.action, event.action),
            "object": event.object,
            "ip": event.ip,
        }
        for event in page.events
    ]
