"""Public inquiries (الاستعلامات), open without signing in (PRODUCT.md §2).

They reveal only what the real service reveals -- validity, dates and status -- and never a
name: knowing someone's iqama number tells you whether it is valid, not whose it is. An unknown
number and a number with nothing to show get the same "nothing found" answer, so the inquiries
cannot be used to learn which numbers exist.

Every inquiry validates its input first (cheap, and a typo is not counted), then counts against
the caller's rate limit (moving window per client IP, see providers/rate_limit.py), then looks
up the registry.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from enum import StrEnum
from typing import Any

from sqlmodel import Session, col, select

from absher_app.domain import requests
from absher_app.domain.calendars import RIYADH
from absher_app.domain.errors import ValidationError
from absher_app.domain.identity import normalize_id_number, validate_id_number
from absher_app.domain.throttle import check_rate
from absher_app.models import Person, Visa
from absher_app.providers.rate_limit import RateLimiter


class InquiryKind(StrEnum):
    """The public inquiries, in the order the page offers them."""

    VISA_BY_NUMBER = "visa_by_number"
    VISA_BY_ID = "visa_by_id"
    IQAMA = "iqama"
    ABSCONDING = "absconding"
    TRANSACTION = "transaction"
    BORDER = "border"


KINDS = tuple(InquiryKind)
# The fields each inquiry's form sends.
FIELDS: dict[str, tuple[str, ...]] = {
    InquiryKind.VISA_BY_NUMBER: ("visa_number",),
    InquiryKind.VISA_BY_ID: ("id_number",),
    InquiryKind.IQAMA: ("iqama_number",),
    InquiryKind.ABSCONDING: ("iqama_number",),
    InquiryKind.TRANSACTION: ("reference",),
    InquiryKind.BORDER: ("passport_number", "nationality"),
}
# Nationalities a visitor may choose from (ISO 3166-1 alpha-2; names in the i18n catalogue).
NATIONALITIES = ("AE", "BH", "KW", "OM", "QA", "EG", "JO", "SD", "MA", "TR", "IN", "PK", "BD",
                 "NP", "PH", "ID", "MY", "CN", "JP", "RU", "GB", "FR", "DE", "US", "NG", "SN")
MAX_INPUT = 40
VISAS_SHOWN = 5
@dataclasses.dataclass(frozen=True)
class VisaAnswer:
    """A visa: its type, number, status (valid, expired, cancelled) and dates."""

    kind: str  # visit | exit_reentry_single | exit_reentry_multiple | final_exit
    number: str
    status: str
    valid_until: date
    issued_on: date | None = None


@dataclasses.dataclass(frozen=True)
class IqamaAnswer:
    number: str
    expiry: date
    days_left: int
    status: str  # valid | expired


@dataclasses.dataclass(frozen=True)
class AbscondingAnswer:
    number: str
    reported: bool


@dataclasses.dataclass(frozen=True)
class TransactionAnswer:
    reference: str
    service_code: str
    status: str
    submitted_on: date
    updated_on: date
    delivery_status: str | None = None


@dataclasses.dataclass(frozen=True)
class BorderAnswer:
    border_number: str
    visa_status: str | None
    visa_valid_until: date | None


@dataclasses.dataclass(frozen=True)
class Answer:
    """What an inquiry found: a list of the kind's answers, empty when nothing was found."""

    kind: str
    items: tuple[Any, ...]

    @property
    def found(self) -> bool:
        return bool(self.items)


# ---------------------------------------------------------------------------------------------
# Input.

def _clean(value: Any) -> str:
    """A typed value without spaces or dashes, Arabic-Indic digits made ASCII, upper case."""
    text = value if isinstance(value, str) else ""
    return normalize_id_number(text[:MAX_INPUT]).replace("-", "").upper()


def _required(value: str, field: str) -> str:
    if not value:
        raise ValidationError("field_required", f"{field} is required", field=field)
    return value


def _id_number(value: Any, field: str) -> str:
    number = _required(_clean(value), field)
    try:
        return validate_id_number(number)
    except ValidationError as error:
        raise ValidationError(error.code, str(error), field=field, **error.params) from None


def _iqama_number(value: Any, field: str = "iqama_number") -> str:
    number = _id_number(value, field)
    if not number.startswith("2"):
        raise ValidationError("iqama_number_invalid", "an iqama number starts with 2",
                              field=field)
    return number


def _visa_number(value: Any, field: str = "visa_number") -> str:
    number = _required(_clean(value), field)
    if not re.fullmatch(r"5[0-9]{9}|V[0-9]{9}", number):
        raise ValidationError("visa_number_invalid",
                              "a visa number is 10 digits starting with 5, or V and 9 digits",
                              field=field)
    return number


def _reference(value: Any, field: str = "reference") -> str:
    reference = _required(_clean(value), field)
    if not re.fullmatch(r"[0-9]{10}", reference):
        raise ValidationError("reference_invalid", "a reference number is 10 digits",
                              field=field)
    return reference


def _passport_number(value: Any, field: str = "passport_number") -> str:
    number = _required(_clean(value), field)
    if not re.fullmatch(r"[A-Z0-9]{6,12}", number):
        raise ValidationError("passport_number_invalid", "6 to 12 letters or digits",
                              field=field)
    return number


def _nationality(value: Any, field: str = "nationality") -> str:
    code = _clean(value)
    if not code:
        raise ValidationError("nationality_required", "choose the nationality", field=field)
    if code not in NATIONALITIES:
        raise ValidationError("nationality_invalid", "choose a nationality from the list",
                              field=field)
    return code


def parse(kind: str, values: dict[str, Any]) -> dict[str, str]:
    """The inquiry's fields, validated; raises ValidationError (with `field`) on the first bad
    one, in the order of the form."""
    if kind not in KINDS:
        raise ValidationError("inquiry_unknown", "choose an inquiry")
    parsers = {"visa_number": _visa_number, "id_number": lambda v: _id_number(v, "id_number"),
               "iqama_number": _iqama_number, "reference": _reference,
               "passport_number": _passport_number, "nationality": _nationality}
    return {name: parsers[name](values.get(name, "")) for name in FIELDS[kind]}


# ---------------------------------------------------------------------------------------------
# Rate limit.

# ---------------------------------------------------------------------------------------------
# Look-ups (input already validated).

def _visa_status(visa: Visa, today: date) -> str:
    if visa.status == "cancelled":
        return "cancelled"
    return "expired" if visa.status == "expired" or visa.valid_until < today else "valid"


def _validity(expiry: date, today: date) -> str:
    return "expired" if expiry < today else "valid"


def _visit_visa(person: Person, today: date) -> VisaAnswer | None:
    if person.visa_type != "visit" or person.visa_expiry is None:
        return None
    return VisaAnswer("visit", person.visa_number or "", _validity(person.visa_expiry, today),
                      person.visa_expiry)


def visa_by_number(session: Session, visa_number: str, *, today: date) -> list[VisaAnswer]:
    """A visa's type, status and validity, by its number (exit/re-entry, final exit, visit)."""
    visa = session.exec(select(Visa).where(Visa.number == visa_number)).first()
    if visa is not None:
        return [VisaAnswer(visa.kind, visa.number, _visa_status(visa, today), visa.valid_until,
                           visa.issued_on)]
    person = session.exec(select(Person).where(Person.visa_number == visa_number)).first()
    visit = _visit_visa(person, today) if person is not None else None
    return [visit] if visit else []


def visas_by_id(session: Session, id_number: str, *, today: date) -> list[VisaAnswer]:
    """The visas of the holder of an ID, iqama or border number: the latest exit/re-entry and
    final exit visas, and a visit visa."""
    person = session.exec(select(Person).where(Person.id_number == id_number)).first()
    if person is None:
        return []
    visas = session.exec(select(Visa).where(Visa.person_id == person.id)
                         .order_by(col(Visa.issued_on).desc(), col(Visa.id).desc())
                         .limit(VISAS_SHOWN)).all()
    answers = [VisaAnswer(v.kind, v.number, _visa_status(v, today), v.valid_until, v.issued_on)
               for v in visas]
    if visit := _visit_visa(person, today):
        answers.append(visit)
    return answers


def _iqama_holder(session: Session, iqama_number: str) -> Person | None:
    return session.exec(select(Person).where(
        Person.id_number == iqama_number,
        col(Person.category).in_(("resident", "dependent")))).first()


def iqama_expiry(session: Session, iqama_number: str, *, today: date) -> list[IqamaAnswer]:
    """When an iqama expires, and whether it is valid today."""
    person = _iqama_holder(session, iqama_number)
    if person is None or person.iqama_expiry is None:
        return []
    return [IqamaAnswer(person.id_number, person.iqama_expiry,
                        (person.iqama_expiry - today).days,
                        _validity(person.iqama_expiry, today))]


def absconding(session: Session, iqama_number: str, *, today: date) -> list[AbscondingAnswer]:
    """Whether an absence (huroob) report stands against an iqama holder."""
    person = _iqama_holder(session, iqama_number)
    return [AbscondingAnswer(person.id_number, person.absent_report)] if person else []


def transaction_status(session: Session, reference: str, *,
                       today: date) -> list[TransactionAnswer]:
    """A request's service, status and dates by its reference (no names, no amounts)."""
    request = requests.find_request(session, reference)
    if request is None:
        return []
    delivery = requests.delivery_of(session, request.id)
    return [TransactionAnswer(request.reference, request.service_code, request.status,
                              request.submitted_at.astimezone(RIYADH).date(),
                              request.updated_at.astimezone(RIYADH).date(),
                              delivery.status if delivery else None)]


def border_number(session: Session, passport_number: str, nationality: str, *,
                  today: date) -> list[BorderAnswer]:
    """A visitor's border number, from the passport they entered with and its nationality."""
    person = session.exec(select(Person).where(
        Person.category == "visitor", Person.passport_number == passport_number,
        Person.nationality == nationality)).first()
    if person is None:
        return []
    visit = _visit_visa(person, today)
    return [BorderAnswer(person.id_number, visit.status if visit else None,
                         visit.valid_until if visit else None)]


_LOOKUPS = {
    InquiryKind.VISA_BY_NUMBER: visa_by_number,
    InquiryKind.VISA_BY_ID: visas_by_id,
    InquiryKind.IQAMA: iqama_expiry,
    InquiryKind.ABSCONDING: absconding,
    InquiryKind.TRANSACTION: transaction_status,
    InquiryKind.BORDER: border_number,
}


def ask(session: Session, kind: str, values: dict[str, Any], *, today: date, client: str,
        limiter: RateLimiter, limit: str) -> Answer:
    """Validate, count against the rate limit, then answer one public inquiry.

    Raises:
        ValidationError: bad input (its `field` names the input).
        DomainError: "inquiry_rate_limited" past the limit.
    """
    parsed = parse(kind, values)
    check_rate(limiter, limit, client)
    return Answer(kind, tuple(_LOOKUPS[kind](session, **parsed, today=today)))
