"""The SMS outbox: every message is written here in the caller's transaction (so it leaves only
if that commits), then delivered by the configured provider.

With the dev provider (`outbox`) the row is the delivery: operators read it with `absher sms
outbox` or the dev page. With a real gateway (`http`) the relay claims `queued` rows, sends
them, and records what happened on the row (the transactional-outbox pattern).
"""

from datetime import datetime

from sqlmodel import Field, SQLModel

from absher_app.models.base import utcnow

# outbox: kept in the dev outbox (not relayed). queued -> sending (claimed by one relay) ->
# sent (the gateway took it) -> delivered (its delivery report said so); a refusal, or retries
# run out, ends in failed.
SMS_STATUSES = ("outbox", "queued", "sending", "sent", "delivered", "failed")


class SmsMessage(SQLModel, table=True):
    """One SMS to one mobile, and its delivery."""

    id: int | None = Field(default=None, primary_key=True)
    to: str = Field(max_length=16, index=True, description="E.164")
    body: str = Field(max_length=1000)
    purpose: str = Field(max_length=32)
    created_at: datetime = Field(default_factory=utcnow, index=True)
    status: str = Field(default="outbox", max_length=12, index=True)
    attempts: int = 0
    next_attempt_at: datetime | None = Field(default=None, index=True)
    # A relay's claim: until this time no other relay may send the message.
    claimed_until: datetime | None = None
    claimed_by: str = Field(default="", max_length=64)
    sent_at: datetime | None = None
    delivered_at: datetime | None = None
    provider_ref: str = Field(default="", max_length=64, index=True,
                              description="the gateway's id of the message")
    last_error: str = Field(default="", max_length=200)
