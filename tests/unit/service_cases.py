"""Every service of the catalogue run once, as data the wizard tests share: who applies for
whom among the demo persons, what the records must hold first (a visa to extend, a permit to
cancel...), and a form per step that passes it, as the browser sends them.

    case = CASES["exit_reentry_issue"]
    applicant, beneficiary = case.people(session, today)
    forms = case.forms(session, today)     # one dict per step, in order

The domain's step policy tests and the wizard's use case tests walk these for every service;
`test_every_service_has_a_case` keeps the table complete when a service is added.
"""

from __future__ import annotations

import dataclasses
import functools
import shutil
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy
from sqlmodel import Session, SQLModel, select

from absher_app.db import get_engine
from absher_app.domain import demo, traffic
from absher_app.domain.demo import DEMO_PASSWORD, demo_ids, load_demo
from absher_app.domain.passwords import hash_password
from absher_app.domain.request_status import RequestStatus
from absher_app.models import (
    Account,
    DrivingAuthorization,
    Person,
    ServiceRequest,
    TravelPermit,
    Vehicle,
    Visa,
)

Forms = Callable[[Session, date], list[dict[str, str]]]


@functools.cache
def _demo_hash() -> str:
    return hash_password(DEMO_PASSWORD)


def demo_template(folder: Path, today: date) -> Path:
    """A SQLite database file holding every table and the demo loaded on `today`, made once
    and copied for each test (`copy_of`): loading the demo per test was most of their time.
    The demo accounts' password is hashed once."""
    path = folder / "demo-template.db"
    engine = get_engine.__wrapped__(f"sqlite:///{path}")
    SQLModel.metadata.create_all(engine)
    original = demo.hash_password
    demo.hash_password = lambda password: _demo_hash() if password == DEMO_PASSWORD \
        else original(password)
    try:
        with Session(engine) as session:
            load_demo(session, today)
            session.commit()
    finally:
        demo.hash_password = original
    engine.dispose()
    return path


def copy_of(template: Path, folder: Path) -> sqlalchemy.Engine:
    """An engine on a fresh copy of `template` in `folder`."""
    path = folder / "test.db"
    shutil.copyfile(template, path)
    return get_engine.__wrapped__(f"sqlite:///{path}")


def person(session: Session, key: str) -> Person:
    """The demo person `key` (c1, r2, ...)."""
    return session.exec(select(Person).where(Person.id_number == demo_ids()[key])).one()


def username_of(session: Session, key: str) -> str:
    """The demo account of person `key`."""
    return session.exec(select(Account.username).where(
        Account.person_id == person(session, key).id)).one()


@dataclasses.dataclass(frozen=True)
class ServiceCase:
    """One service run by a demo account for one member of their household."""

    applicant: str
    beneficiary: str
    steps: Forms
    arrange: Callable[[Session, date], None] = lambda session, today: None

    def people(self, session: Session, today: date) -> tuple[Person, Person]:
        """Arrange the records, then (applicant, beneficiary)."""
        self.arrange(session, today)
        session.commit()
        return person(session, self.applicant), person(session, self.beneficiary)

    def forms(self, session: Session, today: date) -> list[dict[str, str]]:
        return self.steps(session, today)


def fixed(*forms: dict[str, str]) -> Forms:
    return lambda session, today: [dict(form) for form in forms]


def _visa(kind: str, holder: str) -> Callable[[Session, date], None]:
    def arrange(session: Session, today: date) -> None:
        owner = person(session, holder)
        if session.exec(select(Visa).where(Visa.person_id == owner.id,
                                           Visa.kind == kind)).first() is None:
            serial = 1 if kind == "final_exit" else 0
            session.add(Visa(number=f"59{serial}{owner.id:07d}", person_id=owner.id, kind=kind,
                             issued_on=today - timedelta(days=5),
                             valid_until=today + timedelta(days=20)))
    return arrange


def _permit(session: Session, today: date) -> None:
    child = person(session, "c11")
    if session.exec(select(TravelPermit).where(TravelPermit.person_id == child.id)).first() \
            is None:
        session.add(TravelPermit(number="6900000001", person_id=child.id, trips="single",
                                 issued_on=today, valid_until=today + timedelta(days=30)))


def _absence_reported_today(session: Session, today: date) -> None:
    """Faisal (c6, no demo account: one is made) reported his worker Anil absent today."""
    worker, sponsor = person(session, "r8"), person(session, "c6")
    account = session.exec(select(Account).where(Account.person_id == sponsor.id)).first()
    if account is None:
        at = datetime.combine(today, time(5, 0), tzinfo=UTC)
        account = Account(person_id=sponsor.id, username="faisal", email="faisal@example.org",
                          mobile=sponsor.mobile, password_hash="-", status="active",
                          activation_channel="office", activated_at=at, created_at=at,
                          password_changed_at=at)
        session.add(account)
        session.flush()
    if session.exec(select(ServiceRequest).where(
            ServiceRequest.beneficiary_id == worker.id)).first() is None:
        at = datetime.combine(today, time(6, 0), tzinfo=UTC)
        session.add(ServiceRequest(
            reference="7000000901", service_code="absence_report", account_id=account.id,
            applicant_id=sponsor.id, beneficiary_id=worker.id, answers_json="{}", fee_sar=0,
            idempotency_key="case-absence", submitted_at=at, updated_at=at,
            status=RequestStatus.APPROVED))


def _authorization(session: Session, today: date) -> None:
    owner = person(session, "c1")
    if not traffic.authorizations_given(session, owner, today):
        vehicle = session.exec(select(Vehicle).where(Vehicle.plate == "ABD1234")).one()
        session.add(DrivingAuthorization(
            number="6100000001", vehicle_id=vehicle.id, owner_id=owner.id,
            driver_id=person(session, "c8").id, scope="inside", starts_on=today,
            ends_on=today + timedelta(days=10)))


def _fines(key: str) -> Forms:
    def forms(session: Session, today: date) -> list[dict[str, str]]:
        fines = traffic.unpaid_fines(session, person(session, key))
        return [{f"fines__{fine.number}": "yes" for fine in fines[:2]}]
    return forms


def _delegation(session: Session, today: date) -> list[dict[str, str]]:
    turki = person(session, "c8")
    mobile = session.exec(select(Account.mobile).where(Account.person_id == turki.id)).one()
    return [{"sector": "passports"},
            {"services__exit_reentry_issue": "yes", "services__iqama_renew": "yes"},
            {"delegate_id": turki.id_number, "delegate_mobile": "0" + mobile[4:]},
            {"starts_on": today.isoformat(),
             "ends_on": (today + timedelta(days=30)).isoformat()},
            {"terms": "yes"}]


def _authorize(session: Session, today: date) -> list[dict[str, str]]:
    return [{"plate": "ABD1234"}, {"driver_id": demo_ids()["c8"]},
            {"scope": "inside", "ends_on": (today + timedelta(days=10)).isoformat()}]


def _dated(*forms: dict[str, Any]) -> Forms:
    """Forms whose values may be day offsets from today (ints) instead of text."""
    def build(session: Session, today: date) -> list[dict[str, str]]:
        return [{k: (today + timedelta(days=v)).isoformat() if isinstance(v, int) else v
                 for k, v in form.items()} for form in forms]
    return build


CASES: dict[str, ServiceCase] = {
    "passport_issue": ServiceCase("c8", "c8", fixed(
        {"years": "10"}, {"delivery": "post"}, {"short_address": "RRRD2929"})),
    "exit_reentry_issue": ServiceCase("r2", "r3", fixed({"visa_kind": "single"}, {"days": "30"})),
    "exit_reentry_extend": ServiceCase("r2", "r3", fixed({"months": "1"}),
                                       _visa("exit_reentry_single", "r3")),
    "exit_reentry_cancel": ServiceCase("r2", "r3", fixed(), _visa("exit_reentry_single", "r3")),
    "final_exit_issue": ServiceCase("r2", "r3", fixed()),
    "final_exit_cancel": ServiceCase("r2", "r3", fixed(), _visa("final_exit", "r3")),
    "iqama_renew": ServiceCase("r2", "d1", fixed({"months": "3"})),
    "iqama_loss_report": ServiceCase("r2", "r3", _dated(
        {"lost_on": 0, "circumstances": "Lost at the market"})),
    "passport_loss_report": ServiceCase("r2", "r3", _dated(
        {"lost_on": 0, "circumstances": "Lost at the market"})),
    "passport_update": ServiceCase("r2", "r3", _dated(
        {"passport_number": "N9000001", "passport_expiry": 1800})),
    "visit_visa_extend": ServiceCase("v1", "v1", fixed()),
    "absence_report": ServiceCase("c1", "r1", _dated({"absent_since": -3, "understood": "yes"})),
    "traffic_fines_pay": ServiceCase("c4", "c4", _fines("c4")),
    "vehicle_transfer": ServiceCase("c1", "c1", fixed(
        {"plate": "ABD1234"}, {"buyer_id": demo_ids()["c8"], "price": "50000"},
        {"seller_confirms": "yes"})),
    "iqama_issue": ServiceCase("c8", "r11", fixed({"months": "3"})),
    "travel_permit_issue": ServiceCase("c4", "c11", _dated(
        {"trips": "single", "valid_until": 30})),
    "travel_permit_cancel": ServiceCase("c4", "c11", fixed(), _permit),
    "saudi_passport_loss_report": ServiceCase("c8", "c8", _dated(
        {"event": "lost", "event_on": 0, "circumstances": "Lost on a trip"})),
    "absence_report_cancel": ServiceCase("c6", "r8", fixed(
        {"reason": "He came back to work", "understood": "yes"}), _absence_reported_today),
    "vehicle_registration_renew": ServiceCase("c1", "c1", fixed(
        {"plate": "ABD1234"}, {"years": "1"})),
    "driving_licence_renew": ServiceCase("c1", "c1", fixed(
        {"years": "2", "medical": "yes"}, {"delivery": "post"}, {"short_address": "RRRD2929"})),
    "driving_authorization_issue": ServiceCase("c1", "c1", _authorize),
    "driving_authorization_cancel": ServiceCase("c1", "c1", fixed(
        {"authorization": "6100000001"}), _authorization),
    "delegation": ServiceCase("c1", "c1", _delegation),
}
