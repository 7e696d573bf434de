"""Traffic sector e-services as the wizard engine runs them: traffic fines (listed one by one,
paid one, several or all at once), renewing a vehicle's registration (istimara) and a driving
licence, and authorising another person to drive one's vehicle.

The services themselves are data in absher_app.domain.catalogue; this module holds the facts
they look at (a person's unpaid fines, licence, vehicles, authorisations), the options their
fields offer, their fees, and their effects on approval. Parameters and their sources are in
data/rules.toml.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from absher_app.domain import notify, vehicles
from absher_app.domain.errors import ValidationError
from absher_app.domain.identity import validate_id_number
from absher_app.domain.rules_data import add_years, rule
from absher_app.domain.secrets import numeric_code
from absher_app.domain.wizard import Blocker, Context, FeeLine, Option, decode_answers
from absher_app.models import (
    Account,
    DrivingAuthorization,
    DrivingLicence,
    Person,
    ServiceRequest,
    TrafficFine,
    Vehicle,
)

VIOLATIONS: tuple[str, ...] = tuple(rule("traffic_fines", "violations"))
# A total of fines the registry gives as one amount (import key traffic_fines_sar).
REGISTRY_TOTAL = "registry_total"
FINE_NUMBER = re.compile(r"[0-9]{6,16}")


# ---------------------------------------------------------------------------------------------
# Fines.

def legacy_fine_number(id_number: str) -> str:
    """The number of the one fine that stands for a total imported as `traffic_fines_sar`:
    the same for every import of that person, so importing the same file again changes
    nothing (the migration that made fines rows numbers them the same way)."""
    return f"{id_number}00"


# Prebuilt (see absher_app.db): every wizard step's checks.
_UNPAID_FINES = select(TrafficFine).where(
    TrafficFine.person_id == bindparam("person_id"), TrafficFine.status == "unpaid").order_by(
    col(TrafficFine.issued_on), col(TrafficFine.number))


def unpaid_fines(session: Session, person: Person) -> list[TrafficFine]:
    """The person's unpaid fines, oldest first."""
    return list(session.exec(_UNPAID_FINES, params={"person_id": person.id}).all())


def unpaid_total(session: Session, person: Person) -> int:
    """What the person owes in traffic fines, in SAR."""
    return sum(fine.amount_sar for fine in unpaid_fines(session, person))


def fines_of(session: Session, person: Person) -> list[TrafficFine]:
    """Every fine of the person, paid or not, newest first (for their records)."""
    return list(session.exec(select(TrafficFine).where(TrafficFine.person_id == person.id)
                             .order_by(col(TrafficFine.issued_on).desc(),
                                       col(TrafficFine.number))).all())


def fine_options(ctx: Context) -> tuple[Option, ...]:
    """One tick box per unpaid fine of the beneficiary: number, date, violation, amount."""
    return tuple(Option(fine.number, f"option.fine.{fine.violation}",
                        (("number", fine.number), ("date", fine.issued_on.isoformat()),
                         ("amount", fine.amount_sar)))
                 for fine in unpaid_fines(ctx.session, ctx.beneficiary))


def _chosen_fines(ctx: Context) -> list[TrafficFine]:
    chosen = set(str(ctx.answers.get("fines", "")).split(","))
    return [fine for fine in unpaid_fines(ctx.session, ctx.beneficiary) if fine.number in chosen]


def fines_fee(ctx: Context) -> list[FeeLine]:
    """One line per fine chosen, with its number and date."""
    return [FeeLine(f"fine.{fine.violation}", fine.amount_sar,
                    {"number": fine.number, "date": fine.issued_on.isoformat()})
            for fine in _chosen_fines(ctx)]


def pay_fines(ctx: Context) -> dict[str, Any]:
    """Effect of a paid request: the fines it listed (as stored with the request, which was
    paid for) are paid, those still unpaid; the rest stay owed."""
    request = ctx.session.get(ServiceRequest, ctx.request_id) if ctx.request_id else None
    listed = decode_answers(request.answers_json).get("fines", "") if request else str(
        ctx.answers.get("fines", ""))
    numbers = set(listed.split(","))
    paid = [fine for fine in unpaid_fines(ctx.session, ctx.beneficiary) if fine.number in numbers]
    for fine in paid:
        fine.status, fine.request_id, fine.paid_at = "paid", ctx.request_id, ctx.now
        ctx.session.add(fine)
    ctx.session.flush()
    return {"paid": sum(fine.amount_sar for fine in paid), "fines_paid": len(paid)}


def sync_fines(session: Session, person: Person, fines: list[dict[str, Any]],
               today: date) -> bool:
    """Make the person's unpaid fines those the registry lists (number, issued_on, violation,
    amount_sar); returns whether anything changed.

    A listed fine is added or updated by its number; an unpaid fine the registry no longer
    lists is no longer owed and is removed; a paid fine is history and stays as it is, even
    when an older extract still lists it. A fine listed without a date (a total) is dated
    `today` when it is added and keeps that date afterwards.
    """
    existing = {fine.number: fine for fine in session.exec(
        select(TrafficFine).where(TrafficFine.person_id == person.id)).all()}
    listed = {values["number"] for values in fines}
    changed = False
    for number, fine in existing.items():
        if fine.status == "unpaid" and number not in listed:
            session.delete(fine)
            changed = True
    for listed_values in fines:
        fine = existing.get(listed_values["number"])
        if fine is None:
            values = {**listed_values, "issued_on": listed_values["issued_on"] or today}
            session.add(TrafficFine(person_id=person.id, **values))
            changed = True
            continue
        values = {k: v for k, v in listed_values.items() if v is not None}
        if fine.status == "unpaid" and any(getattr(fine, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(fine, key, value)
            session.add(fine)
            changed = True
    return changed


def has_unpaid_fines(ctx: Context) -> Blocker | None:
    """Paying fines needs a fine to pay."""
    return None if unpaid_fines(ctx.session, ctx.beneficiary) else Blocker("no_traffic_fines")


def no_unpaid_fines(ctx: Context) -> Blocker | None:
    """Most services wait until the beneficiary's fines are paid."""
    total = unpaid_total(ctx.session, ctx.beneficiary)
    return Blocker("traffic_fines", {"amount": total}) if total > 0 else None


# ---------------------------------------------------------------------------------------------
# Shared arithmetic.

def late_years(expiry: date, today: date, grace_days: int) -> int:
    """Years of delay a late fine counts: none within `grace_days` after `expiry`, then each
    year since the expiry, or part of one."""
    if (today - expiry).days <= grace_days:
        return 0
    years = 1
    while add_years(expiry, years) < today:
        years += 1
    return years


def _unique_number(session: Session, model: type, first_digit: str) -> str:
    while True:
        number = first_digit + numeric_code(9)
        if session.exec(select(model).where(model.number == number)).first() is None:
            return number


# ---------------------------------------------------------------------------------------------
# Driving licence.

# Prebuilt (see absher_app.db): every dashboard load.
_LICENCE_OF = select(DrivingLicence).where(DrivingLicence.person_id == bindparam("person_id"))
_AUTHORIZATIONS_GIVEN = select(DrivingAuthorization).where(
    DrivingAuthorization.owner_id == bindparam("person_id"),
    DrivingAuthorization.status == "active",
    DrivingAuthorization.ends_on >= bindparam("today")).order_by(
    col(DrivingAuthorization.number))


def licence_of(session: Session, person: Person) -> DrivingLicence | None:
    return session.exec(_LICENCE_OF, params={"person_id": person.id}).first()


def holds_a_licence(ctx: Context, person: Person) -> bool:
    """Renewing a licence is for someone who has one."""
    return ctx.read_once(("licence", person.id),
                         lambda: licence_of(ctx.session, person)) is not None


def licence_due(ctx: Context) -> Blocker | None:
    """A licence is renewed once less than `renew_when_less_than_days` of it are left."""
    licence = licence_of(ctx.session, ctx.beneficiary)
    days = rule("driving_licence", "renew_when_less_than_days")
    if licence is not None and (licence.expiry - ctx.today).days >= days:
        return Blocker("licence_not_due", {"date": licence.expiry.isoformat(), "days": days})
    return None


def licence_fee(ctx: Context) -> list[FeeLine]:
    """The period at its yearly fee, a late fine for each year of delay past the grace, and
    the delivery by post."""
    years = int(ctx.answers["years"])
    each = rule("driving_licence", "fee_per_year")
    lines = [FeeLine("licence_years", years * each, {"years": years, "each": each})]
    licence = licence_of(ctx.session, ctx.beneficiary)
    if late := late_years(licence.expiry, ctx.today, rule("driving_licence", "grace_days")):
        fine = rule("driving_licence", "late_fine_per_year")
        lines.append(FeeLine("licence_late_fine", late * fine, {"count": late, "each": fine}))
    if ctx.answers.get("delivery") == "post":
        lines.append(FeeLine("delivery", rule("delivery", "fee")))
    return lines


def renew_licence(ctx: Context) -> dict[str, Any]:
    """Effect: the licence runs `years` more from its end (from today when it has ended)."""
    licence = licence_of(ctx.session, ctx.beneficiary)
    licence.expiry = add_years(max(licence.expiry, ctx.today), int(ctx.answers["years"]))
    licence.updated_at = ctx.now
    ctx.session.add(licence)
    return {"licence_number": licence.number, "valid_until": licence.expiry.isoformat()}


# ---------------------------------------------------------------------------------------------
# Vehicles: choosing one, its registration (istimara).

def vehicle_options(ctx: Context) -> tuple[Option, ...]:
    """The beneficiary's vehicles, by plate."""
    return tuple(Option(v.plate, "option.vehicle", (("plate", v.plate), ("make", v.make),
                                                    ("model", v.model), ("year", v.year)))
                 for v in vehicles.vehicles_of(ctx.session, ctx.beneficiary))


def chosen_vehicle(ctx: Context) -> Vehicle:
    return ctx.session.exec(select(Vehicle).where(Vehicle.plate == ctx.answers["plate"])).one()


def _valid_on(day: date | None, today: date) -> bool:
    return day is not None and day >= today


def registration_renewable(ctx: Context) -> None:
    """Step check: the chosen vehicle's registration is due, and its insurance and periodic
    inspection are valid; it is not being sold."""
    vehicle = chosen_vehicle(ctx)
    expiry = vehicle.registration_expiry
    within = rule("vehicle_registration", "renew_within_days")
    if expiry is not None and (expiry - ctx.today).days > within:
        raise ValidationError("registration_not_due", "the registration is not due yet",
                              field="plate", date=expiry.isoformat(), days=within)
    if not _valid_on(vehicle.insurance_expiry, ctx.today):
        raise ValidationError("insurance_expired", "the vehicle has no valid insurance",
                              field="plate")
    if not _valid_on(vehicle.inspection_expiry, ctx.today):
        raise ValidationError("inspection_expired", "the periodic inspection is not valid",
                              field="plate")
    if vehicles.pending_transfer(ctx.session, vehicle):
        raise ValidationError("plate_in_transfer", "this vehicle is being transferred",
                              field="plate")


def registration_fee(ctx: Context) -> list[FeeLine]:
    """The years at the yearly fee, and a late fine per year of delay past the grace."""
    years = int(ctx.answers["years"])
    each = rule("vehicle_registration", "fee_per_year")
    lines = [FeeLine("registration_years", years * each, {"years": years, "each": each})]
    expiry = chosen_vehicle(ctx).registration_expiry
    if expiry is not None and (late := late_years(
            expiry, ctx.today, rule("vehicle_registration", "grace_days"))):
        fine = rule("vehicle_registration", "late_fine_per_year")
        lines.append(FeeLine("registration_late_fine", late * fine,
                             {"count": late, "each": fine}))
    return lines


def renew_registration(ctx: Context) -> dict[str, Any]:
    """Effect: the registration runs `years` more from its end (from today when it ended)."""
    vehicle = chosen_vehicle(ctx)
    start = max(vehicle.registration_expiry or ctx.today, ctx.today)
    vehicle.registration_expiry = add_years(start, int(ctx.answers["years"]))
    vehicle.updated_at = ctx.now
    ctx.session.add(vehicle)
    return {"plate": vehicle.plate, "valid_until": vehicle.registration_expiry.isoformat()}


# ---------------------------------------------------------------------------------------------
# Authorising another person to drive one's vehicle.

def active_authorization(session: Session, vehicle: Vehicle,
                         today: date) -> DrivingAuthorization | None:
    return session.exec(select(DrivingAuthorization).where(
        DrivingAuthorization.vehicle_id == vehicle.id, DrivingAuthorization.status == "active",
        DrivingAuthorization.ends_on >= today)).first()


def authorizations_given(session: Session, owner: Person,
                         today: date) -> list[DrivingAuthorization]:
    """The owner's authorisations still in force, by number."""
    return list(session.exec(_AUTHORIZATIONS_GIVEN, params={"person_id": owner.id,
                                                            "today": today}).all())


def has_given_an_authorization(ctx: Context, person: Person) -> bool:
    return bool(ctx.read_once(("authorizations given", person.id),
                              lambda: authorizations_given(ctx.session, person, ctx.today)))


def vehicle_can_be_lent(ctx: Context) -> None:
    """Step check: a vehicle with a valid registration and insurance, and no driver already
    authorised for it (one authorised driver per vehicle)."""
    vehicle = chosen_vehicle(ctx)
    if not _valid_on(vehicle.registration_expiry, ctx.today):
        raise ValidationError("registration_expired", "the registration has expired",
                              field="plate")
    if not _valid_on(vehicle.insurance_expiry, ctx.today):
        raise ValidationError("insurance_expired", "the vehicle has no valid insurance",
                              field="plate")
    if found := active_authorization(ctx.session, vehicle, ctx.today):
        raise ValidationError("vehicle_already_authorized", "a driver is already authorised",
                              field="plate", number=found.number)


def parse_driver(raw: str, ctx: Context) -> str:
    """The driver: someone else, with an activated account (they are told by SMS and see it
    in their account), a valid driving licence, and no unpaid fines."""
    try:
        number = validate_id_number(raw)
    except ValidationError as error:
        raise ValidationError(error.code, str(error), field="driver_id") from None
    if ctx.beneficiary is not None and number == ctx.beneficiary.id_number:
        raise ValidationError("driver_self", "the owner needs no authorisation",
                              field="driver_id")
    driver = ctx.session.exec(select(Person).where(Person.id_number == number)).first()
    account = ctx.session.exec(select(Account).where(Account.person_id == driver.id)).first() \
        if driver else None
    if account is None or account.status != "active":
        raise ValidationError("driver_not_active", "the driver needs an activated account",
                              field="driver_id")
    licence = licence_of(ctx.session, driver)
    if licence is None or licence.expiry < ctx.today:
        raise ValidationError("driver_no_licence", "the driver needs a valid licence",
                              field="driver_id")
    if unpaid_total(ctx.session, driver):
        raise ValidationError("driver_has_fines", "the driver has unpaid fines",
                              field="driver_id")
    return number


def authorization_within_registration(ctx: Context) -> None:
    """Step check: the authorisation ends no later than the vehicle's registration."""
    expiry = chosen_vehicle(ctx).registration_expiry
    if expiry is not None and ctx.answers["ends_on"] > expiry:
        raise ValidationError("authorization_beyond_registration",
                              "the authorisation must end within the registration",
                              field="ends_on", date=expiry.isoformat())


def authorization_fee(ctx: Context) -> list[FeeLine]:
    scope = ctx.answers["scope"]
    amount = rule("driving_authorization", f"{scope}_fee")
    return [FeeLine(f"authorization_{scope}", amount)] if amount else []


def _names(person: Person) -> dict[str, dict[str, str]]:
    """The person's name in each language, for a notification's `localized` params."""
    names = (("ar", person.name_ar), ("en", person.name_en))
    return {lang: {"name": name} for lang, name in names}


def authorize_driver(ctx: Context) -> dict[str, Any]:
    """Effect: the authorisation is in force from today; the driver is told."""
    vehicle = chosen_vehicle(ctx)
    driver = ctx.session.exec(select(Person).where(
        Person.id_number == ctx.answers["driver_id"])).one()
    granted = DrivingAuthorization(
        number=_unique_number(ctx.session, DrivingAuthorization, "6"),
        request_id=ctx.request_id, vehicle_id=vehicle.id, owner_id=ctx.beneficiary.id,
        driver_id=driver.id, scope=ctx.answers["scope"], starts_on=ctx.today,
        ends_on=ctx.answers["ends_on"], created_at=ctx.now)
    ctx.session.add(granted)
    notify.notify(ctx.session, driver, "driving_authorization_granted", now=ctx.now,
                  sms=ctx.sms, localized=_names(ctx.beneficiary), plate=vehicle.plate,
                  date=granted.ends_on.isoformat())
    return {"authorization_number": granted.number, "plate": vehicle.plate,
            "valid_until": granted.ends_on.isoformat()}


def authorization_options(ctx: Context) -> tuple[Option, ...]:
    """The beneficiary's authorisations in force: number, plate, driver's ID number (the one
    the owner gave), last day."""
    options = []
    for granted in authorizations_given(ctx.session, ctx.beneficiary, ctx.today):
        vehicle = ctx.session.get(Vehicle, granted.vehicle_id)
        driver = ctx.session.get(Person, granted.driver_id)
        options.append(Option(granted.number, f"option.authorization_{granted.scope}", (
            ("number", granted.number), ("plate", vehicle.plate),
            ("driver", driver.id_number), ("date", granted.ends_on.isoformat()))))
    return tuple(options)


def cancel_authorization(ctx: Context) -> dict[str, Any]:
    """Effect: the authorisation ends today; the driver is told."""
    granted = ctx.session.exec(select(DrivingAuthorization).where(
        DrivingAuthorization.number == ctx.answers["authorization"])).one()
    vehicle = ctx.session.get(Vehicle, granted.vehicle_id)
    granted.status, granted.cancelled_at = "cancelled", ctx.now
    ctx.session.add(granted)
    notify.notify(ctx.session, ctx.session.get(Person, granted.driver_id),
                  "driving_authorization_cancelled", now=ctx.now, sms=ctx.sms,
                  localized=_names(ctx.beneficiary), plate=vehicle.plate)
    return {"authorization_number": granted.number, "plate": vehicle.plate}
