"""The one state that runs every service's wizard (absher_app.domain.wizard is the engine).

The browser only ever sends a service code (read from the URL), form values and step indexes;
every handler finds the signed-in account again, rebuilds the rule context from the database
and validates everything. The draft's token, which makes submission idempotent, never leaves
the server.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
from collections.abc import Iterator
from typing import Any

import reflex as rx
from sqlmodel import Session

from absher_app import routes
from absher_app.db import session_scope
from absher_app.domain import catalogue, codes, requests, wizard
from absher_app.domain import delegation as delegations
from absher_app.domain.errors import DomainError
from absher_app.i18n import error_text, translate
from absher_app.models import Account, Person, ServiceRequest
from absher_app.providers.clock import RIYADH, today_in_riyadh
from absher_app.providers.payment import get_payment_provider
from absher_app.providers.sms import get_sms_sender
from absher_app.state.session import CLOCK, signed_in_account


@dataclasses.dataclass
class OptionView:
    id: str
    value: str
    label_ar: str
    label_en: str
    checked: bool


@dataclasses.dataclass
class FieldView:
    name: str
    kind: str
    id: str
    label_ar: str
    label_en: str
    hint_ar: str
    hint_en: str
    value: str
    error_ar: str
    error_en: str
    options: list[OptionView]


@dataclasses.dataclass
class TextView:
    """A line in both languages (blockers, fee lines, review rows, errors)."""

    ar: str
    en: str
    detail_ar: str = ""
    detail_en: str = ""
    amount: int = 0
    index: int = -1


@dataclasses.dataclass
class BlockerView:
    """A blocker, its fix, and the service that fixes it (href empty when none)."""

    ar: str
    en: str
    fix_ar: str
    fix_en: str
    href: str = ""
    link_ar: str = ""
    link_en: str = ""


def both(key: str, **params: Any) -> tuple[str, str]:
    return translate(key, "ar", **params), translate(key, "en", **params)


def text_view(key: str, params: dict[str, Any] | None = None, *, detail_key: str | None = None,
              sar: int = 0) -> TextView:
    """Catalogue string `key` (and `detail_key`) in both languages, filled from `params`."""
    params = params or {}
    ar, en = both(key, **params)
    detail = both(detail_key, **params) if detail_key else ("", "")
    return TextView(ar, en, detail[0], detail[1], sar)


def error_view(error: DomainError) -> TextView:
    return TextView(error_text(error.code, "ar", **error.params),
                    error_text(error.code, "en", **error.params))


def on_behalf_from_query(params: dict) -> str:
    """?delegation=REFERENCE: the delegate acts under that delegation (anything odd -> '')."""
    value = str(params.get("delegation", ""))[:12]
    return value if delegations.REFERENCE.fullmatch(value) else ""


def service_code_from_path(path: str) -> str:
    """'/services/exit_reentry_issue/' -> 'exit_reentry_issue' (anything odd -> '')."""
    parts = [p for p in (path or "").split("/") if p]
    return parts[1][:40] if len(parts) == 2 and parts[0] == "services" else ""


def field_views(step: wizard.Step, values: dict[str, str], problems: list[DomainError],
                ctx: wizard.Context | None = None) -> list[FieldView]:
    errors = {p.params.get("field"): p for p in problems}
    views = []
    for field in step.fields:
        error = errors.get(field.name)
        value = values.get(field.name, "")
        hint = both(field.hint_key) if field.hint_key else ("", "")
        views.append(FieldView(
            name=field.name, kind=field.kind, id=f"field-{field.name}",
            label_ar=translate(field.label_key, "ar"), label_en=translate(field.label_key, "en"),
            hint_ar=hint[0], hint_en=hint[1], value=value,
            error_ar=error_text(error.code, "ar", **error.params) if error else "",
            error_en=error_text(error.code, "en", **error.params) if error else "",
            options=[OptionView(f"field-{field.name}-{o.value}", o.value,
                                translate(o.label_key, "ar", **dict(o.params)),
                                translate(o.label_key, "en", **dict(o.params)),
                                o.value in value.split(",") if field.kind == "multi"
                                else o.value == value)
                     for o in wizard.field_options(field, ctx)]))
    return views


def shown_value(field: wizard.Field, value: str) -> tuple[str, str]:
    """How an answer reads on the check-your-answers page."""
    for option in field.options:
        if option.value == value:
            return both(option.label_key)
    if field.kind == "confirm":
        return both("wizard.yes")
    return value, value


def person_names(person: Person, applicant: Person) -> tuple[str, str]:
    if person.id == applicant.id:
        ar, en = both("wizard.self")
        return f"{ar} — {person.name_ar}", f"{en} — {person.name_en}"
    return person.name_ar, person.name_en


@dataclasses.dataclass
class Loaded:
    """What a handler needs: the DB session, the service, the account, the context, the draft."""

    session: Session
    service: wizard.Service
    account: Account
    ctx: wizard.Context
    draft: Any


class WizardState(rx.State):
    """The screen of the wizard now showing. Phases: loading, unavailable, refused (acting on
    behalf is not allowed), who, blocked, step, review, code (confirm with an SMS code), done.

    `on_behalf` is the reference of the delegation the signed-in person acts under (from the
    URL); every handler checks it again through delegation.authorize."""

    _service_code: str = ""
    on_behalf: str = ""
    acting_for: TextView = TextView("", "")
    sent_to_mobile: str = ""
    phase: str = "loading"
    title: TextView = TextView("", "")
    beneficiary: TextView = TextView("", "")
    who_options: list[OptionView] = []
    who_version: int = 0
    blockers: list[BlockerView] = []
    step_index: int = 0
    step_total: int = 0
    step_title: TextView = TextView("", "")
    fields: list[FieldView] = []
    problems: list[TextView] = []
    review_rows: list[TextView] = []
    fee_lines: list[TextView] = []
    fee_total: int = 0
    resumed: bool = False
    reference: str = ""
    bill_number: str = ""
    bill_due: str = ""
    pay_url: str = ""
    next_text: TextView = TextView("", "")
    _draft_token: str = ""

    # -- loading -------------------------------------------------------------------------------

    def _draft_key(self) -> str:
        return wizard.draft_key(self._service_code, self.on_behalf)

    def _unavailable(self) -> None:
        if self.phase != "refused":
            self.phase = "unavailable"

    def _open(self, session: Session, account_id: int, code: str) -> Loaded | None:
        service = catalogue.service(code)
        account = session.get(Account, account_id)
        if service is None or account is None:
            return None
        applicant = session.get(Person, account.person_id)
        today = today_in_riyadh(CLOCK)
        if self.on_behalf:
            try:
                acting = delegations.authorize(session, delegate=applicant,
                                               reference=self.on_behalf, service_code=code,
                                               today=today)
            except DomainError as error:
                self.phase, self.problems = "refused", [error_view(error)]
                return None
            applicant = session.get(Person, acting.delegator_id)
            self.acting_for = TextView(applicant.name_ar, applicant.name_en)
        ctx = wizard.Context(session=session, today=today, now=CLOCK.now(),
                             applicant=applicant)
        draft = wizard.load_draft(session, account, self._draft_key())
        if draft is not None and draft.beneficiary_id is not None:
            ctx.beneficiary = next((p for p in wizard.candidates(service, ctx)
                                    if p.id == draft.beneficiary_id), None)
        return Loaded(session, service, account, ctx, draft)

    def _show_step(self, loaded: Loaded, index: int, values: dict[str, str] | None = None,
                   problems: list[DomainError] | None = None) -> None:
        stored = wizard.decode_answers(loaded.draft.answers_json) if loaded.draft else {}
        wizard.validate_answers(loaded.service, loaded.ctx, stored)  # answers before this step
        steps = wizard.active_steps(loaded.service, loaded.ctx)
        if index >= len(steps):
            self._show_review(loaded)
            return
        step = steps[index]
        self.phase, self.step_index, self.step_total = "step", index, len(steps)
        self.step_title = text_view(step.title_key)
        self.fields = field_views(step, values if values is not None else stored, problems or [],
                                  loaded.ctx)
        self.problems = [error_view(p) for p in problems or []]

    def _show_review(self, loaded: Loaded) -> None:
        stored = wizard.decode_answers(loaded.draft.answers_json)
        answers, problems = wizard.validate_answers(loaded.service, loaded.ctx, stored)
        steps = wizard.active_steps(loaded.service, loaded.ctx)
        if problems:  # something changed since (a date passed): back to that step
            bad = problems[0].params.get("field")
            index = next((i for i, s in enumerate(steps)
                          if any(f.name == bad for f in s.fields)), 0)
            self._show_step(loaded, index, stored, problems)
            return
        rows = []
        for index, step in enumerate(steps):
            for field in step.fields:
                ar, en = shown_value(field, stored.get(field.name, ""))
                label = both(field.label_key)
                rows.append(TextView(label[0], label[1], ar, en, 0, index))
        fee = loaded.service.fee(loaded.ctx)
        self.phase, self.review_rows = "review", rows
        self.fee_lines = [text_view(f"fees.{line.key}", line.params, sar=line.amount)
                          for line in fee]
        self.fee_total = wizard.fee_total(fee)
        self.problems = []
        wizard.save_draft(loaded.session, loaded.account, self._draft_key(), now=loaded.ctx.now,
                          step="review")

    @staticmethod
    def _blocker_view(blocker: wizard.Blocker, ctx: wizard.Context) -> BlockerView:
        """What blocks, how to fix it, and a link to the service that fixes it (started for
        the same person) when there is one."""
        ar, en = both(f"blockers.{blocker.code}", **blocker.params)
        fix_ar, fix_en = both(f"fixes.{blocker.code}", **blocker.params)
        fix = catalogue.fixing_service(blocker, ctx)
        if fix is None:
            return BlockerView(ar, en, fix_ar, fix_en)
        return BlockerView(ar, en, fix_ar, fix_en,
                           routes.service_path(fix.code, ctx.beneficiary.id_number),
                           *both(fix.title_key))

    def _after_beneficiary(self, loaded: Loaded) -> None:
        person = loaded.ctx.beneficiary
        self.beneficiary = TextView(*person_names(person, loaded.ctx.applicant))
        if blockers := wizard.precheck(loaded.service, loaded.ctx):
            self.phase = "blocked"
            self.blockers = [self._blocker_view(b, loaded.ctx) for b in blockers]
            return
        self.blockers = []
        draft = loaded.draft
        if draft is not None and draft.step == "review":
            self._show_review(loaded)
            return
        steps = wizard.active_steps(loaded.service, loaded.ctx)
        names = [s.name for s in steps]
        index = names.index(draft.step) if draft is not None and draft.step in names else 0
        self._show_step(loaded, index)

    def _show_who(self, loaded: Loaded, chosen: int | None = None) -> None:
        self.phase = "who"
        # The radios are uncontrolled (default_checked): a new key remounts them, so a choice
        # shown earlier (a previous visit, another ?for=) never lingers.
        self.who_version += 1
        self.who_options = [
            OptionView(f"who-{p.id}", str(p.id), *person_names(p, loaded.ctx.applicant),
                       checked=p.id == chosen)
            for p in wizard.candidates(loaded.service, loaded.ctx)]

    def _load(self, account_id: int, code: str, for_member: str = "") -> None:
        with session_scope() as session:
            loaded = self._open(session, account_id, code)
            if loaded is None or not wizard.candidates(loaded.service, loaded.ctx):
                self._unavailable()
                return
            self.title = text_view(loaded.service.title_key)
            self.resumed = loaded.draft is not None and bool(loaded.draft.answers_json != "{}")
            candidates = wizard.candidates(loaded.service, loaded.ctx)
            # `?for=` (from the family page) only preselects someone this person may apply for;
            # any other value is ignored, so it reveals nothing about who exists.
            chosen = wizard.preselected(loaded.service, loaded.ctx, for_member)
            if chosen is not None and len(candidates) > 1 and (
                    loaded.ctx.beneficiary is None or loaded.ctx.beneficiary.id != chosen.id):
                self.resumed = False
                self._show_who(loaded, chosen.id)
                return
            if loaded.ctx.beneficiary is not None:
                self._draft_token = loaded.draft.token
                self._after_beneficiary(loaded)
                return
            if len(candidates) == 1:
                loaded.ctx.beneficiary = candidates[0]
                loaded.draft = wizard.save_draft(session, loaded.account, self._draft_key(),
                                                 now=loaded.ctx.now,
                                                 beneficiary_id=candidates[0].id)
                self._draft_token = loaded.draft.token
                self._after_beneficiary(loaded)
                return
            self._show_who(loaded)

    async def _run(self, work, *args, touch: bool = True) -> bool:
        """Run `work(account_id, *args)` off the event loop for the signed-in account."""
        who = await signed_in_account(self, touch)
        if who is None:
            return False
        await asyncio.to_thread(work, who.account_id, *args)
        return True

    @rx.event
    async def load(self):
        """on_load: open the service named in the URL for the signed-in person."""
        self._service_code = service_code_from_path(self.router.url.path)
        for_member = str(self.router.url.query_parameters.get("for", ""))[:12]
        self.on_behalf = on_behalf_from_query(self.router.url.query_parameters)
        self.acting_for = TextView("", "")
        self.phase, self.problems, self.reference = "loading", [], ""
        self.beneficiary, self.blockers = TextView("", ""), []
        if not await self._run(self._load, self._service_code, for_member, touch=False):
            return rx.redirect(routes.LOGIN)
        return None

    # -- events --------------------------------------------------------------------------------

    def _choose(self, account_id: int, value: str) -> None:
        with session_scope() as session:
            loaded = self._open(session, account_id, self._service_code)
            if loaded is None:
                self._unavailable()
                return
            person = next((p for p in wizard.candidates(loaded.service, loaded.ctx)
                           if str(p.id) == value), None)
            if person is None:
                self._show_who(loaded)
                self.problems = [TextView(*both("errors.choose_one"))]
                return
            if loaded.draft is not None and loaded.draft.beneficiary_id != person.id:
                wizard.discard_draft(session, loaded.account, self._draft_key())
                session.flush()
            loaded.draft = wizard.save_draft(session, loaded.account, self._draft_key(),
                                             now=loaded.ctx.now, beneficiary_id=person.id)
            self._draft_token = loaded.draft.token
            loaded.ctx.beneficiary = person
            self.problems = []
            self._after_beneficiary(loaded)

    @rx.event
    async def choose_beneficiary(self, form_data: dict):
        """'Who is this for?' answered."""
        value = str(form_data.get("beneficiary", ""))[:12]
        if not await self._run(self._choose, value):
            return rx.redirect(routes.LOGIN)
        return None

    @contextlib.contextmanager
    def _opened(self, account_id: int) -> Iterator[Loaded | None]:
        """The wizard with its beneficiary chosen and its draft, in one transaction; None
        (with the screen set to what to do instead) when that is not where the person is."""
        with session_scope() as session:
            loaded = self._open(session, account_id, self._service_code)
            if loaded is None:
                self._unavailable()
            elif loaded.ctx.beneficiary is None or loaded.draft is None:
                self._show_who(loaded)
                loaded = None
            yield loaded

    def _answer(self, account_id: int, raw: dict[str, str]) -> None:
        with self._opened(account_id) as loaded:
            if loaded is None:
                return
            if wizard.precheck(loaded.service, loaded.ctx):
                self._after_beneficiary(loaded)
                return
            stored = wizard.decode_answers(loaded.draft.answers_json)
            wizard.validate_answers(loaded.service, loaded.ctx, stored)
            steps = wizard.active_steps(loaded.service, loaded.ctx)
            if not steps:
                self._show_review(loaded)
                return
            index = min(max(self.step_index, 0), len(steps) - 1)
            step = steps[index]
            typed = {f.name: wizard.typed_value(f, raw) for f in step.fields}
            values, problems = wizard.parse_step(step, typed, loaded.ctx)
            if problems:
                self._show_step(loaded, index, typed, problems)
                return
            stored.update({k: str(v) for k, v in
                           json.loads(wizard.encode_answers(values)).items()})
            following = wizard.active_steps(loaded.service, loaded.ctx)
            next_step = following[index + 1].name if index + 1 < len(following) else "review"
            loaded.draft = wizard.save_draft(loaded.session, loaded.account, self._draft_key(),
                                             now=loaded.ctx.now, answers=stored, step=next_step)
            if next_step == "review":
                self._show_review(loaded)
            else:
                self._show_step(loaded, index + 1)

    @rx.event
    async def answer_step(self, form_data: dict):
        """A step's form submitted: parse it; on success save the draft and go on."""
        raw = {str(k)[:40]: v if isinstance(v, str) else "" for k, v in form_data.items()}
        if not await self._run(self._answer, raw):
            return rx.redirect(routes.LOGIN)
        return None

    def _goto(self, account_id: int, index: int) -> None:
        with self._opened(account_id) as loaded:
            if loaded is None:
                return
            if index < 0:
                self._show_who(loaded, loaded.ctx.beneficiary.id)
                return
            wizard.validate_answers(loaded.service, loaded.ctx,
                                    wizard.decode_answers(loaded.draft.answers_json))
            steps = wizard.active_steps(loaded.service, loaded.ctx)
            if index < len(steps):
                wizard.save_draft(loaded.session, loaded.account, self._draft_key(),
                                  now=loaded.ctx.now, step=steps[index].name)
            self._show_step(loaded, index)

    @rx.event
    async def go_to_step(self, index: int):
        """Back, or a 'change' link on the check-your-answers page (-1: who it is for)."""
        if not isinstance(index, int) or isinstance(index, bool) or not -1 <= index < 50:
            return None
        if not await self._run(self._goto, index):
            return rx.redirect(routes.LOGIN)
        return None

    def _submit(self, account_id: int, code: str | None = None) -> None:
        if self._draft_token and self._show_submitted(account_id):
            return  # a double click or a retry: the first submit already made the request
        with self._opened(account_id) as loaded:
            if loaded is None:
                return
            try:
                if loaded.service.confirm_by_code and not self._code_confirmed(loaded, code):
                    return
                request = requests.submit(loaded.session, loaded.account, loaded.service,
                                          loaded.ctx, draft_token=loaded.draft.token,
                                          sms=get_sms_sender(), on_behalf=self.on_behalf)
            except requests.BlockedError:
                self._after_beneficiary(loaded)
                return
            except requests.AnswersError:
                self._show_review(loaded)
                return
            except DomainError as error:
                self.problems = [error_view(error)]
                return
            self._done(loaded.session, request)

    def _code_confirmed(self, loaded: Loaded, code: str | None) -> bool:
        """The code step: send a code to the applicant's mobile (code None), or check the one
        typed. Same one-time codes and throttles as signing in. False: stay on this step."""
        account, person = loaded.account, loaded.ctx.applicant
        if code is None:
            requests.check_draft(loaded.service, loaded.ctx,
                                 wizard.decode_answers(loaded.draft.answers_json))
            sent = codes.issue_code(loaded.session, person_id=person.id, mobile=account.mobile,
                                    purpose="confirm", now=loaded.ctx.now, sms=get_sms_sender(),
                                    lang=account.language)
            self.phase, self.sent_to_mobile, self.problems = "code", sent.masked_mobile, []
            return False
        try:
            codes.verify_code(loaded.session, person_id=person.id, purpose="confirm", code=code,
                              now=loaded.ctx.now)
        except DomainError as error:
            self.phase, self.problems = "code", [error_view(error)]
            return False
        return True

    @rx.event
    async def confirm_code(self, form_data: dict):
        """The code sent to the applicant's mobile, typed on the code step."""
        value = form_data.get("code", "")
        code = value.strip()[:12] if isinstance(value, str) else ""
        if not await self._run(self._submit, code):
            return rx.redirect(routes.LOGIN)
        return None

    def _show_submitted(self, account_id: int) -> bool:
        with session_scope() as session:
            request = requests.by_idempotency_key(session, self._draft_token)
            if request is None or request.account_id != account_id:
                return False
            self._done(session, request)
            return True

    def _done(self, session: Session, request: ServiceRequest) -> None:
        bill = requests.bill_of(session, request.id)
        self.phase, self.reference = "done", request.reference
        self.bill_number = bill.number if bill else ""
        self.bill_due = bill.due_at.astimezone(RIYADH).strftime("%Y-%m-%d %H:%M") if bill else ""
        self.fee_total = request.fee_sar
        self.pay_url = get_payment_provider().payment_page(bill.number) if bill else ""
        service = catalogue.service(request.service_code)
        key = ("wizard.next_pay" if request.status == "awaiting_payment" else
               "wizard.next_review" if request.status == "in_review" else service.done_key)
        self.next_text = text_view(key)

    @rx.event
    async def submit(self):
        """Submit from the check-your-answers page; a repeat returns the same request."""
        if not await self._run(self._submit):
            return rx.redirect(routes.LOGIN)
        return None

    def _discard(self, account_id: int) -> None:
        with session_scope() as session:
            account = session.get(Account, account_id)
            if account is not None and catalogue.service(self._service_code):
                wizard.discard_draft(session, account, self._draft_key())
        self._draft_token = ""
        self._load(account_id, self._service_code)

    @rx.event
    async def discard(self):
        """Delete this service's draft and start again."""
        if not await self._run(self._discard):
            return rx.redirect(routes.LOGIN)
        return None
