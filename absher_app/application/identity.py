"""Who is calling: the caller's credentials as the transport brought them, and the signed-in
principal they prove, found once per call inside the call's transaction.

Citizens and staff share one session stack (absher_app.domain.sessions); the realm says which
cookie counts. Nothing the browser says about who it is is trusted: only the HttpOnly session
cookie, looked up by its keyed digest.
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import datetime
from typing import Any

from sqlmodel import Session

from absher_app.domain import accounts, sessions, staff
from absher_app.domain.secrets import digest
from absher_app.models import Account
from absher_app.settings import get_settings

LOG = logging.getLogger("absher.access")
REALMS = {"person": accounts.PERSON, "staff": staff.STAFF}
# The HttpOnly cookie that carries each realm's session token (__Host- prefixed over https).
SESSION_COOKIES = {"person": get_settings().cookie_name("absher_session"),
                   "staff": get_settings().cookie_name("absher_staff_session")}


class SignInRequired(Exception):
    """Nobody of the needed realm is signed in (or the session has ended)."""

    def __init__(self, realm: str) -> None:
        super().__init__(f"sign-in required ({realm})")
        self.realm = realm


class NotAllowed(Exception):
    """Signed in, but not as someone who may do this (a citizen at a staff door, or staff whose
    role lacks the permission)."""


@dataclasses.dataclass(frozen=True)
class Caller:
    """What the transport knows about the caller. Tokens are the raw cookie values (secrets:
    they never leave the server); `client` is the client's address as the trusted proxy chain
    reports it; `where` names the handler and page for the logs."""

    tokens: dict[str, str] = dataclasses.field(default_factory=dict)
    client: str = ""
    device: str = ""
    lang: str = "ar"
    where: str = ""

    def token(self, realm: str) -> str | None:
        return self.tokens.get(realm) or None


@dataclasses.dataclass(frozen=True)
class SignedIn:
    """A signed-in principal and their session ("this device")."""

    realm: str
    session: sessions.Resolved

    @property
    def principal(self) -> Any:
        """Account for "person", staff.StaffIdentity for "staff" (read when first asked)."""
        return self.session.principal

    @property
    def session_id(self) -> int:
        return self.session.row.id

    @property
    def last_seen_at(self) -> datetime:
        return self.session.last_seen_at

    @property
    def ends_at(self) -> datetime:
        return self.session.ends_at

    @property
    def ends_for(self) -> str:
        """"idle": ends unless used again; "expired": its 12-hour cap."""
        return self.session.ends_for

    @property
    def account(self) -> Account:
        return self.principal

    @property
    def account_id(self) -> int:
        return self.session.row.owner_id

    @property
    def person_id(self) -> int:
        # Read with the session (accounts.PERSON's owner_columns): most use cases need only this.
        return self.session.row.person_id

    @property
    def staff(self) -> staff.StaffIdentity:
        return self.principal


def resolve_caller(session: Session, caller: Caller, *, realm: str, now: datetime,
                   permission: str | None = None, touch: bool = True) -> SignedIn:
    """The caller's signed-in principal in `realm`, with `permission` when given.

    `touch` counts the call as activity (at most once every sessions.TOUCH_EVERY).

    Raises:
        SignInRequired: no live session of that realm.
        NotAllowed: a staff permission is missing; or a citizen's session at a staff door.
    """
    found = sessions.resolve(session, REALMS[realm], caller.token(realm), now=now, touch=touch,
                             touch_every=sessions.TOUCH_EVERY)
    if realm == "staff" and (found is None or (permission and
                                               not found.principal.may(permission))):
        _refuse_staff(session, caller, found.principal if found else None, permission, now)
    if found is None:
        raise SignInRequired(realm)
    return SignedIn(realm, found)


def _refuse_staff(session: Session, caller: Caller, who: staff.StaffIdentity | None,
                  permission: str | None, now: datetime) -> None:
    """Log and record a refusal at a staff door, then raise where to send the caller: the staff
    sign-in when nobody is signed in, "not allowed" to a citizen or to staff lacking the role."""
    if permission is not None and permission not in staff.PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}")
    citizen = None
    if who is None and caller.token("person"):
        found = sessions.resolve(session, accounts.PERSON, caller.token("person"), now=now,
                                 touch=False)
        citizen = found.row.owner_id if found else None
    staff.record_refusal(session, who.staff_id if who else None, permission or "",
                         caller.where[:150], now=now, citizen_account_id=citizen)
    # The refusal is kept although the caller's transaction ends in an error.
    session.commit()
    LOG.warning("staff access refused: %s needs %s (staff %s, citizen account %s)",
                caller.where, permission or "a staff session", who.staff_id if who else None,
                citizen)
    if who is None and citizen is None:
        raise SignInRequired("staff")
    raise NotAllowed(permission or "staff")


def live_sessions_stamp(session: Session, caller: Caller, now: datetime) -> str:
    """A keyed digest of the caller's LIVE session tokens ("" when none is live): it changes
    when someone signs in or out, or a session ends elsewhere, and never reveals a token."""
    live = [f"{realm}:{caller.token(realm)}" for realm, realm_def in REALMS.items()
            if caller.token(realm) and sessions.resolve(
                session, realm_def, caller.token(realm), now=now, touch=False)]
    return digest("tab-owner:" + "|".join(live)) if live else ""
