"""Electronic delegations between individuals, what was done under them, and the vehicles of
the traffic sector's one delegable service (ownership transfer).

History is never deleted: a delegation only changes status, and every change and every action
taken under it is a DelegationEvent row (the delegator's activity feed).
"""

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from absher_app.models.base import utcnow


class Delegation(SQLModel, table=True):
    """A delegation from one person to another for some services and dates.

    Status: pending -> active | rejected | withdrawn | expired; active -> revoked | suspended |
    expired. `services` holds the delegated service codes, comma-separated.
    """

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=12, unique=True, index=True,
                           description="the number the delegate accepts with")
    request_id: int | None = Field(default=None, foreign_key="servicerequest.id")
    delegator_id: int = Field(foreign_key="person.id", index=True)
    delegate_id: int = Field(foreign_key="person.id", index=True)
    sector: str = Field(max_length=16)
    services: str = Field(max_length=600)
    starts_on: date
    ends_on: date
    status: str = Field(default="pending", max_length=12, index=True)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class DelegationEvent(SQLModel, table=True):
    """One line of a delegation's history: a change of status, or an action the delegate took
    under it (kind act_submitted / act_paid, with the request's reference)."""

    id: int | None = Field(default=None, primary_key=True)
    delegation_id: int = Field(foreign_key="delegation.id", index=True)
    kind: str = Field(max_length=24)
    actor_id: int | None = Field(default=None, foreign_key="person.id")
    service_code: str = Field(default="", max_length=40)
    request_id: int | None = Field(default=None, foreign_key="servicerequest.id", index=True)
    reference: str = Field(default="", max_length=12)
    beneficiary_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = Field(default_factory=utcnow)


class Vehicle(SQLModel, table=True):
    """A registered vehicle (traffic sector). `plate` is normalised: letters then digits.

    The three dates are what renewing its registration (istimara) and authorising a driver
    look at: the registration's end, the insurance policy's end and the periodic technical
    inspection's (FAHAS) end; None when the traffic records hold none."""

    id: int | None = Field(default=None, primary_key=True)
    plate: str = Field(max_length=8, unique=True, index=True)
    owner_id: int = Field(foreign_key="person.id", index=True)
    make: str = Field(max_length=40)
    model: str = Field(max_length=40)
    year: int
    registration_expiry: date | None = None
    insurance_expiry: date | None = None
    inspection_expiry: date | None = None
    updated_at: datetime = Field(default_factory=utcnow)


class VehicleTransfer(SQLModel, table=True):
    """A sale of a vehicle: the seller's request, then the buyer's confirmation.
    Status: awaiting_buyer -> completed | declined."""

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="servicerequest.id", unique=True)
    vehicle_id: int = Field(foreign_key="vehicle.id", index=True)
    seller_id: int = Field(foreign_key="person.id")
    buyer_id: int = Field(foreign_key="person.id", index=True)
    price_sar: int
    status: str = Field(default="awaiting_buyer", max_length=16)
    created_at: datetime = Field(default_factory=utcnow)
    decided_at: datetime | None = None
