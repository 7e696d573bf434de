"""Civil-registry import (QA-CONTRACT §2): validate every record, then write all in one transaction.

An import either applies every record or none; re-importing the same file changes nothing.

Traffic fines: a record lists the person's unpaid fines one by one (`traffic_fines`: number,
date, violation, amount), or gives one total as before (`traffic_fines_sar`, kept for files
written to the contract), which becomes one fine. Either way the listed fines are what the
person owes: see absher_app.domain.traffic.sync_fines. A newly arrived sponsored worker or
dependant has no iqama yet: their record gives `entry_date` instead of `iqama_expiry`.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from enum import StrEnum
from typing import Any

from sqlmodel import Session, select

from absher_app.domain import traffic
from absher_app.domain.calendars import RIYADH
from absher_app.domain.errors import DomainError, ValidationError
from absher_app.domain.identity import (
    CATEGORIES,
    Category,
    normalize_mobile,
    validate_id_number,
)
from absher_app.models import Person, TrafficFine
from absher_app.models.base import utcnow


class Relationship(StrEnum):
    """How a sponsored person relates to their sponsor (`Person.relationship`)."""

    SPOUSE = "spouse"
    CHILD = "child"
    PARENT = "parent"
    DOMESTIC_WORKER = "domestic_worker"


class VisaType(StrEnum):
    """The kind of visa a visitor holds (`Person.visa_type`)."""

    VISIT = "visit"


class Gender(StrEnum):
    """`Person.gender` as the registry records it."""

    MALE = "M"
    FEMALE = "F"


RELATIONSHIPS = tuple(Relationship)
VISA_TYPES = tuple(VisaType)
_TOP_KEYS = {
    "id_number", "category", "name_ar", "name_en", "birth_date", "gender", "nationality",
    "mobile", "passport", "traffic_fines_sar", "traffic_fines", "travel_ban", "iqama_expiry",
    "entry_date", "sponsor_id", "relationship", "absent_report", "visa",
}
_REQUIRED = ("id_number", "category", "name_ar", "name_en", "birth_date", "gender",
             "nationality", "mobile")
_PASSPORT_KEYS = {"number", "expiry"}
_VISA_KEYS = {"number", "type", "expiry"}
_FINE_KEYS = {"number", "date", "violation", "amount"}
# The key under which parse_person returns the fines (not a Person column).
FINES = "traffic_fines"


class RegistryImportError(DomainError):
    """The file cannot be imported; nothing was written."""


@dataclasses.dataclass(frozen=True)
class ImportCounts:
    """What an import did."""

    added: int
    updated: int
    unchanged: int

    @property
    def total(self) -> int:
        """Every record of the file."""
        return self.added + self.updated + self.unchanged


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _date(value: Any, field: str) -> date:
    # date.fromisoformat alone also takes other ISO 8601 forms of the same length, such as the
    # week date "2024-W01-1"; the format is YYYY-MM-DD only.
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise ValidationError(
            "date_invalid", f"{field} must be a date YYYY-MM-DD, got {value!r}", field=field
        )
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationError(
            "date_invalid", f"{field} must be a date YYYY-MM-DD, got {value!r}", field=field
        ) from exc


def _text(raw: dict, field: str, max_length: int = 200) -> str:
    value = raw.get(field)
    if not isinstance(value, str) or not value.strip():
        raise ValidationError("field_required", f"{field} is required", field=field)
    if len(value) > max_length:
        raise ValidationError("field_too_long", f"{field} is longer than {max_length} characters")
    return value.strip()


def _bool(raw: dict, field: str) -> bool:
    value = raw.get(field, False)
    if not isinstance(value, bool):
        raise ValidationError("field_invalid", f"{field} must be true or false", field=field)
    return value


def _sub_object(raw: dict, field: str, allowed: set[str]) -> dict | None:
    value = raw.get(field)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValidationError("field_invalid", f"{field} must be an object", field=field)
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise ValidationError("unknown_key", f"unknown key {field}.{unknown[0]!r}")
    missing = sorted(allowed - set(value))
    if missing:
        raise ValidationError("field_required", f"{field}.{missing[0]} is required")
    return value


def parse_person(raw: Any) -> dict[str, Any]:
    """Validate one import record and return the Person column values.

    Raises:
        ValidationError: naming the first problem found.
    """
    if not isinstance(raw, dict):
        raise ValidationError("record_not_object", "each person must be a JSON object")
    unknown = sorted(set(raw) - _TOP_KEYS)
    if unknown:
        raise ValidationError("unknown_key", f"unknown key {unknown[0]!r}")
    for field in _REQUIRED:
        if field not in raw:
            raise ValidationError("field_required", f"{field} is required", field=field)
    category = raw["category"]
    if category not in CATEGORIES:
        raise ValidationError(
            "category_unknown", f"category must be one of {', '.join(CATEGORIES)}"
        )
    id_number = validate_id_number(str(raw["id_number"]), category)
    gender = raw["gender"]
    if gender not in tuple(Gender):
        raise ValidationError("field_invalid", "gender must be M or F")
    nationality = raw["nationality"]
    if not (isinstance(nationality, str) and len(nationality) == 2 and nationality.isascii()
            and nationality.isalpha() and nationality.isupper()):
        raise ValidationError("field_invalid", "nationality must be a 2-letter country code")

    values: dict[str, Any] = {
        "id_number": id_number,
        "category": category,
        "name_ar": _text(raw, "name_ar"),
        "name_en": _text(raw, "name_en"),
        "birth_date": _date(raw["birth_date"], "birth_date"),
        "gender": gender,
        "nationality": nationality,
        "mobile": normalize_mobile(str(raw["mobile"])),
        "travel_ban": _bool(raw, "travel_ban"),
        "absent_report": _bool(raw, "absent_report"),
        "passport_number": None, "passport_expiry": None,
        "visa_number": None, "visa_type": None, "visa_expiry": None,
        "iqama_expiry": None, "entered_on": None, "sponsor_id": None, "relationship": None,
    }
    if passport := _sub_object(raw, "passport", _PASSPORT_KEYS):
        values["passport_number"] = _text(passport, "number", 20)
        values["passport_expiry"] = _date(passport["expiry"], "passport.expiry")
    if visa := _sub_object(raw, "visa", _VISA_KEYS):
        if visa["type"] not in VISA_TYPES:
            raise ValidationError("field_invalid", "visa.type must be 'visit'")
        values["visa_number"] = _text(visa, "number", 20)
        values["visa_type"] = visa["type"]
        values["visa_expiry"] = _date(visa["expiry"], "visa.expiry")
    if "iqama_expiry" in raw:
        values["iqama_expiry"] = _date(raw["iqama_expiry"], "iqama_expiry")
    if "entry_date" in raw:
        values["entered_on"] = _date(raw["entry_date"], "entry_date")
    if "sponsor_id" in raw:
        values["sponsor_id"] = validate_id_number(str(raw["sponsor_id"]))
    if "relationship" in raw:
        if raw["relationship"] not in RELATIONSHIPS:
            raise ValidationError(
                "field_invalid", f"relationship must be one of {', '.join(RELATIONSHIPS)}"
            )
        values["relationship"] = raw["relationship"]

    if category in (Category.RESIDENT, Category.DEPENDENT) and values["iqama_expiry"] is None and (
            values["entered_on"] is None or values["sponsor_id"] is None):
        raise ValidationError("field_required", "iqama_expiry is required for an iqama holder "
                              "(a newly arrived sponsored person gives entry_date instead)")
    if values["entered_on"] is not None and values["iqama_expiry"] is not None:
        raise ValidationError("field_invalid", "entry_date is only for someone without an iqama "
                              "yet; give iqama_expiry or entry_date, not both")
    if category == Category.VISITOR and values["visa_number"] is None:
        raise ValidationError("field_required", "visa is required for a visitor")
    if category == Category.DEPENDENT and (values["sponsor_id"] is None
                                           or not values["relationship"]):
        raise ValidationError("field_required", "a dependent needs sponsor_id and relationship")
    if (values["sponsor_id"] is None) != (values["relationship"] is None):
        raise ValidationError("field_required", "sponsor_id and relationship go together")
    if values["sponsor_id"] == id_number:
        raise ValidationError("field_invalid", "a person cannot sponsor themselves")
    values[FINES] = _fines(raw, id_number)
    return values


def _fines(raw: dict, id_number: str) -> list[dict[str, Any]]:
    """The unpaid fines a record lists, as TrafficFine column values."""
    if "traffic_fines" in raw and "traffic_fines_sar" in raw:
        raise ValidationError("field_invalid", "give traffic_fines or traffic_fines_sar, not both")
    if "traffic_fines" not in raw:
        total = raw.get("traffic_fines_sar", 0)
        if not isinstance(total, int) or isinstance(total, bool) or total < 0:
            raise ValidationError("field_invalid", "traffic_fines_sar must be a whole number >= 0")
        # One fine for the total, numbered after the person so a re-import finds it again.
        # The registry gives no date: the fine is dated the day it is first imported.
        return [{"number": traffic.legacy_fine_number(id_number), "issued_on": None,
                 "violation": traffic.REGISTRY_TOTAL, "amount_sar": total}] if total else []
    listed = raw["traffic_fines"]
    if not isinstance(listed, list):
        raise ValidationError("field_invalid", "traffic_fines must be a list of fines")
    fines, numbers = [], set()
    for index, item in enumerate(listed, start=1):
        where = f"traffic_fines[{index}]"
        if not isinstance(item, dict):
            raise ValidationError("field_invalid", f"{where} must be an object")
        unknown = sorted(set(item) - _FINE_KEYS)
        if unknown:
            raise ValidationError("unknown_key", f"unknown key {where}.{unknown[0]!r}")
        missing = sorted(_FINE_KEYS - set(item))
        if missing:
            raise ValidationError("field_required", f"{where}.{missing[0]} is required")
        number = item["number"]
        if not isinstance(number, str) or not traffic.FINE_NUMBER.fullmatch(number):
            raise ValidationError("field_invalid", f"{where}.number must be 6 to 16 digits")
        if number in numbers:
            raise ValidationError("field_invalid", f"{where}.number {number} appears twice")
        numbers.add(number)
        if item["violation"] not in traffic.VIOLATIONS:
            raise ValidationError("field_invalid", f"{where}.violation must be one of "
                                  f"{', '.join(traffic.VIOLATIONS)}")
        amount = item["amount"]
        if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
            raise ValidationError("field_invalid", f"{where}.amount must be a whole number > 0")
        fines.append({"number": number, "issued_on": _date(item["date"], f"{where}.date"),
                      "violation": item["violation"], "amount_sar": amount})
    return fines


def import_persons(session: Session, records: Any) -> ImportCounts:
    """Validate every record, then add or update them all in the caller's transaction.

    Raises:
        RegistryImportError: naming the first bad record (its position and ID); nothing written.
    """
    if not isinstance(records, list):
        raise RegistryImportError("import_not_list", "the file must hold a JSON array of persons")
    parsed: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, raw in enumerate(records, start=1):
        label = f"record {index}"
        if isinstance(raw, dict) and isinstance(raw.get("id_number"), str):
            label += f" (id_number {raw['id_number']})"
        try:
            values = parse_person(raw)
        except ValidationError as exc:
            raise RegistryImportError(exc.code, f"{label}: {exc}", record=index) from exc
        if values["id_number"] in seen:
            raise RegistryImportError("duplicate_id", f"{label}: appears twice in the file")
        seen.add(values["id_number"])
        parsed.append(values)

    existing = {
        p.id_number: p
        for p in session.exec(select(Person).where(Person.id_number.in_(seen))).all()
    } if seen else {}
    sponsors = {v["sponsor_id"] for v in parsed if v["sponsor_id"]}
    known = seen | set(
        session.exec(select(Person.id_number).where(Person.id_number.in_(sponsors))).all()
    ) if sponsors else seen
    for index, values in enumerate(parsed, start=1):
        if values["sponsor_id"] and values["sponsor_id"] not in known:
            raise RegistryImportError(
                "sponsor_unknown",
                f"record {index} (id_number {values['id_number']}): sponsor "
                f"{values['sponsor_id']} is neither in the file nor in the registry",
            )

    _check_fine_numbers(session, parsed)
    today = utcnow().astimezone(RIYADH).date()
    added = updated = unchanged = 0
    for values in parsed:
        fines = values.pop(FINES)
        person = existing.get(values["id_number"])
        if person is None:
            person = Person(**values)
            session.add(person)
            session.flush()
            traffic.sync_fines(session, person, fines, today)
            added += 1
            continue
        same = all(getattr(person, k) == v for k, v in values.items())
        if not same:
            for key, value in values.items():
                setattr(person, key, value)
            person.updated_at = utcnow()
            session.add(person)
        fines_changed = traffic.sync_fines(session, person, fines, today)
        if same and not fines_changed:
            unchanged += 1
        else:
            updated += 1
    session.flush()
    return ImportCounts(added=added, updated=updated, unchanged=unchanged)


def _check_fine_numbers(session: Session, parsed: list[dict[str, Any]]) -> None:
    """A fine number belongs to one person: in the file and in the portal's records."""
    owner_of: dict[str, str] = {}
    for values in parsed:
        for fine in values[FINES]:
            other = owner_of.setdefault(fine["number"], values["id_number"])
            if other != values["id_number"]:
                raise RegistryImportError("fine_number_taken", f"fine {fine['number']} is listed "
                                          f"for both {other} and {values['id_number']}")
    if not owner_of:
        return
    rows = session.exec(select(TrafficFine.number, Person.id_number).join(
        Person, Person.id == TrafficFine.person_id).where(
        TrafficFine.number.in_(owner_of))).all()  # type: ignore[attr-defined]
    for number, id_number in rows:
        if owner_of[number] != id_number:
            raise RegistryImportError("fine_number_taken", f"fine {number} belongs to "
                                      f"another person ({id_number})")
