"""The civil registry the portal verifies people against, and the directorate's branches."""

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from absher_app.models.base import utcnow


class Person(SQLModel, table=True):
    """A person as the civil registry knows them (imported, never edited by users).

    One passport per person is enough for the directorate's services; a visitor's visa is
    held here too because the border number and the visa are issued together. A sponsored
    worker or dependant who has just arrived has no iqama yet (`iqama_expiry` None) and the
    day they entered the Kingdom (`entered_on`): their first iqama is issued online. Traffic
    fines are rows of their own (absher_app.models.traffic.TrafficFine).
    """

    id: int | None = Field(default=None, primary_key=True)
    id_number: str = Field(max_length=10, unique=True, index=True)
    category: str = Field(max_length=16)
    name_ar: str = Field(max_length=200)
    name_en: str = Field(max_length=200)
    birth_date: date
    gender: str = Field(max_length=1)
    nationality: str = Field(max_length=2)
    mobile: str = Field(max_length=16, description="E.164, +9665XXXXXXXX")
    passport_number: str | None = Field(default=None, max_length=20)
    passport_expiry: date | None = None
    iqama_expiry: date | None = None
    visa_number: str | None = Field(default=None, max_length=20)
    visa_type: str | None = Field(default=None, max_length=16)
    visa_expiry: date | None = None
    sponsor_id: str | None = Field(default=None, max_length=10, index=True)
    relationship: str | None = Field(default=None, max_length=16)
    entered_on: date | None = None
    travel_ban: bool = False
    absent_report: bool = False
    updated_at: datetime = Field(default_factory=utcnow)


class Branch(SQLModel, table=True):
    """A passports office where appointments are held and accounts activated."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=16, unique=True, index=True)
    city: str = Field(max_length=32, index=True, description="city key, see i18n 'city.*'")
    name_ar: str = Field(max_length=200)
    name_en: str = Field(max_length=200)
    slot_capacity: int = 4
