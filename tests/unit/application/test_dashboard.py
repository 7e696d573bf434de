"""The dashboard and the family page as use cases: the counts of every tile, drafts to resume,
the latest transactions and notifications; the household with each document's expiry and the
services each member can be served with; the calendar file in the caller's language."""

from __future__ import annotations

import pytest

from absher_app.application.dashboard import dashboard, mark_notifications_read
from absher_app.application.family import household_calendar, my_household
from absher_app.application.identity import Caller, SignInRequired
from absher_app.application.wizard import WhoForm, WizardKey, choose_beneficiary, open_wizard
from absher_app.domain.demo import demo_ids


def test_the_dashboard_counts_what_waits_for_the_person(svc_world):
    khalid = svc_world.sign_in("khalid")
    view = svc_world.run(dashboard, khalid)
    assert view.services > 0 and view.family == 2  # Surya (worker) and Lama (daughter)
    assert (view.open_transactions, view.unpaid_bills, view.drafts) == (0, 0, [])
    assert view.bill_due.en == "" and view.next_appointment.en == ""
    # Surya's iqama expired 15 days ago: counted; the next expiry ahead is named with its date.
    assert view.family_expired >= 1 and view.family_next.en and view.family_next_when.en
    svc_world.run(open_wizard, khalid, WizardKey("travel_permit_issue"))
    svc_world.run(choose_beneficiary, khalid, WizardKey("travel_permit_issue"),
                  WhoForm(demo_ids()["c11"]))
    view = svc_world.run(dashboard, khalid)
    assert view.drafts_count == 1
    assert [(d.href, d.title_en) for d in view.drafts] == [
        ("/services/travel_permit_issue", "Issue a travel permit")]


def test_marking_notifications_read_empties_the_count(svc_world):
    from tests.unit.application.test_transactions import exit_visa_for_maria

    ahmed = svc_world.sign_in("ahmed")
    reference = exit_visa_for_maria(svc_world, ahmed)
    view = svc_world.run(dashboard, ahmed)
    assert view.unread == 1 and reference in view.notifications[0].en
    assert (view.open_transactions, view.unpaid_bills) == (1, 1)
    assert "first is due" in view.bill_due.en and view.recent[0].reference == reference
    assert svc_world.run(mark_notifications_read, ahmed).unread == 0


def test_the_family_page_lists_the_household_with_their_services(svc_world):
    view = svc_world.run(my_household, svc_world.sign_in("ahmed"))
    names = [m.name_en for m in view.members]
    assert names[0] == "Ahmed Hassan Mahmoud" and "Maria Santos" in names
    maria = next(m for m in view.members if m.name_en == "Maria Santos")
    assert maria.relationship_en == "Domestic worker"
    assert {d.document_en for d in maria.documents} >= {"Iqama", "Passport"}
    link = next(s for s in maria.services if s.title_en == "Issue an exit/re-entry visa")
    assert link.href == f"/services/exit_reentry_issue?for={demo_ids()['r3']}"
    assert [d.iso_date for d in view.timeline] == sorted(d.iso_date for d in view.timeline)


def test_the_calendar_file_is_in_the_callers_language(svc_world):
    english = svc_world.run(household_calendar, svc_world.sign_in("ahmed", lang="en"))
    arabic = svc_world.run(household_calendar, svc_world.sign_in("ahmed", lang="ar"))
    assert english.startswith(b"BEGIN:VCALENDAR") and b"Maria Santos" in english
    assert "ماريا سانتوس".encode() in arabic


@pytest.mark.parametrize("fn", [dashboard, mark_notifications_read, my_household,
                                household_calendar])
def test_they_need_a_session(svc_world, fn):
    with pytest.raises(SignInRequired):
        svc_world.run(fn, Caller())
