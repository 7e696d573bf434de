"""The dev SMS outbox: every message the dev provider 'sends' is a row here."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from absher_app.models.base import utcnow


class SmsMessage(SQLModel, table=True):
    """One SMS as it would have left for the operator's gateway."""

    id: int | None = Field(default=None, primary_key=True)
    to: str = Field(max_length=16, index=True, description="E.164")
    body: str = Field(max_length=1000)
    purpose: str = Field(max_length=32)
    created_at: datetime = Field(default_factory=utcnow, index=True)
