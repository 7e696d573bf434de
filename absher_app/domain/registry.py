"""Civil-registry import (QA-CONTRACT §2): validate every record, then write all in one transaction.

An import either applies every record or none; re-importing the same file changes nothing.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from enum import StrEnum
from typing import Any

from sqlmodel import Session, select

from absher_app.domain.errors import DomainError, ValidationError
from absher_app.domain.identity import (
    CATEGORIES,
    Category,
    normalize_mobile,
    validate_id_number,
)
from absher_app.models import Person
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
    "mobile", "passport", "traffic_fines_sar", "travel_ban", "iqama_expiry", "sponsor_id",
    "relationship", "absent_report", "visa",
}
_REQUIRED = ("id_number", "category", "name_ar", "name_en", "birth_date", "gender",
             "nationality", "mobile")
_PASSPORT_KEYS = {"number", "expiry"}
_VISA_KEYS = {"number", "type", "expiry"}


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
    fines = raw.get("traffic_fines_sar", 0)
    if not isinstance(fines, int) or isinstance(fines, bool) or fines < 0:
        raise ValidationError("field_invalid", "traffic_fines_sar must be a whole number >= 0")

    values: dict[str, Any] = {
        "id_number": id_number,
        "category": category,
        "name_ar": _text(raw, "name_ar"),
        "name_en": _text(raw, "name_en"),
        "birth_date": _date(raw["birth_date"], "birth_date"),
        "gender": gender,
        "nationality": nationality,
        "mobile": normalize_mobile(str(raw["mobile"])),
        "traffic_fines_sar": fines,
        "travel_ban": _bool(raw, "travel_ban"),
        "absent_report": _bool(raw, "absent_report"),
        "passport_number": None, "passport_expiry": None,
        "visa_number": None, "visa_type": None, "visa_expiry": None,
        "iqama_expiry": None, "sponsor_id": None, "relationship": None,
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
    if "sponsor_id" in raw:
        values["sponsor_id"] = validate_id_number(str(raw["sponsor_id"]))
    if "relationship" in raw:
        if raw["relationship"] not in RELATIONSHIPS:
            raise ValidationError(
                "field_invalid", f"relationship must be one of {', '.join(RELATIONSHIPS)}"
            )
        values["relationship"] = raw["relationship"]

    if category in (Category.RESIDENT, Category.DEPENDENT) and values["iqama_expiry"] is None:
        raise ValidationError("field_required", "iqama_expiry is required for an iqama holder")
    if category == Category.VISITOR and values["visa_number"] is None:
        raise ValidationError("field_required", "visa is required for a visitor")
    if category == Category.DEPENDENT and (values["sponsor_id"] is None
                                           or not values["relationship"]):
        raise ValidationError("field_required", "a dependent needs sponsor_id and relationship")
    if (values["sponsor_id"] is None) != (values["relationship"] is None):
        raise ValidationError("field_required", "sponsor_id and relationship go together")
    if values["sponsor_id"] == id_number:
        raise ValidationError("field_invalid", "a person cannot sponsor themselves")
    return values


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

    added = updated = unchanged = 0
    for values in parsed:
        person = existing.get(values["id_number"])
        if person is None:
            session.add(Person(**values))
            added += 1
        elif all(getattr(person, k) == v for k, v in values.items()):
            unchanged += 1
        else:
            for key, value in values.items():
                setattr(person, key, value)
            person.updated_at = utcnow()
            session.add(person)
            updated += 1
    session.flush()
    return ImportCounts(added=added, updated=updated, unchanged=unchanged)
