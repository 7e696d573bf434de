"""The Reflex app: configuration of the shell and page registration only."""

from __future__ import annotations

import reflex as rx

from absher_app import jobs, routes
from absher_app.i18n import AR
from absher_app.models import ALL_TABLES
from absher_app.http_routes import http_app
from absher_app.pages import (
    account,
    activation,
    dashboard,
    dev_sms,
    family,
    home,
    inquiries,
    login,
    recovery,
    register,
    services,
    transactions,
)
from absher_app.state.wizard import WizardState
from absher_app.state.session import SessionState
from absher_app.state.language import RESTORE_LANGUAGE_SCRIPT
from absher_app.settings import get_settings

# `reflex db makemigrations` autogenerates from Reflex's model registry. Our tables are plain
# SQLModel and share one MetaData, so registering one of them hands Reflex all of them.
rx.ModelRegistry.register(ALL_TABLES[0])

app = rx.App(
    html_lang="ar",
    html_custom_attrs={"dir": "rtl"},
    stylesheets=["/fonts/fonts.css", "/styles.css", "/household.css"],
    head_components=[rx.script(RESTORE_LANGUAGE_SCRIPT)],
    style={"font_family": "'Plex Arabic', system-ui, sans-serif"},
    api_transformer=http_app(),
)

# (route, page builder, title, on_load)
PAGES = (
    (routes.HOME, home.page, AR["portal.name"], None),
    (routes.DEV_SMS, dev_sms.page, AR["dev_sms.title"], dev_sms.DevSmsState.load),
    (routes.REGISTER, register.page, AR["register.title"], None),
    (routes.LOGIN, login.page, AR["login.title"], login.LoginState.reset_form),
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
     [SessionState.require_sign_in, WizardState.load]),
    (routes.TRANSACTIONS, transactions.list_page, AR["transactions.title"],
     [SessionState.require_sign_in, transactions.TransactionsState.load_list]),
    (routes.TRANSACTION, transactions.detail_page, AR["transactions.title"],
     [SessionState.require_sign_in, transactions.TransactionsState.load_one]),
    (routes.PAY, transactions.pay_page, AR["pay.title"], transactions.PayState.load),
    (routes.ACCOUNT, account.page, AR["account.title"],
     [SessionState.require_sign_in, account.AccountState.load]),
    (routes.INQUIRIES, inquiries.page, AR["inquiries.title"], inquiries.InquiryState.load),
    (routes.FAMILY, family.page, AR["family.title"],
     [SessionState.require_sign_in, family.FamilyState.load]),
)

for route, builder, title, on_load in PAGES:
    app.add_page(builder, route=route, title=title, on_load=on_load)

# Diagnostics for bench/ and the scale-out journeys (absher_app/state/bench.py, event_log.py).
if get_settings().bench:
    from absher_app.state import bench  # noqa: F401  (registers BenchState)
if get_settings().event_log:
    from absher_app.state.event_log import EventLogMiddleware

    app.add_middleware(EventLogMiddleware())

# The background jobs (expire unpaid bills, expiry reminders), every hour while the app runs.
app.register_lifespan_task(jobs.run_on_schedule)
