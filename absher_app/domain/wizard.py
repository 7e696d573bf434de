"""The wizard engine: a service is data (steps, fields, checks, fee, effect); one set of
functions runs every service.

How a service runs:
1. `candidates` — who the person may apply for (themself, a dependant, a domestic worker...);
2. `precheck` — every rule that depends only on the people involved, all at once, each with
   its fix (the product's "see every blocker before you start");
3. the steps — each field parses its own input; a step may add a check across its fields;
4. check your answers — everything is validated again, the fee explained;
5. `absher_app.domain.requests.submit` — one transaction, idempotent.

The step policy (`allowed_step`, `position`, `answer_step`): a person may be on a step only
when every step before it validates with the answers kept so far; whatever step the browser
asks for is clamped to that. Resuming a draft lands on the first step not yet answered (the
check-your-answers page when there is none), and the step count is the service's, known from
the start (`step_number`, `step_count`): steps that stand for one another (the delegation's
passports or traffic services) share a `slot` and a number.

Drafts: the answers so far live in the database (WizardDraft), saved after each step.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable
from datetime import date, datetime
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import bindparam, delete
from sqlmodel import Session, select

from absher_app.domain import calendars
from absher_app.domain.errors import DomainError, ValidationError
from absher_app.domain.rules_data import rule
from absher_app.domain.secrets import url_token
from absher_app.models import Person, WizardDraft

T = TypeVar("T")

DEPENDANT_RELATIONSHIPS = frozenset({"spouse", "child", "parent"})
MAX_TEXT = 300
# A multi field's answer is its ticked values joined with commas: longer than one text answer
# (a delegation may cover every service of a sector), bounded by its options.
MAX_MULTI = 2000


@dataclasses.dataclass(frozen=True)
class Blocker:
    """A rule the request breaks: `blockers.<code>` says what, `fixes.<code>` says how to fix."""

    code: str
    params: dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class FeeLine:
    """One line of the fee explanation: `fees.<key>` with params, and its amount in SAR."""

    key: str
    amount: int
    params: dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class Context:
    """Everything a rule may look at. `answers` hold parsed values (str, int or date)."""

    session: Session
    today: date
    now: datetime
    applicant: Person
    beneficiary: Person | None = None
    answers: dict[str, Any] = dataclasses.field(default_factory=dict)
    # Set while a request is being approved, for effects that tell someone about it.
    reference: str = ""
    request_id: int | None = None
    sms: Any = None
    # Reads that every service's rules repeat (whom the applicant sponsors, the vehicles a
    # person owns), made once per context: a context lives for one use case, and the dashboard
    # asks each of the catalogue's services whom it is for.
    _reads: dict[tuple, Any] = dataclasses.field(default_factory=dict, repr=False, compare=False)

    def read_once(self, key: tuple, read: Callable[[], T]) -> T:
        """`read()` the first time `key` is asked for in this context, then its answer."""
        if key not in self._reads:
            self._reads[key] = read()
        return self._reads[key]

    def household(self) -> list[Person]:
        """Dependants and domestic workers the applicant sponsors, in name order."""
        return self.read_once(("household", self.applicant.id),
                              lambda: sponsored_by(self.session, self.applicant))


@dataclasses.dataclass(frozen=True)
class Option:
    """A choice of a choice field: its value and the i18n key of its label, and the values of
    the label's placeholders (`params`, name-value pairs) for options made from records."""

    value: str
    label_key: str
    params: tuple[tuple[str, Any], ...] = ()


Parser = Callable[[str, Context], Any]
OptionsOf = Callable[[Context], tuple[Option, ...]]


@dataclasses.dataclass(frozen=True)
class Field:
    """One question. `kind` picks the widget: choice, multi (several of the options: the
    browser sends `<name>__<value>=yes` per ticked box, see `typed_value`), number, date,
    text, confirm.

    A choice or multi field lists either fixed `options` or, with `options_from`, options
    made from the records in the context (the beneficiary's fines, their vehicles): read them
    with `field_options`."""

    name: str
    kind: str
    label_key: str
    parse: Parser
    hint_key: str | None = None
    options: tuple[Option, ...] = ()
    options_from: OptionsOf | None = None


def field_options(field: Field, ctx: Context | None) -> tuple[Option, ...]:
    """The options `field` offers in `ctx`: its fixed ones, or those made from the records
    (none without a context or a beneficiary to make them from)."""
    if field.options_from is None:
        return field.options
    if ctx is None or ctx.beneficiary is None:
        return ()
    return field.options_from(ctx)


@dataclasses.dataclass(frozen=True)
class Step:
    """One page of the wizard; `applies` hides it for some answers (e.g. no address when the
    document is collected at an office); `check` validates across its fields. Steps that are
    alternatives (only one of them applies, whatever the answers) name the same `slot`, so
    they count as one step of the service."""

    name: str
    title_key: str
    fields: tuple[Field, ...]
    applies: Callable[[Context], bool] = lambda ctx: True
    check: Callable[[Context], None] = lambda ctx: None
    slot: str = ""

    @property
    def place(self) -> str:
        """The slot this step fills in the service's sequence (its own name by default)."""
        return self.slot or self.name


class DraftStep(StrEnum):
    """Where a draft stands when it is not at one of its service's steps (WizardDraft.step
    holds that step's name otherwise)."""

    START = ""  # whom it is for is chosen; no step answered yet
    REVIEW = "review"  # every step answered: check your answers


@dataclasses.dataclass(frozen=True)
class Service:
    """An e-service, as data."""

    code: str
    group: str
    applicants: frozenset[str]
    for_self: frozenset[str]
    for_sponsored: frozenset[str]
    steps: tuple[Step, ...]
    checks: tuple[Callable[[Context], Blocker | None], ...]
    fee: Callable[[Context], list[FeeLine]]
    effect: Callable[[Context], dict[str, Any]]
    beneficiary_filter: Callable[[Context, Person], bool] = lambda ctx, person: True
    needs_review: bool = False
    delivery: bool = False
    # Submitting needs a one-time code sent to the applicant's mobile (a "sign this" step).
    confirm_by_code: bool = False
    # What the applicant is told on approval (notifications.<key>) and on the done page.
    approved_notice: str = "approved"
    done_key: str = "wizard.next_done"

    @property
    def delegable(self) -> bool:
        """Whether a delegate may carry it out (rules.toml, [delegation.delegable])."""
        return any(self.code in codes for codes in rule("delegation", "delegable").values())

    @property
    def title_key(self) -> str:
        return f"service.{self.code}.title"

    @property
    def summary_key(self) -> str:
        return f"service.{self.code}.summary"


# ---------------------------------------------------------------------------------------------
# Field parsers: each returns the parsed value or raises ValidationError(code, ..., field=name).

def choice(field: str, values: tuple[str, ...]) -> Parser:
    def parse(raw: str, ctx: Context) -> str:
        if raw not in values:
            raise ValidationError("choose_one", f"{field}: choose one", field=field)
        return raw
    return parse


def whole_number(field: str, low: int, high: int) -> Parser:
    def parse(raw: str, ctx: Context) -> int:
        digits = raw.strip().translate(str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789"))
        if not re.fullmatch(r"[0-9]{1,6}", digits):
            raise ValidationError("number_invalid", f"{field}: a whole number", field=field,
                                  low=low, high=high)
        value = int(digits)
        if not low <= value <= high:
            raise ValidationError("number_range", f"{field}: {low}..{high}", field=field,
                                  low=low, high=high)
        return value
    return parse


def a_date(field: str, *, not_before: Callable[[Context], date] | None = None,
           not_after: Callable[[Context], date] | None = None,
           too_early: str = "date_too_early", too_late: str = "date_too_late") -> Parser:
    def parse(raw: str, ctx: Context) -> date:
        if not raw.strip():
            raise ValidationError("date_required", f"{field}: no date", field=field)
        if raw.startswith(calendars.HIJRI_MARK):
            raise ValidationError("date_hijri_invalid", f"{field}: no such Hijri date",
                                  field=field)
        try:
            value = date.fromisoformat(raw.strip())
        except ValueError:
            raise ValidationError("date_entry_invalid", f"{field}: not a date",
                                  field=field) from None
        if not_before and value < not_before(ctx):
            raise ValidationError(too_early, f"{field} too early", field=field,
                                  date=not_before(ctx).isoformat())
        if not_after and value > not_after(ctx):
            raise ValidationError(too_late, f"{field} too late", field=field,
                                  date=not_after(ctx).isoformat())
        return value
    return parse


def text(field: str, pattern: str | None = None, max_length: int = MAX_TEXT,
         code: str = "text_invalid") -> Parser:
    def parse(raw: str, ctx: Context) -> str:
        value = " ".join(raw.split())
        if not value:
            raise ValidationError("field_required", f"{field} is required", field=field)
        if len(value) > max_length or (pattern and not re.fullmatch(pattern, value)):
            raise ValidationError(code, f"{field} is not valid", field=field,
                                  max=max_length)
        return value
    return parse


def several(field: str, values: tuple[str, ...]) -> Parser:
    """A multi field: at least one of `values`, comma-separated, kept in `values`' order."""
    def parse(raw: str, ctx: Context) -> str:
        chosen = {v.strip() for v in raw.split(",") if v.strip()}
        if not chosen:
            raise ValidationError("choose_at_least_one", f"{field}: choose", field=field)
        if not chosen <= set(values):
            raise ValidationError("choose_one", f"{field}: unknown choice", field=field)
        return ",".join(v for v in values if v in chosen)
    return parse


def choice_of(field: str, options: OptionsOf) -> Parser:
    """A choice among the options made from the context (see Field.options_from)."""
    def parse(raw: str, ctx: Context) -> str:
        if raw not in {o.value for o in options(ctx)}:
            raise ValidationError("choose_one", f"{field}: choose one", field=field)
        return raw
    return parse


def several_of(field: str, options: OptionsOf) -> Parser:
    """A multi field over the options made from the context: at least one, kept in the
    options' order."""
    def parse(raw: str, ctx: Context) -> str:
        return several(field, tuple(o.value for o in options(ctx)))(raw, ctx)
    return parse


# The boxes of a date field: `<name>_day`, `<name>_month`, `<name>_year`, `<name>_calendar`.
DATE_PARTS = ("day", "month", "year", "calendar")


def typed_value(field: Field, raw: dict[str, Any]) -> str:
    """What the form sent for `field`: a multi field's ticked boxes joined with commas.

    Fixed options: the ticked ones, in the options' order (other boxes are dropped). Options
    made from records are not known here: every `<name>__<value>=yes` is passed on, and the
    field's parser refuses a value its context does not offer."""
    if field.kind == "multi" and field.options_from is not None:
        prefix = f"{field.name}__"
        ticked = sorted(str(key)[len(prefix):] for key, value in raw.items()
                        if str(key).startswith(prefix) and value == "yes")
        return ",".join(ticked)[:MAX_MULTI]
    if field.kind == "multi":
        return ",".join(o.value for o in field.options
                        if raw.get(f"{field.name}__{o.value}") == "yes")
    if field.kind == "date" and f"{field.name}_year" in raw:
        # Day, month and year boxes, in the calendar chosen beside them (calendars.entered_date).
        parts = [raw.get(f"{field.name}_{part}", "") for part in DATE_PARTS]
        if all(isinstance(p, str) for p in parts):
            return calendars.entered_date(*parts)
        return ""
    value = raw.get(field.name, "")
    return value[:MAX_TEXT] if isinstance(value, str) else ""


def confirmed(field: str) -> Parser:
    def parse(raw: str, ctx: Context) -> str:
        if raw != "yes":
            raise ValidationError("confirm_required", f"{field} must be confirmed", field=field)
        return raw
    return parse


# ---------------------------------------------------------------------------------------------
# Who may apply, for whom.

_SPONSORED = select(Person).where(Person.sponsor_id == bindparam("id_number")).order_by(
    Person.name_en)


def sponsored_by(session: Session, person: Person) -> list[Person]:
    """Dependants and domestic workers sponsored by `person`, in name order (every wizard
    step asks: a prebuilt statement, see absher_app.db)."""
    return list(session.exec(_SPONSORED, params={"id_number": person.id_number}).all())


def is_household_member(session: Session, applicant: Person, person: Person) -> bool:
    """True for the applicant themself and for those they sponsor."""
    return person.id == applicant.id or person.sponsor_id == applicant.id_number


def candidates(service: Service, ctx: Context) -> list[Person]:
    """Whom `ctx.applicant` may run `service` for: themself first, then those they sponsor."""
    if ctx.applicant.category not in service.applicants:
        return []
    return [p for p in (ctx.applicant, *ctx.household()) if is_candidate(service, ctx, p)]


def is_candidate(service: Service, ctx: Context, person: Person) -> bool:
    """Whether `person` is one of `candidates`, asked of that person alone: a draft's
    beneficiary is checked at every step without reading the whole household."""
    applicant = ctx.applicant
    if applicant.category not in service.applicants:
        return False
    if person.id == applicant.id:
        eligible = applicant.category in service.for_self
    else:
        eligible = (person.sponsor_id == applicant.id_number
                    and person.relationship in service.for_sponsored)
    return eligible and service.beneficiary_filter(ctx, person)


def preselected(service: Service, ctx: Context, id_number: str) -> Person | None:
    """The candidate with this ID number (a link's `?for=`), or None for anyone else: a value
    from the browser picks only among those the person may apply for."""
    id_number = (id_number or "").strip()
    if not re.fullmatch(r"[0-9]{10}", id_number):
        return None
    return next((p for p in candidates(service, ctx) if p.id_number == id_number), None)


def available_services(catalogue: tuple[Service, ...], ctx: Context) -> list[Service]:
    """The services this person can start for at least one member of their household."""
    return [service for service in catalogue if candidates(service, ctx)]


def precheck(service: Service, ctx: Context) -> list[Blocker]:
    """Every rule that blocks the request for `ctx.beneficiary`, all of them at once."""
    return [blocker for check in service.checks if (blocker := check(ctx)) is not None]


def active_steps(service: Service, ctx: Context) -> list[Step]:
    """The steps that apply to the answers given so far."""
    return [step for step in service.steps if step.applies(ctx)]


def step_places(service: Service) -> list[str]:
    """The service's steps as the person counts them: one place per slot, in order."""
    places: list[str] = []
    for step in service.steps:
        if step.place not in places:
            places.append(step.place)
    return places


def step_count(service: Service) -> int:
    """How many steps the service has, whatever the answers (steps that do not apply to some
    answers, e.g. the address when the document is collected, are still counted)."""
    return len(step_places(service))


def step_number(service: Service, step: Step) -> int:
    """The 1-based number of `step` among the service's `step_count` steps."""
    return step_places(service).index(step.place) + 1


def draft_key(service_code: str, on_behalf: str = "") -> str:
    """The draft's service key: a delegate acting under delegation `on_behalf` keeps that
    draft apart from their own of the same service."""
    return f"{service_code}@{on_behalf}" if on_behalf else service_code


def service_of_draft_key(key: str) -> str:
    return key.partition("@")[0]


def step_named(service: Service, name: str) -> Step | None:
    return next((step for step in service.steps if step.name == name), None)


def parse_step(step: Step, raw: dict[str, str], ctx: Context) -> tuple[dict[str, Any],
                                                                       list[DomainError]]:
    """Parse a step's fields from form input; return the values and every problem found.

    On success the values are also placed in `ctx.answers` and the step's own check runs.
    """
    values: dict[str, Any] = {}
    problems: list[DomainError] = []
    for field in step.fields:
        limit = MAX_MULTI if field.kind == "multi" else MAX_TEXT
        try:
            values[field.name] = field.parse(str(raw.get(field.name, ""))[:limit], ctx)
        except DomainError as error:
            problems.append(error)
    if not problems:
        before = dict(ctx.answers)
        ctx.answers.update(values)
        try:
            step.check(ctx)
        except DomainError as error:
            problems.append(error)
            ctx.answers.clear()  # in place: a caller may hold this very dict
            ctx.answers.update(before)
    return values, problems


def validate_answers(service: Service, ctx: Context,
                     stored: dict[str, str]) -> tuple[dict[str, Any], list[DomainError]]:
    """Re-parse all stored answers step by step (a day may have passed since they were given)."""
    ctx.answers = {}
    problems: list[DomainError] = []
    for step in service.steps:
        if not step.applies(ctx):
            continue
        _, step_problems = parse_step(step, stored, ctx)
        problems += step_problems
        if step_problems:
            break
    return dict(ctx.answers), problems


# ---------------------------------------------------------------------------------------------
# The step policy: how far a person may go, and where a step's answer leads.

def allowed_step(service: Service, ctx: Context, answers: dict[str, str]) -> int:
    """The furthest step the person may be on: an index into the steps that apply, such that
    every step before it validates with `answers` (the stored answers, as form strings);
    `len(active_steps(...))` when every step does (check your answers).

    Leaves `ctx.answers` holding the parsed answers of the steps before that index, so
    `active_steps(service, ctx)` then lists the steps as those answers decide them.
    """
    ctx.answers = {}
    reached = 0
    for step in service.steps:
        if not step.applies(ctx):
            continue
        _, problems = parse_step(step, answers, ctx)
        if problems:
            return reached
        reached += 1
    return reached


@dataclasses.dataclass(frozen=True)
class Position:
    """Where a person is in a service's wizard: `index` into `steps` (the steps that apply to
    the answers so far); `index == len(steps)` is check your answers. `allowed` is the policy's
    furthest index (`index <= allowed`)."""

    steps: tuple[Step, ...]
    index: int
    allowed: int

    @property
    def at_review(self) -> bool:
        return self.index >= len(self.steps)

    @property
    def step(self) -> Step | None:
        return None if self.at_review else self.steps[self.index]


def position(service: Service, ctx: Context, answers: dict[str, str],
             wanted: int | None = None) -> Position:
    """The step to show: `wanted` (an index into the steps that apply; None: as far as the
    answers go, i.e. the first step not yet answered) clamped to `allowed_step`.

    Leaves `ctx.answers` holding the parsed answers of the steps before the position: a step's
    check then sees what came before it, never what comes after.
    """
    allowed = allowed_step(service, ctx, answers)
    steps = tuple(active_steps(service, ctx))
    index = allowed if wanted is None else max(0, min(wanted, allowed))
    if index < allowed:
        ctx.answers = {}
        for step in steps[:index]:
            parse_step(step, answers, ctx)
    return Position(steps, index, allowed)


@dataclasses.dataclass(frozen=True)
class Answered:
    """What a step's form led to: the stored answers (merged with the new ones when they
    parsed), where to go next, and the problems (then `values` is what was typed, to show it
    again, and `at` is the step that was answered)."""

    at: Position
    answers: dict[str, str]
    problems: list[DomainError]
    values: dict[str, str]


def answer_step(service: Service, ctx: Context, answers: dict[str, str], wanted: int,
                raw: dict[str, Any]) -> Answered:
    """Answer the step at `wanted` (clamped by the policy) with a form's `raw` values.

    On success the new answers are merged into `answers` and the position moves to the next
    step (clamped again: a step may now lead further, or an answer may make a later one
    invalid); on problems nothing is kept and the same step stays.
    """
    at = position(service, ctx, answers, wanted)
    if at.step is None:
        return Answered(at, answers, [], {})
    typed = {field.name: typed_value(field, raw) for field in at.step.fields}
    values, problems = parse_step(at.step, typed, ctx)
    if problems:
        return Answered(at, answers, problems, typed)
    merged = {**answers, **json.loads(encode_answers(values))}
    merged = {name: str(value) for name, value in merged.items()}
    return Answered(position(service, ctx, merged, at.index + 1), merged, [], {})


def fee_total(lines: list[FeeLine]) -> int:
    return sum(line.amount for line in lines)


def encode_answers(answers: dict[str, Any]) -> str:
    """Answers as JSON text (dates as ISO strings): the form the draft and request keep."""
    return json.dumps({k: v.isoformat() if isinstance(v, date) else v
                       for k, v in answers.items()}, ensure_ascii=False, sort_keys=True)


def decode_answers(text_value: str) -> dict[str, str]:
    """Stored answers as the strings a form would send (what parse_step expects)."""
    try:
        raw = json.loads(text_value or "{}")
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in raw.items()} if isinstance(raw, dict) else {}


# ---------------------------------------------------------------------------------------------
# Drafts.

# Prebuilt (see absher_app.db): the wizard reads and writes its draft at every step.
_DRAFT = select(WizardDraft).where(WizardDraft.account_id == bindparam("account_id"),
                                   WizardDraft.service_code == bindparam("service_code"))
_DRAFTS = select(WizardDraft).where(WizardDraft.account_id == bindparam("account_id")).order_by(
    WizardDraft.updated_at.desc())  # type: ignore[attr-defined]


def load_draft(session: Session, account_id: int, service_code: str) -> WizardDraft | None:
    return session.exec(_DRAFT, params={"account_id": account_id,
                                        "service_code": service_code}).first()


def save_draft(session: Session, account_id: int, service_code: str, *, now: datetime,
               beneficiary_id: int | None = None, answers: dict[str, str] | None = None,
               step: str | None = None, draft: WizardDraft | None = None) -> WizardDraft:
    """Create or update the account's draft of this service (only the parts given change);
    `draft`: that draft as this transaction already loaded it (spares reading it again)."""
    if draft is None or draft.account_id != account_id or draft.service_code != service_code:
        draft = load_draft(session, account_id, service_code)
    if draft is None:
        draft = WizardDraft(account_id=account_id, service_code=service_code, token=url_token())
    if beneficiary_id is not None:
        draft.beneficiary_id = beneficiary_id
    if answers is not None:
        draft.answers_json = json.dumps(answers, ensure_ascii=False, sort_keys=True)
    if step is not None:
        draft.step = step
    draft.updated_at = now
    session.add(draft)
    session.flush()
    return draft


def discard_draft(session: Session, account_id: int, service_code: str) -> None:
    session.exec(delete(WizardDraft).where(WizardDraft.account_id == account_id,
                                           WizardDraft.service_code == service_code))


def drafts_of(session: Session, account_id: int) -> list[WizardDraft]:
    return list(session.exec(_DRAFTS, params={"account_id": account_id}).all())
