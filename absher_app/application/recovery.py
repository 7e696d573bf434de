"""Forgotten password, as `/forgot-password` runs it: ID number and mobile -> SMS code -> a
check question -> a new password (absher_app.domain.recovery has the rules).

Nobody is signed in. What the request has proved so far is a `ResetProgress` the page keeps on
the server and hands to each step; a step updates it in place (a refused code counts too, as
the domain's imitation of the code throttles needs), and the password step checks the proof in
the database again. Details that match no account are answered exactly like a match; the page
also answers the first steps no sooner than `ANSWER_FLOOR_S`, so that time tells nothing.
"""

from __future__ import annotations

import dataclasses
from enum import StrEnum

from absher_app.application.fields import fields_named
from absher_app.application.inputs import Form, checkbox, text
from absher_app.application.sign_in import CodeForm
from absher_app.application.unit import Tx, use_case
from absher_app.domain import recovery
from absher_app.domain.accounts import AccountStatus
from absher_app.domain.recovery import CheckQuestion, ResetProgress

# Matched and unmatched details must take the same time to answer: every answer of the first
# two steps takes at least this long (sending a code takes a few milliseconds).
ANSWER_FLOOR_S = 0.4
SECRET_MAX = 1024


class ResetStep(StrEnum):
    """The wizard's steps, in order."""

    DETAILS = "details"
    CODE = "code"
    QUESTION = "question"
    PASSWORD = "password"
    DONE = "done"


@dataclasses.dataclass(frozen=True)
class ResetDetailsForm(Form):
    id_number: str = text(max_length=32)
    mobile: str = text(max_length=32)


@dataclasses.dataclass(frozen=True)
class AnswerForm(Form):
    """The check question and its answer: the date of birth in three boxes, or the passport
    number (only the chosen question's inputs are on the page)."""

    question: str = text(max_length=16, required=False)
    birth_date_day: str = text(max_length=8, required=False)
    birth_date_month: str = text(max_length=8, required=False)
    birth_date_year: str = text(max_length=8, required=False)
    passport: str = text(max_length=40, required=False)

    @property
    def chosen(self) -> str:
        """The question, "" when it is none of the questions."""
        return self.question if self.question in recovery.QUESTIONS else ""

    @property
    def answer(self) -> str:
        """The answer as the rule reads it (a date as YYYY-MM-DD)."""
        if self.chosen == CheckQuestion.BIRTH_DATE:
            return "-".join((self.birth_date_year, self.birth_date_month, self.birth_date_day))
        return self.passport


@dataclasses.dataclass(frozen=True)
class ResetPasswordForm(Form):
    password: str = text(max_length=SECRET_MAX, raw=True)
    password_confirm: str = text(max_length=SECRET_MAX, raw=True)
    end_sessions: bool = checkbox()


@dataclasses.dataclass(frozen=True)
class ResetStarted:
    """The request, kept on the server; the number the code went to (masked, as typed when
    nothing matched); how long until another code may be asked for."""

    progress: ResetProgress
    masked_mobile: str
    resend_wait: int


@use_case(realm=None)
def start_reset(tx: Tx, who: None, form: ResetDetailsForm) -> ResetStarted:
    """Text a reset code when the details match an account; answer alike when not."""
    progress = recovery.start_reset(tx.session, form.id_number, form.mobile, now=tx.now,
                                    sms=tx.sms, lang=tx.lang)
    return ResetStarted(progress, progress.masked_mobile,
                        recovery.send_wait_seconds(tx.session, progress, tx.now))


@use_case(realm=None)
def verify_reset_code(tx: Tx, who: None, progress: ResetProgress, form: CodeForm) -> None:
    """Check the reset code (`progress` is updated, refused or not)."""
    recovery.verify_code(tx.session, progress, form.code, now=tx.now)


@use_case(realm=None)
def resend_reset_code(tx: Tx, who: None, progress: ResetProgress) -> int:
    """Another code (the cooldown and the sending limit apply, or are imitated); returns the
    seconds until the next one may be asked for."""
    with fields_named(unattached="code"):
        recovery.resend_code(tx.session, progress, now=tx.now, sms=tx.sms, lang=tx.lang)
    return recovery.send_wait_seconds(tx.session, progress, tx.now)


@use_case(realm=None)
def check_answer(tx: Tx, who: None, progress: ResetProgress, form: AnswerForm) -> None:
    """Check the answer to the check question against the civil registry."""
    recovery.check_answer(tx.session, progress, form.chosen, form.answer, now=tx.now)


@use_case(realm=None)
def complete_reset(tx: Tx, who: None, progress: ResetProgress, form: ResetPasswordForm) -> bool:
    """Set the new password (slow: argon2id; run it in the hashing pool). Does not sign in.
    Returns whether the account still waits for activation."""
    account = recovery.complete_reset(tx.session, progress, form.password,
                                      form.password_confirm, end_sessions=form.end_sessions,
                                      now=tx.now, sms=tx.sms)
    return account.status == AccountStatus.REGISTERED
