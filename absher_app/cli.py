"""The operator command line, `absher` (QA-CONTRACT §1).

Every command exits non-zero with a one-line reason on bad input, and applies a file in one
transaction or not at all.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from absher_app.db import session_scope
from absher_app.domain.errors import DomainError
from absher_app.domain.identity import normalize_mobile

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class CliError(Exception):
    """Bad input for a command: printed as one line, exit status 2."""


def _db_upgrade(_args: argparse.Namespace) -> None:
    from alembic import command
    from alembic.config import Config

    command.upgrade(Config(str(PROJECT_ROOT / "alembic.ini")), "head")
    print("database is at the latest migration")


def _refuse_in_production(what: str) -> None:
    from absher_app.settings import get_settings

    if get_settings().environment == "production":
        raise CliError(f"{what} is for the demo and tests, never in production")


def _seed_demo(_args: argparse.Namespace) -> None:
    from absher_app.domain.calendars import today_in_riyadh
    from absher_app.domain.demo import load_demo
    from absher_app.providers.clock import SystemClock

    # The demo accounts and staff have published passwords: in production they would be
    # doors anyone could open.
    _refuse_in_production("seed demo")
    with session_scope() as session:
        counts = load_demo(session, today_in_riyadh(SystemClock()))
    print(f"demo loaded: {counts.persons_added} persons, {counts.branches_added} branches, "
          f"{counts.accounts_added} accounts and {counts.staff_added} staff added")


def _registry_import(args: argparse.Namespace) -> None:
    from absher_app.domain.registry import import_persons

    path = Path(args.file)
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise CliError(f"{path}: no such file") from exc
    except OSError as exc:  # a directory, no permission, ...
        raise CliError(f"{path}: cannot read the file ({exc.strerror or exc})") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CliError(f"{path}: not valid JSON ({exc})") from exc
    except RecursionError as exc:  # the parser recurses once per level of [ or {
        raise CliError(f"{path}: not a registry file (nested too deeply)") from exc
    try:
        with session_scope() as session:
            counts = import_persons(session, records)
    except RecursionError as exc:
        raise CliError(f"{path}: not a registry file (nested too deeply)") from exc
    print(
        f"imported {counts.total} persons: {counts.added} added, {counts.updated} updated, "
        f"{counts.unchanged} unchanged"
    )


def _sms_outbox(args: argparse.Namespace) -> None:
    from absher_app.providers.sms import read_outbox

    if args.last < 1:
        raise CliError("--last must be at least 1")
    to = normalize_mobile(args.to) if args.to else None
    with session_scope() as session:
        messages = read_outbox(session, to=to, last=args.last)
    if args.json:
        print(json.dumps([
            {"id": m.id, "to": m.to, "body": m.body, "purpose": m.purpose,
             "created_at": m.created_at.isoformat()} for m in messages
        ], ensure_ascii=False, indent=2))
        return
    if not messages:
        print("the outbox is empty")
    for m in messages:
        print(f"{m.created_at:%Y-%m-%d %H:%M:%S}  {m.to}  [{m.purpose}]  {m.body}")


def _traffic_fines(args: argparse.Namespace) -> None:
    from sqlmodel import select

    from absher_app.domain import traffic
    from absher_app.domain.identity import validate_id_number
    from absher_app.models import Person

    number = validate_id_number(args.id_number)
    with session_scope() as session:
        person = session.exec(select(Person).where(Person.id_number == number)).first()
        if person is None:
            raise CliError(f"{number}: not in the civil registry")
        fines = [{"number": f.number, "date": f.issued_on.isoformat(), "violation": f.violation,
                  "amount": f.amount_sar, "status": f.status} for f in traffic.fines_of(
                      session, person)]
    if args.json:
        print(json.dumps(fines, ensure_ascii=False, indent=2))
        return
    if not fines:
        print(f"{number} has no traffic fines")
    for fine in fines:
        print(f"{fine['number']}  {fine['date']}  {fine['violation']:<22} "
              f"SAR {fine['amount']:>6}  {fine['status']}")
    owed = sum(f["amount"] for f in fines if f["status"] == "unpaid")
    if fines:
        print(f"unpaid: SAR {owed}")


def _accounts_activate(args: argparse.Namespace) -> None:
    from absher_app.domain.accounts import activate_account
    from absher_app.providers.clock import SystemClock
    from absher_app.providers.sms import get_sms_sender

    with session_scope() as session:
        account = activate_account(session, args.id_number, args.channel,
                                   now=SystemClock().now(), sms=get_sms_sender())
        print(f"account {account.username} activated through {args.channel}")


def _requests_decide(args: argparse.Namespace) -> None:
    from absher_app.domain.requests import decide
    from absher_app.providers.clock import SystemClock
    from absher_app.providers.sms import get_sms_sender

    with session_scope() as session:
        request = decide(session, args.reference, args.decision == "approve", args.reason or "",
                         now=SystemClock().now(), sms=get_sms_sender())
        print(f"request {request.reference} is now {request.status}")


def _delivery_advance(args: argparse.Namespace) -> None:
    from absher_app.domain.requests import advance_delivery
    from absher_app.providers.clock import SystemClock
    from absher_app.providers.sms import get_sms_sender

    with session_scope() as session:
        delivery = advance_delivery(session, args.tracking_number, now=SystemClock().now(),
                                    sms=get_sms_sender())
        print(f"delivery {delivery.tracking_number} is now {delivery.status}")


def _bills_pay(args: argparse.Namespace) -> None:
    from absher_app.application.payment_notifications import pay_through
    from absher_app.domain.requests import find_bill
    from absher_app.providers.clock import SystemClock
    from absher_app.providers.payment import DemoBank
    from absher_app.providers.sms import get_sms_sender

    _refuse_in_production("bills pay (the demo bank)")
    with session_scope() as session:
        bill = find_bill(session, args.bill_number)
        if bill is None:
            raise CliError(f"{args.bill_number}: no such bill")
        bill, charged = pay_through(DemoBank(), session, bill.number, bill.amount_sar,
                                    now=SystemClock().now(), sms=get_sms_sender())
        print(f"bill {bill.number} paid: SAR {bill.amount_sar}" if charged
              else f"bill {bill.number} was already paid; nothing charged")


def _jobs_run(args: argparse.Namespace) -> None:
    from absher_app.jobs import JOBS, run_all
    from absher_app.providers.sms import SmsNotConfigured, get_sms_sender

    only = getattr(args, "only", None)
    if only and only not in dict(JOBS):
        raise CliError(f"{only}: no such job (jobs: {', '.join(name for name, _ in JOBS)})")
    try:
        sms = get_sms_sender()
    except SmsNotConfigured as exc:
        raise CliError(str(exc)) from exc
    reports = run_all(sms=sms, only=only)
    for report in reports:
        print(f"{report.name}: {report.summary}")
    if failed := [r.name for r in reports if r.failed]:
        raise CliError(f"job{'s' if len(failed) > 1 else ''} failed: {', '.join(failed)}")


def _when(value) -> str:
    from absher_app.domain.calendars import RIYADH

    return value.astimezone(RIYADH).strftime("%Y-%m-%d %H:%M") if value else "-"


def _jobs_status(args: argparse.Namespace) -> None:
    from absher_app.jobs import status

    rows = status()
    if args.json:
        print(json.dumps([{
            "job": r.name, "every_minutes": r.every_minutes,
            "last_started_at": r.last_started_at.isoformat() if r.last_started_at else None,
            "last_finished_at": r.last_finished_at.isoformat() if r.last_finished_at else None,
            "last_outcome": r.last_outcome, "last_summary": r.last_summary,
            "last_duration_ms": r.last_duration_ms, "running": r.running,
            "next_run_at": r.next_run_at.isoformat() if r.next_run_at else None,
            "runs": r.runs, "failures": r.failures} for r in rows], indent=2))
        return
    print(f"{'job':<20} {'every':>6}  {'last run (Riyadh)':<17} {'outcome':<8} "
          f"{'next run':<17} runs/failed  summary")
    for r in rows:
        outcome = "running" if r.running else (r.last_outcome or "never")
        print(f"{r.name:<20} {r.every_minutes:>5}m  {_when(r.last_finished_at):<17} "
              f"{outcome:<8} {_when(r.next_run_at):<17} {r.runs:>4}/{r.failures:<6} "
              f"{r.last_summary}")


def _long_running(name: str) -> None:
    """Logs and metrics for a service process (relay, scheduler)."""
    from absher_app.observability import metrics
    from absher_app.observability.logs import configure_logging

    configure_logging()
    metrics.install()


def _stop_on_signals():
    import signal
    import threading

    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    return stop


def _scheduler(args: argparse.Namespace) -> None:
    from absher_app import jobs, scheduler

    _long_running("scheduler")
    if args.once:
        for report in jobs.run_due():
            print(f"{report.name}: {report.summary}")
        return
    scheduler.run_forever(jobs.job_specs(), _stop_on_signals(), tick_seconds=args.tick)


def _sms_relay(args: argparse.Namespace) -> None:
    from absher_app import relay
    from absher_app.providers.sms_http import HttpSmsGateway
    from absher_app.settings import get_settings

    if get_settings().sms_provider != "http":
        raise CliError("the relay sends through the HTTP gateway: set ABSHER_SMS_PROVIDER=http "
                       "and ABSHER_SMS_HTTP_URL (the dev outbox keeps its messages)")
    _long_running("relay")
    gateway = HttpSmsGateway.from_settings()
    try:
        if args.once:
            counts = relay.relay_once(gateway, limit=args.batch)
            print(", ".join(f"{n} {k}" for k, n in counts.items()))
            return
        relay.run_forever(gateway, _stop_on_signals(), poll_seconds=args.poll)
    finally:
        gateway.close()


def _sms_status(_args: argparse.Namespace) -> None:
    from datetime import UTC, datetime

    from absher_app.relay import queue_summary

    with session_scope() as session:
        summary = queue_summary(session, datetime.now(UTC))
    counts = summary["counts"]
    print(", ".join(f"{status}: {counts.get(status, 0)}" for status in
                    ("outbox", "queued", "sending", "sent", "delivered", "failed")))
    print(f"oldest waiting: {summary['oldest_waiting_seconds']} s")


def _db_backup(args: argparse.Namespace) -> None:
    from absher_app.backup import BackupError, backup
    from absher_app.settings import get_settings

    try:
        kind = backup(get_settings().db_url, args.file)
    except BackupError as exc:
        raise CliError(str(exc)) from exc
    size = Path(args.file).stat().st_size
    print(f"{kind} backup written to {args.file} ({size} bytes)")


def _db_restore(args: argparse.Namespace) -> None:
    from absher_app.backup import BackupError, restore
    from absher_app.settings import get_settings

    if not args.yes:
        raise CliError("restore replaces every row of the database: stop the app, then run "
                       "again with --yes")
    try:
        kind = restore(get_settings().db_url, args.file)
    except BackupError as exc:
        raise CliError(str(exc)) from exc
    print(f"{kind} database restored from {args.file}")


def _metrics_clear(_args: argparse.Namespace) -> None:
    from absher_app.observability.metrics import METRICS_DIR, clear_directory

    removed = clear_directory()
    print(f"{removed} metric files removed from {METRICS_DIR}")


def _read_new_password() -> tuple[str, str]:
    """(password, confirmation): asked twice at a terminal; else the first line of standard
    input (a second line, when given, is the confirmation). Never a command-line argument:
    those end up in the shell history and the process list."""
    if sys.stdin.isatty():
        import getpass

        return getpass.getpass("Password: "), getpass.getpass("Password again: ")
    lines = sys.stdin.read().splitlines()
    if not lines or not lines[0]:
        raise CliError("give the password on standard input (or run the command at a terminal)")
    return lines[0], lines[1] if len(lines) > 1 else lines[0]


def _staff_create(args: argparse.Namespace) -> None:
    from absher_app.domain.codes import totp_uri
    from absher_app.domain.staff import create_staff
    from absher_app.providers.clock import SystemClock

    password, confirm = _read_new_password()
    with session_scope() as session:
        member, secret = create_staff(session, args.username, args.role, password=password,
                                      confirm=confirm, office=args.office,
                                      now=SystemClock().now())
        print(f"staff account {member.username} created: {member.role}, "
              f"office {member.office or 'HQ (headquarters)'}")
    print("authenticator key (shown once; hand it to the staff member in person):")
    print(f"  {secret}")
    print(f"  {totp_uri(secret, f'staff:{member.username}')}")
    print("sign in at /staff/login; the first code from the app confirms the enrolment")


def _staff_unlock(args: argparse.Namespace) -> None:
    from absher_app.domain.staff import unlock
    from absher_app.providers.clock import SystemClock

    with session_scope() as session:
        member = unlock(session, args.username, now=SystemClock().now())
        print(f"staff account {member.username} unlocked")


def _staff_code(args: argparse.Namespace) -> None:
    from absher_app.domain.staff import current_code, find_staff
    from absher_app.providers.clock import SystemClock
    from absher_app.settings import get_settings

    # A stand-in for the authenticator app, for demos and tests: never in production.
    if get_settings().environment == "production":
        raise CliError("staff code is not available in production; use the authenticator app")
    with session_scope() as session:
        member = find_staff(session, args.username)
        if member is None:
            raise CliError(f"{args.username}: no such staff account")
        print(current_code(member, SystemClock().now()))


def _parse_day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CliError(f"{value!r} is not a date like 2026-05-31") from exc


def _message_line(message) -> str:
    flags = " needs-visit" if message.needs_visit else ""
    return (f"{message.reference}  {message.status:<9}  {message.sector}/{message.topic}  "
            f"{message.updated_at:%Y-%m-%d %H:%M}{flags}  {message.subject}")


def _messages_list(args: argparse.Namespace) -> None:
    from absher_app.domain import messages

    with session_scope() as session:
        rows = messages.inbox(session, sector=args.sector, topic=args.service,
                              status=args.status)
        if args.json:
            print(json.dumps([{
                "reference": m.reference, "status": m.status, "sector": m.sector,
                "service": m.topic, "subject": m.subject, "needs_visit": m.needs_visit,
                "updated_at": m.updated_at.isoformat()} for m in rows],
                ensure_ascii=False, indent=2))
            return
        if not rows:
            print("no messages match")
        for message in rows:
            print(_message_line(message))


def _messages_show(args: argparse.Namespace) -> None:
    from absher_app.domain import messages

    with session_scope() as session:
        message = messages.find(session, args.reference)
        if message is None:
            raise CliError(f"{args.reference}: no such message")
        print(_message_line(message))
        for post in messages.thread(session, message.id):
            who = "staff" + (f" ({post.staff_label})" if post.staff_label else "") \
                if post.author == "staff" else "person"
            print(f"--- {post.created_at:%Y-%m-%d %H:%M} {who}")
            print(post.body)
        if attachment := messages.attachment_of(session, message.id):
            print(f"--- attachment: {attachment.original_name} ({attachment.size_bytes} bytes, "
                  f"{messages.attachment_file(attachment)})")


def _messages_act(args: argparse.Namespace) -> None:
    from absher_app.domain import messages
    from absher_app.providers.clock import SystemClock
    from absher_app.providers.sms import get_sms_sender

    now = SystemClock().now()
    with session_scope() as session:
        if args.cmd == "review":
            message = messages.start_review(session, args.reference, now=now)
        elif args.cmd == "answer":
            message = messages.answer(session, args.reference, args.text,
                                      needs_visit=args.needs_visit, staff_label=args.staff or "",
                                      now=now, sms=get_sms_sender())
        elif args.cmd == "needs-visit":
            message = messages.mark_needs_visit(session, args.reference, now=now,
                                                sms=get_sms_sender())
        else:
            message = messages.close(session, args.reference, now=now, sms=get_sms_sender())
        print(f"message {message.reference} is now {message.status}"
              + (" (needs a visit)" if message.needs_visit else ""))


def _branches_list(_args: argparse.Namespace) -> None:
    from sqlmodel import select

    from absher_app.models import Branch

    with session_scope() as session:
        for branch in session.exec(select(Branch).order_by(Branch.code)).all():
            print(f"{branch.code:<8} {branch.city:<10} {branch.slot_capacity:>3} per slot  "
                  f"{branch.name_en}")


def _branches_day(args: argparse.Namespace) -> None:
    from absher_app.domain import appointments

    day = _parse_day(args.date)
    with session_scope() as session:
        branch = appointments.find_branch(session, args.branch)
        booked = appointments.branch_appointments(session, branch.code, day)
        for slot in appointments.day_slots(session, branch, day):
            state = "closed" if slot.closed else f"{slot.booked}/{slot.capacity} booked"
            print(f"{slot.start}  {state}")
            for appointment in (a for a in booked if a.start == slot.start):
                print(f"         {appointment.reference} {appointment.status} "
                      f"{appointment.sector}/{appointment.topic}")


def _branches_capacity(args: argparse.Namespace) -> None:
    from absher_app.domain import appointments
    from absher_app.providers.clock import SystemClock

    day = _parse_day(args.date) if args.date else None
    if args.time and day is None:
        raise CliError("--time needs --date")
    with session_scope() as session:
        change = appointments.set_capacity(session, args.branch, args.places,
                                           now=SystemClock().now(), day=day, start=args.time)
    where = f"{args.date} {args.time}" if args.time else args.date or "every day from today"
    print(f"{args.branch.upper()}: {args.places} places per slot for {where} "
          f"({change.changed} slots changed)")
    for slot in change.kept_higher:
        print(f"kept higher (already booked beyond it): {slot}")


def _branches_close_day(args: argparse.Namespace) -> None:
    from absher_app.domain import appointments
    from absher_app.providers.clock import SystemClock
    from absher_app.providers.sms import get_sms_sender

    with session_scope() as session:
        affected = appointments.close_day(session, args.branch, _parse_day(args.date),
                                          args.reason, now=SystemClock().now(),
                                          sms=get_sms_sender())
        print(f"{args.branch.upper()} closed on {args.date}: {len(affected)} appointment"
              f"{'' if len(affected) == 1 else 's'} cancelled and their people told")


def _branches_reopen_day(args: argparse.Namespace) -> None:
    from absher_app.domain import appointments

    with session_scope() as session:
        if not appointments.reopen_day(session, args.branch, _parse_day(args.date)):
            raise CliError(f"{args.branch.upper()} is not closed on {args.date}")
    print(f"{args.branch.upper()} receives again on {args.date}")


def _appointments_check_in(args: argparse.Namespace) -> None:
    from absher_app.domain import appointments
    from absher_app.providers.clock import SystemClock

    with session_scope() as session:
        appointment = appointments.check_in(session, args.scanned, now=SystemClock().now())
        print(f"appointment {appointment.reference} checked in ({appointment.start})")
def _delegations_expire(_args: argparse.Namespace) -> None:
    from absher_app.domain.calendars import today_in_riyadh
    from absher_app.domain.delegation import expire_due
    from absher_app.providers.clock import SystemClock
    from absher_app.providers.sms import get_sms_sender

    clock = SystemClock()
    with session_scope() as session:
        count = expire_due(session, today_in_riyadh(clock), clock.now(), get_sms_sender())
    print(f"{count} delegation{'' if count == 1 else 's'} expired at their end date")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, one sub-command per operator task."""
    parser = argparse.ArgumentParser(prog="absher", description="Absher Passports operator CLI")
    groups = parser.add_subparsers(dest="group", required=True)

    db = groups.add_parser("db", help="database").add_subparsers(dest="cmd", required=True)
    db.add_parser("upgrade", help="apply migrations").set_defaults(func=_db_upgrade)
    backup = db.add_parser("backup", help="write a backup of the database to FILE (SQLite's "
                                          "online backup; pg_dump for PostgreSQL)")
    backup.add_argument("file")
    backup.set_defaults(func=_db_backup)
    restore = db.add_parser("restore", help="replace the database's content with a backup")
    restore.add_argument("file")
    restore.add_argument("--yes", action="store_true", help="yes, replace every row")
    restore.set_defaults(func=_db_restore)

    seed = groups.add_parser("seed", help="demo data").add_subparsers(dest="cmd", required=True)
    seed.add_parser("demo", help="load the demo registry, branches and accounts").set_defaults(
        func=_seed_demo
    )

    registry = groups.add_parser("registry", help="civil registry").add_subparsers(
        dest="cmd", required=True
    )
    imp = registry.add_parser("import", help="add or update persons from a JSON file")
    imp.add_argument("file")
    imp.set_defaults(func=_registry_import)

    acc = groups.add_parser("accounts", help="accounts").add_subparsers(dest="cmd", required=True)
    activate = acc.add_parser("activate", help="activate a registered account")
    activate.add_argument("id_number")
    activate.add_argument("--channel", required=True, choices=["bank", "kiosk", "office"])
    activate.set_defaults(func=_accounts_activate)

    req = groups.add_parser("requests", help="service requests").add_subparsers(
        dest="cmd", required=True)
    decide = req.add_parser("decide", help="approve or reject a request that is in review")
    decide.add_argument("reference")
    decide.add_argument("decision", choices=["approve", "reject"])
    decide.add_argument("--reason", help="required to reject; shown to the person")
    decide.set_defaults(func=_requests_decide)

    delivery = groups.add_parser("delivery", help="Saudi Post deliveries").add_subparsers(
        dest="cmd", required=True)
    advance = delivery.add_parser("advance", help="move a delivery to its next status")
    advance.add_argument("tracking_number")
    advance.set_defaults(func=_delivery_advance)

    bills = groups.add_parser("bills", help="SADAD bills").add_subparsers(dest="cmd",
                                                                          required=True)
    pay = bills.add_parser("pay", help="pay a bill as the demo bank would")
    pay.add_argument("bill_number")
    pay.set_defaults(func=_bills_pay)

    jobs = groups.add_parser("jobs", help="background jobs").add_subparsers(dest="cmd",
                                                                          required=True)
    jobs_run = jobs.add_parser("run", help="run every idempotent job once now (expire unpaid "
                                           "bills, reminders, retention...)")
    jobs_run.add_argument("--only", help="only this job")
    jobs_run.set_defaults(func=_jobs_run)
    jobs_status = jobs.add_parser("status", help="each job's last run, outcome and next run")
    jobs_status.add_argument("--json", action="store_true", help="print JSON")
    jobs_status.set_defaults(func=_jobs_status)
    sched = groups.add_parser("scheduler", help="run the background jobs on their schedule "
                                                "(a service; one run per period across every "
                                                "process)")
    sched.add_argument("--once", action="store_true", help="one look, then exit")
    sched.add_argument("--tick", type=float, default=30.0, help="seconds between looks")
    sched.set_defaults(func=_scheduler)
    metrics_group = groups.add_parser("metrics", help="metrics").add_subparsers(
        dest="cmd", required=True)
    metrics_group.add_parser("clear", help="remove the metric files of an earlier run (before "
                                           "the app starts)").set_defaults(func=_metrics_clear)

    from absher_app.domain.staff import ROLES

    staff = groups.add_parser("staff", help="directorate staff accounts").add_subparsers(
        dest="cmd", required=True)
    create = staff.add_parser("create", help="create a staff account (password from the "
                                             "prompt or standard input; prints its "
                                             "authenticator key once)")
    create.add_argument("username")
    create.add_argument("--role", required=True, choices=ROLES)
    create.add_argument("--office", help="branch code (e.g. RUH-01); default: headquarters")
    create.set_defaults(func=_staff_create)
    unlock = staff.add_parser("unlock", help="lift the lock after repeated wrong passwords")
    unlock.add_argument("username")
    unlock.set_defaults(func=_staff_unlock)
    code = staff.add_parser("code", help="print a staff account's current authenticator code "
                                         "(demo and test only; refused in production)")
    code.add_argument("username")
    code.set_defaults(func=_staff_code)
    msg = groups.add_parser("messages", help="messages and requests (staff side)")
    msg = msg.add_subparsers(dest="cmd", required=True)
    listing = msg.add_parser("list", help="the inbox, oldest waiting first")
    listing.add_argument("--sector")
    listing.add_argument("--service")
    listing.add_argument("--status", choices=["sent", "in_review", "answered", "closed"])
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(func=_messages_list)
    show = msg.add_parser("show", help="a message with its whole thread")
    show.add_argument("reference")
    show.set_defaults(func=_messages_show)
    review = msg.add_parser("review", help="take a sent message up (in review)")
    review.add_argument("reference")
    review.set_defaults(func=_messages_act)
    answer = msg.add_parser("answer", help="answer a message; the person is told by SMS")
    answer.add_argument("reference")
    answer.add_argument("--text", required=True)
    answer.add_argument("--needs-visit", action="store_true",
                        help="the matter needs a visit: offer the person an appointment")
    answer.add_argument("--staff", help="who answers (shown to staff, not to the person)")
    answer.set_defaults(func=_messages_act)
    visit = msg.add_parser("needs-visit", help="mark a message as needing a branch visit")
    visit.add_argument("reference")
    visit.set_defaults(func=_messages_act)
    close = msg.add_parser("close", help="close a message")
    close.add_argument("reference")
    close.set_defaults(func=_messages_act)

    branches = groups.add_parser("branches", help="branches (branch manager)").add_subparsers(
        dest="cmd", required=True)
    branches.add_parser("list", help="every branch").set_defaults(func=_branches_list)
    day = branches.add_parser("day", help="a day's slots and appointments at a branch")
    day.add_argument("branch")
    day.add_argument("date")
    day.set_defaults(func=_branches_day)
    capacity = branches.add_parser("capacity", help="places per slot (default, a day, a slot)")
    capacity.add_argument("branch")
    capacity.add_argument("places", type=int)
    capacity.add_argument("--date", help="only this day (YYYY-MM-DD)")
    capacity.add_argument("--time", help="only this slot (HH:MM), with --date")
    capacity.set_defaults(func=_branches_capacity)
    close_day = branches.add_parser("close-day", help="close a branch for a day; booked "
                                                     "people are told and offered another slot")
    close_day.add_argument("branch")
    close_day.add_argument("date")
    close_day.add_argument("--reason", required=True)
    close_day.set_defaults(func=_branches_close_day)
    reopen = branches.add_parser("reopen-day", help="undo closing a day")
    reopen.add_argument("branch")
    reopen.add_argument("date")
    reopen.set_defaults(func=_branches_reopen_day)

    appts = groups.add_parser("appointments", help="appointments").add_subparsers(
        dest="cmd", required=True)
    checkin = appts.add_parser("check-in", help="check a person in by their slip's QR text")
    checkin.add_argument("scanned")
    checkin.set_defaults(func=_appointments_check_in)
    dele = groups.add_parser("delegations", help="electronic delegations").add_subparsers(
        dest="cmd", required=True)
    dele.add_parser("expire", help="expire delegations past their end date (idempotent; also "
                                   "part of `jobs run`)").set_defaults(func=_delegations_expire)

    traffic = groups.add_parser("traffic", help="traffic records").add_subparsers(
        dest="cmd", required=True)
    fines = traffic.add_parser("fines", help="a person's traffic fines, newest first, paid and "
                                             "unpaid")
    fines.add_argument("id_number")
    fines.add_argument("--json", action="store_true", help="print JSON")
    fines.set_defaults(func=_traffic_fines)

    sms = groups.add_parser("sms", help="SMS outbox and relay").add_subparsers(dest="cmd",
                                                                            required=True)
    relay_cmd = sms.add_parser("relay", help="send queued messages through the HTTP gateway "
                                             "(a service)")
    relay_cmd.add_argument("--once", action="store_true", help="one batch, then exit")
    relay_cmd.add_argument("--batch", type=int, default=20, help="messages per batch")
    relay_cmd.add_argument("--poll", type=float, default=1.0,
                           help="seconds between looks when idle")
    relay_cmd.set_defaults(func=_sms_relay)
    sms.add_parser("status", help="messages by delivery status, and the oldest waiting"
                   ).set_defaults(func=_sms_status)
    outbox = sms.add_parser("outbox", help="list sent messages, newest first")
    outbox.add_argument("--to", help="only messages to this mobile")
    outbox.add_argument("--last", type=int, default=20, help="how many (default 20)")
    outbox.add_argument("--json", action="store_true", help="print JSON")
    outbox.set_defaults(func=_sms_outbox)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], None] = args.func
    try:
        func(args)
    except (CliError, DomainError) as exc:
        # One line, whatever the message quotes from the input (a value may hold a newline).
        reason = " ".join(str(exc).split())
        print(f"absher: error: {reason}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
