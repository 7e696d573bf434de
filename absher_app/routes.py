"""Route constants and builders: no path string anywhere else."""

HOME = "/"
LOGIN = "/login"
REGISTER = "/register"
DASHBOARD = "/dashboard"
VERIFY = "/verify"
DEV_SMS = "/dev/sms"
ACCOUNT = "/account"
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
PAY = "/pay"
INQUIRIES = "/inquiries"
FAMILY = "/family"
NOTIFICATIONS = "/notifications"
CALENDAR = "/calendar.ics"
DELEGATIONS = "/delegations"
DELEGATION = "/delegations/[reference]"
DELEGATION_CERTIFICATE = "/delegations/[reference]/certificate"
VEHICLES = "/vehicles"


def service_path(code: str) -> str:
    """The wizard of one service."""
    return f"{SERVICES}/{code}"


def transaction_path(reference: str) -> str:
    """One request's page (status, timeline, bill, delivery)."""
    return f"{TRANSACTIONS}/{reference}"


def delegation_path(reference: str) -> str:
    """One delegation: its scope, status, history and (for the delegator) activity feed."""
    return f"{DELEGATIONS}/{reference}"


def certificate_path(reference: str) -> str:
    """The printable delegation certificate with its QR code."""
    return f"{DELEGATIONS}/{reference}/certificate"


def verify_path(reference: str) -> str:
    """The public check of a delegation (what the certificate's QR code opens)."""
    return f"{VERIFY}?reference={reference}"


def act_on_behalf_path(service_code: str, reference: str) -> str:
    """A service's wizard, run by a delegate under delegation `reference`."""
    return f"{service_path(service_code)}?delegation={reference}"


# Why a session ended, shown on the sign-in page (query parameter `reason`).
SIGN_OUT_REASONS = ("idle", "expired")


def signed_out_because(reason: str) -> str:
    """The sign-out endpoint that ends the session and then explains `reason` on /login."""
    return f"{AUTH_SIGNED_OUT}?reason={reason}" if reason in SIGN_OUT_REASONS else AUTH_SIGNED_OUT


def login_notice(reason: str) -> str:
    """/login showing why the session ended."""
    return f"{LOGIN}?reason={reason}" if reason in SIGN_OUT_REASONS else LOGIN
