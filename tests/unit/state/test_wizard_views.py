"""The wizard's option views: options made from records (fines, vehicles) are listed with
their labels filled in, in both languages, and a multi field shows every ticked box again."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select

from absher_app.domain import catalogue, traffic, wizard
from absher_app.domain.demo import demo_ids, load_demo
from absher_app.models import Person
from absher_app.state.wizard import field_views

NOW = datetime(2026, 5, 10, 9, 0, tzinfo=UTC)


def test_fines_are_shown_with_their_details_and_ticked_again(session):
    load_demo(session, NOW.date())
    session.commit()
    khalid = session.exec(select(Person).where(Person.id_number == demo_ids()["c4"])).one()
    ctx = wizard.Context(session=session, today=NOW.date(), now=NOW, applicant=khalid,
                         beneficiary=khalid)
    first, second, third = traffic.unpaid_fines(session, khalid)
    step = wizard.step_named(catalogue.BY_CODE["traffic_fines_pay"], "fines")
    [view] = field_views(step, {"fines": f"{first.number},{third.number}"}, [], ctx)
    assert [o.value for o in view.options] == [first.number, second.number, third.number]
    assert [o.checked for o in view.options] == [True, False, True]
    assert view.options[0].label_en == (
        f"Fine {first.number} — Speeding, {first.issued_on.isoformat()}: SAR 800")
    assert "تجاوز السرعة المحددة" in view.options[0].label_ar
    assert view.options[1].id == f"field-fines-{second.number}"


def test_a_vehicle_choice_and_fixed_options_are_unchanged(session):
    load_demo(session, NOW.date())
    session.commit()
    mohammed = session.exec(select(Person).where(Person.id_number == demo_ids()["c1"])).one()
    ctx = wizard.Context(session=session, today=NOW.date(), now=NOW, applicant=mohammed,
                         beneficiary=mohammed)
    service = catalogue.BY_CODE["vehicle_registration_renew"]
    [vehicle] = field_views(wizard.step_named(service, "vehicle"), {"plate": "KSA4821"}, [], ctx)
    assert [(o.label_en, o.checked) for o in vehicle.options] == [
        ("Vehicle ABD1234 — Toyota Camry 2021", False),
        ("Vehicle KSA4821 — Hyundai Sonata 2019", True)]
    [years] = field_views(wizard.step_named(service, "years"), {"years": "2"}, [])
    assert [(o.value, o.checked) for o in years.options] == [
        ("1", False), ("2", True), ("3", False)]
