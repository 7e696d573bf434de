"""Who accessed my record: any actor writes through `record_access`; the person reads newest
first, with office names."""

from __future__ import annotations

from datetime import timedelta

import pytest

from absher_app.domain import access_log
from tests.unit.domain.test_requests import NOW, people  # noqa: F401 - fixture


@pytest.mark.both_databases
def test_accesses_are_listed_newest_first_with_office_names(session, people):
    person = people["c1"]
    access_log.record_access(session, person.id, "staff", "activation_clerk", "JED-01",
                             "office_activation", NOW, actor_id=3)
    access_log.record_access(session, person.id, "delegate", "Rajesh Kumar", None,
                             "delegated_service", NOW + timedelta(minutes=1))
    access_log.record_access(session, people["c4"].id, "staff", "admin", None,
                             "request_review", NOW)
    session.commit()
    entries = access_log.accesses_of(session, person.id)
    assert [(e.actor_kind, e.actor_label, e.office_en) for e in entries] == [
        ("delegate", "Rajesh Kumar", ""),
        ("staff", "activation_clerk", "Jeddah Passports - Al Rawdah"),
    ]
    assert entries[1].office_ar.startswith("جوازات جدة")


@pytest.mark.parametrize("kind, purpose", [("robot", "request_review"),
                                           ("staff", "curiosity")])
def test_unknown_actor_kinds_and_purposes_are_programming_errors(session, people, kind,
                                                                 purpose):
    with pytest.raises(ValueError):
        access_log.record_access(session, people["c1"].id, kind, "x", None, purpose, NOW)
