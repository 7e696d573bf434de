"""The Passports and Traffic e-services, each one data for the wizard engine (PRODUCT.md §2-3,
seeds 000 and 003).

Fees and rule parameters come from data/rules.toml; the rules themselves are small functions
named after what they check, shared between services. The traffic sector's facts, fees and
effects are in absher_app.domain.traffic.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import bindparam
from sqlmodel import select

from absher_app.domain import delegation as delegations
from absher_app.domain import traffic, vehicles
from absher_app.domain.calendars import RIYADH
from absher_app.domain.errors import ValidationError
from absher_app.domain.request_status import DONE_STATUSES, OPEN_STATUSES, RequestStatus
from absher_app.domain.rules_data import add_months, add_years, age_on, months_covering, rule
from absher_app.domain.secrets import numeric_code
from absher_app.domain.wizard import (
    DEPENDANT_RELATIONSHIPS,
    Blocker,
    Context,
    FeeLine,
    Field,
    Option,
    Service,
    Step,
    a_date,
    choice,
    choice_of,
    confirmed,
    preselected,
    several,
    several_of,
    text,
    whole_number,
)
from absher_app.models import Person, ServiceRequest, TravelPermit, Visa

IQAMA_HOLDERS = frozenset({"resident", "dependent"})
SPONSORS = frozenset({"citizen", "resident"})
ALL_SPONSORED = frozenset({"domestic_worker"}) | DEPENDANT_RELATIONSHIPS
SHORT_ADDRESS = r"[A-Z]{4}[0-9]{4}"
EXIT_REENTRY_KINDS = ("exit_reentry_single", "exit_reentry_multiple")


# ---------------------------------------------------------------------------------------------
# Facts about a person, used by several rules.

# Prebuilt (see absher_app.db): the checks that every wizard step runs again.
_OPEN_REQUEST = select(ServiceRequest).where(
    ServiceRequest.beneficiary_id == bindparam("beneficiary_id"),
    ServiceRequest.service_code.in_(bindparam("codes", expanding=True)),  # type: ignore[attr-defined]
    ServiceRequest.status.in_(OPEN_STATUSES))  # type: ignore[attr-defined]
_ISSUED_VISAS = select(Visa).where(
    Visa.person_id == bindparam("person_id"), Visa.status == "issued",
    Visa.kind.in_(bindparam("kinds", expanding=True))).order_by(  # type: ignore[attr-defined]
    Visa.valid_until.desc())  # type: ignore[attr-defined]


def open_request(ctx: Context, service_codes: tuple[str, ...]) -> ServiceRequest | None:
    """An unfinished request of these services for the beneficiary."""
    return ctx.session.exec(_OPEN_REQUEST, params={
        "beneficiary_id": ctx.beneficiary.id, "codes": list(service_codes)}).first()


def approved_count(ctx: Context, service_code: str, since: date | None = None) -> int:
    """How many requests of this service were approved for the beneficiary (since a date)."""
    rows = ctx.session.exec(select(ServiceRequest).where(
        ServiceRequest.beneficiary_id == ctx.beneficiary.id,
        ServiceRequest.service_code == service_code,
        ServiceRequest.status.in_(DONE_STATUSES),  # type: ignore[attr-defined]
    )).all()
    return sum(1 for r in rows
               if since is None or r.submitted_at.astimezone(RIYADH).date() >= since)


def issued_visa(
    ctx: Context, kinds: tuple[str, ...], *, valid_on: date | None = None
) -> Visa | None:
    """The beneficiary's issued visa of these kinds (still valid on `valid_on` if given)."""
    visas = ctx.session.exec(_ISSUED_VISAS, params={"person_id": ctx.beneficiary.id,
                                                    "kinds": list(kinds)}).all()
    return next((v for v in visas if valid_on is None or v.valid_until >= valid_on), None)


def new_visa_number(ctx: Context) -> str:
    while True:
        number = "5" + numeric_code(9)
        if ctx.session.exec(select(Visa).where(Visa.number == number)).first() is None:
            return number


def newly_arrived(person: Person) -> bool:
    """A sponsored worker or dependant in the Kingdom whose first iqama is not issued yet."""
    return person.category in IQAMA_HOLDERS and person.iqama_expiry is None


def holds_iqama(ctx: Context, person: Person) -> bool:
    """An iqama holder, for the services that act on an iqama (not the newly arrived)."""
    return person.category in IQAMA_HOLDERS and not newly_arrived(person)


def valid_travel_permit(ctx: Context) -> TravelPermit | None:
    """The beneficiary's travel permit in force today, if any."""
    return ctx.session.exec(select(TravelPermit).where(
        TravelPermit.person_id == ctx.beneficiary.id, TravelPermit.status == "issued",
        TravelPermit.valid_until >= ctx.today)).first()


def last_absence_report(ctx: Context) -> ServiceRequest | None:
    """The approved absence report made through the portal for the beneficiary, latest first."""
    return ctx.session.exec(select(ServiceRequest).where(
        ServiceRequest.beneficiary_id == ctx.beneficiary.id,
        ServiceRequest.service_code == "absence_report",
        ServiceRequest.status == RequestStatus.APPROVED).order_by(
        ServiceRequest.submitted_at.desc())).first()  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------------------------
# Rules (pre-check). Each returns a Blocker or None.

no_traffic_fines = traffic.no_unpaid_fines


def no_travel_ban(ctx: Context) -> Blocker | None:
    return Blocker("travel_ban") if ctx.beneficiary.travel_ban else None


def not_reported_absent(ctx: Context) -> Blocker | None:
    return Blocker("absent_reported") if ctx.beneficiary.absent_report else None


def iqama_valid(ctx: Context) -> Blocker | None:
    expiry = ctx.beneficiary.iqama_expiry
    if expiry is None:
        return Blocker("iqama_not_issued")
    if expiry < ctx.today:
        return Blocker("iqama_expired", {"date": expiry.isoformat()})
    return None


def iqama_valid_if_resident(ctx: Context) -> Blocker | None:
    """An iqama holder's iqama must be valid (a citizen has none)."""
    return iqama_valid(ctx) if ctx.beneficiary.category in IQAMA_HOLDERS else None


def passport_valid(ctx: Context) -> Blocker | None:
    expiry = ctx.beneficiary.passport_expiry
    if expiry is None or ctx.beneficiary.passport_number is None:
        return Blocker("passport_missing")
    if expiry < ctx.today:
        return Blocker("passport_expired", {"date": expiry.isoformat()})
    return None


def passport_valid_for_travel(ctx: Context) -> Blocker | None:
    """Exit/re-entry: the passport must be valid for more than 90 days."""
    if missing := passport_valid(ctx):
        return missing
    days = rule("exit_reentry", "passport_valid_more_than_days")
    expiry = ctx.beneficiary.passport_expiry
    if (expiry - ctx.today).days <= days:
        return Blocker("passport_expires_soon", {"date": expiry.isoformat(), "days": days,
                                                 "left": (expiry - ctx.today).days})
    return None


def no_open_request(*codes: str):
    def check(ctx: Context) -> Blocker | None:
        found = open_request(ctx, codes)
        return Blocker("open_request", {"reference": found.reference}) if found else None
    return check


def no_issued_exit_visa(ctx: Context) -> Blocker | None:
    if visa := issued_visa(ctx, (*EXIT_REENTRY_KINDS, "final_exit"), valid_on=ctx.today):
        return Blocker("visa_already_issued", {"number": visa.number,
                                               "date": visa.valid_until.isoformat()})
    return None


def has_exit_reentry_visa(ctx: Context) -> Blocker | None:
    return None if issued_visa(ctx, EXIT_REENTRY_KINDS, valid_on=ctx.today) else Blocker(
        "no_exit_reentry_visa")


def has_extendable_exit_reentry_visa(ctx: Context) -> Blocker | None:
    limit = ctx.today - timedelta(days=rule("exit_reentry", "extension_max_days_after_expiry"))
    if issued_visa(ctx, EXIT_REENTRY_KINDS, valid_on=limit):
        return None
    return Blocker("no_extendable_visa", {"days": rule("exit_reentry",
                                                       "extension_max_days_after_expiry")})


def has_final_exit_visa(ctx: Context) -> Blocker | None:
    return None if issued_visa(ctx, ("final_exit",), valid_on=ctx.today) else Blocker(
        "no_final_exit_visa")


has_traffic_fines = traffic.has_unpaid_fines


def in_visit_extension_window(ctx: Context) -> Blocker | None:
    expiry = ctx.beneficiary.visa_expiry
    if expiry is None or ctx.beneficiary.visa_type != "visit":
        return Blocker("no_visit_visa")
    opens = expiry - timedelta(days=rule("visit_visa", "window_days_before"))
    closes = expiry + timedelta(days=rule("visit_visa", "window_days_after"))
    if not opens <= ctx.today <= closes:
        return Blocker("visit_window", {"opens": opens.isoformat(), "closes": closes.isoformat()})
    return None


def passport_update_allowed(ctx: Context) -> Blocker | None:
    years = rule("passport_update", "once_in_years")
    since = add_years(ctx.today, -years)
    if approved_count(ctx, "passport_update", since):
        return Blocker("passport_updated_recently", {"years": years})
    return None


def not_already_absent(ctx: Context) -> Blocker | None:
    return Blocker("already_reported_absent") if ctx.beneficiary.absent_report else None


def no_final_exit_for_worker(ctx: Context) -> Blocker | None:
    """An absence report, or its cancellation, is refused once the worker has a final exit."""
    if visa := issued_visa(ctx, ("final_exit",), valid_on=ctx.today):
        return Blocker("worker_has_final_exit", {"number": visa.number})
    return None


def absence_cancellable(ctx: Context) -> Blocker | None:
    """A report made through the portal, within `within_days` of filing it."""
    report = last_absence_report(ctx)
    if report is None:
        return Blocker("absence_not_reported_online")
    days = rule("absence_report_cancel", "within_days")
    last = report.submitted_at.astimezone(RIYADH).date() + timedelta(days=days)
    if ctx.today > last:
        return Blocker("absence_cancel_window_closed", {"date": last.isoformat(), "days": days})
    return None


def no_valid_travel_permit(ctx: Context) -> Blocker | None:
    """A new permit needs the one in force cancelled first."""
    if permit := valid_travel_permit(ctx):
        return Blocker("travel_permit_exists", {"number": permit.number,
                                                "date": permit.valid_until.isoformat()})
    return None


def has_valid_travel_permit(ctx: Context) -> Blocker | None:
    return None if valid_travel_permit(ctx) else Blocker("no_travel_permit")


def passport_on_record(ctx: Context) -> Blocker | None:
    """Reporting a passport lost or damaged needs one recorded (valid or not)."""
    return None if ctx.beneficiary.passport_number else Blocker("no_passport_on_record")


# ---------------------------------------------------------------------------------------------
# Fees.

def exit_reentry_fee(kind: str, today: date, days: int) -> list[FeeLine]:
    """Single: 200 SAR up to 2 calendar months, +100 per further month (or part of one).
    Multiple: 500 SAR up to 3 months, +200 per further month."""
    prefix = "single" if kind == "single" else "multiple"
    base, base_months = rule("exit_reentry", f"{prefix}_base_fee"), rule(
        "exit_reentry", f"{prefix}_base_months")
    extra_fee = rule("exit_reentry", f"{prefix}_extra_month_fee")
    months = months_covering(today, today + timedelta(days=days))
    lines = [FeeLine(f"exit_reentry_{prefix}_base", base, {"months": base_months})]
    if months > base_months:
        extra = months - base_months
        lines.append(FeeLine("extra_months", extra * extra_fee,
                             {"count": extra, "each": extra_fee}))
    return lines


def iqama_renewal_fee(months: int, dependant: bool, late_renewals_before: int | None
                      ) -> list[FeeLine]:
    """Period fee; the dependants' levy per month; the late fine when the iqama has expired
    (`late_renewals_before` is None when it has not, else how many late renewals came before)."""
    lines = [FeeLine("iqama_period", rule("iqama", "fees_by_months")[str(months)],
                     {"months": months})]
    if dependant:
        levy = rule("iqama", "dependant_levy_per_month")
        lines.append(FeeLine("dependant_levy", levy * months, {"months": months, "each": levy}))
    if late_renewals_before is not None:
        fine = rule("iqama", "late_fine_first" if late_renewals_before == 0 else "late_fine_repeat")
        lines.append(FeeLine("late_fine", fine))
    return lines


def iqama_loss_fee(previous_losses: int) -> list[FeeLine]:
    """1000, 2000, then 3000 SAR for the 1st, 2nd, 3rd (and later) loss."""
    fees = rule("iqama_loss", "replacement_fees")
    return [FeeLine("iqama_replacement", fees[min(previous_losses, len(fees) - 1)],
                    {"count": previous_losses + 1})]


def _exit_reentry_fee(ctx: Context) -> list[FeeLine]:
    return exit_reentry_fee(ctx.answers["visa_kind"], ctx.today, ctx.answers["days"])


def _passport_fee(ctx: Context) -> list[FeeLine]:
    years = int(ctx.answers["years"])
    lines = [FeeLine("passport", rule("passport", f"fee_{years}_years"), {"years": years})]
    if ctx.answers.get("delivery") == "post":
        lines.append(FeeLine("delivery", rule("delivery", "fee")))
    return lines


def _late_renewals(ctx: Context) -> int | None:
    expiry = ctx.beneficiary.iqama_expiry
    if expiry is not None and expiry >= ctx.today:
        return None
    rows = ctx.session.exec(select(ServiceRequest).where(
        ServiceRequest.beneficiary_id == ctx.beneficiary.id,
        ServiceRequest.service_code == "iqama_renew",
        ServiceRequest.status == RequestStatus.APPROVED)).all()
    return sum(1 for r in rows if '"late": true' in r.outcome_json)


def _iqama_fee(ctx: Context) -> list[FeeLine]:
    return iqama_renewal_fee(int(ctx.answers["months"]),
                             ctx.beneficiary.relationship in DEPENDANT_RELATIONSHIPS,
                             _late_renewals(ctx))


def issued_late(person: Person, today: date) -> bool:
    """A first iqama issued more than `issue_within_days` after entering the Kingdom."""
    days = rule("iqama_issue", "issue_within_days")
    return person.entered_on is not None and (today - person.entered_on).days > days


def iqama_issue_fee(months: int, dependant: bool, late: bool) -> list[FeeLine]:
    """The renewal's period fee and dependants' levy, and the late issuance fine."""
    lines = iqama_renewal_fee(months, dependant, None)
    if late:
        lines.append(FeeLine("iqama_issue_late_fine", rule("iqama_issue", "late_fine"),
                             {"days": rule("iqama_issue", "issue_within_days")}))
    return lines


def _iqama_issue_fee(ctx: Context) -> list[FeeLine]:
    return iqama_issue_fee(int(ctx.answers["months"]),
                           ctx.beneficiary.relationship in DEPENDANT_RELATIONSHIPS,
                           issued_late(ctx.beneficiary, ctx.today))


def _extension_fee(ctx: Context) -> list[FeeLine]:
    visa = issued_visa(ctx, EXIT_REENTRY_KINDS)
    kind = "single" if visa is None or visa.kind == "exit_reentry_single" else "multiple"
    each = rule("exit_reentry", f"extension_{kind}_month_fee")
    months = ctx.answers["months"]
    return [FeeLine(f"extension_{kind}", each * months, {"count": months, "each": each})]


def fixed_fee(key: str, section: str, name: str = "fee"):
    def fee(ctx: Context) -> list[FeeLine]:
        amount = rule(section, name)
        return [FeeLine(key, amount)] if amount else []
    return fee


_fines_fee = traffic.fines_fee


# ---------------------------------------------------------------------------------------------
# Cross-field checks.

def _visa_within_iqama(ctx: Context) -> None:
    end = ctx.today + timedelta(days=ctx.answers["days"])
    expiry = ctx.beneficiary.iqama_expiry
    if expiry is None or end > expiry:
        raise ValidationError("visa_beyond_iqama", "the visa must end within the iqama's validity",
                              field="days", date=expiry.isoformat() if expiry else "-",
                              end=end.isoformat())


def _extension_within_iqama(ctx: Context) -> None:
    visa = issued_visa(ctx, EXIT_REENTRY_KINDS)
    if visa is None:
        return
    end = add_months(max(visa.valid_until, ctx.today), ctx.answers["months"])
    expiry = ctx.beneficiary.iqama_expiry
    if expiry is None or end > expiry:
        raise ValidationError("visa_beyond_iqama", "the visa must end within the iqama's validity",
                              field="months", date=expiry.isoformat() if expiry else "-",
                              end=end.isoformat())


def _reported_in_time(section: str):
    def check(ctx: Context) -> None:
        hours = rule(section, "report_within_hours")
        if ctx.answers["lost_on"] < ctx.today - timedelta(hours=hours):
            raise ValidationError("loss_report_late", "report at an office", field="lost_on",
                                  hours=hours)
    return check


def _passport_is_new(ctx: Context) -> None:
    if ctx.beneficiary.passport_number == ctx.answers["passport_number"]:
        raise ValidationError("passport_number_same", "this is the passport on record",
                              field="passport_number")


# ---------------------------------------------------------------------------------------------
# Effects of approval: they change the records and return what the person is told.

def _issue_passport(ctx: Context) -> dict[str, Any]:
    person = ctx.beneficiary
    person.passport_number = "A" + numeric_code(7)
    person.passport_expiry = add_years(ctx.today, int(ctx.answers["years"]))
    person.updated_at = ctx.now
    ctx.session.add(person)
    return {"passport_number": person.passport_number,
            "valid_until": person.passport_expiry.isoformat()}


def _within_iqama(ctx: Context, end: date) -> date:
    """A visa never outlasts the iqama: the check was made on the day of submission, and a
    bill paid a day or two later must not push the end past it."""
    expiry = ctx.beneficiary.iqama_expiry
    return min(end, expiry) if expiry is not None else end


def _issue_exit_reentry(ctx: Context) -> dict[str, Any]:
    kind = f"exit_reentry_{ctx.answers['visa_kind']}"
    visa = Visa(number=new_visa_number(ctx), person_id=ctx.beneficiary.id, kind=kind,
                issued_on=ctx.today, request_id=ctx.request_id,
                valid_until=_within_iqama(ctx, ctx.today + timedelta(days=ctx.answers["days"])))
    ctx.session.add(visa)
    return {"visa_number": visa.number, "valid_until": visa.valid_until.isoformat()}


def _extend_exit_reentry(ctx: Context) -> dict[str, Any]:
    visa = issued_visa(ctx, EXIT_REENTRY_KINDS)
    visa.valid_until = _within_iqama(
        ctx, add_months(max(visa.valid_until, ctx.today), ctx.answers["months"]))
    ctx.session.add(visa)
    return {"visa_number": visa.number, "valid_until": visa.valid_until.isoformat()}


def _cancel_visa(kinds: tuple[str, ...]):
    def effect(ctx: Context) -> dict[str, Any]:
        visa = issued_visa(ctx, kinds, valid_on=ctx.today)
        visa.status = "cancelled"
        ctx.session.add(visa)
        return {"visa_number": visa.number}
    return effect


def _issue_final_exit(ctx: Context) -> dict[str, Any]:
    for visa in ctx.session.exec(select(Visa).where(
            Visa.person_id == ctx.beneficiary.id, Visa.status == "issued",
            Visa.kind.in_(EXIT_REENTRY_KINDS))).all():  # type: ignore[attr-defined]
        visa.status = "cancelled"
        ctx.session.add(visa)
    visa = Visa(number=new_visa_number(ctx), person_id=ctx.beneficiary.id, kind="final_exit",
                issued_on=ctx.today, request_id=ctx.request_id,
                valid_until=ctx.today + timedelta(days=rule("final_exit", "valid_days")))
    ctx.session.add(visa)
    return {"visa_number": visa.number, "valid_until": visa.valid_until.isoformat()}


def _renew_iqama(ctx: Context) -> dict[str, Any]:
    person = ctx.beneficiary
    late = _late_renewals(ctx) is not None
    start = person.iqama_expiry if person.iqama_expiry and person.iqama_expiry >= ctx.today \
        else ctx.today
    person.iqama_expiry = add_months(start, int(ctx.answers["months"]))
    person.updated_at = ctx.now
    ctx.session.add(person)
    return {"valid_until": person.iqama_expiry.isoformat(), "late": late}


def _record_only(ctx: Context) -> dict[str, Any]:
    return {}


def _passport_lost(ctx: Context) -> dict[str, Any]:
    person = ctx.beneficiary
    lost = person.passport_number
    person.passport_number = None
    person.passport_expiry = None
    person.updated_at = ctx.now
    ctx.session.add(person)
    return {"passport_number": lost}


def _update_passport(ctx: Context) -> dict[str, Any]:
    person = ctx.beneficiary
    person.passport_number = ctx.answers["passport_number"]
    person.passport_expiry = ctx.answers["passport_expiry"]
    person.updated_at = ctx.now
    ctx.session.add(person)
    return {"passport_number": person.passport_number,
            "valid_until": person.passport_expiry.isoformat()}


def _extend_visit_visa(ctx: Context) -> dict[str, Any]:
    person = ctx.beneficiary
    person.visa_expiry = max(person.visa_expiry, ctx.today) + timedelta(
        days=rule("visit_visa", "extension_days"))
    person.updated_at = ctx.now
    ctx.session.add(person)
    return {"visa_number": person.visa_number, "valid_until": person.visa_expiry.isoformat()}


def _report_absence(ctx: Context) -> dict[str, Any]:
    person = ctx.beneficiary
    person.absent_report = True
    person.updated_at = ctx.now
    ctx.session.add(person)
    return {}


_pay_fines = traffic.pay_fines


def _issue_iqama(ctx: Context) -> dict[str, Any]:
    """First issue: the iqama runs the chosen months from today."""
    person = ctx.beneficiary
    late = issued_late(person, ctx.today)
    person.iqama_expiry = add_months(ctx.today, int(ctx.answers["months"]))
    person.updated_at = ctx.now
    ctx.session.add(person)
    return {"valid_until": person.iqama_expiry.isoformat(), "late": late}


def _issue_travel_permit(ctx: Context) -> dict[str, Any]:
    while True:
        number = "8" + numeric_code(9)
        if ctx.session.exec(select(TravelPermit).where(TravelPermit.number == number)).first() \
                is None:
            break
    permit = TravelPermit(number=number, person_id=ctx.beneficiary.id, request_id=ctx.request_id,
                          trips=ctx.answers["trips"], issued_on=ctx.today,
                          valid_until=ctx.answers["valid_until"])
    ctx.session.add(permit)
    return {"permit_number": permit.number, "valid_until": permit.valid_until.isoformat()}


def _cancel_travel_permit(ctx: Context) -> dict[str, Any]:
    permit = valid_travel_permit(ctx)
    permit.status = "cancelled"
    ctx.session.add(permit)
    return {"permit_number": permit.number}


def _cancel_absence(ctx: Context) -> dict[str, Any]:
    person = ctx.beneficiary
    person.absent_report = False
    person.updated_at = ctx.now
    ctx.session.add(person)
    return {}


# ---------------------------------------------------------------------------------------------
# Reused steps and fields.

def _tomorrow(ctx: Context) -> date:
    return ctx.today + timedelta(days=1)


def _yesterday_limit(ctx: Context) -> date:
    return ctx.today - timedelta(days=30)


LOST_ON = Field("lost_on", "date", "field.lost_on", a_date(
    "lost_on", not_before=_yesterday_limit, not_after=lambda ctx: ctx.today),
    hint_key="hint.lost_on")
CIRCUMSTANCES = Field("circumstances", "text", "field.circumstances",
                      text("circumstances", max_length=300), hint_key="hint.circumstances")
DELIVERY_STEP = Step("delivery", "step.delivery", (
    Field("delivery", "choice", "field.delivery", choice("delivery", ("post", "office")),
          options=(Option("post", "option.delivery_post"),
                   Option("office", "option.delivery_office"))),
))
ADDRESS_STEP = Step("address", "step.address", (
    Field("short_address", "text", "field.short_address",
          lambda raw, ctx: text("short_address", SHORT_ADDRESS, 8, "short_address_invalid")(
              raw.upper().replace(" ", ""), ctx),
          hint_key="hint.short_address"),
), applies=lambda ctx: ctx.answers.get("delivery") == "post")
TRAVEL_CHECKS = (no_traffic_fines, no_travel_ban, not_reported_absent, iqama_valid,
                 passport_valid_for_travel)


def _minor_citizen_child(ctx: Context, person: Person) -> bool:
    if person.id == ctx.applicant.id:
        return True
    return (person.category == "citizen" and person.relationship == "child"
            and age_on(person.birth_date, ctx.today) < rule("passport", "minor_below_age"))


def _domestic_worker(ctx: Context, person: Person) -> bool:
    return person.relationship == "domestic_worker"


def _newly_arrived(ctx: Context, person: Person) -> bool:
    return newly_arrived(person)


def _reported_absent_worker(ctx: Context, person: Person) -> bool:
    return person.relationship == "domestic_worker" and person.absent_report


def _needs_travel_permit(ctx: Context, person: Person) -> bool:
    """A citizen child under the age one travels at without a permit."""
    return (person.category == "citizen" and person.relationship == "child"
            and age_on(person.birth_date, ctx.today) < rule("travel_permit", "below_age"))


def _permit_last_day(ctx: Context) -> date:
    """A permit ends by the passport's expiry, the day before the 21st birthday, and a year
    from today, whichever comes first."""
    last = ctx.today + timedelta(days=rule("travel_permit", "max_days"))
    if ctx.beneficiary is not None:
        last = min(last, add_years(ctx.beneficiary.birth_date,
                                   rule("travel_permit", "below_age")) - timedelta(days=1))
        if ctx.beneficiary.passport_expiry is not None:
            last = min(last, ctx.beneficiary.passport_expiry)
    return last


VEHICLE = Field("plate", "choice", "field.vehicle", choice_of("plate", traffic.vehicle_options),
                options_from=traffic.vehicle_options)
LICENCE_DELIVERY_STEP = Step("delivery", "step.licence_delivery", (
    Field("delivery", "choice", "field.delivery", choice("delivery", ("post", "office")),
          options=(Option("post", "option.delivery_post"),
                   Option("office", "option.collect_traffic"))),
))


# How long an iqama is issued or renewed for: the same choice for both services.
IQAMA_MONTHS = ("3", "6", "9", "12")
IQAMA_PERIOD = Step("period", "step.period", (
    Field("months", "choice", "field.iqama_months", choice("months", IQAMA_MONTHS),
          options=tuple(Option(m, f"option.months_{m}") for m in IQAMA_MONTHS)),
))


SERVICES: tuple[Service, ...] = (
    Service(
        code="passport_issue", group="passports", applicants=frozenset({"citizen"}),
        for_self=frozenset({"citizen"}), for_sponsored=frozenset({"child"}),
        beneficiary_filter=_minor_citizen_child,
        steps=(
            Step("validity", "step.validity", (
                Field("years", "choice", "field.years", choice("years", ("5", "10")),
                      options=(Option("5", "option.years_5"), Option("10", "option.years_10"))),
            )),
            DELIVERY_STEP, ADDRESS_STEP,
        ),
        checks=(no_traffic_fines, no_open_request("passport_issue")),
        fee=_passport_fee, effect=_issue_passport, needs_review=True, delivery=True,
    ),
    Service(
        code="exit_reentry_issue", group="visas", applicants=SPONSORS,
        for_self=frozenset({"resident"}), for_sponsored=ALL_SPONSORED,
        beneficiary_filter=holds_iqama,
        steps=(
            Step("visa_kind", "step.visa_kind", (
                Field("visa_kind", "choice", "field.visa_kind",
                      choice("visa_kind", ("single", "multiple")),
                      options=(Option("single", "option.visa_single"),
                               Option("multiple", "option.visa_multiple"))),
            )),
            Step("duration", "step.duration", (
                Field("days", "number", "field.days",
                      whole_number("days", 1, rule("exit_reentry", "max_days")),
                      hint_key="hint.days"),
            ), check=_visa_within_iqama),
        ),
        checks=(*TRAVEL_CHECKS, no_issued_exit_visa,
                no_open_request("exit_reentry_issue", "final_exit_issue")),
        fee=_exit_reentry_fee, effect=_issue_exit_reentry,
    ),
    Service(
        code="exit_reentry_extend", group="visas", applicants=SPONSORS,
        for_self=frozenset({"resident"}), for_sponsored=ALL_SPONSORED,
        beneficiary_filter=holds_iqama,
        steps=(
            Step("months", "step.extension", (
                Field("months", "number", "field.extension_months",
                      whole_number("months", 1, rule("exit_reentry", "extension_max_months"))),
            ), check=_extension_within_iqama),
        ),
        checks=(has_extendable_exit_reentry_visa, iqama_valid,
                no_open_request("exit_reentry_extend")),
        fee=_extension_fee, effect=_extend_exit_reentry,
    ),
    Service(
        code="exit_reentry_cancel", group="visas", applicants=SPONSORS,
        for_self=frozenset({"resident"}), for_sponsored=ALL_SPONSORED,
        beneficiary_filter=holds_iqama,
        steps=(),
        checks=(has_exit_reentry_visa,),
        fee=lambda ctx: [], effect=_cancel_visa(EXIT_REENTRY_KINDS),
    ),
    Service(
        code="final_exit_issue", group="visas", applicants=SPONSORS,
        for_self=frozenset({"resident"}), for_sponsored=ALL_SPONSORED,
        beneficiary_filter=holds_iqama,
        steps=(),
        checks=(no_traffic_fines, no_travel_ban, not_reported_absent, iqama_valid,
                passport_valid, no_open_request("final_exit_issue"),
                lambda ctx: Blocker("final_exit_exists") if issued_visa(
                    ctx, ("final_exit",), valid_on=ctx.today) else None),
        fee=fixed_fee("final_exit", "final_exit"), effect=_issue_final_exit,
    ),
    Service(
        code="final_exit_cancel", group="visas", applicants=SPONSORS,
        for_self=frozenset({"resident"}), for_sponsored=ALL_SPONSORED,
        beneficiary_filter=holds_iqama,
        steps=(),
        checks=(has_final_exit_visa, iqama_valid),
        fee=lambda ctx: [], effect=_cancel_visa(("final_exit",)),
    ),
    Service(
        code="iqama_renew", group="iqama", applicants=SPONSORS,
        for_self=frozenset(), for_sponsored=ALL_SPONSORED,
        beneficiary_filter=holds_iqama,
        steps=(IQAMA_PERIOD,),
        checks=(passport_valid, no_traffic_fines, not_reported_absent,
                no_open_request("iqama_renew")),
        fee=_iqama_fee, effect=_renew_iqama,
    ),
    Service(
        code="iqama_loss_report", group="reports", applicants=SPONSORS | IQAMA_HOLDERS,
        for_self=IQAMA_HOLDERS, for_sponsored=ALL_SPONSORED,
        beneficiary_filter=holds_iqama,
        steps=(Step("loss", "step.loss", (LOST_ON, CIRCUMSTANCES),
                    check=_reported_in_time("iqama_loss")),),
        checks=(no_open_request("iqama_loss_report"),),
        fee=lambda ctx: iqama_loss_fee(approved_count(ctx, "iqama_loss_report")),
        effect=_record_only,
    ),
    Service(
        code="passport_loss_report", group="reports", applicants=SPONSORS | IQAMA_HOLDERS,
        for_self=IQAMA_HOLDERS, for_sponsored=ALL_SPONSORED,
        beneficiary_filter=holds_iqama,
        steps=(Step("loss", "step.loss", (LOST_ON, CIRCUMSTANCES),
                    check=_reported_in_time("passport_loss")),),
        checks=(passport_valid, no_open_request("passport_loss_report")),
        fee=fixed_fee("passport_loss", "passport_loss"), effect=_passport_lost,
    ),
    Service(
        code="passport_update", group="iqama", applicants=SPONSORS | IQAMA_HOLDERS,
        for_self=frozenset({"resident"}), for_sponsored=ALL_SPONSORED,
        beneficiary_filter=holds_iqama,
        steps=(Step("passport", "step.new_passport", (
            Field("passport_number", "text", "field.passport_number",
                  lambda raw, ctx: text("passport_number", r"[A-Z0-9]{6,12}", 12,
                                        "passport_number_invalid")(raw.upper(), ctx),
                  hint_key="hint.passport_number"),
            Field("passport_expiry", "date", "field.passport_expiry",
                  a_date("passport_expiry", not_before=_tomorrow)),
        ), check=_passport_is_new),),
        checks=(passport_update_allowed, no_open_request("passport_update")),
        fee=fixed_fee("passport_update", "passport_update"), effect=_update_passport,
    ),
    Service(
        code="visit_visa_extend", group="visit", applicants=frozenset({"visitor"}),
        for_self=frozenset({"visitor"}), for_sponsored=frozenset(),
        steps=(),
        checks=(in_visit_extension_window, no_traffic_fines,
                no_open_request("visit_visa_extend")),
        fee=fixed_fee("visit_extension", "visit_visa", "extension_fee"),
        effect=_extend_visit_visa,
    ),
    Service(
        code="absence_report", group="reports", applicants=SPONSORS,
        for_self=frozenset(), for_sponsored=frozenset({"domestic_worker"}),
        beneficiary_filter=_domestic_worker,
        steps=(Step("confirm", "step.absence", (
            Field("absent_since", "date", "field.absent_since", a_date(
                "absent_since", not_before=lambda ctx: ctx.today - timedelta(days=365),
                not_after=lambda ctx: ctx.today)),
            Field("understood", "confirm", "field.absence_final", confirmed("understood")),
        )),),
        checks=(iqama_valid, not_already_absent, no_final_exit_for_worker,
                no_open_request("absence_report")),
        fee=fixed_fee("absence_report", "absence_report"), effect=_report_absence,
    ),
    Service(
        code="traffic_fines_pay", group="fines",
        applicants=frozenset({"citizen", "resident", "dependent", "gcc", "visitor"}),
        for_self=frozenset({"citizen", "resident", "dependent", "gcc", "visitor"}),
        for_sponsored=ALL_SPONSORED,
        steps=(Step("fines", "step.fines", (
            Field("fines", "multi", "field.fines", several_of("fines", traffic.fine_options),
                  hint_key="hint.fines", options_from=traffic.fine_options),
        )),),
        checks=(has_traffic_fines, no_open_request("traffic_fines_pay")),
        fee=_fines_fee, effect=_pay_fines,
    ),
)

# ---------------------------------------------------------------------------------------------
# Traffic: vehicle ownership transfer (delegable; the buyer confirms in their own account).

SERVICES += (
    Service(
        code="vehicle_transfer", group="traffic", applicants=SPONSORS, for_self=SPONSORS,
        for_sponsored=frozenset(), beneficiary_filter=vehicles.owns_a_vehicle,
        steps=(
            Step("vehicle", "step.vehicle", (
                Field("plate", "text", "field.plate", vehicles.parse_plate,
                      hint_key="hint.plate"),
            )),
            Step("buyer", "step.buyer", (
                Field("buyer_id", "text", "field.buyer_id", vehicles.parse_buyer),
                Field("price", "number", "field.price",
                      whole_number("price", 1, rule("vehicle_transfer", "max_price_sar"))),
            )),
            Step("confirm", "step.transfer_confirm", (
                Field("seller_confirms", "confirm", "field.seller_confirms",
                      confirmed("seller_confirms")),
            )),
        ),
        checks=(no_open_request("vehicle_transfer"),),
        fee=fixed_fee("vehicle_transfer", "vehicle_transfer"), effect=vehicles.start_transfer,
    ),
)

# ---------------------------------------------------------------------------------------------
# More of Absher Individuals' delegable Passports services (Saudipedia, "Electronic
# Authorization in Saudi Arabia": issue and cancel travel permits for dependants, report lost
# or damaged passports, issue iqamas, report workers' absence), and Traffic services.

SERVICES += (
    Service(
        code="iqama_issue", group="iqama", applicants=SPONSORS, for_self=frozenset(),
        for_sponsored=ALL_SPONSORED, beneficiary_filter=_newly_arrived,
        steps=(IQAMA_PERIOD,),
        checks=(passport_valid, no_traffic_fines, not_reported_absent,
                no_open_request("iqama_issue")),
        fee=_iqama_issue_fee, effect=_issue_iqama,
    ),
    Service(
        code="travel_permit_issue", group="passports", applicants=frozenset({"citizen"}),
        for_self=frozenset(), for_sponsored=frozenset({"child"}),
        beneficiary_filter=_needs_travel_permit,
        steps=(
            Step("permit", "step.travel_permit", (
                Field("trips", "choice", "field.permit_trips",
                      choice("trips", ("single", "multiple")),
                      options=(Option("single", "option.permit_single"),
                               Option("multiple", "option.permit_multiple"))),
                Field("valid_until", "date", "field.permit_until",
                      a_date("valid_until", not_before=_tomorrow, not_after=_permit_last_day,
                             too_late="permit_too_late"),
                      hint_key="hint.permit_until"),
            )),
        ),
        checks=(passport_valid, no_travel_ban, no_valid_travel_permit,
                no_open_request("travel_permit_issue")),
        fee=fixed_fee("travel_permit", "travel_permit"), effect=_issue_travel_permit,
    ),
    Service(
        code="travel_permit_cancel", group="passports", applicants=frozenset({"citizen"}),
        for_self=frozenset(), for_sponsored=frozenset({"child"}),
        beneficiary_filter=_needs_travel_permit,
        steps=(),
        checks=(has_valid_travel_permit,),
        fee=lambda ctx: [], effect=_cancel_travel_permit,
    ),
    Service(
        code="saudi_passport_loss_report", group="reports", applicants=frozenset({"citizen"}),
        for_self=frozenset({"citizen"}), for_sponsored=frozenset({"child"}),
        beneficiary_filter=_minor_citizen_child,
        steps=(
            Step("event", "step.passport_event", (
                Field("event", "choice", "field.passport_event",
                      choice("event", ("lost", "damaged")),
                      options=(Option("lost", "option.passport_lost"),
                               Option("damaged", "option.passport_damaged"))),
                Field("event_on", "date", "field.event_on", a_date(
                    "event_on", not_after=lambda ctx: ctx.today,
                    not_before=lambda ctx: ctx.today - timedelta(
                        days=rule("saudi_passport_loss", "report_within_days")))),
                Field("circumstances", "text", "field.what_happened",
                      text("circumstances", max_length=300), hint_key="hint.circumstances"),
            )),
        ),
        checks=(passport_on_record, no_open_request("saudi_passport_loss_report")),
        fee=fixed_fee("saudi_passport_loss", "saudi_passport_loss"), effect=_passport_lost,
    ),
    Service(
        code="absence_report_cancel", group="reports", applicants=SPONSORS,
        for_self=frozenset(), for_sponsored=frozenset({"domestic_worker"}),
        beneficiary_filter=_reported_absent_worker,
        steps=(Step("cancel", "step.absence_cancel", (
            Field("reason", "text", "field.absence_cancel_reason",
                  text("reason", max_length=300), hint_key="hint.absence_cancel_reason"),
            Field("understood", "confirm", "field.absence_cancel_review", confirmed("understood")),
        )),),
        checks=(absence_cancellable, no_final_exit_for_worker,
                no_open_request("absence_report_cancel")),
        fee=fixed_fee("absence_report_cancel", "absence_report_cancel"), effect=_cancel_absence,
        needs_review=True,
    ),
)

SERVICES += (
    Service(
        code="vehicle_registration_renew", group="traffic", applicants=SPONSORS,
        for_self=SPONSORS, for_sponsored=frozenset(), beneficiary_filter=vehicles.owns_a_vehicle,
        steps=(
            Step("vehicle", "step.vehicle", (VEHICLE,), check=traffic.registration_renewable),
            Step("years", "step.registration_years", (
                Field("years", "choice", "field.registration_years",
                      choice("years", ("1", "2", "3")),
                      options=tuple(Option(y, f"option.registration_years_{y}")
                                    for y in ("1", "2", "3"))),
            )),
        ),
        checks=(no_traffic_fines, no_open_request("vehicle_registration_renew")),
        fee=traffic.registration_fee, effect=traffic.renew_registration,
    ),
    Service(
        code="driving_licence_renew", group="traffic",
        applicants=SPONSORS | frozenset({"dependent"}),
        for_self=SPONSORS | frozenset({"dependent"}), for_sponsored=frozenset({"domestic_worker"}),
        beneficiary_filter=traffic.holds_a_licence,
        steps=(
            Step("period", "step.licence_years", (
                Field("years", "choice", "field.licence_years",
                      choice("years", ("2", "5", "10")),
                      options=tuple(Option(y, f"option.licence_years_{y}")
                                    for y in ("2", "5", "10"))),
                Field("medical", "confirm", "field.medical_exam", confirmed("medical"),
                      hint_key="hint.medical_exam"),
            )),
            LICENCE_DELIVERY_STEP, ADDRESS_STEP,
        ),
        checks=(traffic.licence_due, no_traffic_fines, iqama_valid_if_resident,
                no_open_request("driving_licence_renew")),
        fee=traffic.licence_fee, effect=traffic.renew_licence, delivery=True,
    ),
    Service(
        code="driving_authorization_issue", group="traffic", applicants=SPONSORS,
        for_self=SPONSORS, for_sponsored=frozenset(), beneficiary_filter=vehicles.owns_a_vehicle,
        steps=(
            Step("vehicle", "step.vehicle", (VEHICLE,), check=traffic.vehicle_can_be_lent),
            Step("driver", "step.driver", (
                Field("driver_id", "text", "field.driver_id", traffic.parse_driver,
                      hint_key="hint.driver_id"),
            )),
            Step("scope", "step.authorization_scope", (
                Field("scope", "choice", "field.authorization_scope",
                      choice("scope", ("inside", "outside")),
                      options=(Option("inside", "option.scope_inside"),
                               Option("outside", "option.scope_outside"))),
                Field("ends_on", "date", "field.authorization_ends_on", a_date(
                    "ends_on", not_before=lambda ctx: ctx.today,
                    not_after=lambda ctx: ctx.today + timedelta(
                        days=rule("driving_authorization", "max_days")))),
            ), check=traffic.authorization_within_registration),
        ),
        checks=(no_traffic_fines, no_open_request("driving_authorization_issue")),
        fee=traffic.authorization_fee, effect=traffic.authorize_driver,
    ),
    Service(
        code="driving_authorization_cancel", group="traffic", applicants=SPONSORS,
        for_self=SPONSORS, for_sponsored=frozenset(),
        beneficiary_filter=traffic.has_given_an_authorization,
        steps=(
            Step("authorization", "step.authorization_choose", (
                Field("authorization", "choice", "field.authorization",
                      choice_of("authorization", traffic.authorization_options),
                      options_from=traffic.authorization_options),
            )),
        ),
        checks=(no_open_request("driving_authorization_cancel"),),
        fee=lambda ctx: [], effect=traffic.cancel_authorization,
    ),
)

# What a delegation may cover, by sector (seed 000: the Passports services, and the Traffic
# department's vehicle ownership transfer; the further traffic services are delegable by our
# choice). Paying traffic fines stays with the Passports services it unblocks.
DELEGABLE_BY_SECTOR: dict[str, tuple[str, ...]] = {
    sector: delegations.delegable_codes(sector) for sector in ("passports", "traffic")}


# ---------------------------------------------------------------------------------------------
# Electronic delegation for individuals: a wizard like the others, signed with a code.

def _services_step(sector: str) -> Step:
    codes = DELEGABLE_BY_SECTOR[sector]
    return Step(f"{sector}_services", "step.delegated_services", (
        Field("services", "multi", "field.delegated_services", several("services", codes),
              hint_key="hint.delegated_services",
              options=tuple(Option(code, f"service.{code}.title") for code in codes)),
    ), applies=lambda ctx: ctx.answers.get("sector") == sector, slot="services")


def _delegate_check(ctx: Context) -> None:
    delegate = delegations.find_delegate(ctx.session, ctx.applicant, ctx.answers["delegate_id"],
                                         ctx.answers["delegate_mobile"], ctx.today)
    delegations.check_not_duplicate(ctx.session, ctx.applicant, delegate,
                                    tuple(ctx.answers["services"].split(",")), ctx.today)


def _period_check(ctx: Context) -> None:
    delegations.check_period(ctx.answers["starts_on"], ctx.answers["ends_on"], ctx.today)


def _delegator_check(ctx: Context) -> Blocker | None:
    try:
        delegations.check_delegator(ctx.session, ctx.applicant)
    except ValidationError as error:
        return Blocker(error.code)
    return None


def _make_delegation(ctx: Context) -> dict[str, Any]:
    made = delegations.create(
        ctx.session, delegator=ctx.applicant, delegate_id_number=ctx.answers["delegate_id"],
        delegate_mobile=ctx.answers["delegate_mobile"], sector=ctx.answers["sector"],
        services=ctx.answers["services"], starts_on=ctx.answers["starts_on"],
        ends_on=ctx.answers["ends_on"], today=ctx.today, now=ctx.now, sms=ctx.sms,
        reference=ctx.reference, request_id=ctx.request_id)
    return {"delegation": made.reference}


DELEGATORS = frozenset(rule("delegation", "delegator_categories"))

SERVICES += (
    Service(
        code="delegation", group="delegation", applicants=DELEGATORS, for_self=DELEGATORS,
        for_sponsored=frozenset(),
        steps=(
            Step("sector", "step.delegation_sector", (
                Field("sector", "choice", "field.sector", choice("sector", delegations.SECTORS),
                      options=(Option("passports", "option.sector_passports"),
                               Option("traffic", "option.sector_traffic"))),
            )),
            _services_step("passports"),
            _services_step("traffic"),
            Step("delegate", "step.delegate", (
                Field("delegate_id", "text", "field.delegate_id",
                      text("delegate_id", r"[0-9٠-٩ ]{10,14}", 14, "id_length"),
                      hint_key="hint.delegate_id"),
                Field("delegate_mobile", "text", "field.delegate_mobile",
                      text("delegate_mobile", r"[0-9٠-٩ +]{9,16}", 16, "mobile_invalid"),
                      hint_key="hint.delegate_mobile"),
            ), check=_delegate_check),
            Step("period", "step.delegation_period", (
                Field("starts_on", "date", "field.starts_on", a_date("starts_on")),
                Field("ends_on", "date", "field.ends_on", a_date("ends_on"),
                      hint_key="hint.delegation_period"),
            ), check=_period_check),
            Step("terms", "step.delegation_terms", (
                Field("terms", "confirm", "field.delegation_terms", confirmed("terms"),
                      hint_key="hint.delegation_terms"),
            )),
        ),
        checks=(_delegator_check,),
        fee=lambda ctx: [], effect=_make_delegation, confirm_by_code=True,
        approved_notice="delegation_submitted", done_key="wizard.next_delegation",
    ),
)

BY_CODE: dict[str, Service] = {service.code: service for service in SERVICES}

# The services that fix a blocker, in order of preference: the blocked page links to the first
# one the person may start for the same beneficiary.
FIXED_BY: dict[str, tuple[str, ...]] = {
    "traffic_fines": ("traffic_fines_pay",),
    "iqama_expired": ("iqama_renew",),
    "iqama_not_issued": ("iqama_issue",),
    "no_passport_on_record": ("passport_issue",),
    "travel_permit_exists": ("travel_permit_cancel",),
    "passport_missing": ("passport_issue", "passport_update"),
    "passport_expired": ("passport_issue", "passport_update"),
    "passport_expires_soon": ("passport_issue", "passport_update"),
}
GROUPS = ("passports", "visas", "iqama", "reports", "visit", "fines", "traffic", "delegation")


def service(code: str) -> Service | None:
    """The service with this code (None for anything else the browser may send)."""
    return BY_CODE.get(code)


def fixing_service(blocker: Blocker, ctx: Context) -> Service | None:
    """The service that removes `blocker` and that the applicant may start for the same
    beneficiary (e.g. pay their traffic fines), or None."""
    for code in FIXED_BY.get(blocker.code, ()):
        if preselected(BY_CODE[code], ctx, ctx.beneficiary.id_number) is not None:
            return BY_CODE[code]
    return None
