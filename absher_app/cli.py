"""The operator command line, `absher` (QA-CONTRACT §1).

Every command exits non-zero with a one-line reason on bad input, and applies a file in one
transaction or not at all.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
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


def _seed_demo(_args: argparse.Namespace) -> None:
    from absher_app.domain.demo import load_demo
    from absher_app.providers.clock import SystemClock, today_in_riyadh

    with session_scope() as session:
        counts = load_demo(session, today_in_riyadh(SystemClock()))
    print(f"demo loaded: {counts.persons_added} persons, {counts.branches_added} branches and "
          f"{counts.accounts_added} accounts added")


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
    with session_scope() as session:
        counts = import_persons(session, records)
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
    from absher_app.domain.requests import find_bill
    from absher_app.providers.clock import SystemClock
    from absher_app.providers.payment import DemoBank
    from absher_app.providers.sms import get_sms_sender

    with session_scope() as session:
        bill = find_bill(session, args.bill_number)
        if bill is None:
            raise CliError(f"{args.bill_number}: no such bill")
        bill, charged = DemoBank().confirm(session, bill.number, bill.amount_sar,
                                           now=SystemClock().now(), sms=get_sms_sender())
        print(f"bill {bill.number} paid: SAR {bill.amount_sar}" if charged
              else f"bill {bill.number} was already paid; nothing charged")


def _jobs_run(_args: argparse.Namespace) -> None:
    from absher_app.jobs import run_all
    from absher_app.providers.sms import SmsNotConfigured, get_sms_sender

    try:
        sms = get_sms_sender()
    except SmsNotConfigured as exc:
        raise CliError(str(exc)) from exc
    reports = run_all(sms=sms)
    for report in reports:
        print(f"{report.name}: {report.summary}")
    if failed := [r.name for r in reports if r.failed]:
        raise CliError(f"job{'s' if len(failed) > 1 else ''} failed: {', '.join(failed)}")


def _delegations_expire(_args: argparse.Namespace) -> None:
    from absher_app.domain.delegation import expire_due
    from absher_app.providers.clock import SystemClock, today_in_riyadh
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
    jobs.add_parser("run", help="run every idempotent job once (expire unpaid bills, send "
                               "expiry reminders)").set_defaults(func=_jobs_run)

    dele = groups.add_parser("delegations", help="electronic delegations").add_subparsers(
        dest="cmd", required=True)
    dele.add_parser("expire", help="expire delegations past their end date (idempotent; also "
                                   "part of `jobs run`)").set_defaults(func=_delegations_expire)

    sms = groups.add_parser("sms", help="dev SMS outbox").add_subparsers(dest="cmd", required=True)
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
