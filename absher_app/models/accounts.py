"""Accounts, one-time codes, sign-in sessions and the authentication audit trail.

No secret is stored in clear: passwords are argon2id hashes, codes and session tokens are
HMAC-SHA256 digests keyed with the deployment secret, backup codes likewise.
"""

from datetime import datetime

from sqlmodel import Field, SQLModel

from absher_app.models.base import utcnow


class Account(SQLModel, table=True):
    """A person's portal account. Status: registered -> active; locked; closed."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", unique=True, index=True)
    username: str = Field(max_length=32, unique=True, index=True, description="lower case")
    email: str = Field(max_length=254)
    mobile: str = Field(max_length=16, description="E.164; codes go here")
    country: str | None = Field(default=None, max_length=2)
    password_hash: str = Field(max_length=255)
    status: str = Field(default="registered", max_length=16)
    language: str = Field(default="ar", max_length=2)
    activation_channel: str | None = Field(default=None, max_length=16)
    activated_at: datetime | None = None
    locked_until: datetime | None = None
    totp_secret: str | None = Field(default=None, max_length=64)
    totp_enabled: bool = False
    totp_last_step: int = 0
    created_at: datetime = Field(default_factory=utcnow)
    password_changed_at: datetime = Field(default_factory=utcnow)


class OneTimeCode(SQLModel, table=True):
    """A 6-digit code sent by SMS for one purpose; works once, for 10 minutes."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    purpose: str = Field(max_length=16)
    code_digest: str = Field(max_length=64)
    mobile: str = Field(max_length=16)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = None


class BackupCode(SQLModel, table=True):
    """One of the ten single-use codes that stand in for the authenticator app."""

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    code_digest: str = Field(max_length=64)
    used_at: datetime | None = None


class SessionColumns(SQLModel):
    """What every signed-in browser's row holds, a citizen's or a staff member's (the owner
    column is the table's own). The token itself lives only in the browser's HttpOnly cookie."""

    id: int | None = Field(default=None, primary_key=True)
    token_digest: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    ended_at: datetime | None = None
    device: str = Field(default="", max_length=200)


class TicketColumns(SQLModel):
    """A single-use, 60-second ticket that turns a completed sign-in into a session cookie."""

    id: int | None = Field(default=None, primary_key=True)
    ticket_digest: str = Field(max_length=64, unique=True, index=True)
    expires_at: datetime
    used_at: datetime | None = None


class UserSession(SessionColumns, table=True):
    """A signed-in citizen's browser."""

    account_id: int = Field(foreign_key="account.id", index=True)


class SignInTicket(TicketColumns, table=True):
    """A citizen's sign-in ticket."""

    account_id: int = Field(foreign_key="account.id")


class AuthEvent(SQLModel, table=True):
    """The authentication audit trail; also the rows the throttles count. Never holds a secret."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    account_id: int | None = Field(default=None, foreign_key="account.id", index=True)
    kind: str = Field(max_length=32, index=True)
    detail: str = Field(default="", max_length=200)
    device: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow, index=True)
