"""The forgotten-password use cases (absher_app.application.recovery): the progress the page
keeps is carried from step to step, an unmatched request is answered like a matched one, and
refusals are about the field of the step's form."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from absher_app.application import recovery, unit
from absher_app.application.recovery import AnswerForm, ResetDetailsForm, ResetPasswordForm
from absher_app.application.sign_in import CodeForm
from absher_app.domain.codes import ThrottledError
from absher_app.domain.demo import demo_ids
from absher_app.domain.errors import DomainError
from absher_app.domain.passwords import verify_password
from absher_app.models import Account, Person, SmsMessage

NEW_PASSWORD = "Falcons nest above 9 wadis"


def refused(fn, caller, *inputs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        unit.run(fn, caller, *inputs)
    return caught.value


def person(session, key: str) -> Person:
    return session.exec(select(Person).where(Person.id_number == demo_ids()[key])).one()


def details(session, key: str = "c4", mobile: str | None = None) -> ResetDetailsForm:
    who = person(session, key)
    return ResetDetailsForm(id_number=who.id_number, mobile=mobile or "0" + who.mobile[4:])


def last_code(session) -> str:
    session.expire_all()
    message = session.exec(select(SmsMessage).order_by(SmsMessage.id.desc())).first()
    return re.search(r"(?<![0-9])[0-9]{6}(?![0-9])", message.body).group(0)


def birth_date(session, key: str = "c4") -> AnswerForm:
    born = person(session, key).birth_date
    return AnswerForm(question="birth_date", birth_date_day=str(born.day),
                      birth_date_month=str(born.month), birth_date_year=str(born.year))


def test_the_answer_form_reads_the_chosen_question():
    form = AnswerForm(question="birth_date", birth_date_day="7", birth_date_month="3",
                      birth_date_year="1990", passport="X1")
    assert (form.chosen, form.answer) == ("birth_date", "1990-3-7")
    assert AnswerForm(question="passport", passport="A123").answer == "A123"
    assert AnswerForm(question="mother's name").chosen == ""


def test_recover_a_password_step_by_step(use_case_db, use_case_session, anonymous,
                                         use_case_clock):
    started = unit.run(recovery.start_reset, anonymous, details(use_case_session))
    progress = started.progress
    assert progress.matched and started.resend_wait == 60
    khalid = person(use_case_session, "c4")
    assert started.masked_mobile.endswith(khalid.mobile[-4:])

    # A refused code is counted in the progress the page keeps (here: a real account's
    # failure is in the database; the progress stays without a proof).
    error = refused(recovery.verify_reset_code, anonymous, progress, CodeForm(code="12"))
    assert (error.code, error.field) == ("code_format", "code")
    error = refused(recovery.resend_reset_code, anonymous, progress)
    assert (error.code, error.field) == ("code_send_wait", "code")
    unit.run(recovery.verify_reset_code, anonymous, progress,
             CodeForm(code=last_code(use_case_session)))
    assert progress.code_ok_at is not None

    error = refused(recovery.check_answer, anonymous, progress,
                    AnswerForm(question="passport", passport=""))
    assert (error.code, error.field) == ("reset_passport_required", "passport")
    error = refused(recovery.check_answer, anonymous, progress,
                    AnswerForm(question="birth_date", birth_date_day="31",
                               birth_date_month="2", birth_date_year="1990"))
    assert (error.code, error.field) == ("reset_birth_date_invalid", "birth_date")
    error = refused(recovery.check_answer, anonymous, progress, AnswerForm(question=""))
    assert (error.code, error.field) == ("reset_question_unknown", "question")
    unit.run(recovery.check_answer, anonymous, progress, birth_date(use_case_session))

    error = refused(recovery.complete_reset, anonymous, progress,
                    ResetPasswordForm(password=NEW_PASSWORD, password_confirm="other",
                                      end_sessions=True))
    assert (error.code, error.field) == ("password_mismatch", "password_confirm")
    registered = unit.run(recovery.complete_reset, anonymous, progress,
                          ResetPasswordForm(password=NEW_PASSWORD,
                                            password_confirm=NEW_PASSWORD, end_sessions=True))
    assert registered is False  # khalid's account is active
    use_case_session.expire_all()
    account = use_case_session.exec(select(Account).where(Account.username == "khalid")).one()
    assert verify_password(NEW_PASSWORD, account.password_hash)
    # One proof, one reset.
    error = refused(recovery.complete_reset, anonymous, progress,
                    ResetPasswordForm(password=NEW_PASSWORD, password_confirm=NEW_PASSWORD))
    assert error.code == "reset_expired"


def test_details_that_match_nothing_are_answered_alike(use_case_db, use_case_session,
                                                       anonymous, use_case_clock):
    before = len(use_case_session.exec(select(SmsMessage.id)).all())
    started = unit.run(recovery.start_reset, anonymous,
                       details(use_case_session, mobile="0598765432"))
    assert not started.progress.matched
    assert started.masked_mobile == "+9665****5432" and started.resend_wait == 60
    assert len(use_case_session.exec(select(SmsMessage.id)).all()) == before  # no SMS
    error = refused(recovery.verify_reset_code, anonymous, started.progress,
                    CodeForm(code="123456"))
    assert (error.code, error.field) == ("code_wrong", "code")
    assert len(started.progress.decoy_failures) == 1  # counted, as a real failure would be
    with pytest.raises(ThrottledError) as caught:
        unit.run(recovery.resend_reset_code, anonymous, started.progress)
    assert caught.value.field == "code"
    use_case_clock.set(use_case_clock.now() + timedelta(seconds=61))
    assert unit.run(recovery.resend_reset_code, anonymous, started.progress) == 60


def test_badly_formed_details_are_refused_on_their_field(use_case_db, use_case_session,
                                                         anonymous):
    error = refused(recovery.start_reset, anonymous,
                    ResetDetailsForm(id_number="123", mobile="0598765432"))
    assert (error.code, error.field) == ("id_length", "id_number")
    error = refused(recovery.start_reset, anonymous,
                    details(use_case_session, mobile="0112345678"))
    assert (error.code, error.field) == ("mobile_not_mobile", "mobile")
