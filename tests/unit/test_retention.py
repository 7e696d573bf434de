"""The retention job: each kind deleted after its rules.toml period, and what the account page
promises kept (the sign-in history, who accessed my record)."""

from __future__ import annotations

import os
from datetime import timedelta

from sqlmodel import func, select

from absher_app import retention
from absher_app.domain import access_log, account_settings
from absher_app.models import (
    Account,
    AuthEvent,
    MessageAttachment,
    OneTimeCode,
    PaymentNotification,
    RecordAccess,
    SmsMessage,
    UserSession,
)
from tests.unit.domain.test_requests import NOW, people  # noqa: F401 - the fixture

OLD = NOW - timedelta(days=400)


def count(session, model, *where) -> int:
    return session.exec(select(func.count()).select_from(model).where(*where)).one()


def account(session, username: str) -> Account:
    return session.exec(select(Account).where(Account.username == username)).one()


def test_periods_and_reasons_are_in_the_rules_file():
    text = (retention.Path(__file__).resolve().parents[2] / "absher_app/data/rules.toml"
            ).read_text()
    assert "[retention]" in text and "PDPL" in text
    assert retention.period("sms_days") == 30 and retention.period("auth_events_days") == 365


def test_the_sign_in_history_survives_and_old_detail_goes(session, people):  # noqa: F811
    acc = account(session, "mohammed")
    for minute in range(70):  # old sign-ins, more than the history shows
        session.add(AuthEvent(person_id=acc.person_id, account_id=acc.id, kind="login_ok",
                              device="Firefox", created_at=OLD + timedelta(minutes=minute)))
    for minute in range(5):  # old events the history does not show
        session.add(AuthEvent(person_id=acc.person_id, account_id=acc.id, kind="code_sent",
                              detail="sign_in", created_at=OLD + timedelta(minutes=minute)))
    session.add(AuthEvent(person_id=acc.person_id, account_id=acc.id, kind="code_sent",
                          created_at=NOW - timedelta(days=3)))
    session.commit()
    before = account_settings.sign_in_history(session, acc)
    report = retention.run(session, NOW)
    session.commit()
    assert account_settings.sign_in_history(session, acc) == before
    assert len(before) == account_settings.HISTORY_LIMIT
    assert report.auth_events == 70 + 5 - account_settings.HISTORY_LIMIT
    assert count(session, AuthEvent, AuthEvent.kind == "code_sent",
                 AuthEvent.account_id == acc.id) == 1  # the recent one


def test_a_locked_account_keeps_its_events(session, people):  # noqa: F811
    acc = account(session, "mohammed")
    acc.status = "locked"
    session.add(acc)
    for minute in range(60):
        session.add(AuthEvent(person_id=acc.person_id, account_id=acc.id, kind="login_failed",
                              created_at=OLD + timedelta(minutes=minute)))
    session.commit()
    assert retention.run(session, NOW).auth_events == 0


def test_who_accessed_my_record_keeps_the_latest_fifty(session, people):  # noqa: F811
    person_id = account(session, "mohammed").person_id
    for minute in range(60):
        session.add(RecordAccess(person_id=person_id, actor_kind="staff", actor_label="clerk",
                                 purpose="office_activation",
                                 created_at=OLD - timedelta(days=400, minutes=minute)))
    session.commit()
    before = access_log.accesses_of(session, person_id)
    assert retention.run(session, NOW).record_accesses == 10
    session.commit()
    assert access_log.accesses_of(session, person_id) == before


def test_sms_codes_sessions_and_notifications_past_their_period(session, people):  # noqa: F811
    acc = account(session, "mohammed")
    old_sms = NOW - timedelta(days=31)
    session.add_all([
        SmsMessage(to="+966551234567", body="old", purpose="t", status="sent",
                   created_at=old_sms),
        SmsMessage(to="+966551234567", body="old dev", purpose="t", created_at=old_sms),
        SmsMessage(to="+966551234567", body="stuck", purpose="t", status="queued",
                   created_at=old_sms),
        SmsMessage(to="+966551234567", body="new", purpose="t", status="sent",
                   created_at=NOW - timedelta(days=29)),
        OneTimeCode(person_id=acc.person_id, purpose="sign_in", code_digest="x", mobile="m",
                    created_at=NOW - timedelta(days=2), expires_at=NOW - timedelta(days=2)),
        OneTimeCode(person_id=acc.person_id, purpose="sign_in", code_digest="y", mobile="m",
                    created_at=NOW, expires_at=NOW + timedelta(minutes=10)),
        UserSession(account_id=acc.id, token_digest="ended", expires_at=OLD,
                    ended_at=NOW - timedelta(days=40)),
        UserSession(account_id=acc.id, token_digest="ran-out", expires_at=OLD),
        UserSession(account_id=acc.id, token_digest="live", expires_at=NOW + timedelta(hours=1)),
        PaymentNotification(signature_digest="a", outcome="paid",
                            received_at=NOW - timedelta(days=401)),
        PaymentNotification(signature_digest="b", outcome="paid", received_at=NOW),
    ])
    session.commit()
    existing_sms = count(session, SmsMessage)
    report = retention.run(session, NOW)
    session.commit()
    assert (report.sms, report.codes, report.sessions, report.payment_notifications) == \
        (2, 1, 2, 1)
    assert count(session, SmsMessage) == existing_sms - 2
    assert count(session, SmsMessage, SmsMessage.body == "stuck") == 1
    assert session.exec(select(UserSession.token_digest)).all() == ["live"]
    assert retention.run(session, NOW).total == 0  # idempotent


def test_orphan_attachment_files_are_removed(session, people, tmp_path):  # noqa: F811
    folder = tmp_path / "attachments"
    folder.mkdir()
    acc = account(session, "mohammed")
    session.add(MessageAttachment(account_id=acc.id, storage_name="kept", original_name="a.pdf",
                                  size_bytes=1, created_at=NOW))
    session.commit()
    old = (NOW - timedelta(days=2)).timestamp()
    for name in ("kept", "orphan-old", ".half.part", "orphan-new"):
        (folder / name).write_bytes(b"%PDF-1.4")
    for name in ("kept", "orphan-old", ".half.part"):
        os.utime(folder / name, (old, old))
    report = retention.run(session, NOW, data_dir=tmp_path)
    assert report.orphan_files == 2
    assert sorted(p.name for p in folder.iterdir()) == ["kept", "orphan-new"]
