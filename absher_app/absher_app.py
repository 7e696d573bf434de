"""The Reflex app: configuration of the shell and page registration only."""

from __future__ import annotations

import reflex as rx

from absher_app import garbage_collection, jobs, relay, routes
from absher_app.http_cache import cache_headers
from absher_app.http_routes import guard_uploads, http_app
from absher_app.models import ALL_TABLES
from absher_app.observability import metrics
from absher_app.observability.logs import configure_logging
from absher_app.pages import (
    account,
    activation,
    appointments,
    dashboard,
    delegations,
    dev_sms,
    family,
    home,
    inquiries,
    login,
    messages,
    pay,
    recovery,
    register,
    services,
    staff_activation,
    staff_branches,
    staff_console,
    staff_dashboard,
    staff_messages,
    staff_requests,
    transactions,
    visa,
)
from absher_app.security_headers import security_headers
from absher_app.settings import get_settings
from absher_app.state import door
from absher_app.state.language import RESTORE_LANGUAGE_SCRIPT, t
from absher_app.state.session import SessionState

# JSON logs without personal numbers, and the metrics of this worker (absher_app/observability).
configure_logging()
metrics.install()

# `reflex db makemigrations` autogenerates from Reflex's model registry. Our tables are plain
# SQLModel and share one MetaData, so registering one of them hands Reflex all of them.
rx.ModelRegistry.register(ALL_TABLES[0])

app = rx.App(
    html_lang="ar",
    html_custom_attrs={"dir": "rtl"},
    # The portal's own stylesheet (system fonts, no web font to download); bundled into one
    # hashed CSS file by the build.
    stylesheets=["/styles.css", "/household.css", "/services.css", "/messages.css",
                 "/backoffice.css", "/delegation.css", "/operations.css"],
    head_components=[
        rx.script(RESTORE_LANGUAGE_SCRIPT),
        # The emblem as the icon: without a link the browser asks for /favicon.ico (a 404).
        rx.el.link(rel="icon", href="/emblem.svg", type="image/svg+xml"),
    ],
    # The last one wraps the others: every HTTP response, pages and scripts included, passes
    # through the security headers (after the cache headers are set).
    api_transformer=[http_app(), guard_uploads, cache_headers, security_headers],
)

# (route, page builder, title, on_load): the title is a catalogue key (the <title> follows the
# language, like the h1) or a var when the page's own h1 comes from state (a service's name).
PAGES = (
    (routes.HOME, home.page, "portal.name", None),
    (routes.REGISTER, register.page, "register.title", register.RegisterState.load),
    (routes.LOGIN, login.page, "login.title", login.SignInState.reset_form),
    (routes.FORGOT_PASSWORD, recovery.page, "recovery.title",
     recovery.RecoveryState.reset_form),
    (routes.DASHBOARD, dashboard.page, "portal.name",
     dashboard.DashboardState.load),
    (routes.SERVICES, services.catalogue_page, "services.title",
     services.ServicesState.load),
    (routes.SERVICE, services.wizard_page, services.wizard_title(),
     services.WizardState.load),
    (routes.TRANSACTIONS, transactions.list_page, "transactions.title",
     transactions.TransactionsState.load),
    (routes.TRANSACTION, transactions.detail_page, "transactions.title",
     transactions.TransactionState.load),
    (routes.VISA_PRINT, visa.page, "visa.title",
     visa.VisaPrintState.load),
    (routes.ACCOUNT, account.overview.page, "account.title",
     account.overview.AccountState.load),
    (routes.ACCOUNT_PASSWORD, account.password.page, "account.password.title",
     [SessionState.require_sign_in, account.password.PasswordFormState.load]),
    (routes.ACCOUNT_MOBILE, account.mobile.page, "account.mobile.title",
     [SessionState.require_sign_in, account.mobile.MobileFormState.load]),
    (routes.ACCOUNT_AUTHENTICATOR, account.authenticator.page, "account.totp.title",
     account.authenticator.AuthenticatorState.load),
    (routes.ACCOUNT_DEVICES, account.devices.page, "account.devices.title",
     account.devices.DevicesState.load),
    (routes.ACCOUNT_DATA, account.data.page, "account.data.title",
     [SessionState.require_sign_in, account.data.MyDataState.load]),
    (routes.ACCOUNT_CLOSE, account.close.page, "account.close.title",
     [SessionState.require_sign_in, account.close.CloseAccountState.load]),
    (routes.INQUIRIES, inquiries.page, "inquiries.title", inquiries.InquiryState.load),
    (routes.FAMILY, family.page, "family.title",
     family.FamilyState.load),
    # The staff back office: every loader checks the staff session and the role again.
    (routes.STAFF_LOGIN, login.staff_page, "staff.login.title",
     login.SignInState.reset_form),
    (routes.STAFF_NOT_ALLOWED, staff_console.not_allowed_page, "staff.not_allowed.title",
     None),
    (routes.STAFF, staff_console.home_page, "staff.home.title",
     [SessionState.require_staff, staff_dashboard.StaffDashboardState.load]),
    (routes.STAFF_ACTIVATE, staff_activation.page, "staff.activate.title",
     staff_activation.ON_LOAD),
    (routes.STAFF_REQUESTS, staff_requests.queue_page, "staff.review.title",
     staff_requests.QUEUE_ON_LOAD),
    (routes.STAFF_REQUEST, staff_requests.review_page, "staff.review.one_title",
     staff_requests.REVIEW_ON_LOAD),
    (routes.STAFF_MESSAGES, staff_messages.inbox_page, "staff.messages.title",
     staff_messages.INBOX_ON_LOAD),
    (routes.STAFF_MESSAGE, staff_messages.thread_page, "staff.messages.one_title",
     staff_messages.THREAD_ON_LOAD),
    (routes.STAFF_BRANCHES, staff_branches.page, "staff.branches.title",
     staff_branches.ON_LOAD),
    (routes.GENERAL_SERVICES, messages.general_page, "general.title",
     SessionState.require_sign_in),
    (routes.MESSAGES, messages.list_page, "messages.title",
     messages.MessagesState.load),
    (routes.MESSAGE_NEW, messages.compose_page, "messages.new_title",
     [SessionState.require_sign_in, messages.ComposeState.load]),
    (routes.MESSAGE, messages.thread_page, "messages.title",
     messages.ThreadState.load),
    (routes.APPOINTMENTS, appointments.list_page, "appointments.title",
     appointments.AppointmentsState.load),
    (routes.APPOINTMENT_BOOK, appointments.book_page, "appointments.book_title",
     appointments.BookingState.load),
    (routes.APPOINTMENT, appointments.slip_page, "appointments.title",
     appointments.SlipState.load),
    (routes.DELEGATIONS, delegations.list_page, "delegation.title",
     delegations.DelegationsState.load),
    (routes.DELEGATION, delegations.detail_page, "delegation.detail_title",
     delegations.DelegationState.load),
    (routes.DELEGATION_CERTIFICATE, delegations.certificate_page,
     "delegation.certificate_title",
     delegations.DelegationState.load),
    (routes.VERIFY, delegations.verify_page, "verify.title", delegations.VerifyState.load),
    (routes.VEHICLES, delegations.vehicles_page, "vehicles.title",
     delegations.VehiclesState.load),
)

# The demo's stand-ins: the SMS outbox for anyone to read, the bank that pays any bill, the
# activation partners. Registered only in demo mode (ABSHER_DEMO=1), which production refuses.
DEMO_PAGES = (
    (routes.DEV_SMS, dev_sms.page, "dev_sms.title", dev_sms.DevSmsState.load),
    (routes.ACTIVATE_BANK, activation.bank_page, "bank.title",
     activation.ActivationPartnerState.load),
    (routes.ACTIVATE_KIOSK, activation.kiosk_page, "kiosk.title",
     activation.ActivationPartnerState.load),
    (routes.PAY, pay.pay_page, "pay.title", pay.PayState.load),
)

for route, builder, title, on_load in PAGES + (DEMO_PAGES if get_settings().dev_tools_enabled
                                               else ()):
    # The sitemap lists the public entry points only: never a dev, demo, staff or signed-in
    # page (`"sitemap": None` is how Reflex's SitemapPlugin leaves a page out).
    context = None if route in routes.SITEMAP else {"sitemap": None}
    app.add_page(builder, route=route, title=t(title) if isinstance(title, str) else title,
                 on_load=on_load, context=context)

# Every socket event passes the door first (payload shape, setvar, the tab's owner).
door.install(app)

# Diagnostics for bench/ and the scale-out journeys (absher_app/state/bench.py, event_log.py).
if get_settings().bench:
    from absher_app.state import bench  # noqa: F401  (registers BenchState)
if get_settings().event_log:
    from absher_app.state.event_log import EventLogMiddleware

    app.add_middleware(EventLogMiddleware())

# The background jobs on their schedule (a database lease lets one worker run each), and the SMS
# relay when the gateway is HTTP; both off with ABSHER_JOBS_IN_APP=false (deploy/ runs them as
# services of their own).
app.register_lifespan_task(garbage_collection.tune_for_serving)
app.register_lifespan_task(jobs.run_on_schedule)
app.register_lifespan_task(relay.run_in_app)
