"""E-service requests and what hangs off them: drafts, bills, payments, visas, deliveries,
in-app notifications.

A request is the transaction a person follows ("follow the status of transactions at any
time"); its timeline is its RequestEvent rows. Answers are stored as JSON text, validated by
the service's own fields before they get here.
"""

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from absher_app.models.base import utcnow


class WizardDraft(SQLModel, table=True):
    """A half-done wizard: survives sign-out, a closed tab and a restart. One per account and
    service; `token` becomes the request's idempotency key, so submitting twice makes one."""

    __table_args__ = (UniqueConstraint("account_id", "service_code"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    service_code: str = Field(max_length=40)
    beneficiary_id: int | None = Field(default=None, foreign_key="person.id")
    answers_json: str = Field(default="{}", max_length=20000)
    step: str = Field(default="", max_length=40)
    token: str = Field(max_length=64, unique=True)
    updated_at: datetime = Field(default_factory=utcnow)


class ServiceRequest(SQLModel, table=True):
    """One submitted request. Status: awaiting_payment -> in_review -> approved | rejected;
    awaiting_payment -> expired; approved -> (delivery) -> delivered; cancelled."""

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=12, unique=True, index=True)
    service_code: str = Field(max_length=40, index=True)
    account_id: int = Field(foreign_key="account.id", index=True, description="who submitted")
    applicant_id: int = Field(foreign_key="person.id", index=True,
                              description="whose household pays and owns the request")
    beneficiary_id: int = Field(foreign_key="person.id", index=True)
    answers_json: str = Field(default="{}", max_length=20000)
    fee_sar: int = 0
    status: str = Field(default="awaiting_payment", max_length=20, index=True)
    outcome_json: str = Field(default="{}", max_length=4000,
                              description="what approval produced, e.g. a visa number")
    decision_reason: str = Field(default="", max_length=500)
    idempotency_key: str = Field(max_length=64, unique=True)
    submitted_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class RequestEvent(SQLModel, table=True):
    """A step of a request's timeline (submitted, bill issued, paid, in review, approved...)."""

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="servicerequest.id", index=True)
    kind: str = Field(max_length=32)
    detail: str = Field(default="", max_length=300)
    created_at: datetime = Field(default_factory=utcnow)


class Bill(SQLModel, table=True):
    """A SADAD-style bill for a request's fee. Status: unpaid -> paid | expired."""

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=14, unique=True, index=True)
    request_id: int = Field(foreign_key="servicerequest.id", unique=True)
    amount_sar: int
    breakdown_json: str = Field(default="[]", max_length=4000)
    status: str = Field(default="unpaid", max_length=10)
    issued_at: datetime = Field(default_factory=utcnow)
    due_at: datetime
    paid_at: datetime | None = None


class Payment(SQLModel, table=True):
    """The bank's payment of a bill. One per bill, enforced by the database: paying twice never
    charges twice."""

    id: int | None = Field(default=None, primary_key=True)
    bill_id: int = Field(foreign_key="bill.id", unique=True)
    amount_sar: int
    bank: str = Field(max_length=32)
    bank_reference: str = Field(max_length=40, unique=True)
    paid_at: datetime = Field(default_factory=utcnow)


class Visa(SQLModel, table=True):
    """An exit/re-entry or final exit visa. Status: issued -> cancelled | expired."""

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=12, unique=True, index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    kind: str = Field(max_length=24, description="exit_reentry_single|exit_reentry_multiple|"
                                                 "final_exit")
    issued_on: date
    valid_until: date
    status: str = Field(default="issued", max_length=12)
    request_id: int | None = Field(default=None, foreign_key="servicerequest.id")


class TravelPermit(SQLModel, table=True):
    """A guardian's permission for a citizen under 21 to travel abroad. Status: issued ->
    cancelled; an issued permit is valid until `valid_until` (then it has simply ended)."""

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=12, unique=True, index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    request_id: int | None = Field(default=None, foreign_key="servicerequest.id")
    trips: str = Field(max_length=8, description="single|multiple")
    issued_on: date
    valid_until: date
    status: str = Field(default="issued", max_length=12)


class Delivery(SQLModel, table=True):
    """Saudi Post delivery of a ready document. Status: awaiting_document -> with_post ->
    out_for_delivery -> delivered."""

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="servicerequest.id", unique=True)
    short_address: str = Field(max_length=8)
    tracking_number: str = Field(max_length=16, unique=True, index=True)
    status: str = Field(default="awaiting_document", max_length=20)
    updated_at: datetime = Field(default_factory=utcnow)


class Notification(SQLModel, table=True):
    """An in-app notification. `dedupe_key` makes jobs that send them idempotent."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    kind: str = Field(max_length=32)
    text_ar: str = Field(max_length=500)
    text_en: str = Field(max_length=500)
    dedupe_key: str | None = Field(default=None, max_length=120, unique=True)
    created_at: datetime = Field(default_factory=utcnow)
    read_at: datetime | None = None
