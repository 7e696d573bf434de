"""Traffic records the traffic e-services act on: fines, driving licences, and authorisations
to drive someone else's vehicle (vehicles themselves are in models/delegation.py)."""

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from absher_app.models.base import utcnow


class TrafficFine(SQLModel, table=True):
    """One traffic violation fine. Status: unpaid -> paid (by the request `request_id`).

    The civil-registry import adds and updates unpaid fines; a paid fine is history and is
    never changed by an import."""

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=16, unique=True, index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    issued_on: date
    violation: str = Field(max_length=32, description="a code, see i18n 'violation.*'")
    amount_sar: int
    status: str = Field(default="unpaid", max_length=8, index=True)
    request_id: int | None = Field(default=None, foreign_key="servicerequest.id")
    paid_at: datetime | None = None


class DrivingLicence(SQLModel, table=True):
    """A person's private driving licence."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", unique=True)
    number: str = Field(max_length=12, unique=True, index=True)
    expiry: date
    updated_at: datetime = Field(default_factory=utcnow)


class DrivingAuthorization(SQLModel, table=True):
    """An owner's authorisation for another person to drive one vehicle, inside the Kingdom
    or also outside it. Status: active -> cancelled; active until `ends_on` included."""

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=12, unique=True, index=True)
    request_id: int | None = Field(default=None, foreign_key="servicerequest.id")
    vehicle_id: int = Field(foreign_key="vehicle.id", index=True)
    owner_id: int = Field(foreign_key="person.id", index=True)
    driver_id: int = Field(foreign_key="person.id", index=True)
    scope: str = Field(max_length=8, description="inside|outside")
    starts_on: date
    ends_on: date
    status: str = Field(default="active", max_length=12)
    created_at: datetime = Field(default_factory=utcnow)
    cancelled_at: datetime | None = None
