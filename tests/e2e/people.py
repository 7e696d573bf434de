"""Fictional persons and accounts of their own for the recovery, lock and idle journeys.

The journeys lock accounts, change passwords and end sessions, so they do not use the demo
accounts the other journeys sign in with. The persons go into the registry through the
operator's import command (QA-CONTRACT §2); their accounts are written the way the demo loader
writes its accounts (registration itself is covered by test_accounts.py). Mobiles are 0540000xxx,
a range the demo data does not use, so codes are read from the outbox unambiguously.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
from datetime import date, timedelta

import pytest

from absher_app.domain.demo import DEMO_PASSWORD, demo_id
from tests.e2e.conftest import ARTIFACTS, ROOT
from tests.e2e.helpers import cli


@dataclasses.dataclass(frozen=True)
class Person:
    """One fictional person of these journeys; `username` is None when they have no account."""

    serial: int
    name_en: str
    name_ar: str
    birth_date: str
    passport: str
    username: str | None

    @property
    def id_number(self) -> str:
        return demo_id("1", 77770000 + self.serial)

    @property
    def mobile(self) -> str:
        return f"0540000{100 + self.serial}"


PEOPLE = {
    "recover": Person(1, "Badr Fahad Alsubaie", "بدر فهد السبيعي", "1991-02-14", "A7770001",
                      "badr.recover"),
    "password_lock": Person(2, "Majed Ali Alqarni", "ماجد علي القرني", "1987-07-03", "A7770002",
                            "majed.lock"),
    "code_lock": Person(3, "Nasser Saad Alanazi", "ناصر سعد العنزي", "1979-12-20", "A7770003",
                        "nasser.codes"),
    "idle": Person(4, "Omar Khalid Alharthi", "عمر خالد الحارثي", "1995-05-05", "A7770004",
                   "omar.idle"),
    "countdown": Person(5, "Yasir Hamad Alshammari", "ياسر حمد الشمري", "1990-09-09",
                        "A7770005", "yasir.countdown"),
    "register": Person(6, "Lama Saleh Alrashid", "لمى صالح الراشد", "2001-01-21", "A7770006",
                       None),
    "shots_ar": Person(7, "Hessa Nasser Aldawood", "حصة ناصر الداود", "1993-03-27", "A7770007",
                       "hessa.shots"),
    "shots_en": Person(8, "Fahad Saad Almalki", "فهد سعد المالكي", "1984-10-16", "A7770008",
                       "fahad.shots"),
    "unmatched": Person(9, "Waleed Omar Alsaud", "وليد عمر الساعد", "1998-08-18", "A7770009",
                        "waleed.unmatched"),
}

_CREATE_ACCOUNTS = """
import json, sys
from datetime import UTC, date, datetime, timedelta
from sqlmodel import select
from absher_app.db import session_scope
from absher_app.domain.passwords import hash_password
from absher_app.models import Account, Delegation, Person

specs = json.loads(sys.argv[1])
password_hash = hash_password(sys.argv[2])
delegations = json.loads(sys.argv[3])
now = datetime.now(UTC)


def person_id(id_number):
    return session.exec(select(Person.id).where(Person.id_number == id_number)).one()


with session_scope() as session:
    for id_number, username in specs:
        person = session.exec(select(Person).where(Person.id_number == id_number)).one()
        if session.exec(select(Account.id).where(Account.person_id == person.id)).first():
            continue
        session.add(Account(person_id=person.id, username=username,
                            email=f"{username}@example.org", mobile=person.mobile,
                            password_hash=password_hash, status="active",
                            activation_channel="office", activated_at=now, created_at=now,
                            password_changed_at=now))
    for d in delegations:
        if session.exec(select(Delegation).where(Delegation.reference == d["reference"])).first():
            continue
        start = date.today() + timedelta(days=d["start_days"])
        session.add(Delegation(reference=d["reference"], delegator_id=person_id(d["delegator"]),
                               delegate_id=person_id(d["delegate"]), sector="passports",
                               services=d["services"], starts_on=start,
                               ends_on=start + timedelta(days=d["days"]), status=d["status"],
                               created_at=now - timedelta(days=d.get("made_days_ago", 0)),
                               updated_at=now))
"""


@pytest.fixture(scope="session")
def people(app_url, app_env) -> dict[str, Person]:
    """The persons above in the app's registry, with active accounts (password DEMO_PASSWORD)."""
    records = [{
        "id_number": p.id_number, "category": "citizen", "name_ar": p.name_ar,
        "name_en": p.name_en, "birth_date": p.birth_date, "gender": "M", "nationality": "SA",
        "mobile": p.mobile, "passport": {"number": p.passport, "expiry": "2031-01-31"},
    } for p in PEOPLE.values()]
    specs = [[p.id_number, p.username] for p in PEOPLE.values() if p.username]
    add_people("recovery-people", records, specs, app_env)
    return PEOPLE


def add_people(name: str, records: list[dict], accounts: list[list[str]],
               app_env: dict[str, str], delegations: list[dict] = ()) -> None:
    """Import `records` into the app's registry and give the persons named in `accounts`
    ([id_number, username] pairs) active accounts with the password DEMO_PASSWORD; then write
    `delegations` as they would stand after their days had passed: each a dict of reference,
    delegator and delegate (ID numbers), services ("a,b"), start_days (from today), days,
    status and made_days_ago."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.json"
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    result = cli("registry", "import", str(path), env=app_env)
    assert result.returncode == 0, result.stderr
    created = subprocess.run([str(ROOT / ".venv/bin/python"), "-c", _CREATE_ACCOUNTS,
                              json.dumps(accounts), DEMO_PASSWORD, json.dumps(list(delegations))],
                             env=app_env, cwd=ROOT, capture_output=True, text=True)
    assert created.returncode == 0, created.stderr


def registry_record(who: dict, birth_date: str, passport_number: str, **more) -> dict:
    """A citizen's registry record for a person given as {"id", "en", "ar", "mobile"}; `more`
    overrides or adds fields (category, nationality, iqama_expiry, sponsor_id...)."""
    return {"id_number": who["id"], "category": "citizen", "name_ar": who["ar"],
            "name_en": who["en"], "birth_date": birth_date, "gender": "M", "nationality": "SA",
            "mobile": who["mobile"],
            "passport": {"number": passport_number, "expiry": "2031-01-31"}} | more


def sponsored_worker(who: dict, birth_date: str, passport: str, sponsor: dict,
                     iqama_expiry: str, today: date) -> dict:
    """A resident domestic worker sponsored by `sponsor`, with a passport valid 900 days."""
    return registry_record(
        who, birth_date, passport, category="resident", nationality="IN",
        passport={"number": passport, "expiry": (today + timedelta(days=900)).isoformat()},
        iqama_expiry=iqama_expiry, sponsor_id=sponsor["id"], relationship="domestic_worker")
