"""The demo civil registry and branches."""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import date, timedelta

import pytest
from sqlmodel import func, select

from absher_app.domain.demo import BRANCHES, DemoCounts, demo_ids, demo_records, load_demo
from absher_app.domain.identity import CATEGORIES, luhn_valid
from absher_app.domain.registry import ImportCounts, import_persons, parse_person
from absher_app.models import Branch, DrivingLicence, Person, TrafficFine, Vehicle

TODAY = date(2026, 5, 10)


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return demo_records(TODAY)


@pytest.fixture(scope="module")
def parsed(records) -> list[dict]:
    return [parse_person(record) for record in records]


def _document_expiries(values: dict) -> list[date]:
    return [values[k] for k in ("passport_expiry", "iqama_expiry", "visa_expiry") if values[k]]


def test_demo_has_at_least_30_persons(records):
    assert len(records) >= 30


def test_every_category_is_present(records):
    assert {r["category"] for r in records} == set(CATEGORIES)


def test_every_record_passes_the_import_rules(records, parsed):
    # `parsed` raised already if one did not; also check it kept every record.
    assert len(parsed) == len(records)


def test_ids_are_unique_luhn_valid_and_of_their_category(parsed):
    ids = [v["id_number"] for v in parsed]
    assert len(set(ids)) == len(ids)
    first = {"citizen": "1", "resident": "2", "dependent": "2", "visitor": "3", "gcc": "4"}
    for values in parsed:
        assert luhn_valid(values["id_number"])
        assert values["id_number"][0] == first[values["category"]]


def test_demo_ids_are_those_of_the_records(records):
    assert sorted(demo_ids().values()) == sorted(r["id_number"] for r in records)


def test_mobiles_are_unique_once_normalized(parsed):
    mobiles = [v["mobile"] for v in parsed]
    duplicates = [m for m, n in Counter(mobiles).items() if n > 1]
    assert duplicates == []


def test_first_demo_citizen_is_the_contract_example(parsed):
    by_id = {v["id_number"]: v for v in parsed}
    assert by_id["1000000008"]["name_en"] == "Mohammed Abdullah Alqahtani"
    assert by_id["1000000008"]["mobile"] == "+966551234567"


def test_households_exist(parsed):
    ids = {v["id_number"] for v in parsed}
    relationships = Counter(v["relationship"] for v in parsed if v["sponsor_id"])
    for relationship in ("domestic_worker", "spouse", "child"):
        assert relationships[relationship] >= 1, relationship
    # Every sponsor is a demo person, and a household has several members.
    assert all(v["sponsor_id"] in ids for v in parsed if v["sponsor_id"])
    sponsors = Counter(v["sponsor_id"] for v in parsed if v["sponsor_id"])
    assert max(sponsors.values()) >= 3


def test_every_dependent_has_a_sponsor(parsed):
    dependents = [v for v in parsed if v["category"] == "dependent"]
    assert dependents
    assert all(v["sponsor_id"] and v["relationship"] for v in dependents)


def test_some_document_is_expired(parsed):
    expired = [v for v in parsed if any(d < TODAY for d in _document_expiries(v))]
    assert len(expired) >= 2


def test_some_document_expires_within_30_days(parsed):
    soon = [v for v in parsed
            if any(TODAY <= d <= TODAY + timedelta(days=30) for d in _document_expiries(v))]
    assert len(soon) >= 2


@pytest.mark.parametrize("field", ["passport_expiry", "iqama_expiry", "visa_expiry"])
def test_each_document_kind_has_an_expired_or_expiring_example(parsed, field):
    near = [v for v in parsed if v[field] and v[field] <= TODAY + timedelta(days=30)]
    assert near, field


def test_dates_follow_today(records):
    later = demo_records(TODAY + timedelta(days=10))
    for before, after in zip(records, later, strict=True):
        assert before["birth_date"] == after["birth_date"]
        if "passport" in before:
            assert date.fromisoformat(after["passport"]["expiry"]) == (
                date.fromisoformat(before["passport"]["expiry"]) + timedelta(days=10))


def test_some_have_traffic_fines_and_some_a_travel_ban(parsed):
    assert any(v["traffic_fines"] for v in parsed)
    assert any(not v["traffic_fines"] for v in parsed)
    # Someone owes several fines, to pay one by one or all together.
    assert max(len(v["traffic_fines"]) for v in parsed) >= 3
    numbers = [f["number"] for v in parsed for f in v["traffic_fines"]]
    assert len(numbers) == len(set(numbers))
    assert any(v["travel_ban"] for v in parsed)
    assert not all(v["travel_ban"] for v in parsed)


def test_demo_records_are_deterministic(records):
    assert demo_records(TODAY) == records
    assert demo_records(TODAY) is not records


def test_branches_cover_at_least_5_cities_with_unique_codes():
    assert len({city for _, city, *_ in BRANCHES}) >= 5
    codes = [code for code, *_ in BRANCHES]
    assert len(set(codes)) == len(codes)
    assert all(capacity > 0 for *_, capacity in BRANCHES)


@pytest.mark.both_databases
def test_load_demo_adds_everything_then_nothing(session, records):
    first = load_demo(session, TODAY)
    session.commit()
    assert (first.persons_added, first.branches_added) == (len(records), len(BRANCHES))

    second = load_demo(session, TODAY)
    session.commit()
    # Nothing at all the second time, whatever else the demo loads.
    assert isinstance(second, DemoCounts)
    assert dataclasses.asdict(second) == dict.fromkeys(dataclasses.asdict(second), 0)
    assert (second.persons_added, second.branches_added) == (0, 0)
    assert session.exec(select(func.count()).select_from(Person)).one() == len(records)
    assert session.exec(select(func.count()).select_from(Branch)).one() == len(BRANCHES)


def test_loaded_branches_cover_at_least_5_cities(session):
    load_demo(session, TODAY)
    session.commit()
    cities = set(session.exec(select(Branch.city)).all())
    assert len(cities) >= 5


def test_load_demo_leaves_existing_persons_untouched(session):
    load_demo(session, TODAY)
    session.commit()
    person = session.exec(select(Person).where(Person.id_number == "1000000008")).one()
    person.travel_ban = True
    session.add(person)
    fine = session.exec(select(TrafficFine)).first()
    fine.status = "paid"
    session.add(fine)
    session.commit()
    assert load_demo(session, TODAY).persons_added == 0
    session.commit()
    session.expire_all()
    person = session.exec(select(Person).where(Person.id_number == "1000000008")).one()
    assert person.travel_ban is True
    assert session.get(TrafficFine, fine.id).status == "paid"


def test_the_demo_has_a_newly_arrived_worker_licences_and_vehicle_dates(session):
    load_demo(session, TODAY)
    session.commit()
    arrived = session.exec(select(Person).where(Person.entered_on.is_not(None))).all()
    assert [(p.name_en, p.iqama_expiry, p.relationship) for p in arrived] == [
        ("Joseph Mathew", None, "domestic_worker")]
    assert len(session.exec(select(DrivingLicence)).all()) >= 5
    assert all(v.registration_expiry and v.insurance_expiry and v.inspection_expiry
               for v in session.exec(select(Vehicle)).all())


def test_demo_file_imports_as_a_registry_file(session, records):
    # The demo is a valid import file: every sponsor is in it.
    counts = import_persons(session, records)
    assert counts == ImportCounts(added=len(records), updated=0, unchanged=0)
    session.commit()
    assert import_persons(session, records) == ImportCounts(
        added=0, updated=0, unchanged=len(records))
