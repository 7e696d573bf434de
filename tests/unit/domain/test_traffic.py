"""The traffic services on the wizard engine, at their boundaries: fines listed one by one and
paid one, several or all at once; a vehicle's registration (istimara); a driving licence;
authorising someone to drive one's vehicle, and cancelling it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from absher_app.domain import catalogue, traffic, wizard
from absher_app.domain.calendars import RIYADH
from absher_app.domain.demo import demo_ids, load_demo
from absher_app.domain.errors import ValidationError
from absher_app.domain.rules_data import add_years
from absher_app.i18n import translate
from absher_app.models import (
    Account,
    Delivery,
    DrivingAuthorization,
    DrivingLicence,
    Notification,
    Person,
    ServiceRequest,
    SmsMessage,
    TrafficFine,
    Vehicle,
    VehicleTransfer,
)
from absher_app.providers.sms import OutboxSmsSender
from tests.unit.domain.test_requests import outcome, pay, submit

NOW = datetime(2026, 5, 10, 9, 0, tzinfo=UTC)  # 12:00 in Riyadh
TODAY = NOW.astimezone(RIYADH).date()          # 2026-05-10
SMS = OutboxSmsSender()


@pytest.fixture
def people(session) -> dict[str, Person]:
    """The demo registry, accounts, vehicles and licences loaded on TODAY, by demo key."""
    load_demo(session, TODAY)
    session.commit()
    return {key: session.exec(select(Person).where(Person.id_number == number)).one()
            for key, number in demo_ids().items()}


def ctx_of(session, applicant: Person, beneficiary: Person | None = None,
           today: date = TODAY, **answers) -> wizard.Context:
    return wizard.Context(session=session, today=today, now=NOW, applicant=applicant,
                          beneficiary=beneficiary or applicant, answers=dict(answers))


def blockers(session, code: str, applicant: Person, beneficiary: Person | None = None,
             today: date = TODAY) -> list[str]:
    found = wizard.precheck(catalogue.BY_CODE[code], ctx_of(session, applicant, beneficiary,
                                                              today))
    for blocker in found:   # each reads in both languages, with its fix
        for lang in ("ar", "en"):
            assert "{" not in translate(f"blockers.{blocker.code}", lang, **blocker.params)
            assert "{" not in translate(f"fixes.{blocker.code}", lang, **blocker.params)
    return [blocker.code for blocker in found]


def step_problems(session, code: str, step: str, applicant: Person, raw: dict[str, str],
                  beneficiary: Person | None = None, today: date = TODAY,
                  **answers) -> list[str]:
    service = catalogue.BY_CODE[code]
    _, problems = wizard.parse_step(wizard.step_named(service, step), raw,
                                    ctx_of(session, applicant, beneficiary, today, **answers))
    for problem in problems:
        for lang in ("ar", "en"):
            assert "{" not in translate(f"errors.{problem.code}", lang, **problem.params)
    return [p.code for p in problems]


def fees(session, code: str, applicant: Person, beneficiary: Person | None = None,
         today: date = TODAY, **answers) -> list[tuple[str, int]]:
    lines = catalogue.BY_CODE[code].fee(ctx_of(session, applicant, beneficiary, today,
                                               **answers))
    for line in lines:
        for lang in ("ar", "en"):
            assert "{" not in translate(f"fees.{line.key}", lang, **line.params)
    return [(line.key, line.amount) for line in lines]


def vehicle(session, plate: str) -> Vehicle:
    return session.exec(select(Vehicle).where(Vehicle.plate == plate)).one()


def licence(session, person: Person) -> DrivingLicence:
    return session.exec(select(DrivingLicence).where(DrivingLicence.person_id == person.id)).one()


def save(session, *rows) -> None:
    for row in rows:
        session.add(row)
    session.commit()


def account(session, username: str) -> Account:
    return session.exec(select(Account).where(Account.username == username)).one()



def candidates(session, code: str, applicant: Person) -> list[str]:
    return [p.name_en for p in wizard.candidates(catalogue.BY_CODE[code],
                                                 ctx_of(session, applicant))]


# --- fines, one by one -------------------------------------------------------------------------

def test_each_unpaid_fine_is_an_option_with_its_number_date_violation_and_amount(session,
                                                                                people):
    c4 = people["c4"]
    field = wizard.step_named(catalogue.BY_CODE["traffic_fines_pay"], "fines").fields[0]
    options = wizard.field_options(field, ctx_of(session, c4))
    assert len(options) == 3
    first = traffic.unpaid_fines(session, c4)[0]
    label = translate(options[0].label_key, "en", **dict(options[0].params))
    assert label == f"Fine {first.number} — Speeding, {first.issued_on.isoformat()}: SAR 800"
    assert "800 ريال" in translate(options[0].label_key, "ar", **dict(options[0].params))
    # Without a beneficiary (or a context) there is nothing to list.
    assert wizard.field_options(field, None) == ()


def test_choosing_fines_one_several_or_all(session, people):
    c4, r6 = people["c4"], people["r6"]
    service = catalogue.BY_CODE["traffic_fines_pay"]
    field = wizard.step_named(service, "fines").fields[0]
    a, b, c = (f.number for f in traffic.unpaid_fines(session, c4))
    ctx = ctx_of(session, c4)
    # The tick boxes of fines made from records all reach the parser, which keeps the
    # fines' order (oldest first) and refuses what is not this person's unpaid fine.
    typed = wizard.typed_value(field, {f"fines__{c}": "yes", f"fines__{a}": "yes",
                                       f"fines__{b}": "no", "other": "yes"})
    assert field.parse(typed, ctx) == f"{a},{c}"
    assert field.parse(f"{a},{b},{c}", ctx) == f"{a},{b},{c}"
    assert field.parse(b, ctx) == b
    [surya] = traffic.unpaid_fines(session, r6)
    for raw, code in (("", "choose_at_least_one"), (surya.number, "choose_one"),
                      (f"{a},{surya.number}", "choose_one"), ("1234567", "choose_one")):
        with pytest.raises(ValidationError) as caught:
            field.parse(raw, ctx)
        assert caught.value.code == code, raw
    # A paid fine is no longer offered.
    paid = session.exec(select(TrafficFine).where(TrafficFine.number == a)).one()
    paid.status = "paid"
    save(session, paid)
    with pytest.raises(ValidationError):
        field.parse(a, ctx)


def test_paying_needs_an_unpaid_fine_and_the_blocker_is_what_is_owed(session, people):
    c1, c4 = people["c1"], people["c4"]
    assert blockers(session, "traffic_fines_pay", c1) == ["no_traffic_fines"]
    assert blockers(session, "traffic_fines_pay", c4) == []
    [owed] = wizard.precheck(catalogue.BY_CODE["passport_issue"], ctx_of(session, c4))
    assert (owed.code, owed.params) == ("traffic_fines", {"amount": 1500})


# --- the late-fine arithmetic ------------------------------------------------------------------

@pytest.mark.parametrize(("days_late", "years"), [
    (-5, 0), (0, 0), (60, 0),     # within the 60 days of grace: no fine
    (61, 1), (365, 1),            # then each year of delay, or part of one
    (366, 2), (731, 3),
])
def test_late_years(days_late, years):
    expiry = date(2025, 1, 10)
    assert traffic.late_years(expiry, expiry + timedelta(days=days_late), 60) == years


# --- vehicle registration (istimara) -----------------------------------------------------------

def test_the_owner_chooses_among_their_own_vehicles(session, people):
    c1, c4 = people["c1"], people["c4"]
    field = wizard.step_named(catalogue.BY_CODE["vehicle_registration_renew"],
                              "vehicle").fields[0]
    ctx = ctx_of(session, c1)
    assert [o.value for o in wizard.field_options(field, ctx)] == ["ABD1234", "KSA4821"]
    assert translate("option.vehicle", "en", **dict(wizard.field_options(field, ctx)[0].params)
                     ) == "Vehicle ABD1234 — Toyota Camry 2021"
    assert field.parse("ABD1234", ctx) == "ABD1234"
    with pytest.raises(ValidationError) as caught:
        field.parse("RUH7710", ctx)   # Khalid's
    assert caught.value.code == "choose_one"
    assert candidates(session, "vehicle_registration_renew", c4) == [c4.name_en]
    assert candidates(session, "vehicle_registration_renew", people["c8"]) == []   # no vehicle


@pytest.mark.parametrize(("days_left", "problems"), [
    (181, ["registration_not_due"]),
    (180, []),          # renewable from 180 days before its end
    (0, []), (-400, []),
])
def test_a_registration_is_renewed_within_180_days_of_its_end(session, people, days_left,
                                                              problems):
    car = vehicle(session, "ABD1234")
    car.registration_expiry = TODAY + timedelta(days=days_left)
    save(session, car)
    assert step_problems(session, "vehicle_registration_renew", "vehicle", people["c1"],
                         {"plate": "ABD1234"}) == problems


@pytest.mark.parametrize(("column", "offset", "problems"), [
    ("insurance_expiry", 0, []), ("insurance_expiry", -1, ["insurance_expired"]),
    ("insurance_expiry", None, ["insurance_expired"]),
    ("inspection_expiry", 0, []), ("inspection_expiry", -1, ["inspection_expired"]),
])
def test_renewing_needs_valid_insurance_and_inspection(session, people, column, offset,
                                                       problems):
    car = vehicle(session, "ABD1234")
    setattr(car, column, None if offset is None else TODAY + timedelta(days=offset))
    save(session, car)
    assert step_problems(session, "vehicle_registration_renew", "vehicle", people["c1"],
                         {"plate": "ABD1234"}) == problems


def test_the_demo_vehicle_without_insurance_and_one_being_sold(session, people):
    c1, c8 = people["c1"], people["c8"]
    assert step_problems(session, "vehicle_registration_renew", "vehicle", c1,
                         {"plate": "KSA4821"}) == ["insurance_expired"]
    car = vehicle(session, "ABD1234")
    seller = ServiceRequest(reference="7999999999", service_code="vehicle_transfer",
                            account_id=account(session, "mohammed").id, applicant_id=c1.id,
                            beneficiary_id=c1.id, status="approved", idempotency_key="t1")
    save(session, seller)
    save(session, VehicleTransfer(request_id=seller.id, vehicle_id=car.id, seller_id=c1.id,
                                  buyer_id=c8.id, price_sar=1000))
    assert step_problems(session, "vehicle_registration_renew", "vehicle", c1,
                         {"plate": "ABD1234"}) == ["plate_in_transfer"]


def test_owing_fines_blocks_renewing(session, people):
    assert blockers(session, "vehicle_registration_renew", people["c4"]) == ["traffic_fines"]
    assert blockers(session, "vehicle_registration_renew", people["c1"]) == []


def test_registration_fee_by_years_and_late_years(session, people):
    c1 = people["c1"]
    assert fees(session, "vehicle_registration_renew", c1, plate="ABD1234", years="1") == [
        ("registration_years", 100)]
    assert fees(session, "vehicle_registration_renew", c1, plate="ABD1234", years="3") == [
        ("registration_years", 300)]
    # KSA4821 ended 100 days ago: past the 60 days of grace, one year of late fine.
    assert fees(session, "vehicle_registration_renew", c1, plate="KSA4821", years="2") == [
        ("registration_years", 200), ("registration_late_fine", 100)]
    car = vehicle(session, "KSA4821")
    car.registration_expiry = TODAY - timedelta(days=60)
    save(session, car)
    assert fees(session, "vehicle_registration_renew", c1, plate="KSA4821", years="1") == [
        ("registration_years", 100)]


def test_a_renewed_registration_runs_from_its_end_or_from_today(session, people):
    c1 = people["c1"]
    car = vehicle(session, "ABD1234")
    old = car.registration_expiry
    request = submit(session, "mohammed", "vehicle_registration_renew", c1,
                     {"plate": "ABD1234", "years": "2"})
    assert request.fee_sar == 200
    pay(session, request)
    session.refresh(car)
    assert car.registration_expiry == add_years(old, 2)
    assert outcome(request) == {"plate": "ABD1234",
                                "valid_until": car.registration_expiry.isoformat()}
    lapsed = vehicle(session, "KSA4821")
    lapsed.insurance_expiry = TODAY + timedelta(days=300)
    save(session, lapsed)
    again = submit(session, "mohammed", "vehicle_registration_renew", c1,
                   {"plate": "KSA4821", "years": "1"}, now=NOW + timedelta(hours=1))
    assert again.fee_sar == 200   # 100 for the year, 100 late
    pay(session, again, now=NOW + timedelta(hours=2))
    session.refresh(lapsed)
    assert lapsed.registration_expiry == add_years(TODAY, 1)


# --- driving licence ---------------------------------------------------------------------------

def test_a_licence_holder_renews_for_themself_and_their_driver(session, people):
    c1, c8, r2 = people["c1"], people["c8"], people["r2"]
    assert candidates(session, "driving_licence_renew", c1) == [c1.name_en, "Rajesh Kumar"]
    assert candidates(session, "driving_licence_renew", r2) == [r2.name_en]  # Maria has none
    assert candidates(session, "driving_licence_renew", people["g1"]) == []
    assert blockers(session, "driving_licence_renew", c8) == ["licence_not_due"]


@pytest.mark.parametrize(("days_left", "expected"), [
    (366, ["licence_not_due"]), (365, ["licence_not_due"]),
    (364, []), (0, []), (-1000, []),
])
def test_a_licence_is_renewed_once_less_than_a_year_is_left(session, people, days_left,
                                                            expected):
    c1 = people["c1"]
    held = licence(session, c1)
    held.expiry = TODAY + timedelta(days=days_left)
    save(session, held)
    assert blockers(session, "driving_licence_renew", c1) == expected


def test_renewing_a_licence_needs_fines_paid_and_a_residents_iqama_valid(session, people):
    c1, c4, r1 = people["c1"], people["c4"], people["r1"]
    assert blockers(session, "driving_licence_renew", c4) == ["traffic_fines"]
    assert blockers(session, "driving_licence_renew", c1, r1) == []
    r1.iqama_expiry = TODAY - timedelta(days=1)
    save(session, r1)
    assert blockers(session, "driving_licence_renew", c1, r1) == ["iqama_expired"]


def test_the_licence_needs_the_medical_examination(session, people):
    c1 = people["c1"]
    assert step_problems(session, "driving_licence_renew", "period", c1,
                         {"years": "5"}) == ["confirm_required"]
    assert step_problems(session, "driving_licence_renew", "period", c1,
                         {"years": "5", "medical": "yes"}) == []
    assert step_problems(session, "driving_licence_renew", "period", c1,
                         {"years": "3", "medical": "yes"}) == ["choose_one"]


def test_licence_fee_by_years_late_years_and_delivery(session, people):
    c1, c4 = people["c1"], people["c4"]
    assert fees(session, "driving_licence_renew", c1, years="2", delivery="office") == [
        ("licence_years", 80)]
    assert fees(session, "driving_licence_renew", c1, years="10", delivery="post") == [
        ("licence_years", 400), ("delivery", 30)]
    # Khalid's licence ended 400 days ago: two years of delay at 100 each.
    assert fees(session, "driving_licence_renew", c4, years="5", delivery="office") == [
        ("licence_years", 200), ("licence_late_fine", 200)]


def test_a_renewed_licence_is_delivered_by_post(session, people):
    r1 = people["r1"]   # Mohammed's driver
    held = licence(session, r1)
    old = held.expiry
    request = submit(session, "mohammed", "driving_licence_renew", r1,
                     {"years": "5", "medical": "yes", "delivery": "post",
                      "short_address": "RRRD2929"})
    assert request.fee_sar == 200 + 30
    pay(session, request)
    session.refresh(held)
    assert request.status == "approved" and held.expiry == add_years(old, 5)
    assert outcome(request) == {"licence_number": held.number,
                                "valid_until": held.expiry.isoformat()}
    delivery = session.exec(select(Delivery).where(Delivery.request_id == request.id)).one()
    assert delivery.short_address == "RRRD2929"


def test_an_expired_licence_runs_from_the_day_of_renewal(session, people):
    c4 = people["c4"]
    for fine in traffic.unpaid_fines(session, c4):
        fine.status = "paid"
        save(session, fine)
    request = submit(session, "khalid", "driving_licence_renew", c4,
                     {"years": "2", "medical": "yes", "delivery": "office"})
    pay(session, request)
    assert licence(session, c4).expiry == add_years(TODAY, 2)
    assert session.exec(select(Delivery).where(Delivery.request_id == request.id)).first() is None


# --- authorising a driver ----------------------------------------------------------------------

def driver_problems(session, people, number: str) -> list[str]:
    return step_problems(session, "driving_authorization_issue", "driver", people["c1"],
                         {"driver_id": number}, plate="ABD1234")


def test_the_driver_must_be_someone_else_active_licensed_and_without_fines(session, people):
    ids = demo_ids()
    assert driver_problems(session, people, ids["c8"]) == []          # Turki
    assert driver_problems(session, people, ids["c1"]) == ["driver_self"]
    assert driver_problems(session, people, ids["c2"]) == ["driver_not_active"]  # no account
    assert driver_problems(session, people, ids["g1"]) == ["driver_no_licence"]  # Jassim
    assert driver_problems(session, people, ids["c4"]) == ["driver_no_licence"]  # expired
    assert driver_problems(session, people, "123") == ["id_length"]
    c8 = people["c8"]
    session.add(TrafficFine(number="9900000001", person_id=c8.id, issued_on=TODAY,
                            violation="speeding", amount_sar=150))
    session.commit()
    assert driver_problems(session, people, ids["c8"]) == ["driver_has_fines"]


def test_a_driver_whose_licence_ends_today_may_still_be_authorised(session, people):
    held = licence(session, people["c8"])
    held.expiry = TODAY
    save(session, held)
    assert driver_problems(session, people, demo_ids()["c8"]) == []
    held.expiry = TODAY - timedelta(days=1)
    save(session, held)
    assert driver_problems(session, people, demo_ids()["c8"]) == ["driver_no_licence"]


def test_the_vehicle_needs_a_valid_registration_and_insurance(session, people):
    c1 = people["c1"]
    assert step_problems(session, "driving_authorization_issue", "vehicle", c1,
                         {"plate": "ABD1234"}) == []
    assert step_problems(session, "driving_authorization_issue", "vehicle", c1,
                         {"plate": "KSA4821"}) == ["registration_expired"]
    car = vehicle(session, "KSA4821")
    car.registration_expiry = TODAY
    save(session, car)
    assert step_problems(session, "driving_authorization_issue", "vehicle", c1,
                         {"plate": "KSA4821"}) == ["insurance_expired"]


@pytest.mark.parametrize(("ends", "problems"), [
    (-1, ["date_too_early"]), (0, []), (40, []),   # ABD1234's registration ends in 40 days
    (41, ["authorization_beyond_registration"]),
])
def test_an_authorisation_ends_within_the_registration(session, people, ends, problems):
    raw = {"scope": "inside", "ends_on": (TODAY + timedelta(days=ends)).isoformat()}
    assert step_problems(session, "driving_authorization_issue", "scope", people["c1"], raw,
                         plate="ABD1234") == problems


def test_an_authorisation_lasts_a_year_at_most(session, people):
    car = vehicle(session, "ABD1234")
    car.registration_expiry = TODAY + timedelta(days=900)
    save(session, car)
    for days, problems in ((365, []), (366, ["date_too_late"])):
        raw = {"scope": "outside", "ends_on": (TODAY + timedelta(days=days)).isoformat()}
        assert step_problems(session, "driving_authorization_issue", "scope", people["c1"], raw,
                             plate="ABD1234") == problems


def test_authorisation_fees(session, people):
    c1 = people["c1"]
    assert fees(session, "driving_authorization_issue", c1, scope="inside") == []
    assert fees(session, "driving_authorization_issue", c1, scope="outside") == [
        ("authorization_outside", 35)]


def test_authorising_and_cancelling_a_driver(session, people):
    c1, c8 = people["c1"], people["c8"]
    ends = TODAY + timedelta(days=30)
    answers = {"plate": "ABD1234", "driver_id": c8.id_number, "scope": "inside",
               "ends_on": ends.isoformat()}
    assert candidates(session, "driving_authorization_cancel", c1) == []
    granted = submit(session, "mohammed", "driving_authorization_issue", c1, answers)
    assert granted.status == "approved" and granted.fee_sar == 0   # free: at once
    row = session.exec(select(DrivingAuthorization)).one()
    assert (row.driver_id, row.owner_id, row.scope, row.starts_on, row.ends_on, row.status,
            row.request_id) == (c8.id, c1.id, "inside", TODAY, ends, "active", granted.id)
    assert outcome(granted) == {"authorization_number": row.number, "plate": "ABD1234",
                                "valid_until": ends.isoformat()}
    told = session.exec(select(Notification).where(Notification.person_id == c8.id)).one()
    assert told.kind == "driving_authorization_granted"
    assert "Mohammed Abdullah Alqahtani" in told.text_en and "محمد" in told.text_ar
    [texted] = session.exec(select(SmsMessage).where(SmsMessage.to == c8.mobile)).all()
    assert "ABD1234" in texted.body
    # One authorised driver per vehicle.
    assert step_problems(session, "driving_authorization_issue", "vehicle", c1,
                         {"plate": "ABD1234"}) == ["vehicle_already_authorized"]
    # Cancelling: the authorisation is the one option, named by its number, vehicle, driver.
    assert candidates(session, "driving_authorization_cancel", c1) == [c1.name_en]
    field = wizard.step_named(catalogue.BY_CODE["driving_authorization_cancel"],
                              "authorization").fields[0]
    [option] = wizard.field_options(field, ctx_of(session, c1))
    assert option.value == row.number
    label = translate(option.label_key, "en", **dict(option.params))
    assert label == (f"Authorisation {row.number} — vehicle ABD1234, driver {c8.id_number}, "
                     f"inside the Kingdom until {ends.isoformat()}")
    assert c8.id_number in translate(option.label_key, "ar", **dict(option.params))
    cancelled = submit(session, "mohammed", "driving_authorization_cancel", c1,
                       {"authorization": row.number}, now=NOW + timedelta(minutes=1))
    session.refresh(row)
    assert cancelled.status == "approved" and row.status == "cancelled"
    kinds = [n.kind for n in session.exec(select(Notification).where(
        Notification.person_id == c8.id).order_by(Notification.id)).all()]
    assert kinds == ["driving_authorization_granted", "driving_authorization_cancelled"]
    assert candidates(session, "driving_authorization_cancel", c1) == []
    assert step_problems(session, "driving_authorization_issue", "vehicle", c1,
                         {"plate": "ABD1234"}) == []


def test_an_authorisation_past_its_last_day_is_no_longer_in_force(session, people):
    c1, c8 = people["c1"], people["c8"]
    car = vehicle(session, "ABD1234")
    session.add(DrivingAuthorization(number="6000000001", vehicle_id=car.id, owner_id=c1.id,
                                     driver_id=c8.id, scope="inside",
                                     starts_on=TODAY - timedelta(days=10),
                                     ends_on=TODAY - timedelta(days=1)))
    session.commit()
    assert traffic.authorizations_given(session, c1, TODAY) == []
    assert traffic.active_authorization(session, car, TODAY - timedelta(days=1)) is not None
    assert step_problems(session, "driving_authorization_issue", "vehicle", c1,
                         {"plate": "ABD1234"}) == []
    with pytest.raises(ValidationError) as caught:
        wizard.step_named(catalogue.BY_CODE["driving_authorization_cancel"],
                          "authorization").fields[0].parse("6000000001", ctx_of(session, c1))
    assert caught.value.code == "choose_one"
