"""Traffic sector, as little as delegation needs: vehicles and the transfer of their ownership.

The seller (or their delegate) asks through the wizard (catalogue service "vehicle_transfer":
vehicle, buyer's ID number, price, confirmation); the buyer then confirms in their own account,
and only then does the vehicle change owner. Status: awaiting_buyer -> completed | declined.
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from absher_app.domain import notify
from absher_app.domain.errors import ValidationError
from absher_app.domain.identity import validate_id_number
from absher_app.domain.wizard import Context
from absher_app.models import Account, Person, Vehicle, VehicleTransfer
from absher_app.providers.sms import SmsSender

PLATE = re.compile(r"[A-Z]{3}[0-9]{1,4}")


class TransferStatus(StrEnum):
    """A vehicle ownership transfer's status (the stored value is the enum's value)."""

    AWAITING_BUYER = "awaiting_buyer"
    COMPLETED = "completed"
    DECLINED = "declined"


def normalize_plate(raw: str) -> str:
    return "".join((raw or "").upper().split()).replace("-", "")


# Prebuilt (see absher_app.db): every dashboard load.
_VEHICLES_OF = select(Vehicle).where(Vehicle.owner_id == bindparam("person_id")).order_by(
    Vehicle.plate)
_AWAITING = select(VehicleTransfer).where(
    VehicleTransfer.buyer_id == bindparam("person_id"),
    VehicleTransfer.status == TransferStatus.AWAITING_BUYER).order_by(col(VehicleTransfer.id))


def vehicles_of(session: Session, person: Person) -> list[Vehicle]:
    return list(session.exec(_VEHICLES_OF, params={"person_id": person.id}).all())


def pending_transfer(session: Session, vehicle: Vehicle) -> VehicleTransfer | None:
    return session.exec(select(VehicleTransfer).where(
        VehicleTransfer.vehicle_id == vehicle.id,
        VehicleTransfer.status == TransferStatus.AWAITING_BUYER)).first()


def owned_in(ctx: Context, person: Person) -> list[Vehicle]:
    """`vehicles_of`, read once in this rule context."""
    return ctx.read_once(("vehicles", person.id), lambda: vehicles_of(ctx.session, person))


def owns_a_vehicle(ctx: Context, person: Person) -> bool:
    return bool(owned_in(ctx, person))


def parse_plate(raw: str, ctx: Context) -> str:
    """A plate of a vehicle the beneficiary owns and is not already selling."""
    plate = normalize_plate(raw)
    if not PLATE.fullmatch(plate):
        raise ValidationError("plate_invalid", "3 letters then up to 4 digits", field="plate")
    vehicle = ctx.session.exec(select(Vehicle).where(Vehicle.plate == plate)).first()
    if vehicle is None or ctx.beneficiary is None or vehicle.owner_id != ctx.beneficiary.id:
        raise ValidationError("plate_not_owned", "no vehicle of yours has this plate",
                              field="plate")
    if pending_transfer(ctx.session, vehicle):
        raise ValidationError("plate_in_transfer", "this vehicle is already being transferred",
                              field="plate")
    return plate


def parse_buyer(raw: str, ctx: Context) -> str:
    """The buyer: a person with an activated account (they must confirm), not the seller."""
    try:
        number = validate_id_number(raw)
    except ValidationError as error:
        raise ValidationError(error.code, str(error), field="buyer_id") from None
    if ctx.beneficiary is not None and number == ctx.beneficiary.id_number:
        raise ValidationError("buyer_self", "the buyer cannot be the owner", field="buyer_id")
    buyer = ctx.session.exec(select(Person).where(Person.id_number == number)).first()
    account = ctx.session.exec(select(Account).where(Account.person_id == buyer.id)).first() \
        if buyer else None
    if account is None or account.status != "active":
        raise ValidationError("buyer_not_active", "the buyer needs an activated account",
                              field="buyer_id")
    return number


def start_transfer(ctx: Context) -> dict[str, Any]:
    """Effect of the approved request: the transfer waits for the buyer's confirmation."""
    vehicle = ctx.session.exec(select(Vehicle).where(
        Vehicle.plate == ctx.answers["plate"])).one()
    buyer = ctx.session.exec(select(Person).where(
        Person.id_number == ctx.answers["buyer_id"])).one()
    transfer = VehicleTransfer(request_id=ctx.request_id, vehicle_id=vehicle.id,
                               seller_id=ctx.beneficiary.id, buyer_id=buyer.id,
                               price_sar=ctx.answers["price"], created_at=ctx.now)
    ctx.session.add(transfer)
    notify.notify(ctx.session, buyer, "vehicle_transfer_offer", now=ctx.now, sms=ctx.sms,
                  plate=vehicle.plate, price=transfer.price_sar)
    return {"plate": vehicle.plate}


def awaiting(session: Session, buyer: Person) -> list[VehicleTransfer]:
    return list(session.exec(_AWAITING, params={"person_id": buyer.id}).all())


def answer(session: Session, *, buyer: Person, plate: str, accept: bool, now: datetime,
           sms: SmsSender | None) -> VehicleTransfer:
    """The buyer confirms (the vehicle becomes theirs) or declines the transfer of the vehicle
    with this plate (a vehicle has at most one transfer awaiting its buyer).

    Raises:
        ValidationError: transfer_not_found (no such plate, or no transfer of it awaits this
            buyer: the same answer, so nothing is learnt about other people's vehicles).
    """
    vehicle = session.exec(select(Vehicle).where(
        Vehicle.plate == normalize_plate(plate)[:12])).first()
    transfer = pending_transfer(session, vehicle) if vehicle is not None else None
    if transfer is None or transfer.buyer_id != buyer.id:
        raise ValidationError("transfer_not_found", "no transfer awaits your answer")
    transfer.status = TransferStatus.COMPLETED if accept else TransferStatus.DECLINED
    transfer.decided_at = now
    if accept:
        vehicle.owner_id, vehicle.updated_at = buyer.id, now
        session.add(vehicle)
    session.add(transfer)
    notify.notify(session, session.get(Person, transfer.seller_id),
                  f"vehicle_transfer_{transfer.status}", now=now, sms=sms, plate=vehicle.plate)
    session.flush()
    return transfer
