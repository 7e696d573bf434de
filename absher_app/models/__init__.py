"""SQLModel tables. Importing this package registers every table on SQLModel.metadata."""

from absher_app.models.accounts import (
    Account,
    AuthEvent,
    BackupCode,
    OneTimeCode,
    SignInTicket,
    UserSession,
)
from absher_app.models.delegation import Delegation, DelegationEvent, Vehicle, VehicleTransfer
from absher_app.models.messages import (
    Appointment,
    AppointmentSlot,
    BranchClosure,
    Message,
    MessageAttachment,
    MessagePost,
)
from absher_app.models.operations import PaymentNotification, ScheduledJob
from absher_app.models.registry import Branch, Person
from absher_app.models.services import (
    Bill,
    Delivery,
    Notification,
    Payment,
    RequestEvent,
    ServiceRequest,
    TravelPermit,
    Visa,
    WizardDraft,
)
from absher_app.models.sms import SmsMessage
from absher_app.models.staff import (
    RecordAccess,
    StaffEvent,
    StaffMember,
    StaffSession,
    StaffSignInTicket,
)
from absher_app.models.traffic import DrivingAuthorization, DrivingLicence, TrafficFine

ALL_TABLES = (Person, Branch, SmsMessage, Account, OneTimeCode, BackupCode, UserSession,
              SignInTicket, AuthEvent, WizardDraft, ServiceRequest, RequestEvent, Bill, Payment,
              Visa, Delivery, Notification, StaffMember, StaffSession, StaffSignInTicket,
              StaffEvent, RecordAccess, Message, MessagePost, MessageAttachment,
              AppointmentSlot, BranchClosure, Appointment, Delegation, DelegationEvent, Vehicle,
              VehicleTransfer, TravelPermit, TrafficFine, DrivingLicence, DrivingAuthorization,
              ScheduledJob, PaymentNotification)

__all__ = [
    "ALL_TABLES", "Account", "Appointment", "AppointmentSlot", "BranchClosure", "Message",
    "MessageAttachment", "MessagePost", "AuthEvent", "BackupCode", "Bill", "Branch", "Delivery",
    "Notification", "OneTimeCode", "Payment", "Person", "RequestEvent", "ServiceRequest",
    "SignInTicket", "SmsMessage", "UserSession", "Visa", "WizardDraft",
    "RecordAccess", "StaffEvent", "StaffMember", "StaffSession", "StaffSignInTicket",
    "Delegation", "DelegationEvent", "Vehicle", "VehicleTransfer",
    "TravelPermit", "TrafficFine", "DrivingLicence", "DrivingAuthorization",
    "ScheduledJob", "PaymentNotification",
]
