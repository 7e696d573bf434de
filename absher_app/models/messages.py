"""Messages and requests to the directorate, and appointments at its branches.

A message is a thread: the person's first post, staff answers, the person's replies. Its one
PDF attachment lives in the data directory (ABSHER_DATA_DIR, outside the web root) under a
random name; the row says whose it is.

Appointment capacity is a counter on the slot row: `booked` only moves by a conditional UPDATE
(`booked < capacity`), and a CHECK keeps it within 0..capacity, so people racing for the last
place get exactly one booking on SQLite and PostgreSQL alike. "One active appointment per person
and service" is the unique `active_key`, set while the appointment is booked and cleared when it
ends.
"""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from absher_app.models.base import utcnow


class Message(SQLModel, table=True):
    """A matter a person raised. Status: sent -> in_review -> answered -> (reply) in_review;
    any open status -> closed. `needs_visit`: staff said it needs a visit to a branch."""

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=12, unique=True, index=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    sector: str = Field(max_length=24, index=True)
    topic: str = Field(max_length=32, index=True, description="the service, from rules.toml")
    subject: str = Field(max_length=120)
    status: str = Field(default="sent", max_length=12, index=True)
    needs_visit: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class MessagePost(SQLModel, table=True):
    """One entry of a thread: by the person ("person") or by staff ("staff")."""

    id: int | None = Field(default=None, primary_key=True)
    message_id: int = Field(foreign_key="message.id", index=True)
    author: str = Field(max_length=8)
    staff_label: str = Field(default="", max_length=64, description="who answered, for staff")
    body: str = Field(max_length=2000)
    created_at: datetime = Field(default_factory=utcnow)


class MessageAttachment(SQLModel, table=True):
    """A checked PDF. Pending (no message yet) between upload and Send; then the message's."""

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    message_id: int | None = Field(default=None, foreign_key="message.id", unique=True)
    storage_name: str = Field(max_length=64, unique=True)
    original_name: str = Field(max_length=120)
    size_bytes: int
    created_at: datetime = Field(default_factory=utcnow)


class AppointmentSlot(SQLModel, table=True):
    """One time at one branch on one day, made when first needed. `booked` places of
    `capacity` are taken; a closed slot takes no booking."""

    __table_args__ = (
        UniqueConstraint("branch_id", "day", "start"),
        CheckConstraint("booked >= 0 AND booked <= capacity", name="slot_within_capacity"),
    )

    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id", index=True)
    day: date = Field(index=True)
    start: str = Field(max_length=5, description="HH:MM, Riyadh time")
    capacity: int
    booked: int = 0
    closed: bool = False


class BranchClosure(SQLModel, table=True):
    """A day a branch does not receive (the branch manager closed it)."""

    __table_args__ = (UniqueConstraint("branch_id", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id", index=True)
    day: date
    reason: str = Field(max_length=300)
    created_at: datetime = Field(default_factory=utcnow)


class Appointment(SQLModel, table=True):
    """A booked place. Status: booked -> cancelled | cancelled_by_branch | attended."""

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=12, unique=True, index=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    slot_id: int = Field(foreign_key="appointmentslot.id", index=True)
    branch_id: int = Field(foreign_key="branch.id", index=True)
    sector: str = Field(max_length=24)
    topic: str = Field(max_length=32)
    day: date = Field(index=True)
    start: str = Field(max_length=5)
    status: str = Field(default="booked", max_length=20, index=True)
    active_key: str | None = Field(default=None, max_length=64, unique=True,
                                   description="person:sector:topic while booked, else NULL")
    message_id: int | None = Field(default=None, foreign_key="message.id", index=True)
    checkin_ref: str = Field(max_length=64, unique=True,
                             description="opaque, random: what the slip's QR code carries")
    cancel_reason: str = Field(default="", max_length=300)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
