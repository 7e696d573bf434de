"""A bench database: migrations, the demo data, then N active resident accounts, fast.

Every bench person is a resident with a valid iqama and passport (so the exit/re-entry wizard
opens on its first step for them), a distinct mobile and one shared password. The password is
hashed ONCE with the app's own argon2id parameters and the rows go in with bulk inserts:
500 accounts take about a second instead of 500 hashes. Only ever used on a bench database.
"""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy

from absher_app.db import create_database

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "Bench passports 2026"


def iqama_number(i: int) -> str:
    from absher_app.domain.identity import luhn_check_digit

    body = f"28{i:07d}"
    return body + luhn_check_digit(body)


def mobile(i: int) -> str:
    return f"+9665{80000000 + i:08d}"


def username(i: int) -> str:
    return f"bench{i:05d}"


def prepare(db_url: str, accounts: int, env: dict[str, str]) -> None:
    """Recreate the database, migrate it, load the demo data and `accounts` bench accounts."""
    create_database(db_url, recreate=True)
    absher = str(ROOT / ".venv/bin/absher")
    env = {**env, "REFLEX_DB_URL": db_url}
    subprocess.run([absher, "db", "upgrade"], env=env, cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run([absher, "seed", "demo"], env=env, cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    add_accounts(db_url, accounts)


def add_accounts(db_url: str, count: int) -> None:
    from absher_app.domain.passwords import hash_password
    from absher_app.models import Account, Person

    password_hash = hash_password(PASSWORD)
    now = datetime.now(UTC)
    today = date.today()
    engine = sqlalchemy.create_engine(db_url)
    with engine.begin() as c:
        c.execute(sqlalchemy.insert(Person), [dict(
            id_number=iqama_number(i), category="resident", name_ar=f"مستخدم اختبار {i}",
            name_en=f"Bench User {i}", birth_date=date(1990, 1, 1), gender="M",
            nationality="IN", mobile=mobile(i), passport_number=f"B{i:07d}",
            passport_expiry=today + timedelta(days=5 * 365),
            iqama_expiry=today + timedelta(days=700),
            traffic_fines_sar=0, travel_ban=False, absent_report=False, updated_at=now,
        ) for i in range(count)])
        ids = dict(c.execute(sqlalchemy.select(Person.id_number, Person.id).where(
            Person.id_number.like("28%"))).all())
        c.execute(sqlalchemy.insert(Account), [dict(
            person_id=ids[iqama_number(i)], username=username(i),
            email=f"{username(i)}@bench.invalid", mobile=mobile(i), password_hash=password_hash,
            status="active", language="ar", activation_channel="office", activated_at=now,
            totp_enabled=False, totp_last_step=0, created_at=now, password_changed_at=now,
        ) for i in range(count)])
    engine.dispose()


def latest_code(engine: sqlalchemy.Engine, to: str, after_id: int = 0) -> tuple[int, str] | None:
    """(id, code) of the newest sign-in SMS to `to` newer than `after_id`."""
    import re

    from absher_app.models import SmsMessage

    with engine.connect() as c:
        row = c.execute(sqlalchemy.select(SmsMessage.id, SmsMessage.body)
                        .where(SmsMessage.to == to, SmsMessage.id > after_id)
                        .order_by(SmsMessage.id.desc()).limit(1)).first()
    if row is None:
        return None
    match = re.search(r"\b(\d{6})\b", row.body)
    return (row.id, match.group(1)) if match else None


if __name__ == "__main__":  # python -m bench.seed URL COUNT
    import sys

    prepare(sys.argv[1], int(sys.argv[2]), dict(os.environ))
    print(f"{sys.argv[2]} bench accounts in {sys.argv[1]}")
