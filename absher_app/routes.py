"""Route constants and builders: no path string anywhere else."""

from urllib.parse import urlencode

HOME = "/"
LOGIN = "/login"
REGISTER = "/register"
DASHBOARD = "/dashboard"
VERIFY = "/verify"
DEV_SMS = "/dev/sms"
ACCOUNT = "/account"
# The account's tasks, one page each (the overview, ACCOUNT, links to them).
ACCOUNT_PASSWORD = "/account/password"
ACCOUNT_MOBILE = "/account/mobile"
ACCOUNT_AUTHENTICATOR = "/account/authenticator"
ACCOUNT_DEVICES = "/account/devices"
ACCOUNT_DATA = "/account/data"
ACCOUNT_CLOSE = "/account/close"
ACTIVATE = "/activate"
ACTIVATE_BANK = "/activate/bank"
ACTIVATE_KIOSK = "/activate/kiosk"
FORGOT_PASSWORD = "/forgot-password"
# Plain HTTP endpoints (not pages): they set and clear the HttpOnly session cookie.
AUTH_SESSION = "/auth/session"
AUTH_SIGNED_OUT = "/auth/signed-out"
SERVICES = "/services"
SERVICE = "/services/[service]"
TRANSACTIONS = "/transactions"
TRANSACTION = "/transactions/[reference]"
VISA_PRINT = "/transactions/[reference]/visa"
PAY = "/pay"
INQUIRIES = "/inquiries"
FAMILY = "/family"
NOTIFICATIONS = "/notifications"
GENERAL_SERVICES = "/general-services"
MESSAGES = "/messages"
MESSAGE_NEW = "/messages/new"
MESSAGE = "/messages/[reference]"
APPOINTMENTS = "/appointments"
APPOINTMENT_BOOK = "/appointments/book"
APPOINTMENT = "/appointments/[reference]"
# A message's PDF: a plain HTTP endpoint that checks the session and ownership (never static).
ATTACHMENT = "/files/attachments/{attachment_id:int}"
# Reflex's own upload endpoint (rx.upload posts files here).
REFLEX_UPLOAD = "/_upload"
CALENDAR = "/calendar.ics"
# The directorate's back office (staff only; its own sign-in and session cookie).
STAFF = "/staff"
STAFF_LOGIN = "/staff/login"
STAFF_NOT_ALLOWED = "/staff/not-allowed"
STAFF_ACTIVATE = "/staff/activate"
STAFF_REQUESTS = "/staff/requests"
STAFF_REQUEST = "/staff/requests/[reference]"
STAFF_MESSAGES = "/staff/messages"
STAFF_MESSAGE = "/staff/messages/[reference]"
STAFF_BRANCHES = "/staff/branches"
# A message's PDF for staff who answer messages: the staff session and role are checked.
STAFF_ATTACHMENT = "/staff/files/attachments/{attachment_id:int}"
AUTH_STAFF_SESSION = "/auth/staff-session"
AUTH_STAFF_SIGNED_OUT = "/auth/staff-signed-out"
DELEGATIONS = "/delegations"
DELEGATION = "/delegations/[reference]"
DELEGATION_CERTIFICATE = "/delegations/[reference]/certificate"
VEHICLES = "/vehicles"
# The pages sitemap.xml lists: the public entry points (no dev, demo, staff or signed-in page).
SITEMAP = (HOME, REGISTER, LOGIN, FORGOT_PASSWORD, INQUIRIES, VERIFY)
# Operations: Prometheus metrics (allowed addresses only), and the signed callbacks of the bank
# (payment notifications) and of the SMS gateway (delivery reports).
METRICS = "/metrics"
HOOK_PAYMENT = "/hooks/payment"
HOOK_SMS_STATUS = "/hooks/sms-status"


def service_path(code: str, for_member: str = "") -> str:
    """The wizard of one service; `for_member` (an ID number of the household, checked by the
    wizard) preselects whom it is for."""
    return f"{SERVICES}/{code}?{urlencode({'for': for_member})}" if for_member \
        else f"{SERVICES}/{code}"


def transaction_path(reference: str) -> str:
    """One request's page (status, timeline, bill, delivery)."""
    return f"{TRANSACTIONS}/{reference}"


def visa_print_path(reference: str) -> str:
    """The printable visa an approved visa request issued."""
    return f"{TRANSACTIONS}/{reference}/visa"


def message_path(reference: str) -> str:
    """One message's thread."""
    return f"{MESSAGES}/{reference}"


def attachment_path(attachment_id: int) -> str:
    """The download of a message's attachment."""
    return f"/files/attachments/{attachment_id}"


def appointment_path(reference: str) -> str:
    """One appointment's slip."""
    return f"{APPOINTMENTS}/{reference}"


def booking_path(*, message: str = "", reschedule: str = "", service: str = "",
                 branch: str = "") -> str:
    """The booking flow, prefilled (a message's reference carried into it, an appointment to
    move, a service or branch to start from)."""
    from urllib.parse import urlencode

    query = urlencode({k: v for k, v in (("message", message), ("reschedule", reschedule),
                                         ("service", service), ("branch", branch)) if v})
    return f"{APPOINTMENT_BOOK}?{query}" if query else APPOINTMENT_BOOK


def delegation_path(reference: str) -> str:
    """One delegation: its scope, status, history and (for the delegator) activity feed."""
    return f"{DELEGATIONS}/{reference}"


def certificate_path(reference: str) -> str:
    """The printable delegation certificate with its QR code."""
    return f"{DELEGATIONS}/{reference}/certificate"


def verify_path(reference: str) -> str:
    """The public check of a delegation (what the certificate's QR code opens)."""
    return f"{VERIFY}?reference={reference}"


def act_on_behalf_path(service_code: str, reference: str, for_member: str = "") -> str:
    """A service's wizard, run by a delegate under delegation `reference` (`for_member`, an
    ID number of the delegator's household, preselects whom it is for)."""
    query = {"delegation": reference} | ({"for": for_member} if for_member else {})
    return f"{service_path(service_code)}?{urlencode(query)}"


# Why a session ended, shown on the sign-in page (query parameter `reason`).
SIGN_OUT_REASONS = ("idle", "expired")


def signed_out_because(reason: str) -> str:
    """The sign-out endpoint that ends the session and then explains `reason` on /login."""
    return f"{AUTH_SIGNED_OUT}?reason={reason}" if reason in SIGN_OUT_REASONS else AUTH_SIGNED_OUT


def login_notice(reason: str) -> str:
    """/login showing why the session ended."""
    return f"{LOGIN}?reason={reason}" if reason in SIGN_OUT_REASONS else LOGIN


def staff_request_path(reference: str) -> str:
    """One request in the staff review queue."""
    return f"{STAFF_REQUESTS}/{reference}"


def staff_message_path(reference: str) -> str:
    """One message in the staff inbox."""
    return f"{STAFF_MESSAGES}/{reference}"


def staff_attachment_path(attachment_id: int) -> str:
    """The staff download of a message's attachment."""
    return f"/staff/files/attachments/{attachment_id}"


def reference_in(path: str, section: str) -> str:
    """The <reference> of `/<section>/<reference>[/...]` ("" for any other path); the domain
    checks its form."""
    wanted = [p for p in section.split("/") if p]
    parts = [p for p in (path or "").split("/") if p]
    if len(parts) <= len(wanted) or parts[:len(wanted)] != wanted:
        return ""
    return parts[len(wanted)][:40]
