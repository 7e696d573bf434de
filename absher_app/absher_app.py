"""The Reflex app: configuration of the shell and page registration only."""

from __future__ import annotations

import reflex as rx

from absher_app import jobs, routes
from absher_app.http_routes import guard_uploads, http_app
from absher_app.i18n import AR
from absher_app.models import ALL_TABLES
from absher_app.pages import (
    account,
    account_access,
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
    staff_messages,
    staff_requests,
    transactions,
    visa,
)
from absher_app.settings import get_settings
from absher_app.state import door
from absher_app.state.language import RESTORE_LANGUAGE_SCRIPT
from absher_app.state.session import SessionState

# `reflex db makemigrations` autogenerates from Reflex's model registry. Our tables are plain
# SQLModel and share one MetaData, so registering one of them hands Reflex all of them.
rx.ModelRegistry.register(ALL_TABLES[0])

app = rx.App(
    html_lang="ar",
    html_custom_attrs={"dir": "rtl"},
    stylesheets=["/fonts/fonts.css", "/styles.css", "/household.css", "/services.css",
                 "/messages.css", "/backoffice.css",
                 "/delegation.css"],
    head_components=[rx.script(RESTORE_LANGUAGE_SCRIPT)],
    style={"font_family": "'Plex Arabic', system-ui, sans-serif"},
    api_transformer=[http_app(), guard_uploads],
)

# (route, page builder, title, on_load)
PAGES = (
    (routes.HOME, home.page, AR["portal.name"], None),
    (routes.DEV_SMS, dev_sms.page, AR["dev_sms.title"], dev_sms.DevSmsState.load),
    (routes.REGISTER, register.page, AR["register.title"], register.RegisterState.load),
    (routes.LOGIN, login.page, AR["login.title"], login.SignInState.reset_form),
    (routes.FORGOT_PASSWORD, recovery.page, AR["recovery.title"],
     recovery.RecoveryState.reset_form),
    (routes.ACTIVATE_BANK, activation.bank_page, AR["bank.title"],
     activation.ActivationPartnerState.reset_form),
    (routes.ACTIVATE_KIOSK, activation.kiosk_page, AR["kiosk.title"],
     activation.ActivationPartnerState.reset_form),
    (routes.DASHBOARD, dashboard.page, AR["portal.name"],
     [SessionState.require_sign_in, dashboard.DashboardState.load]),
    (routes.SERVICES, services.catalogue_page, AR["services.title"],
     [SessionState.require_sign_in, services.ServicesState.load]),
    (routes.SERVICE, services.wizard_page, AR["services.title"],
     [SessionState.require_sign_in, services.WizardState.load]),
    (routes.TRANSACTIONS, transactions.list_page, AR["transactions.title"],
     [SessionState.require_sign_in, transactions.TransactionsState.load]),
    (routes.TRANSACTION, transactions.detail_page, AR["transactions.title"],
     [SessionState.require_sign_in, transactions.TransactionState.load]),
    (routes.VISA_PRINT, visa.page, AR["visa.title"],
     [SessionState.require_sign_in, visa.VisaPrintState.load]),
    (routes.PAY, pay.pay_page, AR["pay.title"], pay.PayState.load),
    (routes.ACCOUNT, account.page, AR["account.title"],
     [SessionState.require_sign_in, account.AccountState.load,
      account_access.RecordAccessState.load]),
    (routes.INQUIRIES, inquiries.page, AR["inquiries.title"], inquiries.InquiryState.load),
    (routes.FAMILY, family.page, AR["family.title"],
     [SessionState.require_sign_in, family.FamilyState.load]),
    # The staff back office: every loader checks the staff session and the role again.
    (routes.STAFF_LOGIN, login.staff_page, AR["staff.login.title"],
     login.SignInState.reset_form),
    (routes.STAFF_NOT_ALLOWED, staff_console.not_allowed_page, AR["staff.not_allowed.title"],
     None),
    (routes.STAFF, staff_console.home_page, AR["staff.home.title"],
     SessionState.require_staff),
    (routes.STAFF_ACTIVATE, staff_activation.page, AR["staff.activate.title"],
     staff_activation.ON_LOAD),
    (routes.STAFF_REQUESTS, staff_requests.queue_page, AR["staff.review.title"],
     staff_requests.QUEUE_ON_LOAD),
    (routes.STAFF_REQUEST, staff_requests.review_page, AR["staff.review.one_title"],
     staff_requests.REVIEW_ON_LOAD),
    (routes.STAFF_MESSAGES, staff_messages.inbox_page, AR["staff.messages.title"],
     staff_messages.INBOX_ON_LOAD),
    (routes.STAFF_MESSAGE, staff_messages.thread_page, AR["staff.messages.one_title"],
     staff_messages.THREAD_ON_LOAD),
    (routes.STAFF_BRANCHES, staff_branches.page, AR["staff.branches.title"],
     staff_branches.ON_LOAD),
    (routes.GENERAL_SERVICES, messages.general_page, AR["general.title"],
     SessionState.require_sign_in),
    (routes.MESSAGES, messages.list_page, AR["messages.title"],
     [SessionState.require_sign_in, messages.MessagesState.load]),
    (routes.MESSAGE_NEW, messages.compose_page, AR["messages.new_title"],
     [SessionState.require_sign_in, messages.ComposeState.load]),
    (routes.MESSAGE, messages.thread_page, AR["messages.title"],
     [SessionState.require_sign_in, messages.ThreadState.load]),
    (routes.APPOINTMENTS, appointments.list_page, AR["appointments.title"],
     [SessionState.require_sign_in, appointments.AppointmentsState.load]),
    (routes.APPOINTMENT_BOOK, appointments.book_page, AR["appointments.book_title"],
     [SessionState.require_sign_in, appointments.BookingState.load]),
    (routes.APPOINTMENT, appointments.slip_page, AR["appointments.title"],
     [SessionState.require_sign_in, appointments.SlipState.load]),
    (routes.DELEGATIONS, delegations.list_page, AR["delegation.title"],
     [SessionState.require_sign_in, delegations.DelegationsState.load]),
    (routes.DELEGATION, delegations.detail_page, AR["delegation.detail_title"],
     [SessionState.require_sign_in, delegations.DelegationState.load]),
    (routes.DELEGATION_CERTIFICATE, delegations.certificate_page,
     AR["delegation.certificate_title"],
     [SessionState.require_sign_in, delegations.DelegationState.load]),
    (routes.VERIFY, delegations.verify_page, AR["verify.title"], delegations.VerifyState.load),
    (routes.VEHICLES, delegations.vehicles_page, AR["vehicles.title"],
     [SessionState.require_sign_in, delegations.VehiclesState.load]),
)

for route, builder, title, on_load in PAGES:
    app.add_page(builder, route=route, title=title, on_load=on_load)

# Every socket event passes the door first (payload shape, setvar, the tab's owner).
door.install(app)

# Diagnostics for bench/ and the scale-out journeys (absher_app/state/bench.py, event_log.py).
if get_settings().bench:
    from absher_app.state import bench  # noqa: F401  (registers BenchState)
if get_settings().event_log:
    from absher_app.state.event_log import EventLogMiddleware

    app.add_middleware(EventLogMiddleware())

# The background jobs (expire unpaid bills, expiry reminders), every hour while the app runs.
app.register_lifespan_task(jobs.run_on_schedule)
