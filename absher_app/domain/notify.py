"""Telling a person something: an in-app notification, and an SMS in their language."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam
from sqlmodel import Session, func, select

from absher_app.i18n import translate
from absher_app.models import Account, Notification, Person
from absher_app.providers.sms import SmsSender


def notify(session: Session, person: Person, key: str, *, now: datetime,
           sms: SmsSender | None = None, dedupe_key: str | None = None,
           localized: dict[str, dict[str, Any]] | None = None, **params: Any) -> bool:
    """Record `notifications.<key>` for `person` (and text it when `sms` is given).

    With a `dedupe_key`, a second call with the same key does nothing and returns False: this
    is what makes reminder jobs safe to run again. `localized` holds the params whose text
    differs by language (a name, a document's name), e.g. {"ar": {...}, "en": {...}}.
    """
    if dedupe_key and session.exec(
            select(Notification).where(Notification.dedupe_key == dedupe_key)).first():
        return False
    text_key = f"notifications.{key}"

    def text(lang: str) -> str:
        return translate(text_key, lang, **params, **(localized or {}).get(lang, {}))

    session.add(Notification(person_id=person.id, kind=key, dedupe_key=dedupe_key,
                             text_ar=_fit(text("ar")), text_en=_fit(text("en")), created_at=now))
    if sms is not None:
        account = session.exec(select(Account).where(Account.person_id == person.id)).first()
        mobile = account.mobile if account else person.mobile
        lang = account.language if account else "ar"
        sms.send(session, mobile, text(lang), purpose=key[:16])
    session.flush()
    return True


def _fit(text: str, limit: int = 500) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


# Prebuilt (see absher_app.db): every dashboard load.
_UNREAD = select(func.count()).select_from(Notification).where(
    Notification.person_id == bindparam("person_id"),
    Notification.read_at.is_(None))  # type: ignore[union-attr]
_RECENT = select(Notification).where(Notification.person_id == bindparam("person_id")).order_by(
    Notification.id.desc()).limit(bindparam("limit"))  # type: ignore[union-attr]


def unread_count(session: Session, person_id: int) -> int:
    return session.exec(_UNREAD, params={"person_id": person_id}).one()


def recent(session: Session, person_id: int, limit: int = 20) -> list[Notification]:
    return list(session.exec(_RECENT, params={"person_id": person_id, "limit": limit}).all())


def mark_all_read(session: Session, person_id: int, now: datetime) -> None:
    for row in session.exec(select(Notification).where(
            Notification.person_id == person_id, Notification.read_at.is_(None))).all():  # type: ignore[union-attr]
        row.read_at = now
        session.add(row)
