"""Civil-registry import (QA-CONTRACT §2): record rules and the all-or-nothing import."""

from __future__ import annotations

import copy
from datetime import date

import pytest
import sqlalchemy
from sqlmodel import Session, func, select

from absher_app.domain import traffic
from absher_app.domain.errors import ValidationError
from absher_app.domain.registry import (
    ImportCounts,
    RegistryImportError,
    import_persons,
    parse_person,
)
from absher_app.models import Person, TrafficFine

CITIZEN = {
    "id_number": "1000000008",
    "category": "citizen",
    "name_ar": "محمد عبدالله القحطاني",
    "name_en": "Mohammed Abdullah Alqahtani",
    "birth_date": "1990-04-12",
    "gender": "M",
    "nationality": "SA",
    "mobile": "0551234567",
    "passport": {"number": "A1234567", "expiry": "2029-01-31"},
    "traffic_fines_sar": 0,
    "travel_ban": False,
}
RESIDENT = {
    "id_number": "2000000006",
    "category": "resident",
    "name_ar": "...", "name_en": "...",
    "birth_date": "1985-02-01", "gender": "M", "nationality": "IN",
    "mobile": "0561234567",
    "passport": {"number": "N1234567", "expiry": "2028-06-30"},
    "iqama_expiry": "2027-03-15",
    "sponsor_id": "1000000008",
    "relationship": "domestic_worker",
    "absent_report": False,
}
# Luhn-valid numbers of each kind, for records built in the tests.
VISITOR_ID = "3000000004"
DEPENDENT_ID = "2000000014"
SECOND_CITIZEN_ID = "1000000016"


def citizen(**changes) -> dict:
    record = copy.deepcopy(CITIZEN)
    record.update(changes)
    return record


def resident(**changes) -> dict:
    record = copy.deepcopy(RESIDENT)
    record.update(changes)
    return record


def visitor(**changes) -> dict:
    record = {
        "id_number": VISITOR_ID, "category": "visitor", "name_ar": "ديفيد براون",
        "name_en": "David Brown", "birth_date": "1970-03-30", "gender": "M",
        "nationality": "US", "mobile": "0571234567",
        "passport": {"number": "N7654321", "expiry": "2030-01-01"},
        "visa": {"number": "V600000001", "type": "visit", "expiry": "2026-12-31"},
    }
    record.update(changes)
    return record


def dependent(**changes) -> dict:
    record = {
        "id_number": DEPENDENT_ID, "category": "dependent", "name_ar": "منى",
        "name_en": "Mona", "birth_date": "1986-03-03", "gender": "F", "nationality": "IN",
        "mobile": "0581234567", "iqama_expiry": "2027-03-15",
        "sponsor_id": "2000000006", "relationship": "spouse",
    }
    record.update(changes)
    return record


def refused(raw) -> ValidationError:
    with pytest.raises(ValidationError) as excinfo:
        parse_person(raw)
    return excinfo.value


# --- parse_person: the contract's examples ---------------------------------------------------


def test_contract_citizen_example_is_valid():
    assert parse_person(citizen()) == {
        "id_number": "1000000008", "category": "citizen",
        "name_ar": "محمد عبدالله القحطاني", "name_en": "Mohammed Abdullah Alqahtani",
        "birth_date": date(1990, 4, 12), "gender": "M", "nationality": "SA",
        "mobile": "+966551234567", "travel_ban": False,
        "absent_report": False,
        "passport_number": "A1234567", "passport_expiry": date(2029, 1, 31),
        "visa_number": None, "visa_type": None, "visa_expiry": None,
        "iqama_expiry": None, "entered_on": None, "sponsor_id": None, "relationship": None,
        "traffic_fines": [],
    }


def test_contract_resident_example_is_valid():
    values = parse_person(resident())
    assert values["id_number"] == "2000000006"
    assert values["category"] == "resident"
    assert values["mobile"] == "+966561234567"
    assert values["iqama_expiry"] == date(2027, 3, 15)
    assert values["passport_number"] == "N1234567"
    assert values["passport_expiry"] == date(2028, 6, 30)
    assert values["sponsor_id"] == "1000000008"
    assert values["relationship"] == "domestic_worker"
    assert values["absent_report"] is False
    assert values["traffic_fines"] == []  # defaulted: owes nothing


def test_visitor_with_visa_is_valid():
    values = parse_person(visitor())
    assert (values["visa_number"], values["visa_type"], values["visa_expiry"]) == (
        "V600000001", "visit", date(2026, 12, 31))


def test_dependent_with_sponsor_and_relationship_is_valid():
    values = parse_person(dependent())
    assert (values["sponsor_id"], values["relationship"]) == ("2000000006", "spouse")


def test_optional_fields_default():
    record = citizen()
    del record["passport"], record["traffic_fines_sar"], record["travel_ban"]
    values = parse_person(record)
    assert values["passport_number"] is None and values["passport_expiry"] is None
    assert values["traffic_fines"] == []
    assert values["travel_ban"] is False


def test_names_are_trimmed_and_id_normalized():
    values = parse_person(citizen(id_number="١٠٠٠٠٠٠٠٠٨", name_en="  Mohammed  "))
    assert values["id_number"] == "1000000008"
    assert values["name_en"] == "Mohammed"


# --- parse_person: each rule -----------------------------------------------------------------


def test_record_not_an_object_is_refused():
    assert refused(["1000000008"]).code == "record_not_object"


def test_unknown_top_level_key_is_refused_naming_the_key():
    error = refused(citizen(email="a@example.com"))
    assert error.code == "unknown_key"
    assert "email" in str(error)


def test_unknown_key_inside_passport_is_refused_naming_it():
    error = refused(citizen(passport={"number": "A1234567", "expiry": "2029-01-31",
                                      "issued": "2019-01-31"}))
    assert error.code == "unknown_key"
    assert "passport" in str(error) and "issued" in str(error)


def test_unknown_key_inside_visa_is_refused():
    record = visitor()
    record["visa"]["entries"] = "multiple"
    error = refused(record)
    assert error.code == "unknown_key"
    assert "entries" in str(error)


@pytest.mark.parametrize(
    "field",
    ["id_number", "category", "name_ar", "name_en", "birth_date", "gender", "nationality",
     "mobile"],
)
def test_missing_required_field_is_refused_naming_it(field):
    record = citizen()
    del record[field]
    error = refused(record)
    assert error.code == "field_required"
    assert field in str(error)


@pytest.mark.parametrize("field", ["name_ar", "name_en"])
@pytest.mark.parametrize("value", ["", "   ", None, 5])
def test_blank_name_is_refused(field, value):
    assert refused(citizen(**{field: value})).code == "field_required"


def test_overlong_name_is_refused():
    assert refused(citizen(name_en="x" * 201)).code == "field_too_long"


@pytest.mark.parametrize("sub_field", ["number", "expiry"])
def test_passport_without_number_or_expiry_is_refused(sub_field):
    record = citizen()
    del record["passport"][sub_field]
    error = refused(record)
    assert error.code == "field_required"
    assert sub_field in str(error)


def test_passport_not_an_object_is_refused():
    assert refused(citizen(passport="A1234567")).code == "field_invalid"


@pytest.mark.parametrize(
    "bad_date",
    ["2024-13-01", "12/04/1990", "1990-02-30", "1990-4-12", "19900412", "2024-W01-1",
     "1990-04-12T00:00", "", "١٩٩٠-٠٤-١٢", 19900412, None],
)
def test_bad_birth_date_is_refused(bad_date):
    error = refused(citizen(birth_date=bad_date))
    assert error.code == "date_invalid"
    assert "birth_date" in str(error)


@pytest.mark.parametrize("bad_date", ["2024-13-01", "12/04/1990"])
def test_bad_document_dates_are_refused(bad_date):
    assert refused(citizen(passport={"number": "A1", "expiry": bad_date})).code == "date_invalid"
    assert refused(resident(iqama_expiry=bad_date)).code == "date_invalid"
    record = visitor()
    record["visa"]["expiry"] = bad_date
    assert refused(record).code == "date_invalid"


@pytest.mark.parametrize("category", ["alien", "Citizen", "", None, "tourist"])
def test_unknown_category_is_refused(category):
    assert refused(citizen(category=category)).code == "category_unknown"


def test_id_of_wrong_category_is_refused():
    assert refused(citizen(id_number="2000000006")).code == "id_category_mismatch"
    assert refused(resident(id_number="1000000008", sponsor_id="1000000016")).code == (
        "id_category_mismatch")
    assert refused(visitor(id_number="4000000002")).code == "id_category_mismatch"


def test_id_failing_luhn_is_refused():
    assert refused(citizen(id_number="1000000009")).code == "id_checksum"


@pytest.mark.parametrize(
    ("mobile", "code"),
    [("0112345678", "mobile_not_mobile"), ("123", "mobile_invalid"),
     ("+14155552671", "mobile_invalid"), ("not a number", "mobile_invalid")],
)
def test_bad_mobile_is_refused(mobile, code):
    assert refused(citizen(mobile=mobile)).code == code


@pytest.mark.parametrize("gender", ["X", "m", "f", "male", "", None])
def test_gender_must_be_m_or_f(gender):
    error = refused(citizen(gender=gender))
    assert error.code == "field_invalid"
    assert "gender" in str(error)


def test_gender_f_is_accepted():
    assert parse_person(citizen(gender="F"))["gender"] == "F"


@pytest.mark.parametrize("nationality", ["sa", "Sa", "SAU", "S", "S1", "", None, 12, "ÄB", "ΣΑ"])
def test_nationality_must_be_two_upper_ascii_letters(nationality):
    error = refused(citizen(nationality=nationality))
    assert error.code == "field_invalid"
    assert "nationality" in str(error)


@pytest.mark.parametrize("fines", [-1, -500, 1.5, "100", True, None])
def test_traffic_fines_must_be_a_whole_number_not_negative(fines):
    error = refused(citizen(traffic_fines_sar=fines))
    assert error.code == "field_invalid"
    assert "traffic_fines_sar" in str(error)


def test_a_positive_total_is_kept_as_one_fine():
    assert parse_person(citizen(traffic_fines_sar=1500))["traffic_fines"] == [{
        "number": "100000000800", "issued_on": None, "violation": "registry_total",
        "amount_sar": 1500}]
    assert parse_person(citizen(traffic_fines_sar=0))["traffic_fines"] == []


FINE = {"number": "7100000001", "date": "2026-03-01", "violation": "speeding", "amount": 300}


def test_fines_are_listed_one_by_one():
    second = {**FINE, "number": "7100000002", "violation": "red_light", "amount": 3000}
    values = parse_person(listing(FINE, second))
    assert values["traffic_fines"] == [
        {"number": "7100000001", "issued_on": date(2026, 3, 1), "violation": "speeding",
         "amount_sar": 300},
        {"number": "7100000002", "issued_on": date(2026, 3, 1), "violation": "red_light",
         "amount_sar": 3000}]


@pytest.mark.parametrize(("fine", "words"), [
    ({**FINE, "plate": "ABC1"}, "unknown key traffic_fines[1].'plate'"),
    ({k: v for k, v in FINE.items() if k != "amount"}, "traffic_fines[1].amount is required"),
    ({**FINE, "number": "12345"}, "6 to 16 digits"),
    ({**FINE, "number": 7100000001}, "6 to 16 digits"),
    ({**FINE, "violation": "littering"}, "violation must be one of"),
    ({**FINE, "amount": 0}, "amount must be a whole number > 0"),
    ({**FINE, "amount": 99.5}, "amount must be a whole number > 0"),
    ({**FINE, "amount": True}, "amount must be a whole number > 0"),
    ({**FINE, "date": "01/03/2026"}, "traffic_fines[1].date must be a date"),
    ("7100000001", "traffic_fines[1] must be an object"),
])
def test_a_bad_fine_is_refused_with_its_place(fine, words):
    record = citizen(traffic_fines=[fine])
    del record["traffic_fines_sar"]
    error = refused(record)
    assert words in str(error)


def test_fines_must_be_a_list_with_distinct_numbers_and_not_beside_a_total():
    record = citizen(traffic_fines=FINE)
    del record["traffic_fines_sar"]
    assert "must be a list" in str(refused(record))
    record = citizen(traffic_fines=[FINE, FINE])
    del record["traffic_fines_sar"]
    assert "appears twice" in str(refused(record))
    assert "not both" in str(refused(citizen(traffic_fines=[FINE])))   # and traffic_fines_sar


@pytest.mark.parametrize("field", ["travel_ban", "absent_report"])
@pytest.mark.parametrize("value", ["true", 1, 0, None])
def test_flags_must_be_booleans(field, value):
    assert refused(citizen(**{field: value})).code == "field_invalid"


def test_visitor_without_visa_is_refused():
    record = visitor()
    del record["visa"]
    error = refused(record)
    assert error.code == "field_required"
    assert "visa" in str(error)


def test_visa_type_other_than_visit_is_refused():
    record = visitor()
    record["visa"]["type"] = "work"
    assert refused(record).code == "field_invalid"


@pytest.mark.parametrize("category", ["resident", "dependent"])
def test_iqama_holder_without_iqama_expiry_is_refused(category):
    record = resident() if category == "resident" else dependent()
    del record["iqama_expiry"]
    error = refused(record)
    assert error.code == "field_required"
    assert "iqama_expiry" in str(error)


@pytest.mark.parametrize("missing", [("sponsor_id",), ("relationship",),
                                     ("sponsor_id", "relationship")])
def test_dependent_without_sponsor_is_refused(missing):
    record = dependent()
    for field in missing:
        del record[field]
    assert refused(record).code == "field_required"


def test_sponsor_id_without_relationship_is_refused():
    record = resident()
    del record["relationship"]
    error = refused(record)
    assert error.code == "field_required"
    assert "relationship" in str(error)


def test_relationship_without_sponsor_id_is_refused():
    record = resident()
    del record["sponsor_id"]
    assert refused(record).code == "field_required"


@pytest.mark.parametrize("relationship", ["cousin", "", None])
def test_unknown_relationship_is_refused(relationship):
    assert refused(resident(relationship=relationship)).code == "field_invalid"


@pytest.mark.parametrize("relationship", ["spouse", "child", "parent", "domestic_worker"])
def test_each_known_relationship_is_accepted(relationship):
    assert parse_person(dependent(relationship=relationship))["relationship"] == relationship


def test_sponsor_id_must_be_a_valid_identity_number():
    assert refused(resident(sponsor_id="1000000009")).code == "id_checksum"


def test_self_sponsor_is_refused():
    error = refused(resident(sponsor_id="2000000006"))
    assert error.code == "field_invalid"
    assert "sponsor" in str(error)


def test_self_sponsor_is_refused_after_normalization():
    assert refused(resident(sponsor_id="٢٠٠٠٠٠٠٠٠٦")).code == "field_invalid"


# --- import_persons --------------------------------------------------------------------------


def person_count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Person)).one()


def person_rows(session: Session) -> list[tuple]:
    """Every column of every person, as stored."""
    session.expire_all()
    table = Person.__table__
    return [tuple(row) for row in
            session.execute(sqlalchemy.select(table).order_by(table.c.id_number)).all()]


def stored(session: Session, id_number: str) -> Person:
    session.expire_all()
    return session.exec(select(Person).where(Person.id_number == id_number)).one()


@pytest.mark.both_databases
def test_import_adds_every_person_of_a_good_file(session):
    counts = import_persons(session, [citizen(), resident()])
    session.commit()
    assert counts == ImportCounts(added=2, updated=0, unchanged=0)
    assert counts.total == 2
    assert person_count(session) == 2
    person = stored(session, "2000000006")
    assert person.mobile == "+966561234567"
    assert person.sponsor_id == "1000000008"
    assert person.iqama_expiry == date(2027, 3, 15)


@pytest.mark.both_databases
def test_reimporting_the_same_file_changes_nothing(session):
    import_persons(session, [citizen(), resident()])
    session.commit()
    before = person_rows(session)
    counts = import_persons(session, [citizen(), resident()])
    session.commit()
    assert counts == ImportCounts(added=0, updated=0, unchanged=2)
    assert person_rows(session) == before


def test_reimport_with_equivalent_spellings_is_unchanged(session):
    import_persons(session, [citizen()])
    session.commit()
    counts = import_persons(session, [citizen(id_number="١٠٠٠٠٠٠٠٠٨", mobile="+966551234567")])
    assert counts == ImportCounts(added=0, updated=0, unchanged=1)


def test_changed_field_updates_the_person(session):
    import_persons(session, [citizen(), resident()])
    session.commit()
    before = stored(session, "1000000008").updated_at
    counts = import_persons(session, [citizen(traffic_fines_sar=900, travel_ban=True),
                                      resident()])
    session.commit()
    assert counts == ImportCounts(added=0, updated=1, unchanged=1)
    person = stored(session, "1000000008")
    assert (traffic.unpaid_total(session, person), person.travel_ban) == (900, True)
    assert person.updated_at >= before
    assert person_count(session) == 2


# --- traffic fines through the import ----------------------------------------------------------

def fines(session, id_number: str) -> list[tuple[str, str, int, str]]:
    rows = session.exec(select(TrafficFine).where(
        TrafficFine.person_id == stored(session, id_number).id).order_by(TrafficFine.number))
    return [(f.number, f.violation, f.amount_sar, f.status) for f in rows]


def listing(*items) -> dict:
    record = citizen(traffic_fines=list(items))
    del record["traffic_fines_sar"]
    return record


def test_a_total_imports_as_one_fine_and_reimports_unchanged(session):
    assert import_persons(session, [citizen(traffic_fines_sar=900)]).added == 1
    session.commit()
    assert fines(session, "1000000008") == [("100000000800", "registry_total", 900, "unpaid")]
    assert import_persons(session, [citizen(traffic_fines_sar=900)]) == ImportCounts(0, 0, 1)
    # A new total changes that one fine; a total of 0 means nothing is owed any more.
    assert import_persons(session, [citizen(traffic_fines_sar=400)]) == ImportCounts(0, 1, 0)
    assert fines(session, "1000000008") == [("100000000800", "registry_total", 400, "unpaid")]
    assert import_persons(session, [citizen()]) == ImportCounts(0, 1, 0)
    assert fines(session, "1000000008") == []


def test_listed_fines_are_what_is_owed_and_paid_ones_stay(session):
    second = {**FINE, "number": "7100000002", "amount": 150}
    import_persons(session, [listing(FINE, second)])
    session.commit()
    assert [n for n, *_ in fines(session, "1000000008")] == ["7100000001", "7100000002"]
    assert import_persons(session, [listing(FINE, second)]) == ImportCounts(0, 0, 1)
    # The first is paid in the portal; a later extract no longer lists the second (settled
    # elsewhere) and still lists the paid one (it is older): the paid fine stays paid.
    paid = session.exec(select(TrafficFine).where(TrafficFine.number == "7100000001")).one()
    paid.status = "paid"
    session.add(paid)
    session.commit()
    assert import_persons(session, [listing({**FINE, "amount": 999})]) == ImportCounts(0, 1, 0)
    session.commit()
    assert fines(session, "1000000008") == [("7100000001", "speeding", 300, "paid")]


def test_a_fine_number_belongs_to_one_person(session):
    import_persons(session, [listing(FINE)])
    session.commit()
    other = resident(traffic_fines=[FINE])
    with pytest.raises(RegistryImportError) as excinfo:
        import_persons(session, [other])
    session.rollback()
    assert excinfo.value.code == "fine_number_taken" and "1000000008" in str(excinfo.value)
    both = [listing(FINE), resident(traffic_fines=[FINE])]
    with pytest.raises(RegistryImportError) as excinfo:
        import_persons(session, both)
    assert excinfo.value.code == "fine_number_taken"


# --- a newly arrived sponsored person --------------------------------------------------------

def test_a_newly_arrived_worker_gives_the_entry_date_instead_of_an_iqama(session):
    record = resident(entry_date="2026-04-20")
    del record["iqama_expiry"]
    values = parse_person(record)
    assert (values["entered_on"], values["iqama_expiry"]) == (date(2026, 4, 20), None)
    import_persons(session, [citizen(), record])
    session.commit()
    assert stored(session, "2000000006").entered_on == date(2026, 4, 20)


def test_entry_date_is_for_the_sponsored_without_an_iqama_only(session):
    assert "not both" in str(refused(resident(entry_date="2026-04-20")))
    unsponsored = resident(entry_date="2026-04-20")
    del unsponsored["iqama_expiry"], unsponsored["sponsor_id"], unsponsored["relationship"]
    assert "iqama_expiry is required" in str(refused(unsponsored))
    assert refused(resident(entry_date="20-04-2026")).code == "date_invalid"


def test_removed_optional_field_is_cleared_on_update(session):
    import_persons(session, [citizen()])
    session.commit()
    record = citizen()
    del record["passport"]
    assert import_persons(session, [record]) == ImportCounts(added=0, updated=1, unchanged=0)
    session.commit()
    assert stored(session, "1000000008").passport_number is None


@pytest.mark.both_databases
def test_one_bad_record_imports_nothing(session):
    import_persons(session, [citizen()])
    session.commit()
    before = person_rows(session)
    records = [citizen(travel_ban=True), visitor(), resident(gender="X"), dependent()]
    with pytest.raises(RegistryImportError) as excinfo:
        import_persons(session, records)
    session.rollback()
    message = str(excinfo.value)
    assert "record 3" in message
    assert "2000000006" in message
    assert excinfo.value.code == "field_invalid"
    assert excinfo.value.params == {"record": 3}
    assert person_count(session) == 1
    assert person_rows(session) == before  # the citizen's change was not applied either


def test_bad_record_error_names_position_even_without_a_string_id(session):
    with pytest.raises(RegistryImportError) as excinfo:
        import_persons(session, [citizen(), 42])
    assert str(excinfo.value).startswith("record 2")
    assert excinfo.value.code == "record_not_object"


def test_duplicate_id_in_file_is_refused(session):
    with pytest.raises(RegistryImportError) as excinfo:
        import_persons(session, [citizen(), resident(), citizen(name_en="Other")])
    session.rollback()
    assert excinfo.value.code == "duplicate_id"
    assert "record 3" in str(excinfo.value)
    assert "1000000008" in str(excinfo.value)
    assert person_count(session) == 0


@pytest.mark.both_databases
def test_duplicate_id_is_found_after_normalization(session):
    with pytest.raises(RegistryImportError) as excinfo:
        import_persons(session, [citizen(), citizen(id_number="١٠٠٠٠٠٠٠٠٨")])
    assert excinfo.value.code == "duplicate_id"


def test_sponsor_neither_in_file_nor_in_db_is_refused(session):
    with pytest.raises(RegistryImportError) as excinfo:
        import_persons(session, [citizen(id_number=SECOND_CITIZEN_ID, mobile="0501234567"),
                                 resident()])
    session.rollback()
    message = str(excinfo.value)
    assert excinfo.value.code == "sponsor_unknown"
    assert "record 2" in message and "2000000006" in message and "1000000008" in message
    assert person_count(session) == 0


@pytest.mark.both_databases
def test_sponsor_later_in_the_same_file_is_accepted(session):
    counts = import_persons(session, [dependent(), resident(), citizen()])
    assert counts == ImportCounts(added=3, updated=0, unchanged=0)


def test_sponsor_already_in_db_is_accepted(session):
    import_persons(session, [citizen()])
    session.commit()
    counts = import_persons(session, [resident()])
    session.commit()
    assert counts == ImportCounts(added=1, updated=0, unchanged=0)
    assert stored(session, "2000000006").sponsor_id == "1000000008"


@pytest.mark.parametrize("records", [{"persons": []}, "[]", None, citizen()])
def test_file_not_a_list_is_refused(session, records):
    with pytest.raises(RegistryImportError) as excinfo:
        import_persons(session, records)
    assert excinfo.value.code == "import_not_list"
    assert person_count(session) == 0


def test_empty_list_imports_nothing(session):
    assert import_persons(session, []) == ImportCounts(added=0, updated=0, unchanged=0)
    assert person_count(session) == 0
