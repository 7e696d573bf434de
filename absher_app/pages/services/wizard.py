"""`/services/<code>`: the one wizard every service runs. The screen comes whole from the use
cases (absher_app.application.wizard); this state only shows it and keeps, on the server, the
draft's token that makes submitting idempotent.

The browser sends a service code (read from the URL), forms and a step index, nothing more;
every use case finds the signed-in account again and checks everything.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any

import reflex as rx

from absher_app import routes
from absher_app.application import wizard as usecases
from absher_app.application.inputs import FormFields
from absher_app.application.views import problem
from absher_app.application.wizard import (
    CodeForm,
    Phase,
    WhoForm,
    WizardKey,
    WizardView,
)
from absher_app.components.confirm import confirm_panel
from absher_app.components.forms import error_summary
from absher_app.components.layout import page_layout
from absher_app.components.money import sar
from absher_app.components.text import bilingual, t_with
from absher_app.components.wizard_fields import option_radio, wizard_field
from absher_app.domain.errors import DomainError
from absher_app.state.events import event, use
from absher_app.state.language import is_english, t
from absher_app.state.session import load_page

SERVICE_CODE = re.compile(r"[a-z_]{1,40}")
DELEGATION_REFERENCE = re.compile(r"[0-9]{10}")
ID_NUMBER = re.compile(r"[0-9]{10}")


def service_code_from_path(path: str) -> str:
    """'/services/exit_reentry_issue/' -> 'exit_reentry_issue' (anything odd -> '')."""
    parts = [p for p in (path or "").split("/") if p]
    code = parts[1] if len(parts) == 2 and parts[0] == "services" else ""
    return code if SERVICE_CODE.fullmatch(code) else ""


def query_value(params: dict, name: str, pattern: re.Pattern) -> str:
    """A query parameter of the URL when it has the expected form ("" otherwise)."""
    value = str(params.get(name, ""))
    return value if pattern.fullmatch(value) else ""


class WizardState(rx.State):
    """The screen of the wizard now showing (a WizardView: see its phases)."""

    _service_code: str = ""
    _draft_token: str = ""
    view: WizardView = rx.field(default_factory=WizardView)
    # The radios of "whom is it for" are uncontrolled (default_checked): a new key remounts
    # them, so a choice shown earlier (a previous visit, another ?for=) never lingers.
    who_version: int = 0
    # "Delete the draft" asked "are you sure?" (components/confirm.py).
    asking_discard: bool = False

    def _show(self, view: WizardView) -> None:
        self.view, self._draft_token = view.shown(), view.token
        self.asking_discard = False
        if view.phase == Phase.WHO:
            self.who_version += 1

    def _on_problem(self, error: DomainError) -> None:
        self.view = dataclasses.replace(self.view, problems=[problem(error)])

    async def _go_on(self, fn: Callable[..., WizardView], *inputs: Any) -> None:
        """Run a wizard use case on the wizard this tab opened (none opened: nothing to do)."""
        if self._service_code:
            self._show(await use(self, fn, WizardKey(self._service_code, self.view.on_behalf),
                                 *inputs))

    @event
    async def load(self):
        """on_load: the service named in the URL, for the signed-in person (`?for=` an ID
        number of the household, `?delegation=` the delegation they act under)."""
        params = self.router.url.query_parameters
        # Nothing of the service this tab showed before stays on screen (its title, its
        # screen) while this one opens, whatever the answer is.
        self.view, self._draft_token = WizardView(), ""
        yield
        self._service_code = service_code_from_path(self.router.url.path)
        key = WizardKey(self._service_code,
                        query_value(params, "delegation", DELEGATION_REFERENCE))
        self._show(await load_page(self, usecases.open_wizard, key,
                                   query_value(params, "for", ID_NUMBER)))

    @event
    async def choose_beneficiary(self, form: WhoForm):
        await self._go_on(usecases.choose_beneficiary, form)

    @event
    async def answer_step(self, form_data: FormFields):
        await self._go_on(usecases.answer_wizard_step, self.view.step_index, form_data)

    @event
    async def go_to_step(self, index: int):
        """Back, or "Change" on check your answers (-1: whom it is for)."""
        await self._go_on(usecases.go_to_step, index)

    @event
    async def submit(self):
        """Submit from check your answers (again on the code step: a new code)."""
        await self._go_on(usecases.submit_request, self._draft_token)

    @event
    async def confirm_code(self, form: CodeForm):
        await self._go_on(usecases.confirm_by_code, self._draft_token, form)

    @event
    def ask_discard(self, asking: bool):
        self.asking_discard = asking

    @event
    async def discard(self):
        """Delete this service's draft and start again."""
        await self._go_on(usecases.discard_draft)


# ---------------------------------------------------------------------------------------------
# The screens.

S, W = WizardState, WizardState.view  # its events; the screen it shows


def _who() -> rx.Component:
    return rx.el.form(
        error_summary(W.problems),
        rx.el.fieldset(
            rx.el.legend(t("wizard.who_title"), class_name="field-label", id="field-beneficiary"),
            rx.foreach(W.who_options, lambda option: option_radio(option, "beneficiary")),
            class_name="field radios",
        ),
        rx.el.button(t("wizard.continue"), type="submit", class_name="button"),
        on_submit=S.choose_beneficiary, class_name="form",
        key=S.who_version,
    )


def _blocked() -> rx.Component:
    return rx.el.div(
        rx.el.h2(t("wizard.blocked_title")),
        rx.el.p(t("wizard.blocked_lead")),
        rx.el.ul(
            rx.foreach(W.blockers, lambda b: rx.el.li(
                rx.el.strong(bilingual(b.ar, b.en)),
                rx.el.p(t("wizard.how_to_fix"), " ", bilingual(b.fix_ar, b.fix_en)),
                rx.cond(b.href != "",
                        rx.el.p(rx.el.a(bilingual(b.link_ar, b.link_en), href=b.href)),
                        rx.fragment()),
            )),
            class_name="blocker-list",
        ),
        rx.el.div(
            rx.cond(W.who_options.length() > 1,
                    rx.el.button(t("wizard.choose_another"), type="button",
                                 class_name="button secondary", on_click=S.go_to_step(-1)),
                    rx.fragment()),
            rx.el.a(t("wizard.back_to_services"), href=routes.SERVICES),
            class_name="button-group",
        ),
        role="region", aria_label=t("wizard.blocked_title"), class_name="panel blocked",
    )


def _step() -> rx.Component:
    number = {"number": W.step_number, "total": W.step_total}
    return rx.el.form(
        rx.el.p(t_with("wizard.step_of", number, number), class_name="step-count"),
        rx.el.h2(bilingual(W.step_title.ar, W.step_title.en)),
        error_summary(W.problems),
        rx.foreach(W.fields, wizard_field),
        rx.el.div(
            rx.el.button(t("wizard.continue"), type="submit", class_name="button"),
            rx.el.button(t("wizard.back"), type="button", class_name="button secondary",
                         on_click=S.go_to_step(W.step_index - 1)),
            class_name="button-group",
        ),
        on_submit=S.answer_step, class_name="form", key=W.step_index,
    )


def _fees() -> rx.Component:
    return rx.fragment(
        rx.el.h2(t("wizard.fee_title")),
        rx.cond(
            W.fee_total > 0,
            rx.el.table(
                rx.el.tbody(
                    rx.foreach(W.fee_lines, lambda line: rx.el.tr(
                        rx.el.td(bilingual(line.ar, line.en)), rx.el.td(sar(line.amount)))),
                    rx.el.tr(rx.el.th(t("wizard.fee_total"), scope="row"),
                             rx.el.td(rx.el.strong(sar(W.fee_total)))),
                ),
                class_name="data-table",
            ),
            rx.el.p(t("wizard.fee_free")),
        ),
    )


def _summary_row(label: rx.Component, *values: rx.Component) -> rx.Component:
    return rx.el.div(rx.el.dt(label), *[rx.el.dd(v) for v in values], class_name="summary-row")


def _review() -> rx.Component:
    return rx.el.div(
        rx.el.h2(t("wizard.review_title")),
        error_summary(W.problems),
        rx.el.dl(
            _summary_row(t("wizard.service"), bilingual(W.title.ar, W.title.en)),
            _summary_row(t("wizard.beneficiary"), bilingual(W.beneficiary.ar, W.beneficiary.en)),
            rx.foreach(W.review_rows, lambda row: _summary_row(
                bilingual(row.label_ar, row.label_en),
                bilingual(row.value_ar, row.value_en),
                rx.el.button(
                    t("wizard.change"),
                    rx.el.span(" ", bilingual(row.label_ar, row.label_en),
                               class_name="visually-hidden"),
                    type="button", class_name="link-button", on_click=S.go_to_step(row.index)),
            )),
            class_name="summary-list",
        ),
        _fees(),
        rx.cond(
            S.asking_discard,
            confirm_panel("discard", "wizard.discard_question", "wizard.discard_yes",
                          "wizard.discard_no", on_yes=S.discard, on_no=S.ask_discard(False)),
            rx.el.div(
                rx.el.button(t("wizard.submit"), type="button", class_name="button",
                             on_click=S.submit),
                rx.el.button(t("wizard.discard"), type="button", class_name="button secondary",
                             on_click=S.ask_discard(True)),
                class_name="button-group",
            ),
        ),
    )


def _code() -> rx.Component:
    """Confirm with the code sent to the mobile (services signed with a code)."""
    return rx.el.form(
        rx.el.h2(t("wizard.code_title")),
        rx.el.p(t_with("wizard.code_sent", {"mobile": W.sent_to_mobile}), dir="auto"),
        error_summary(W.problems),
        rx.el.div(
            rx.el.label(t("wizard.code_label"), html_for="field-code", class_name="field-label"),
            rx.el.input(id="field-code", name="code", type="text", input_mode="numeric",
                        auto_complete="one-time-code", max_length=12, dir="ltr",
                        class_name="field-input", data_testid="confirm-code"),
            class_name="field",
        ),
        rx.el.div(
            rx.el.button(t("wizard.code_submit"), type="submit", class_name="button"),
            rx.el.button(t("wizard.code_resend"), type="button", class_name="button secondary",
                         on_click=S.submit),
            class_name="button-group",
        ),
        on_submit=S.confirm_code, reset_on_submit=True, class_name="form",
    )


def _refused() -> rx.Component:
    return rx.el.div(
        error_summary(W.problems),
        rx.el.a(t("delegation.back_to_list"), href=routes.DELEGATIONS),
        class_name="panel",
    )


def _done() -> rx.Component:
    return rx.el.div(
        rx.el.div(
            rx.el.h2(t("wizard.done_title")),
            rx.el.p(t("wizard.reference")),
            rx.el.p(W.reference, class_name="reference", data_testid="reference"),
            class_name="confirmation",
        ),
        rx.cond(W.bill_number != "", rx.el.dl(
            _summary_row(t("wizard.bill_number"),
                         rx.el.span(W.bill_number, data_testid="bill-number")),
            _summary_row(t("wizard.amount"), sar(W.fee_total)),
            _summary_row(t("wizard.due"), rx.el.bdi(W.bill_due, dir="ltr")),
            class_name="summary-list",
        ), rx.fragment()),
        rx.el.p(bilingual(W.next_text.ar, W.next_text.en)),
        rx.el.div(
            rx.cond(W.pay_url != "",
                    rx.el.a(t("wizard.pay_now"), href=W.pay_url, class_name="button"),
                    rx.fragment()),
            rx.cond(W.on_behalf != "",
                    rx.el.a(t("delegation.back_to_delegation"),
                            href=routes.DELEGATIONS + "/" + W.on_behalf,
                            class_name="button secondary"),
                    rx.el.a(t("wizard.view_transaction"),
                            href=routes.TRANSACTIONS + "/" + W.reference,
                            class_name="button secondary")),
            class_name="button-group",
        ),
    )


def _opening() -> rx.Var[bool]:
    """True while the page opens: from a navigation (the browser marks the page not hydrated)
    until its on-load chain has run. The screen of the last visit is still in the state then
    (its view is cleared only once the sign-in check has run): it must not be shown, let
    alone typed into, or what is typed is lost when the fresh screen arrives."""
    return ~rx.State.is_hydrated


def wizard_title() -> rx.Var[str]:
    """The page's h1 and <title>: the service's name ("Services" while it opens)."""
    return rx.cond((W.title.ar == "") | _opening(), t("services.title"),
                   rx.cond(is_english(), W.title.en, W.title.ar))


def _loading() -> rx.Component:
    return rx.el.p(t("wizard.loading"), aria_busy="true")


def wizard_page() -> rx.Component:
    return page_layout(
        wizard_title(),
        rx.cond(_opening(), _loading(), _screen()),
    )


def _screen() -> rx.Component:
    return rx.fragment(
        rx.cond(W.beneficiary.ar != "",
                rx.el.p(t_with("wizard.for", {"name": W.beneficiary.ar},
                               {"name": W.beneficiary.en}), class_name="muted"),
                rx.fragment()),
        rx.cond(W.acting_for.ar != "",
                rx.el.p(t_with("delegation.acting_for", {"name": W.acting_for.ar},
                               {"name": W.acting_for.en}),
                        class_name="notice", data_testid="acting-for"),
                rx.fragment()),
        rx.cond(W.resumed & (W.phase == Phase.STEP),
                rx.el.p(t("wizard.resumed"), class_name="notice"), rx.fragment()),
        rx.match(
            W.phase,
            (Phase.UNAVAILABLE, rx.el.div(rx.el.p(t("wizard.unavailable")),
                                          rx.el.a(t("wizard.back_to_services"),
                                                  href=routes.SERVICES))),
            (Phase.REFUSED, _refused()),
            (Phase.WHO, _who()),
            (Phase.BLOCKED, _blocked()),
            (Phase.STEP, _step()),
            (Phase.REVIEW, _review()),
            (Phase.CODE, _code()),
            (Phase.DONE, _done()),
            _loading(),
        ),
    )
