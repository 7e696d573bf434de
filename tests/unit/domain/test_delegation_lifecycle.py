"""A hypothesis state machine over the delegation lifecycle: create, confirm with code (the
wizard's code step), accept, reject, withdraw, revoke, "this wasn't me", expire, act, and time
passing. A plain model says what must happen; the domain must agree at every step, never reach
a status the lifecycle does not have, never change a finished delegation, and never let an
action through outside the delegated services, the dates, or by someone else."""

from __future__ import annotations

import functools
import re
import sqlite3
from datetime import UTC, date, datetime, timedelta

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
)
from sqlmodel import Session, SQLModel, select

from absher_app.db import get_engine
from absher_app.domain import codes
from absher_app.domain import delegation as d
from absher_app.domain.calendars import RIYADH
from absher_app.domain.demo import demo_ids, load_demo
from absher_app.domain.errors import DomainError
from absher_app.models import Account, Delegation, OneTimeCode, Person
from absher_app.providers.sms import OutboxSmsSender, read_outbox

START = datetime(2026, 5, 10, 9, 0, tzinfo=UTC)
SMS = OutboxSmsSender()
SERVICES = ("exit_reentry_issue", "iqama_renew", "final_exit_issue")
FINAL = {"rejected", "withdrawn", "revoked", "suspended", "expired"}
# Who may appear: the delegator, two adult citizens with accounts, a resident.
PEOPLE = ("c1", "c8", "c4", "r2")
DELEGATES = ("c8", "c4")


def _demo_template(today: date) -> sqlite3.Connection:
    """An in-memory database holding every table and the demo data on `today`, made once."""
    return _demo_engine_and_connection(today)[1].driver_connection


@functools.cache
def _demo_engine_and_connection(today: date):
    # Cached together: the engine and its one connection keep the in-memory database alive.
    engine = get_engine.__wrapped__("sqlite://")
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        load_demo(session, today)
        session.commit()
    return engine, engine.raw_connection()


class DelegationLifecycle(RuleBasedStateMachine):
    references = Bundle("references")

    def __init__(self) -> None:
        super().__init__()
        self.now = START
        # A copy of the demo database, not a new load: loading it was most of each example's
        # time, and every example starts from the same data.
        self.engine = get_engine.__wrapped__("sqlite://")
        raw = self.engine.raw_connection()  # in memory: the pool keeps this one connection
        _demo_template(self.today).backup(raw.driver_connection)
        raw.close()
        self.session = Session(self.engine, expire_on_commit=False)
        ids = demo_ids()
        self.people = {key: self.session.exec(select(Person).where(
            Person.id_number == ids[key])).one() for key in PEOPLE}
        # reference -> {status, delegate, services, start, end}
        self.model: dict[str, dict] = {}
        self.wrong_codes = 0

    def teardown(self) -> None:
        self.session.close()
        self.engine.dispose()

    @property
    def today(self):
        return self.now.astimezone(RIYADH).date()

    def _try(self, call, **kwargs):
        try:
            result = call(self.session, **kwargs)
        except DomainError as error:
            self.session.rollback()
            return error
        self.session.commit()
        return result

    def _lazy_status(self, ref: str) -> str:
        """The status as any action sees it: open and past its last day means expired."""
        entry = self.model[ref]
        if entry["status"] in ("pending", "active", "suspended") and entry["end"] < self.today:
            return "expired"
        return entry["status"]

    @initialize()
    def nothing_yet(self):
        assert self.session.exec(select(Delegation)).all() == []

    @rule(target=references, delegate=st.sampled_from(("c8", "c8", "c4")),
          services=st.sets(st.sampled_from(SERVICES), min_size=1),
          start=st.integers(0, 3), days=st.integers(1, 10),
          code_ok=st.sampled_from((True, True, True, False)))
    def create_confirmed_by_code(self, delegate, services, start, days, code_ok):
        """The wizard's last step: a code to the delegator's mobile, then the delegation."""
        delegator = self.people["c1"]
        self.now += timedelta(minutes=2)  # the resend cooldown is one minute
        codes.issue_code(self.session, person_id=delegator.id, mobile=delegator.mobile,
                         purpose="confirm", now=self.now, sms=SMS)
        self.session.commit()
        if not code_ok and self.wrong_codes < 5:  # 10 wrong codes would lock code entry
            self.wrong_codes += 1
            outcome = self._try(codes.verify_code, person_id=delegator.id, purpose="confirm",
                                code="000000", now=self.now)
            assert isinstance(outcome, DomainError)
            return "0000000000"  # not confirmed: nothing made, a reference nobody has
        # The right code, read the way a person would: from the text message.
        body = read_outbox(self.session, to=delegator.mobile, last=1)[0].body
        typed = re.search(r"\b(\d{6})\b", body).group(1)
        outcome = self._try(codes.verify_code, person_id=delegator.id, purpose="confirm",
                            code=typed, now=self.now)
        assert not isinstance(outcome, DomainError), outcome
        starts_on = self.today + timedelta(days=start)
        ends_on = starts_on + timedelta(days=days - 1)
        target = self.people[delegate]
        duplicate = any(e["delegate"] == delegate and set(e["services"]) & services
                        and e["status"] in ("pending", "active") and e["end"] >= self.today
                        for r, e in self.model.items())
        made = self._try(d.create, delegator=self.people["c1"],
                         delegate_id_number=target.id_number,
                         delegate_mobile="0" + target.mobile[4:], sector="passports",
                         services=tuple(services), starts_on=starts_on, ends_on=ends_on,
                         today=self.today, now=self.now, sms=SMS)
        if duplicate:
            assert isinstance(made, DomainError) and made.code == "delegation_duplicate"
            return "0000000000"
        assert isinstance(made, Delegation), made
        self.model[made.reference] = {"status": "pending", "delegate": delegate,
                                      "services": tuple(services), "start": starts_on,
                                      "end": ends_on}
        return made.reference

    def _answer(self, call, ref, who, new_status):
        entry = self.model.get(ref)
        result = self._try(call, delegate=self.people[who], reference=ref, today=self.today,
                           now=self.now, sms=SMS)
        ok = (entry is not None and who == entry["delegate"]
              and self._lazy_status(ref) == "pending")

        assert (not isinstance(result, DomainError)) == ok, (result, entry, who)
        if ok:
            entry["status"] = new_status

    @rule(ref=references, who=st.sampled_from(("c8", "c8", "c4", "r2")))
    def accept(self, ref, who):
        self._answer(d.accept, ref, who, "active")

    @rule(ref=references)
    def delegate_accepts(self, ref):
        """The addressee with the reference from their text message (the usual case)."""
        if ref in self.model:
            self.accept(ref, self.model[ref]["delegate"])

    @rule(ref=references, who=st.sampled_from(PEOPLE))
    def reject(self, ref, who):
        self._answer(d.reject, ref, who, "rejected")

    def _end(self, call, ref, who, wanted, new_status):
        entry = self.model.get(ref)
        result = self._try(call, delegator=self.people[who], reference=ref, today=self.today,
                           now=self.now, sms=SMS)
        ok = entry is not None and who == "c1" and self._lazy_status(ref) == wanted
        assert (not isinstance(result, DomainError)) == ok, (result, entry, who)
        if ok:
            entry["status"] = new_status

    @rule(ref=references, who=st.sampled_from(("c1", "c8")))
    def withdraw(self, ref, who):
        self._end(d.withdraw, ref, who, "pending", "withdrawn")

    @rule(ref=references, who=st.sampled_from(("c1", "c8")))
    def revoke(self, ref, who):
        self._end(d.revoke, ref, who, "active", "revoked")

    @rule(ref=references)
    def this_was_not_me(self, ref):
        self._end(d.suspend, ref, "c1", "active", "suspended")

    @rule()
    def expire_job(self):
        first = d.expire_due(self.session, self.today, self.now, SMS)
        again = d.expire_due(self.session, self.today, self.now, SMS)
        self.session.commit()
        due = [r for r, e in self.model.items()
               if e["status"] in ("pending", "active", "suspended") and e["end"] < self.today]
        assert (first, again) == (len(due), 0)
        for ref in due:
            self.model[ref]["status"] = "expired"

    @rule(days=st.integers(0, 6))
    def time_passes(self, days):
        self.now += timedelta(days=days)

    @rule(ref=references, who=st.sampled_from(("c8", "c8", "c4", "r2", "c1")),
          service=st.sampled_from(
        SERVICES + ("passport_issue", "vehicle_transfer")))
    def act(self, ref, who, service):
        entry = self.model.get(ref)
        result = self._try(d.authorize, delegate=self.people[who], reference=ref,
                           service_code=service, today=self.today)
        allowed = (entry is not None and who == entry["delegate"]
                   and self._lazy_status(ref) == "active"
                   and entry["start"] <= self.today <= entry["end"]
                   and service in entry["services"])
        event(f"act {self._lazy_status(ref) if entry else None} allowed={allowed}")
        assert (not isinstance(result, DomainError)) == allowed, (result, entry, who, service)

    @rule(ref=references, data=st.data())
    def delegate_acts(self, ref, data):
        """The delegate themself, for a service they were given or not."""
        entry = self.model.get(ref)
        if entry is None:
            return
        others = tuple(s for s in SERVICES + ("passport_issue",) if s not in entry["services"])
        self.act(ref, entry["delegate"], data.draw(st.sampled_from(entry["services"] + others)))

    @invariant()
    def database_agrees_with_the_model(self):
        rows = {r.reference: r for r in self.session.exec(select(Delegation)).all()}
        assert set(rows) == set(self.model)  # history is never deleted
        for ref, entry in self.model.items():
            row = rows[ref]
            assert row.status in d.STATUSES
            assert row.status == entry["status"]
            assert row.delegator_id == self.people["c1"].id
            assert (row.ends_on - row.starts_on).days < 365

    @invariant()
    def at_most_one_open_delegation_per_service_and_delegate(self):
        seen = set()
        for ref, entry in self.model.items():
            if self._lazy_status(ref) in ("pending", "active"):
                for service in entry["services"]:
                    assert (entry["delegate"], service) not in seen
                    seen.add((entry["delegate"], service))

    @invariant()
    def every_code_is_used_at_most_once(self):
        for row in self.session.exec(select(OneTimeCode)).all():
            assert row.used_at is None or row.used_at >= row.created_at


DelegationLifecycle.TestCase.settings = settings(
    max_examples=100, stateful_step_count=30, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
test_delegation_lifecycle = DelegationLifecycle.TestCase


def test_accounts_exist_for_the_people_the_machine_uses(session):
    load_demo(session, START.date())
    session.commit()
    ids = demo_ids()
    for key in ("c1", "c8", "c4", "r2"):
        person = session.exec(select(Person).where(Person.id_number == ids[key])).one()
        account = session.exec(select(Account).where(Account.person_id == person.id)).one()
        assert account.status == "active"


@pytest.mark.parametrize("status", sorted(FINAL))
def test_finished_statuses_are_statuses(status):
    assert status in d.STATUSES
