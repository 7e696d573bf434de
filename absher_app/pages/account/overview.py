"""`/account` (حسابي): the person's details, the tasks of the account (one page each), the
language preference, and who accessed the person's record."""

from __future__ import annotations

import dataclasses

import reflex as rx

from absher_app import routes
from absher_app.application import account as usecases
from absher_app.application.account import AccessRow, LanguageForm, ProfileView
from absher_app.application.views import NO_PROBLEM, problem
from absher_app.components.account import NO_NOTICE, account_section, live_status, notice
from absher_app.components.content import summary_list, summary_row
from absher_app.components.forms import error_summary, radio_group, submit_button
from absher_app.components.layout import page_layout
from absher_app.components.text import bilingual
from absher_app.domain.errors import DomainError
from absher_app.domain.identity import CATEGORIES
from absher_app.state.events import event, use
from absher_app.state.language import LanguageState, document_language_script, t
from absher_app.state.session import load_page

# The tasks, each on its own page: (route, title key, what it is for).
TASKS = (
    (routes.ACCOUNT_PASSWORD, "account.password.title", "account.task.password"),
    (routes.ACCOUNT_MOBILE, "account.mobile.title", "account.task.mobile"),
    (routes.ACCOUNT_AUTHENTICATOR, "account.totp.title", "account.task.authenticator"),
    (routes.ACCOUNT_DEVICES, "account.devices.title", "account.task.devices"),
    (routes.ACCOUNT_DATA, "account.data.title", "account.task.data"),
    (routes.ACCOUNT_CLOSE, "account.close.title", "account.task.close"),
)


class AccountState(rx.State):
    """The overview: details, language, accesses to the record."""

    loaded: bool = False
    profile: ProfileView = rx.field(default_factory=ProfileView)
    accesses: list[AccessRow] = []
    language_error: dict[str, str] = NO_PROBLEM
    language_notice: dict[str, str] = NO_NOTICE

    def _on_problem(self, error: DomainError) -> None:
        self.language_error, self.language_notice = problem(error), NO_NOTICE

    @event
    async def load(self):
        """on_load: the account as it is now."""
        self.reset()
        yield
        view = await load_page(self, usecases.account_overview)
        self.profile, self.accesses, self.loaded = view.profile, view.accesses, True

    @event
    async def save_language(self, form: LanguageForm):
        """Store the language preference and switch the page to it."""
        lang = await use(self, usecases.save_language, form)
        self.profile = dataclasses.replace(self.profile, language=lang)
        self.language_error, self.language_notice = NO_PROBLEM, notice("account.language.saved")
        (await self.get_state(LanguageState)).lang = lang
        return rx.call_script(document_language_script(lang))


def _profile() -> rx.Component:
    p = AccountState.profile
    return account_section(
        "profile", "account.profile.title",
        summary_list(
            summary_row("account.profile.name", bilingual(p.name_ar, p.name_en)),
            summary_row("account.profile.id", rx.el.bdi(p.masked_id, dir="ltr")),
            summary_row("account.profile.mobile", rx.el.bdi(p.masked_mobile, dir="ltr")),
            summary_row("account.profile.email", rx.el.bdi(p.email, dir="ltr")),
            summary_row("account.profile.username", rx.el.bdi(p.username, dir="ltr")),
            summary_row("account.profile.category", rx.match(
                p.category, *[(c, t(f"register.category.{c}")) for c in CATEGORIES], "")),
        ),
        rx.el.p(t("account.profile.registry_note"), class_name="field-hint"),
    )


def _tasks() -> rx.Component:
    return rx.el.nav(
        rx.el.h2(t("account.tasks"), id="tasks-title"),
        rx.el.ul(
            *[rx.el.li(rx.el.a(t(title_key), href=href, class_name="task-link"),
                       rx.el.p(t(hint_key), class_name="field-hint"))
              for href, title_key, hint_key in TASKS],
            class_name="task-list",
        ),
        aria_labelledby="tasks-title",
        class_name="account-section",
    )


def _language() -> rx.Component:
    error = AccountState.language_error
    return account_section(
        "language", "account.language.title",
        rx.el.form(
            error_summary(error),
            radio_group("language", "account.language.legend",
                        [("ar", "account.language.ar"), ("en", "account.language.en")], error,
                        default=AccountState.profile.language),
            submit_button("account.language.save"),
            live_status(AccountState.language_notice),
            on_submit=AccountState.save_language,
            class_name="form",
        ),
    )


def _access_row(row: rx.Var[AccessRow]) -> rx.Component:
    return rx.el.tr(
        rx.el.td(rx.el.bdi(row.when, dir="ltr")),
        rx.el.td(bilingual(row.who_ar, row.who_en)),
        rx.el.td(bilingual(row.office_ar, row.office_en)),
        rx.el.td(bilingual(row.purpose_ar, row.purpose_en)),
    )


def _record_access() -> rx.Component:
    accesses = AccountState.accesses
    return account_section(
        "record-access", "access.title",
        rx.el.p(t("access.lead")),
        rx.cond(
            accesses.length() > 0,
            rx.el.div(rx.el.table(
                rx.el.thead(rx.el.tr(*[rx.el.th(t(f"access.{k}"), scope="col")
                                       for k in ("when", "who", "office", "purpose")])),
                rx.el.tbody(rx.foreach(accesses, _access_row)),
                class_name="data-table compact-table"), class_name="table-scroll"),
            rx.el.p(t("access.none")),
        ),
    )


def page() -> rx.Component:
    """The account overview."""
    return page_layout(
        "account.title",
        rx.cond(
            AccountState.loaded,
            rx.fragment(_profile(), _tasks(), _language(), _record_access()),
            rx.el.p(t("account.loading"), role="status", class_name="lead"),
        ),
        lead_key="account.lead",
    )
