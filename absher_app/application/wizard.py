"""The one wizard every service runs (absher_app.domain.wizard is its engine), as use cases:
open it, choose whom it is for, answer a step, go back or change an answer, submit (through a
code sent to the mobile for services signed that way), discard the draft.

Every use case takes the `WizardKey` (the service from the URL and the delegation the person
acts under, if any), finds the signed-in account, rebuilds the rule context and the draft from
the database, and returns the whole screen as a `WizardView`. Where the person may be is the
domain's step policy: a step index from the browser is only a wish, clamped to the furthest
step whose earlier steps all validate; opening a draft lands on the first step not answered.
The draft's token (which makes submitting idempotent) travels in the view for the page to keep
on the server; it is never shown.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Mapping
from datetime import date
from enum import StrEnum
from typing import Any

from absher_app import routes
from absher_app.application.identity import SignedIn
from absher_app.application.inputs import Form, FormFields, text
from absher_app.application.unit import Tx, use_case
from absher_app.application.views import Text, both, local_time, problem, problem_for
from absher_app.application.views import text as text_of
from absher_app.domain import calendars, catalogue, codes, requests, wizard
from absher_app.domain import delegation as delegations
from absher_app.domain.errors import DomainError
from absher_app.domain.identity import mask_mobile
from absher_app.domain.request_status import RequestStatus
from absher_app.i18n import translate
from absher_app.models import Person, ServiceRequest, WizardDraft

# Transport bounds (the rules say the real limits, with their messages).
TOKEN_MAX = 64


class Phase(StrEnum):
    """The screen the wizard shows."""

    LOADING = "loading"
    UNAVAILABLE = "unavailable"  # no such service, or nobody in the household it applies to
    REFUSED = "refused"  # acting on behalf is not allowed (the reason is the problem shown)
    WHO = "who"  # whom is it for?
    BLOCKED = "blocked"  # every rule that stops the request, each with its fix
    STEP = "step"
    REVIEW = "review"  # check your answers, and the fee
    CODE = "code"  # confirm with the code sent to the mobile
    DONE = "done"


@dataclasses.dataclass(frozen=True)
class WizardKey:
    """Which wizard: a service code (from the URL; anything unknown shows "unavailable") and
    the reference of the delegation the person acts under ("" for their own household)."""

    service: str
    on_behalf: str = ""

    @property
    def draft_key(self) -> str:
        return wizard.draft_key(self.service, self.on_behalf)


@dataclasses.dataclass(frozen=True)
class WhoForm(Form):
    """Whom the request is for: the ID number of the member chosen ("" when none is)."""

    beneficiary: str = text(max_length=20, required=False)


@dataclasses.dataclass(frozen=True)
class CodeForm(Form):
    """The code typed on the code step."""

    code: str = text(max_length=40, required=False)


@dataclasses.dataclass
class ChoiceView:
    """A radio or a checkbox: its element id, value (never an internal id), label, state."""

    id: str
    value: str
    label_ar: str
    label_en: str
    checked: bool


@dataclasses.dataclass
class FieldView:
    """One question of a step, with what it holds now and its message when it is wrong."""

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
    options: list[ChoiceView]
    # A date field: its day, month and year boxes, the calendar they are typed in, and the
    # date read in both calendars once it is one.
    day: str = ""
    month: str = ""
    year: str = ""
    hijri: bool = False
    both_ar: str = ""
    both_en: str = ""


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


@dataclasses.dataclass
class ReviewRow:
    """An answer on the check-your-answers page, and the step that changes it."""

    label_ar: str
    label_en: str
    value_ar: str
    value_en: str
    index: int


@dataclasses.dataclass
class FeeRow:
    ar: str
    en: str
    amount: int


@dataclasses.dataclass
class WizardView:
    """The whole screen. `token` is the draft's: for the page's server side only
    (`shown()` is the view without it)."""

    phase: str = Phase.LOADING
    on_behalf: str = ""  # the delegation acted under (its page is where "done" leads back)
    title: Text = dataclasses.field(default_factory=Text)
    acting_for: Text = dataclasses.field(default_factory=Text)
    beneficiary: Text = dataclasses.field(default_factory=Text)
    resumed: bool = False
    who_options: list[ChoiceView] = dataclasses.field(default_factory=list)
    blockers: list[BlockerView] = dataclasses.field(default_factory=list)
    step_index: int = 0
    step_number: int = 0
    step_total: int = 0
    step_title: Text = dataclasses.field(default_factory=Text)
    fields: list[FieldView] = dataclasses.field(default_factory=list)
    problems: list[dict[str, str]] = dataclasses.field(default_factory=list)
    review_rows: list[ReviewRow] = dataclasses.field(default_factory=list)
    fee_lines: list[FeeRow] = dataclasses.field(default_factory=list)
    fee_total: int = 0
    sent_to_mobile: str = ""
    reference: str = ""
    bill_number: str = ""
    bill_due: str = ""
    pay_url: str = ""
    next_text: Text = dataclasses.field(default_factory=Text)
    token: str = ""

    def shown(self) -> WizardView:
        """What the browser may see of this view: all but the draft token."""
        return dataclasses.replace(self, token="")


# ---------------------------------------------------------------------------------------------
# Views of the engine's parts.

def shown_answer(field: wizard.Field, value: str, ctx: wizard.Context | None) -> tuple[str, str]:
    """How an answer reads in both languages: an option's label (a multi field's labels,
    listed), "Yes" for a confirmation, else the value as typed."""
    if field.kind in ("choice", "multi"):
        offered = {o.value: o for o in wizard.field_options(field, ctx)}
        chosen = [offered[v] for v in (value.split(",") if field.kind == "multi" else [value])
                  if v in offered]
        if chosen:
            ar = [translate(o.label_key, "ar", **dict(o.params)) for o in chosen]
            en = [translate(o.label_key, "en", **dict(o.params)) for o in chosen]
            return "، ".join(ar), ", ".join(en)
    if field.kind == "confirm" and value == "yes":
        return both("wizard.yes")
    if field.kind == "date" and (day := _a_date(value)) is not None:
        return calendars.both_calendars(day, "ar"), calendars.both_calendars(day, "en")
    return value, value


def _a_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _date_boxes(value: str, typed: Mapping[str, str] | None = None,
                name: str = "") -> dict[str, Any]:
    """A date field's boxes and its reading in both calendars (FieldView's date fields).

    `typed`: the form just posted, when the step comes back with problems: a date typed in
    Hijri stays in Hijri in its boxes (the value is the Gregorian date it stands for)."""
    parts = calendars.date_parts(value)
    if typed and typed.get(f"{name}_calendar") == calendars.Calendar.HIJRI:
        parts = calendars.DateParts(*(typed.get(f"{name}_{box}", "")[:8]
                                      for box in wizard.DATE_PARTS[:3]),
                                    calendar=calendars.Calendar.HIJRI)
    day = _a_date(value)
    return dict(day=parts.day, month=parts.month, year=parts.year,
                hijri=parts.calendar == calendars.Calendar.HIJRI,
                both_ar=calendars.both_calendars(day, "ar") if day else "",
                both_en=calendars.both_calendars(day, "en") if day else "")


def field_views(step: wizard.Step, values: dict[str, str], problems: list[DomainError],
                ctx: wizard.Context | None = None,
                typed: Mapping[str, str] | None = None) -> list[FieldView]:
    """The step's fields holding `values`, each with its problem; options made from records
    are listed with their labels filled in, and a multi field's boxes ticked again (`typed`:
    the form as posted, for date boxes to show what was typed)."""
    errors = {p.field: p for p in problems}
    views = []
    for field in step.fields:
        error = problem(errors[field.name]) if field.name in errors else {"ar": "", "en": ""}
        value = values.get(field.name, "")
        hint = both(field.hint_key) if field.hint_key else ("", "")
        ticked = value.split(",") if field.kind == "multi" else [value]
        views.append(FieldView(
            field.name, field.kind, f"field-{field.name}", *both(field.label_key), *hint,
            value, error["ar"], error["en"],
            [ChoiceView(f"field-{field.name}-{o.value}", o.value,
                        translate(o.label_key, "ar", **dict(o.params)),
                        translate(o.label_key, "en", **dict(o.params)), o.value in ticked)
             for o in wizard.field_options(field, ctx)],
            **(_date_boxes(value, typed, field.name) if field.kind == "date" else {})))
    return views


def person_names(person: Person, applicant: Person) -> tuple[str, str]:
    """A household member's name; the applicant is "Myself — name"."""
    if person.id == applicant.id:
        ar, en = both("wizard.self")
        return f"{ar} — {person.name_ar}", f"{en} — {person.name_en}"
    return person.name_ar, person.name_en


def _blocker_view(blocker: wizard.Blocker, ctx: wizard.Context, on_behalf: str = ""
                  ) -> BlockerView:
    """What blocks, how to fix it, and a link to the service that fixes it (started for the
    same person, and under the same delegation `on_behalf` when acting for someone: the fix is
    for the delegator's household, not the delegate's) when there is one."""
    ar, en = both(f"blockers.{blocker.code}", **blocker.params)
    fix_ar, fix_en = both(f"fixes.{blocker.code}", **blocker.params)
    fix = catalogue.fixing_service(blocker, ctx)
    if fix is None:
        return BlockerView(ar, en, fix_ar, fix_en)
    member = ctx.beneficiary.id_number
    href = routes.act_on_behalf_path(fix.code, on_behalf, member) if on_behalf \
        else routes.service_path(fix.code, member)
    return BlockerView(ar, en, fix_ar, fix_en, href, *both(fix.title_key))


# ---------------------------------------------------------------------------------------------
# The wizard as the database holds it.

class _Show(Exception):
    """A screen to show instead of going on (unavailable, refused, whom is it for)."""

    def __init__(self, view: WizardView) -> None:
        super().__init__(view.phase)
        self.view = view


@dataclasses.dataclass
class _Wizard:
    key: WizardKey
    service: wizard.Service
    who: SignedIn
    ctx: wizard.Context
    draft: WizardDraft | None
    base: WizardView  # title and whom it is done for, on every screen

    @functools.cached_property
    def candidates(self) -> list[Person]:
        """Whom the person may apply for (read when a screen needs them: a step of a draft
        whose beneficiary is known does not)."""
        return wizard.candidates(self.service, self.ctx)

    def view(self, **fields) -> WizardView:
        return dataclasses.replace(self.base, **fields)

    @property
    def answers(self) -> dict[str, str]:
        return wizard.decode_answers(self.draft.answers_json) if self.draft else {}


def _open(tx: Tx, who: SignedIn, key: WizardKey) -> _Wizard:
    """The service, the rule context (the delegator's household when acting on behalf), the
    draft and the beneficiary it holds. Raises _Show for what stops here."""
    service = catalogue.service(key.service)
    if service is None:
        raise _Show(WizardView(Phase.UNAVAILABLE, title=text_of("services.title")))
    base = WizardView(title=text_of(service.title_key), on_behalf=key.on_behalf)
    applicant = tx.session.get(Person, who.person_id)
    if key.on_behalf:
        try:
            acting = delegations.authorize(tx.session, delegate=applicant,
                                           reference=key.on_behalf, service_code=service.code,
                                           today=tx.today)
        except DomainError as error:
            raise _Show(dataclasses.replace(base, phase=Phase.REFUSED,
                                            problems=[problem(error)])) from None
        applicant = tx.session.get(Person, acting.delegator_id)
        base.acting_for = Text(applicant.name_ar, applicant.name_en)
    ctx = wizard.Context(session=tx.session, today=tx.today, now=tx.now, applicant=applicant)
    w = _Wizard(key, service, who, ctx, wizard.load_draft(tx.session, who.account_id,
                                                          key.draft_key), base)
    ctx.beneficiary = _draft_beneficiary(w)
    if ctx.beneficiary is not None:
        base.beneficiary = Text(*person_names(ctx.beneficiary, applicant))
    elif not w.candidates:
        raise _Show(dataclasses.replace(base, phase=Phase.UNAVAILABLE))
    return w


def _draft_beneficiary(w: _Wizard) -> Person | None:
    """The draft's beneficiary while the person may still apply for them, else None."""
    beneficiary_id = w.draft.beneficiary_id if w.draft is not None else None
    if beneficiary_id is None:
        return None
    applicant = w.ctx.applicant
    person = applicant if beneficiary_id == applicant.id else \
        w.ctx.session.get(Person, beneficiary_id)
    return person if person is not None and wizard.is_candidate(w.service, w.ctx, person) \
        else None


def _opened(tx: Tx, who: SignedIn, key: WizardKey) -> _Wizard:
    """As `_open`, past "whom is it for": otherwise that question is the screen."""
    w = _open(tx, who, key)
    if w.ctx.beneficiary is None or w.draft is None:
        raise _Show(_who(w))
    return w


def _who(w: _Wizard, chosen: Person | None = None,
         problems: list[dict[str, str]] | None = None) -> WizardView:
    return w.view(
        phase=Phase.WHO, beneficiary=Text(), problems=problems or [],
        who_options=[ChoiceView(f"who-{p.id_number}", p.id_number,
                                *person_names(p, w.ctx.applicant),
                                chosen is not None and p.id == chosen.id)
                     for p in w.candidates])


def _going_on(w: _Wizard, resumed: bool = False) -> WizardView:
    """With whom it is for known: the blockers, else the first step not answered (check your
    answers when every step is)."""
    if blockers := wizard.precheck(w.service, w.ctx):
        return w.view(phase=Phase.BLOCKED,
                      blockers=[_blocker_view(b, w.ctx, w.key.on_behalf) for b in blockers],
                      who_options=_who(w, w.ctx.beneficiary).who_options)
    at = wizard.position(w.service, w.ctx, w.answers)
    if at.at_review:
        return _review(w)
    return _step(w, at, w.answers, resumed=resumed)


def _step(w: _Wizard, at: wizard.Position, values: dict[str, str],
          problems: list[DomainError] | None = None, resumed: bool = False,
          typed: Mapping[str, str] | None = None) -> WizardView:
    step = at.step
    return w.view(
        phase=Phase.STEP, resumed=resumed, step_index=at.index,
        step_number=wizard.step_number(w.service, step),
        step_total=wizard.step_count(w.service), step_title=text_of(step.title_key),
        fields=field_views(step, values, problems or [], w.ctx, typed),
        problems=[problem(p) for p in problems or []])


def _review(w: _Wizard, problems: list[dict[str, str]] | None = None) -> WizardView:
    """Check your answers (every step validated: ctx.answers holds them all) and the fee."""
    answers = w.answers
    at = wizard.position(w.service, w.ctx, answers)
    if not at.at_review:  # something changed since (a date passed): back to that step
        return _step(w, at, answers, wizard.validate_answers(w.service, w.ctx, answers)[1])
    rows = [ReviewRow(*both(field.label_key), *shown_answer(field, answers.get(field.name, ""),
                                                            w.ctx), index)
            for index, step in enumerate(at.steps) for field in step.fields]
    fee = w.service.fee(w.ctx)
    w.draft = wizard.save_draft(w.ctx.session, w.who.account_id, w.key.draft_key,
                                now=w.ctx.now, step=wizard.DraftStep.REVIEW, draft=w.draft)
    return w.view(phase=Phase.REVIEW, review_rows=rows, problems=problems or [],
                  fee_lines=[FeeRow(*both(f"fees.{line.key}", **line.params), line.amount)
                             for line in fee],
                  fee_total=wizard.fee_total(fee), token=w.draft.token)


def _done(tx: Tx, request: ServiceRequest, base: WizardView) -> WizardView:
    bill = requests.bill_of(tx.session, request.id)
    service = catalogue.service(request.service_code)
    key = ("wizard.next_pay" if request.status == RequestStatus.AWAITING_PAYMENT else
           "wizard.next_review" if request.status == RequestStatus.IN_REVIEW else
           service.done_key)
    return dataclasses.replace(
        base, phase=Phase.DONE, reference=request.reference, fee_total=request.fee_sar,
        bill_number=bill.number if bill else "", bill_due=local_time(bill.due_at) if bill else "",
        pay_url=tx.payments.payment_page(bill.number) if bill else "", next_text=text_of(key),
        token=request.idempotency_key)


def _already_submitted(tx: Tx, who: SignedIn, key: WizardKey, token: str) -> WizardView | None:
    """The done screen of the request this draft token already became (a double click, a
    retry), for the same account only."""
    request = requests.by_idempotency_key(tx.session, token) if token else None
    if request is None or request.account_id != who.account_id:
        return None
    applicant = tx.session.get(Person, request.applicant_id)
    base = WizardView(title=text_of(catalogue.service(request.service_code).title_key),
                      on_behalf=key.on_behalf, beneficiary=Text(*person_names(
                          tx.session.get(Person, request.beneficiary_id), applicant)))
    if key.on_behalf:
        base.acting_for = Text(applicant.name_ar, applicant.name_en)
    return _done(tx, request, base)


def _submit(tx: Tx, who: SignedIn, w: _Wizard, code: str | None) -> WizardView:
    """Submit the draft: for a service signed with a code, first send one (`code` None) or
    check the one typed. Whatever stops it is shown where it can be fixed."""
    answers = w.answers
    try:
        if w.service.confirm_by_code:
            if code is None:
                requests.check_draft(w.service, w.ctx, answers)
                return _send_code(tx, who, w)
            codes.verify_code(tx.session, person_id=who.person_id, purpose="confirm",
                              code=code, now=tx.now)
        request = requests.submit(tx.session, w.who.account, w.service, w.ctx,
                                  draft_token=w.draft.token, sms=tx.sms,
                                  on_behalf=w.key.on_behalf)
    except (requests.BlockedError, requests.AnswersError):
        return _going_on(w)
    except codes.ThrottledError as error:
        return _code_screen(w, who, [problem(error)])
    except DomainError as error:
        if error.field == "code":
            return _code_screen(w, who, [problem(error)])
        return _review(w, [problem(error)])
    return _done(tx, request, w.base)


def _code_screen(w: _Wizard, who: SignedIn, problems: list[dict[str, str]]) -> WizardView:
    return w.view(phase=Phase.CODE, sent_to_mobile=mask_mobile(who.account.mobile),
                  problems=problems, token=w.draft.token)


def _send_code(tx: Tx, who: SignedIn, w: _Wizard) -> WizardView:
    """The code that signs the request, to the signed-in person's mobile (the same one-time
    codes and throttles as signing in)."""
    sent = codes.issue_code(tx.session, person_id=who.person_id, mobile=who.account.mobile,
                            purpose="confirm", now=tx.now, sms=tx.sms,
                            lang=who.account.language)
    return w.view(phase=Phase.CODE, sent_to_mobile=sent.masked_mobile, token=w.draft.token)


def _showing(fn: Callable[..., WizardView]) -> Callable[..., WizardView]:
    """A wizard use case whose `_Show` is its answer (the screen to show instead)."""
    @functools.wraps(fn)
    def run(tx: Tx, who: SignedIn, *inputs) -> WizardView:
        try:
            return fn(tx, who, *inputs)
        except _Show as show:
            return show.view
    return run


def _first_screen(tx: Tx, who: SignedIn, key: WizardKey, for_member: str = "") -> WizardView:
    w = _open(tx, who, key)
    resumed = w.draft is not None and w.draft.answers_json not in ("", "{}")
    chosen = wizard.preselected(w.service, w.ctx, for_member)
    if chosen is not None and len(w.candidates) > 1 and (
            w.ctx.beneficiary is None or w.ctx.beneficiary.id != chosen.id):
        return _who(w, chosen)
    if w.ctx.beneficiary is None and len(w.candidates) == 1:
        only = w.candidates[0]
        w.draft = wizard.save_draft(tx.session, w.who.account_id, key.draft_key, now=tx.now,
                                    beneficiary_id=only.id, draft=w.draft)
        w.ctx.beneficiary = only
        w.base.beneficiary = Text(*person_names(only, w.ctx.applicant))
    if w.ctx.beneficiary is None:
        return _who(w)
    return _going_on(w, resumed)


# ---------------------------------------------------------------------------------------------
# The use cases.

@use_case()
@_showing
def open_wizard(tx: Tx, who: SignedIn, key: WizardKey, for_member: str = "") -> WizardView:
    """The service's first screen for the signed-in person: whom it is for (`for_member`, an
    ID number from the family page, preselects one of those they may apply for), the blockers,
    or the draft resumed at its first unanswered step."""
    return _first_screen(tx, who, key, for_member)


@use_case()
@_showing
def choose_beneficiary(tx: Tx, who: SignedIn, key: WizardKey, form: WhoForm) -> WizardView:
    """"Who is this for?" answered with a member's ID number; another member than the draft's
    starts a new draft."""
    w = _open(tx, who, key)
    person = next((p for p in w.candidates if p.id_number == form.beneficiary), None)
    if person is None:
        return _who(w, problems=[problem_for("choose_one", "beneficiary")])
    if w.draft is not None and w.draft.beneficiary_id != person.id:
        wizard.discard_draft(tx.session, w.who.account_id, key.draft_key)
        tx.session.flush()
    w.draft = wizard.save_draft(tx.session, w.who.account_id, key.draft_key, now=tx.now,
                                beneficiary_id=person.id)
    w.ctx.beneficiary = person
    w.base.beneficiary = Text(*person_names(person, w.ctx.applicant))
    return _going_on(w)


@use_case()
@_showing
def answer_wizard_step(tx: Tx, who: SignedIn, key: WizardKey, index: int,
                       form: FormFields) -> WizardView:
    """The form of the step at `index` (clamped by the step policy): kept and on to the next
    step when it parses, else the same step with every problem and what was typed."""
    w = _opened(tx, who, key)
    if wizard.precheck(w.service, w.ctx):
        return _going_on(w)
    result = wizard.answer_step(w.service, w.ctx, w.answers, index, form)
    if result.problems:
        return _step(w, result.at, result.values, result.problems, typed=form)
    step = result.at.step
    w.draft = wizard.save_draft(tx.session, w.who.account_id, key.draft_key, now=tx.now,
                                answers=result.answers, draft=w.draft,
                                step=step.name if step else wizard.DraftStep.REVIEW)
    if step is None:
        return _review(w)
    return _step(w, result.at, result.answers)


@use_case()
@_showing
def go_to_step(tx: Tx, who: SignedIn, key: WizardKey, index: int) -> WizardView:
    """Back, or a "Change" link of check your answers: the step at `index` as far as the step
    policy allows (a negative index: whom it is for)."""
    w = _opened(tx, who, key)
    if index < 0:
        return _who(w, w.ctx.beneficiary)
    if wizard.precheck(w.service, w.ctx):
        return _going_on(w)
    answers = w.answers
    at = wizard.position(w.service, w.ctx, answers, index)
    if at.at_review:
        return _review(w)
    wizard.save_draft(tx.session, w.who.account_id, key.draft_key, now=tx.now, step=at.step.name,
                      draft=w.draft)
    return _step(w, at, answers)


@use_case()
@_showing
def submit_request(tx: Tx, who: SignedIn, key: WizardKey, token: str = "") -> WizardView:
    """Submit from check your answers (or ask for another code on the code step); `token` is
    the draft token the page was given: a repeat shows the request the first one made."""
    if done := _already_submitted(tx, who, key, token[:TOKEN_MAX]):
        return done
    return _submit(tx, who, _opened(tx, who, key), None)


@use_case()
@_showing
def confirm_by_code(tx: Tx, who: SignedIn, key: WizardKey, token: str,
                    form: CodeForm) -> WizardView:
    """The code sent to the mobile, typed on the code step: the request is submitted."""
    if done := _already_submitted(tx, who, key, token[:TOKEN_MAX]):
        return done
    return _submit(tx, who, _opened(tx, who, key), form.code)


@use_case()
@_showing
def discard_draft(tx: Tx, who: SignedIn, key: WizardKey) -> WizardView:
    """Delete this service's draft and start again."""
    if catalogue.service(key.service) is not None:
        wizard.discard_draft(tx.session, who.account_id, key.draft_key)
        tx.session.flush()
    return _first_screen(tx, who, key)
