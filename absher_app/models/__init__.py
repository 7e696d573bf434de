"""SQLModel tables. Importing this package registers every table on SQLModel.metadata."""

from absher_app.models.registry import Branch, Person
from absher_app.models.sms import SmsMessage

ALL_TABLES = (Person, Branch, SmsMessage)

__all__ = ["ALL_TABLES", "Branch", "Person", "SmsMessage"]
