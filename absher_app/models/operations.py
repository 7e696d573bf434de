"""Operations: the scheduler's job leases and the payment notifications received.

`ScheduledJob` is one row per background job: a worker runs the job only after winning its
lease with a conditional UPDATE, so a job runs once per period however many workers (or
scheduler processes) look at it. The row also keeps the last run's time and outcome.

`PaymentNotification` is every signed payment notification the biller accepted for checking:
its signature's digest is unique, so the same message sent again (a replay) is refused, and
`outcome` says what came of it.
"""

from datetime import datetime

from sqlmodel import Field, SQLModel

from absher_app.models.base import utcnow


class ScheduledJob(SQLModel, table=True):
    """A background job's schedule, lease and last run."""

    name: str = Field(primary_key=True, max_length=40)
    next_run_at: datetime | None = None
    lease_owner: str = Field(default="", max_length=64)
    lease_until: datetime | None = None
    last_started_at: datetime | None = None
    last_finished_at: datetime | None = None
    last_outcome: str = Field(default="", max_length=12, description="ok | failed")
    last_summary: str = Field(default="", max_length=300)
    last_duration_ms: int = 0
    runs: int = 0
    failures: int = 0


class PaymentNotification(SQLModel, table=True):
    """A bank's signed notification that a bill was paid, as received."""

    id: int | None = Field(default=None, primary_key=True)
    signature_digest: str = Field(max_length=64, unique=True)
    bank: str = Field(default="", max_length=32)
    bank_reference: str = Field(default="", max_length=40, index=True)
    bill_number: str = Field(default="", max_length=20)
    amount_sar: int = 0
    outcome: str = Field(max_length=32, description="paid | duplicate | already_paid | "
                                                    "refused:<reason>")
    received_at: datetime = Field(default_factory=utcnow, index=True)
