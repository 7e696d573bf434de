"""Public inquiries: each answers from the registry, reveals no names, validates its input with
a clear message, and is rate limited per client."""

from __future__ import annotations

import dataclasses
import time
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from absher_app.domain import inquiries, throttle
from absher_app.domain.demo import demo_ids, demo_records, load_demo
from absher_app.domain.errors import DomainError, ValidationError
from absher_app.i18n import AR, EN, error_text
from absher_app.models import Account, Delivery, Person, ServiceRequest, Visa
from absher_app.providers.rate_limit import LimitsRateLimiter

TODAY = date(2026, 11, 22)
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
IDS = demo_ids()
RECORDS = {r["id_number"]: r for r in demo_records(TODAY)}
LIMIT = "20/minute"


@pytest.fixture
def demo(session):
    load_demo(session, TODAY)
    session.commit()
    return session


@pytest.fixture
def limiter():
    return LimitsRateLimiter("memory://")


def person(session, key: str) -> Person:
    return session.exec(select(Person).where(Person.id_number == IDS[key])).one()


def ask(session, kind, limiter=None, client="192.0.2.1", **values):
    return inquiries.ask(session, kind, values, today=TODAY, client=client,
                         limiter=limiter or LimitsRateLimiter(), limit=LIMIT)


def add_visa(session, key: str, number: str, kind: str, valid_until: date,
             status: str = "issued", issued_on: date | None = None) -> Visa:
    visa = Visa(number=number, person_id=person(session, key).id, kind=kind,
                issued_on=issued_on or TODAY - timedelta(days=10), valid_until=valid_until,
                status=status)
    session.add(visa)
    session.commit()
    return visa


# ---------------------------------------------------------------------------------------------
# Visa validity.

def test_exit_reentry_visa_by_its_number(demo):
    add_visa(demo, "r1", "5123456789", "exit_reentry_single", TODAY + timedelta(days=40))
    answer = ask(demo, "visa_by_number", visa_number="5123456789")
    assert answer.items == (inquiries.VisaAnswer(
        "exit_reentry_single", "5123456789", "valid", TODAY + timedelta(days=40),
        TODAY - timedelta(days=10)),)


@pytest.mark.parametrize(("valid_until", "status", "expected"), [
    (TODAY, "issued", "valid"),
    (TODAY - timedelta(days=1), "issued", "expired"),
    (TODAY + timedelta(days=5), "cancelled", "cancelled"),
    (TODAY + timedelta(days=5), "expired", "expired"),
])
def test_visa_status_boundaries(demo, valid_until, status, expected):
    add_visa(demo, "r1", "5000000099", "final_exit", valid_until, status)
    (visa,) = ask(demo, "visa_by_number", visa_number="5000000099").items
    assert visa.status == expected


def test_visit_visa_by_its_number(demo):
    number = RECORDS[IDS["v1"]]["visa"]["number"]
    (visa,) = ask(demo, "visa_by_number", visa_number=number.lower()).items
    assert (visa.kind, visa.number, visa.status, visa.valid_until) == (
        "visit", number, "valid", TODAY + timedelta(days=5))


@pytest.mark.both_databases
def test_visas_by_id_number_newest_first(demo):
    add_visa(demo, "r1", "5000000001", "exit_reentry_single", TODAY - timedelta(days=200),
             "issued", TODAY - timedelta(days=300))
    add_visa(demo, "r1", "5000000002", "exit_reentry_multiple", TODAY + timedelta(days=80),
             "issued", TODAY - timedelta(days=5))
    answer = ask(demo, "visa_by_id", id_number=IDS["r1"])
    assert [(v.number, v.status) for v in answer.items] == [("5000000002", "valid"),
                                                            ("5000000001", "expired")]


@pytest.mark.both_databases
def test_at_most_five_visas_are_shown(demo):
    for n in range(7):
        add_visa(demo, "r1", f"500000010{n}", "exit_reentry_single", TODAY + timedelta(days=n),
                 "cancelled", TODAY - timedelta(days=10 - n))
    answer = ask(demo, "visa_by_id", id_number=IDS["r1"])
    assert [v.number for v in answer.items] == [f"500000010{n}" for n in (6, 5, 4, 3, 2)]


def test_a_visitors_visit_visa_by_border_number(demo):
    (visa,) = ask(demo, "visa_by_id", id_number=IDS["v3"]).items
    assert (visa.kind, visa.status, visa.valid_until) == ("visit", "expired",
                                                          TODAY - timedelta(days=2))


def test_unknown_number_and_number_without_visa_look_the_same(demo):
    unknown = ask(demo, "visa_by_id", id_number="1000000990")  # Luhn-valid, not in registry
    citizen = ask(demo, "visa_by_id", id_number=IDS["c1"])
    assert unknown.found is citizen.found is False
    assert ask(demo, "visa_by_number", visa_number="5999999999").found is False


# ---------------------------------------------------------------------------------------------
# Iqama and absence report.

def test_expired_iqama(demo):
    (answer,) = ask(demo, "iqama", iqama_number=IDS["r6"]).items
    assert answer == inquiries.IqamaAnswer(IDS["r6"], TODAY - timedelta(days=15), -15,
                                           "expired")


def test_valid_iqama_and_its_last_day(demo):
    (answer,) = ask(demo, "iqama", iqama_number=IDS["r4"]).items
    assert (answer.status, answer.days_left) == ("valid", 25)
    imran = person(demo, "r4")
    imran.iqama_expiry = TODAY
    demo.add(imran)
    demo.commit()
    assert ask(demo, "iqama", iqama_number=IDS["r4"]).items[0].status == "valid"


def test_iqama_of_unknown_number_is_not_found(demo):
    assert ask(demo, "iqama", iqama_number="2000000998").found is False


@pytest.mark.parametrize("key", ["c1", "v1", "g1"])
def test_only_iqama_numbers_are_accepted_for_an_iqama(demo, key):
    with pytest.raises(ValidationError) as caught:
        ask(demo, "iqama", iqama_number=IDS[key])
    assert (caught.value.code, caught.value.params["field"]) == ("iqama_number_invalid",
                                                                 "iqama_number")


def test_absence_report_reported(demo):
    assert ask(demo, "absconding", iqama_number=IDS["r8"]).items == (
        inquiries.AbscondingAnswer(IDS["r8"], True),)


def test_absence_report_not_reported(demo):
    assert ask(demo, "absconding", iqama_number=IDS["r1"]).items == (
        inquiries.AbscondingAnswer(IDS["r1"], False),)


def test_absence_report_of_unknown_number(demo):
    assert ask(demo, "absconding", iqama_number="2000000998").found is False


# ---------------------------------------------------------------------------------------------
# Transaction status.

def add_request(session, reference="7000000001", status="approved") -> ServiceRequest:
    mohammed = person(session, "c1")
    account = session.exec(select(Account).where(Account.person_id == mohammed.id)).one()
    request = ServiceRequest(reference=reference, service_code="passport_issue",
                             account_id=account.id, applicant_id=mohammed.id,
                             beneficiary_id=person(session, "c3").id, fee_sar=300,
                             status=status, idempotency_key=f"key-{reference}",
                             submitted_at=NOW - timedelta(days=3), updated_at=NOW)
    session.add(request)
    session.commit()
    return request


def test_transaction_status_by_reference(demo):
    request = add_request(demo)
    demo.add(Delivery(request_id=request.id, short_address="RRRD2929",
                      tracking_number="SP1234567890SA", status="with_post"))
    demo.commit()
    (answer,) = ask(demo, "transaction", reference="7000000001").items
    assert answer == inquiries.TransactionAnswer(
        "7000000001", "passport_issue", "approved", date(2026, 11, 19), date(2026, 11, 22),
        "with_post")


def test_unknown_reference_is_not_found(demo):
    add_request(demo)
    assert ask(demo, "transaction", reference="7000000002").found is False


# ---------------------------------------------------------------------------------------------
# Border number.

def test_border_number_by_passport_and_nationality(demo):
    passport = RECORDS[IDS["v1"]]["passport"]["number"]
    (answer,) = ask(demo, "border", passport_number=passport, nationality="US").items
    assert answer == inquiries.BorderAnswer(IDS["v1"], "valid", TODAY + timedelta(days=5))


def test_border_number_needs_the_right_nationality(demo):
    passport = RECORDS[IDS["v1"]]["passport"]["number"]
    assert ask(demo, "border", passport_number=passport, nationality="GB").found is False


def test_border_number_is_only_for_visitors(demo):
    passport = RECORDS[IDS["r1"]]["passport"]["number"]
    assert ask(demo, "border", passport_number=passport, nationality="IN").found is False


# ---------------------------------------------------------------------------------------------
# Nothing but validity, dates and status.

def test_no_answer_carries_a_name(demo):
    add_visa(demo, "r1", "5000000001", "exit_reentry_single", TODAY + timedelta(days=4))
    add_request(demo)
    v1 = RECORDS[IDS["v1"]]
    answers = [
        ask(demo, "visa_by_number", visa_number="5000000001"),
        ask(demo, "visa_by_id", id_number=IDS["r1"]),
        ask(demo, "visa_by_id", id_number=IDS["v1"]),
        ask(demo, "iqama", iqama_number=IDS["r6"]),
        ask(demo, "absconding", iqama_number=IDS["r8"]),
        ask(demo, "transaction", reference="7000000001"),
        ask(demo, "border", passport_number=v1["passport"]["number"], nationality="US"),
    ]
    names = {r[k] for r in RECORDS.values() for k in ("name_ar", "name_en")}
    for answer in answers:
        assert answer.found
        for item in answer.items:
            fields = dataclasses.asdict(item)
            assert not any("name" in f for f in fields)
            assert not {str(v) for v in fields.values()} & names


# ---------------------------------------------------------------------------------------------
# Input.

@pytest.mark.parametrize(("kind", "values", "code", "field"), [
    ("visa_by_number", {"visa_number": ""}, "field_required", "visa_number"),
    ("visa_by_number", {"visa_number": "512345678"}, "visa_number_invalid", "visa_number"),
    ("visa_by_number", {"visa_number": "4123456789"}, "visa_number_invalid", "visa_number"),
    ("visa_by_number", {"visa_number": "V12345678"}, "visa_number_invalid", "visa_number"),
    ("visa_by_id", {"id_number": "12345"}, "id_length", "id_number"),
    ("visa_by_id", {"id_number": "1000000009"}, "id_checksum", "id_number"),
    ("visa_by_id", {"id_number": "5000000004"}, "id_first_digit", "id_number"),
    ("visa_by_id", {}, "field_required", "id_number"),
    ("iqama", {"iqama_number": "2000000007"}, "id_checksum", "iqama_number"),
    ("iqama", {"iqama_number": "abcdefghij"}, "id_length", "iqama_number"),
    ("absconding", {"iqama_number": "1000000008"}, "iqama_number_invalid", "iqama_number"),
    ("transaction", {"reference": "70000"}, "reference_invalid", "reference"),
    ("transaction", {"reference": "70000000a1"}, "reference_invalid", "reference"),
    ("border", {"passport_number": "N1", "nationality": "US"}, "passport_number_invalid",
     "passport_number"),
    ("border", {"passport_number": "N1234567", "nationality": ""}, "nationality_required",
     "nationality"),
    ("border", {"passport_number": "N1234567", "nationality": "XX"}, "nationality_invalid",
     "nationality"),
    ("border", {"passport_number": "N1234567", "nationality": "SA"}, "nationality_invalid",
     "nationality"),
])
def test_bad_input_is_refused_with_a_clear_message(session, kind, values, code, field):
    with pytest.raises(ValidationError) as caught:
        ask(session, kind, **values)
    assert caught.value.code == code
    assert caught.value.params["field"] == field
    for lang in ("ar", "en"):
        text = error_text(code, lang, **caught.value.params)
        assert text != error_text("no_such_code", lang)


def test_unknown_inquiry_kind(session):
    with pytest.raises(ValidationError) as caught:
        ask(session, "names")
    assert caught.value.code == "inquiry_unknown"


def test_input_is_trimmed_and_arabic_digits_are_read(demo):
    arabic = IDS["r8"].translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert ask(demo, "absconding", iqama_number=f"  {arabic} ").items[0].reported is True
    assert ask(demo, "iqama", iqama_number=IDS["r6"][:5] + " " + IDS["r6"][5:]).found


def test_overlong_and_non_text_input_is_refused(session):
    with pytest.raises(ValidationError):
        ask(session, "transaction", reference="7" * 10_000)
    with pytest.raises(ValidationError):
        ask(session, "transaction", reference=["7000000001"])


# ---------------------------------------------------------------------------------------------
# Rate limit.

def test_the_21st_inquiry_in_a_minute_is_refused(demo, limiter):
    for _ in range(20):
        ask(demo, "iqama", limiter, iqama_number=IDS["r6"])
    with pytest.raises(DomainError) as caught:
        ask(demo, "iqama", limiter, iqama_number=IDS["r6"])
    assert caught.value.code == "inquiry_rate_limited"
    assert 1 <= caught.value.params["seconds"] <= 60
    assert "ثانية" in error_text("inquiry_rate_limited", "ar", **caught.value.params)
    assert str(caught.value.params["seconds"]) in error_text("inquiry_rate_limited", "en",
                                                             **caught.value.params)


def test_the_limit_is_per_client(demo, limiter):
    for _ in range(20):
        ask(demo, "iqama", limiter, client="192.0.2.1", iqama_number=IDS["r6"])
    assert ask(demo, "iqama", limiter, client="192.0.2.2", iqama_number=IDS["r6"]).found
    with pytest.raises(DomainError):
        ask(demo, "absconding", limiter, client="192.0.2.1", iqama_number=IDS["r8"])


def test_bad_input_is_not_counted_but_is_refused_past_the_limit(demo, limiter):
    for _ in range(20):
        with pytest.raises(ValidationError):
            ask(demo, "iqama", limiter, iqama_number="123")
    assert ask(demo, "iqama", limiter, iqama_number=IDS["r6"]).found
    for _ in range(19):
        ask(demo, "iqama", limiter, iqama_number=IDS["r6"])
    with pytest.raises(ValidationError):  # a typo still gets its own message
        ask(demo, "iqama", limiter, iqama_number="123")


def test_the_window_moves(session, limiter):
    for _ in range(2):
        throttle.check_rate(limiter, "2/second", "192.0.2.9")
    with pytest.raises(DomainError):
        throttle.check_rate(limiter, "2/second", "192.0.2.9")
    time.sleep(1.1)
    throttle.check_rate(limiter, "2/second", "192.0.2.9")


def test_a_client_without_an_address_is_still_limited(limiter):
    throttle.check_rate(limiter, "1/minute", "")
    with pytest.raises(DomainError):
        throttle.check_rate(limiter, "1/minute", "")


def test_every_inquiry_has_its_strings():
    for kind in inquiries.KINDS:
        assert f"inquiries.kind.{kind}" in AR and f"inquiries.kind.{kind}" in EN
        for field in inquiries.FIELDS[kind]:
            assert f"inquiries.field.{field}" in AR
    for code in inquiries.NATIONALITIES:
        assert f"country.{code}" in AR and f"country.{code}" in EN
