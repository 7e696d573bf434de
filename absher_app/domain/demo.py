"""Demo civil registry and branches, for trying the portal and for the browser tests.

Every person is fictional. Dates are relative to the day the demo is loaded, so that there are
always expired documents and documents expiring within 30 days. Loading is idempotent: records
already present are left as they are (the app may have changed them since), missing ones added.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlmodel import Session, select

from absher_app.domain import traffic
from absher_app.domain.identity import luhn_check_digit
from absher_app.domain.passwords import hash_password
from absher_app.domain.registry import FINES, parse_person
from absher_app.domain.staff import create_staff
from absher_app.models import Account, Branch, DrivingLicence, Person, StaffMember, Vehicle


def demo_id(first_digit: str, serial: int) -> str:
    """A Luhn-valid 10-digit identity number: first digit, 8-digit serial, check digit."""
    body = f"{first_digit}{serial:08d}"
    return body + luhn_check_digit(body)


def demo_mobile(serial: int) -> str:
    """A distinct Saudi mobile per demo person, in the national form 05XXXXXXXX."""
    return f"05{5 + serial % 5}{1000000 + serial * 1234567 % 9000000:07d}"


# (key, category, name_ar, name_en, birth, gender, nationality, extra)
# `extra` holds document dates as day offsets from today, sponsor keys and flags; "fines" lists
# unpaid traffic fines as (violation, amount, days ago), and "arrived" the day a newly arrived
# sponsored person entered the Kingdom (days ago; they have no iqama yet). New people go at the
# end: a person's identity number comes from their place among those of their kind.
_PEOPLE: list[tuple[str, str, str, str, str, str, str, dict[str, Any]]] = [
    ("c1", "citizen", "محمد عبدالله القحطاني", "Mohammed Abdullah Alqahtani", "1990-04-12", "M",
     "SA", {"passport": 900, "mobile": "0551234567"}),
    ("c2", "citizen", "سارة محمد القحطاني", "Sara Mohammed Alqahtani", "1993-09-01", "F", "SA",
     {"passport": 20}),
    ("c3", "citizen", "عبدالله محمد القحطاني", "Abdullah Mohammed Alqahtani", "2014-02-20", "M",
     "SA", {"passport": -40, "sponsor": "c1", "relationship": "child"}),
    ("c4", "citizen", "خالد سعد العتيبي", "Khalid Saad Alotaibi", "1985-11-30", "M", "SA",
     {"passport": 1200, "fines": [("speeding", 800, 75), ("mobile_phone", 500, 40),
                                  ("no_seatbelt", 200, 12)]}),
    ("c5", "citizen", "نورة فهد الدوسري", "Noura Fahd Aldosari", "1988-06-15", "F", "SA",
     {"passport": 700, "travel_ban": True}),
    ("c6", "citizen", "فيصل ناصر الشهري", "Faisal Nasser Alshehri", "1979-01-05", "M", "SA",
     {"passport": 400}),
    ("c7", "citizen", "ريم علي الزهراني", "Reem Ali Alzahrani", "1996-03-22", "F", "SA", {}),
    ("c8", "citizen", "تركي سلمان الحربي", "Turki Salman Alharbi", "1982-08-09", "M", "SA",
     {"passport": 1500}),
    ("c9", "citizen", "هند عمر المطيري", "Hind Omar Almutairi", "2000-12-11", "F", "SA",
     {"passport": 60}),
    ("c10", "citizen", "سلطان ماجد الغامدي", "Sultan Majed Alghamdi", "1975-05-28", "M", "SA",
     {"passport": 2000}),
    ("r1", "resident", "راجيش كومار", "Rajesh Kumar", "1985-02-01", "M", "IN",
     {"passport": 600, "iqama": 300, "sponsor": "c1", "relationship": "domestic_worker",
      "mobile": "0561234567"}),
    ("r2", "resident", "أحمد حسن محمود", "Ahmed Hassan Mahmoud", "1980-07-19", "M", "EG",
     {"passport": 1000, "iqama": 250}),
    ("r3", "resident", "ماريا سانتوس", "Maria Santos", "1991-10-03", "F", "PH",
     {"passport": 800, "iqama": 200, "sponsor": "r2", "relationship": "domestic_worker"}),
    ("r4", "resident", "عمران خان", "Imran Khan", "1987-04-04", "M", "PK",
     {"passport": 700, "iqama": 25}),
    ("r5", "resident", "جون سميث", "John Smith", "1978-12-25", "M", "GB",
     {"passport": 60, "iqama": 330}),
    ("r6", "resident", "سوريا براساد", "Surya Prasad", "1990-01-17", "M", "NP",
     {"passport": 900, "iqama": -15, "sponsor": "c4", "relationship": "domestic_worker",
      "fines": [("wrong_parking", 200, 30)]}),
    ("r7", "resident", "فاطمة الزهراء", "Fatima Alzahraa", "1994-05-09", "F", "SD",
     {"passport": 500, "iqama": 180, "fines": [("no_seatbelt", 150, 50),
                                                ("wrong_parking", 150, 20)]}),
    ("r8", "resident", "أنيل شارما", "Anil Sharma", "1983-09-29", "M", "IN",
     {"passport": 650, "iqama": 120, "sponsor": "c6", "relationship": "domestic_worker",
      "absent": True}),
    ("r9", "resident", "ليلى حداد", "Layla Haddad", "1989-02-14", "F", "JO",
     {"passport": 1100, "iqama": 400, "travel_ban": True}),
    ("r10", "resident", "سيتي نورهاليزا", "Siti Nurhaliza", "1995-08-08", "F", "ID",
     {"passport": 30, "iqama": 150, "sponsor": "c1", "relationship": "domestic_worker"}),
    ("d1", "dependent", "منى أحمد حسن", "Mona Ahmed Hassan", "1986-03-03", "F", "EG",
     {"passport": 900, "iqama": 250, "sponsor": "r2", "relationship": "spouse"}),
    ("d2", "dependent", "يوسف أحمد حسن", "Youssef Ahmed Hassan", "2012-06-06", "M", "EG",
     {"passport": 20, "iqama": 250, "sponsor": "r2", "relationship": "child"}),
    ("d3", "dependent", "مريم أحمد حسن", "Mariam Ahmed Hassan", "2016-11-11", "F", "EG",
     {"passport": 700, "iqama": 28, "sponsor": "r2", "relationship": "child"}),
    ("d4", "dependent", "عائشة عمران", "Aisha Imran", "1990-09-09", "F", "PK",
     {"passport": 600, "iqama": 25, "sponsor": "r4", "relationship": "spouse"}),
    ("d5", "dependent", "حسن محمود", "Hassan Mahmoud", "1950-01-01", "M", "EG",
     {"passport": 300, "iqama": -5, "sponsor": "r2", "relationship": "parent"}),
    ("g1", "gcc", "جاسم يوسف الصباح", "Jassim Yousef Alsabah", "1984-04-21", "M", "KW",
     {"passport": 1300}),
    ("g2", "gcc", "مريم سعيد النعيمي", "Maryam Saeed Alnuaimi", "1992-07-07", "F", "AE",
     {"passport": 500}),
    ("g3", "gcc", "علي حمد الخليفة", "Ali Hamad Alkhalifa", "1977-10-10", "M", "BH",
     {"passport": 45}),
    ("v1", "visitor", "ديفيد براون", "David Brown", "1970-03-30", "M", "US",
     {"passport": 1000, "visa": 5}),
    ("v2", "visitor", "إيلينا بتروفا", "Elena Petrova", "1988-12-01", "F", "RU",
     {"passport": 700, "visa": 30}),
    ("v3", "visitor", "كينجي تاناكا", "Kenji Tanaka", "1981-06-18", "M", "JP",
     {"passport": 900, "visa": -2}),
    ("v4", "visitor", "أمينة ديالو", "Aminata Diallo", "1999-02-02", "F", "SN",
     {"passport": 400, "visa": 60, "fines": [("speeding", 500, 8)]}),
    # A worker who arrived three weeks ago: Turki issues the first iqama online.
    ("r11", "resident", "جوزيف ماثيو", "Joseph Mathew", "1993-03-15", "M", "IN",
     {"passport": 1700, "arrived": 21, "sponsor": "c8", "relationship": "domestic_worker"}),
    # Khalid's daughter, 16: her father issues and cancels travel permits for her.
    ("c11", "citizen", "لمى خالد العتيبي", "Lama Khalid Alotaibi", "2010-01-20", "F", "SA",
     {"passport": 1000, "sponsor": "c4", "relationship": "child"}),
]

_FIRST_DIGIT = {"citizen": "1", "resident": "2", "dependent": "2", "visitor": "3", "gcc": "4"}

# (code, city, name_ar, name_en, slot capacity)
BRANCHES: list[tuple[str, str, str, str, int]] = [
    ("RUH-01", "riyadh", "جوازات الرياض - حي الملز", "Riyadh Passports - Al Malaz", 6),
    ("RUH-02", "riyadh", "جوازات الرياض - حي النسيم", "Riyadh Passports - Al Naseem", 4),
    ("JED-01", "jeddah", "جوازات جدة - حي الروضة", "Jeddah Passports - Al Rawdah", 5),
    ("MKK-01", "makkah", "جوازات مكة المكرمة - العزيزية", "Makkah Passports - Al Aziziyah", 4),
    ("MED-01", "madinah", "جوازات المدينة المنورة - قباء", "Madinah Passports - Quba", 4),
    ("DMM-01", "dammam", "جوازات الدمام - حي الفيصلية", "Dammam Passports - Al Faisaliyah", 5),
    ("AHB-01", "abha", "جوازات أبها - حي المنسك", "Abha Passports - Al Mansak", 3),
]


# Demo accounts, all with DEMO_PASSWORD: (person key, username, status).
DEMO_PASSWORD = "Passports demo 2026"
DEMO_ACCOUNTS: list[tuple[str, str, str]] = [
    ("c1", "mohammed", "active"),
    ("c4", "khalid", "active"),
    ("c8", "turki", "active"),
    ("r2", "ahmed", "active"),
    ("r4", "imran", "active"),
    ("g1", "jassim", "active"),
    ("v1", "david", "active"),
    ("c9", "hind", "registered"),
]


# Demo staff, one per role, all with DEMO_PASSWORD: (username, role, office, authenticator
# key). The keys are published in the README so a tester can add them to an app (or run
# `absher staff code USERNAME`): they are for the demo only, like the password.
DEMO_STAFF: list[tuple[str, str, str | None, str]] = [
    ("clerk", "activation_clerk", "RUH-01", "DEMOCLERKABSHERPASSPORTSTOTPKEYA"),
    ("officer", "passports_officer", None, "DEMOOFFICERABSHERPASSPORTSTOTPKY"),
    ("manager", "branch_manager", "RUH-01", "DEMOMANAGERABSHERPASSPORTSTOTPKY"),
    ("admin", "admin", None, "DEMOADMINABSHERPASSPORTSTOTPKEYA"),
]


@dataclasses.dataclass(frozen=True)
class DemoCounts:
    """What loading the demo added."""

    persons_added: int
    branches_added: int
    accounts_added: int = 0
    staff_added: int = 0


def demo_ids() -> dict[str, str]:
    """Demo key (c1, r1, ...) to identity number, for the README and the tests."""
    ids: dict[str, str] = {}
    serials: dict[str, int] = {}
    for key, category, *_ in _PEOPLE:
        digit = _FIRST_DIGIT[category]
        serials[digit] = serials.get(digit, -1) + 1
        ids[key] = demo_id(digit, serials[digit])
    return ids


def demo_fine_number(serial: int, index: int) -> str:
    """The demo's fine numbers: 10 digits, by person and fine."""
    return f"{7100000000 + serial * 1000 + index}"


def demo_records(today: date) -> list[dict[str, Any]]:
    """The demo persons in the import format of QA-CONTRACT §2."""
    ids = demo_ids()

    def day(offset: int) -> str:
        return (today + timedelta(days=offset)).isoformat()

    records = []
    for serial, (key, category, name_ar, name_en, birth, gender, nationality, extra) in (
        enumerate(_PEOPLE)
    ):
        record: dict[str, Any] = {
            "id_number": ids[key], "category": category, "name_ar": name_ar,
            "name_en": name_en, "birth_date": birth, "gender": gender,
            "nationality": nationality, "mobile": extra.get("mobile", demo_mobile(serial)),
            "travel_ban": extra.get("travel_ban", False),
        }
        if "fines" in extra:
            record["traffic_fines"] = [
                {"number": demo_fine_number(serial, index), "date": day(-ago),
                 "violation": violation, "amount": amount}
                for index, (violation, amount, ago) in enumerate(extra["fines"], start=1)]
        if "passport" in extra:
            letter = "A" if nationality == "SA" else "N"
            record["passport"] = {"number": f"{letter}{7000000 + serial * 7919:07d}",
                                  "expiry": day(extra["passport"])}
        if "iqama" in extra:
            record["iqama_expiry"] = day(extra["iqama"])
            record["absent_report"] = extra.get("absent", False)
        if "arrived" in extra:
            record["entry_date"] = day(-extra["arrived"])
        if "visa" in extra:
            record["visa"] = {"number": f"V{600000000 + serial * 104729}", "type": "visit",
                              "expiry": day(extra["visa"])}
        if "sponsor" in extra:
            record["sponsor_id"] = ids[extra["sponsor"]]
            record["relationship"] = extra["relationship"]
        records.append(record)
    return records


def load_demo(session: Session, today: date) -> DemoCounts:
    """Add the demo persons and branches that are missing; leave existing ones untouched."""
    existing = set(session.exec(select(Person.id_number)).all())
    persons_added = 0
    for record in demo_records(today):
        values = parse_person(record)
        fines = values.pop(FINES)
        if values["id_number"] not in existing:
            person = Person(**values)
            session.add(person)
            session.flush()
            traffic.sync_fines(session, person, fines, today)
            persons_added += 1
    codes = set(session.exec(select(Branch.code)).all())
    branches_added = 0
    for code, city, name_ar, name_en, capacity in BRANCHES:
        if code not in codes:
            session.add(Branch(code=code, city=city, name_ar=name_ar, name_en=name_en,
                               slot_capacity=capacity))
            branches_added += 1
    session.flush()
    now = datetime.combine(today, time(8), UTC)
    accounts_added = _load_demo_accounts(session, now=now)
    _load_demo_vehicles(session, today)
    _load_demo_licences(session, today)
    return DemoCounts(persons_added=persons_added, branches_added=branches_added,
                      accounts_added=accounts_added,
                      staff_added=_load_demo_staff(session, now=now))


def _load_demo_staff(session: Session, now: datetime) -> int:
    have = set(session.exec(select(StaffMember.username)).all())
    added = 0
    for username, role, office, secret in DEMO_STAFF:
        if username not in have:
            create_staff(session, username, role, password=DEMO_PASSWORD, confirm=DEMO_PASSWORD,
                         office=office, now=now, totp_secret=secret)
            added += 1
    session.flush()
    return added


# Demo vehicles (traffic sector): (plate, owner key, make, model, year, and the registration,
# insurance and periodic inspection ends as day offsets from today). Added once; after a
# transfer a vehicle stays with its new owner.
DEMO_VEHICLES: list[tuple[str, str, str, str, int, int, int, int]] = [
    # Registration due in 40 days, insurance and inspection valid: renewable, lendable.
    ("ABD1234", "c1", "Toyota", "Camry", 2021, 40, 300, 200),
    # Registration ended 100 days ago (a late fine) and the insurance too: not renewable yet.
    ("KSA4821", "c1", "Hyundai", "Sonata", 2019, -100, -10, 150),
    ("RUH7710", "c4", "Nissan", "Patrol", 2022, 700, 250, 250),
    ("JED3055", "r2", "Kia", "Cerato", 2020, 20, 90, 90),
]

# Demo driving licences: (person key, licence number, expiry as a day offset from today).
DEMO_LICENCES: list[tuple[str, str, int]] = [
    ("c1", "1000000101", 200),     # renewable (less than a year left)
    ("c4", "1000000104", -400),    # expired more than a year ago: two years of late fine
    ("c8", "1000000108", 3000),    # valid for years: a driver others may authorise
    ("r1", "2000000111", 100),     # Mohammed's driver: he renews it for him
    ("r2", "2000000112", 1000),
    ("r4", "2000000114", 500),
]


def _load_demo_vehicles(session: Session, today: date) -> None:
    ids = demo_ids()
    have = set(session.exec(select(Vehicle.plate)).all())
    for plate, owner, make, model, year, registration, insurance, inspection in DEMO_VEHICLES:
        if plate in have:
            continue
        person = session.exec(select(Person).where(Person.id_number == ids[owner])).one()
        session.add(Vehicle(plate=plate, owner_id=person.id, make=make, model=model, year=year,
                            registration_expiry=today + timedelta(days=registration),
                            insurance_expiry=today + timedelta(days=insurance),
                            inspection_expiry=today + timedelta(days=inspection)))
    session.flush()


def _load_demo_licences(session: Session, today: date) -> None:
    ids = demo_ids()
    have = set(session.exec(select(DrivingLicence.number)).all())
    for key, number, expiry in DEMO_LICENCES:
        if number in have:
            continue
        person = session.exec(select(Person).where(Person.id_number == ids[key])).one()
        if session.exec(select(DrivingLicence).where(
                DrivingLicence.person_id == person.id)).first() is None:
            session.add(DrivingLicence(person_id=person.id, number=number,
                                       expiry=today + timedelta(days=expiry)))
    session.flush()


def _load_demo_accounts(session: Session, now: datetime) -> int:
    ids = demo_ids()
    have = set(session.exec(select(Account.username)).all())
    missing = [a for a in DEMO_ACCOUNTS if a[1] not in have]
    if not missing:
        return 0
    password_hash = hash_password(DEMO_PASSWORD)  # one slow hash shared by the demo accounts
    added = 0
    for key, username, status in missing:
        person = session.exec(select(Person).where(Person.id_number == ids[key])).one()
        if session.exec(select(Account.id).where(Account.person_id == person.id)).first():
            continue  # that person registered through the app meanwhile
        added += 1
        session.add(Account(
            person_id=person.id, username=username, email=f"{username}@example.com",
            mobile=person.mobile, password_hash=password_hash, status=status,
            activation_channel="office" if status == "active" else None,
            activated_at=now if status == "active" else None, created_at=now,
            password_changed_at=now,
        ))
    session.flush()
    return added
