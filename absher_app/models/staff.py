"""Directorate staff: their accounts, sessions and audit trail, and the log of who opened a
person's record.

Staff are not citizens' accounts: they have no person in the civil registry, sign in at their
own route with a password and an authenticator app (never SMS), and hold their own session
cookie. Secrets are stored as for citizens: argon2id hashes and HMAC digests.
"""

from datetime import datetime

from sqlmodel import Field, SQLModel

from absher_app.models.accounts import SessionColumns, TicketColumns
from absher_app.models.base import utcnow


class StaffMember(SQLModel, table=True):
    """A directorate staff account. Status: active; locked (until an operator resets it)."""

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=32, unique=True, index=True, description="lower case")
    role: str = Field(max_length=32, description="see domain/staff.py ROLES")
    office: str | None = Field(default=None, max_length=16,
                               description="branch code; None = directorate headquarters")
    password_hash: str = Field(max_length=255)
    status: str = Field(default="active", max_length=16)
    locked_until: datetime | None = None
    totp_secret: str = Field(max_length=64)
    totp_last_step: int = 0
    # Set at the first sign-in with a code from the app: the enrolment is then proven.
    totp_confirmed_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class StaffSession(SessionColumns, table=True):
    """A signed-in staff browser."""

    staff_id: int = Field(foreign_key="staffmember.id", index=True)


class StaffSignInTicket(TicketColumns, table=True):
    """A staff member's sign-in ticket."""

    staff_id: int = Field(foreign_key="staffmember.id")


class StaffEvent(SQLModel, table=True):
    """The staff audit trail (sign-ins, refusals, decisions); also what the throttles count."""

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int | None = Field(default=None, foreign_key="staffmember.id", index=True)
    kind: str = Field(max_length=32, index=True)
    detail: str = Field(default="", max_length=200)
    device: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow, index=True)


class RecordAccess(SQLModel, table=True):
    """Someone other than the person opened the person's record ("who accessed my record").

    `actor_kind` says who (staff, delegate, ...), `actor_label` what the person is shown of
    them (a staff role, a delegate's name), `actor_id` which row of that kind, for the
    directorate's own inquiries; `office` a branch code (None: headquarters or not an office).
    """

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    actor_kind: str = Field(max_length=16)
    actor_label: str = Field(max_length=200)
    actor_id: int | None = None
    office: str | None = Field(default=None, max_length=16)
    purpose: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, index=True)
