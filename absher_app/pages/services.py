"""`/services` (My Services) and `/services/<code>`: one generic renderer for every wizard."""

from __future__ import annotations

import asyncio
import dataclasses

import reflex as rx

from absher_app import routes
from absher_app.components.layout import page_layout
from absher_app.components.text import t_with
from absher_app.db import session_scope
from absher_app.domain import catalogue, wizard
from absher_app.i18n import translate
from absher_app.models import Account, Person
from absher_app.providers.clock import today_in_riyadh
from absher_app.state.language import is_english, t
from absher_app.state.session import CLOCK, signed_in_account
from absher_app.state.wizard import FieldView, OptionView, WizardState


@dataclasses.dataclass
class ServiceCard:
    code: str
    href: str
    group: str
    title_ar: str
    title_en: str
    summary_ar: str
    summary_en: str
    has_draft: bool


def service_cards(account_id: int) -> list[ServiceCard]:
    """The services this account can start, with a flag where a draft waits."""
    with session_scope() as session:
        account = session.get(Account, account_id)
        ctx = wizard.Context(session=session, today=today_in_riyadh(CLOCK), now=CLOCK.now(),
                             applicant=session.get(Person, account.person_id))
        drafts = {d.service_code for d in wizard.drafts_of(session, account)}
        return [ServiceCard(s.code, routes.service_path(s.code), s.group,
                            translate(s.title_key, "ar"), translate(s.title_key, "en"),
                            translate(s.summary_key, "ar"), translate(s.summary_key, "en"),
                            s.code in drafts)
                for s in wizard.available_services(catalogue.SERVICES, ctx)]


class ServicesState(rx.State):
    """The My Services list."""

    cards: list[ServiceCard] = []

    @rx.event
    async def load(self):
        who = await signed_in_account(self, touch=False)
        if who is None:
            return rx.redirect(routes.LOGIN)
        self.cards = await asyncio.to_thread(service_cards, who.account_id)
        return None


def bilingual(ar: rx.Var, en: rx.Var) -> rx.Var:
    return rx.cond(is_english(), en, ar)


def _card(card: rx.Var[ServiceCard]) -> rx.Component:
    return rx.el.li(
        rx.el.h3(rx.el.a(bilingual(card.title_ar, card.title_en), href=card.href)),
        rx.el.p(bilingual(card.summary_ar, card.summary_en)),
        rx.cond(card.has_draft, rx.el.p(t("services.draft_saved"), class_name="tag"),
                rx.fragment()),
        class_name="service-tile",
    )


def catalogue_page() -> rx.Component:
    return page_layout(
        "services.title",
        rx.cond(ServicesState.cards.length() > 0,
                rx.el.ul(rx.foreach(ServicesState.cards, _card), class_name="tile-grid"),
                rx.el.p(t("services.none"))),
        rx.el.p(rx.el.a(t("general.link"), href=routes.GENERAL_SERVICES)),
        lead_key="services.lead",
    )


# ---------------------------------------------------------------------------------------------
# The wizard.

def _problems() -> rx.Component:
    return rx.cond(
        WizardState.problems.length() > 0,
        rx.el.div(
            rx.el.ul(rx.foreach(WizardState.problems,
                                lambda p: rx.el.li(bilingual(p.ar, p.en))),
                     class_name="error-summary-list"),
            role="alert", class_name="error-summary",
        ),
        rx.fragment(),
    )


def _label(field: rx.Var[FieldView]) -> rx.Component:
    return rx.fragment(
        rx.cond(field.hint_ar != "",
                rx.el.p(bilingual(field.hint_ar, field.hint_en), id=field.id + "-hint",
                        class_name="field-hint"),
                rx.fragment()),
        rx.cond(field.error_ar != "",
                rx.el.p(bilingual(field.error_ar, field.error_en), id=field.id + "-error",
                        class_name="field-error"),
                rx.fragment()),
    )


def _radio(option: rx.Var[OptionView], name: rx.Var[str]) -> rx.Component:
    return rx.el.div(
        rx.el.input(id=option.id, name=name, type="radio", value=option.value,
                    default_checked=option.checked),
        rx.el.label(bilingual(option.label_ar, option.label_en), html_for=option.id),
        class_name="radio",
    )


def _input(field: rx.Var[FieldView], input_type: str, mode: str | None = None) -> rx.Component:
    props = {"input_mode": mode} if mode else {}
    return rx.el.div(
        rx.el.label(bilingual(field.label_ar, field.label_en), html_for=field.id,
                    class_name="field-label"),
        _label(field),
        rx.el.input(id=field.id, name=field.name, type=input_type, default_value=field.value,
                    aria_invalid=rx.cond(field.error_ar != "", "true", "false"),
                    aria_describedby=rx.cond(field.error_ar != "", field.id + "-error",
                                             rx.cond(field.hint_ar != "", field.id + "-hint", "")),
                    class_name=rx.cond(field.error_ar != "", "field-input invalid", "field-input"),
                    **props),
        class_name=rx.cond(field.error_ar != "", "field field-has-error", "field"),
    )


def _tick(option: rx.Var[OptionView], name: rx.Var[str]) -> rx.Component:
    return rx.el.div(
        rx.el.input(id=option.id, name=name + "__" + option.value, type="checkbox", value="yes",
                    default_checked=option.checked),
        rx.el.label(bilingual(option.label_ar, option.label_en), html_for=option.id),
        class_name="checkbox",
    )


def _field(field: rx.Var[FieldView]) -> rx.Component:
    """One field of any kind: the renderer every service shares."""
    return rx.match(
        field.kind,
        ("multi", rx.el.fieldset(
            rx.el.legend(bilingual(field.label_ar, field.label_en), class_name="field-label"),
            _label(field),
            rx.foreach(field.options, lambda option: _tick(option, field.name)),
            class_name=rx.cond(field.error_ar != "", "field checkboxes field-has-error",
                               "field checkboxes"),
        )),
        ("choice", rx.el.fieldset(
            rx.el.legend(bilingual(field.label_ar, field.label_en), class_name="field-label"),
            _label(field),
            rx.foreach(field.options, lambda option: _radio(option, field.name)),
            class_name=rx.cond(field.error_ar != "", "field radios field-has-error",
                               "field radios"),
        )),
        ("confirm", rx.el.div(
            _label(field),
            rx.el.div(
                rx.el.input(id=field.id, name=field.name, type="checkbox", value="yes",
                            default_checked=field.value == "yes"),
                rx.el.label(bilingual(field.label_ar, field.label_en), html_for=field.id),
                class_name="checkbox",
            ),
            class_name=rx.cond(field.error_ar != "", "field field-has-error", "field"),
        )),
        ("date", _input(field, "date")),
        ("number", _input(field, "text", "numeric")),
        _input(field, "text"),
    )


def _sar(amount: rx.Var[int]) -> rx.Component:
    return t_with("wizard.sar", {"amount": amount}, {"amount": amount})


def _who() -> rx.Component:
    return rx.el.form(
        _problems(),
        rx.el.fieldset(
            rx.el.legend(t("wizard.who_title"), class_name="field-label"),
            rx.foreach(WizardState.who_options, lambda option: _radio(option, "beneficiary")),
            class_name="field radios",
        ),
        rx.el.button(t("wizard.continue"), type="submit", class_name="button"),
        on_submit=WizardState.choose_beneficiary, class_name="form",
        key=WizardState.who_version,
    )


def _blocked() -> rx.Component:
    return rx.el.div(
        rx.el.h2(t("wizard.blocked_title")),
        rx.el.p(t("wizard.blocked_lead")),
        rx.el.ul(
            rx.foreach(WizardState.blockers, lambda b: rx.el.li(
                rx.el.strong(bilingual(b.ar, b.en)),
                rx.el.p(t("wizard.how_to_fix"), " ", bilingual(b.fix_ar, b.fix_en)),
                rx.cond(b.href != "",
                        rx.el.p(rx.el.a(bilingual(b.link_ar, b.link_en), href=b.href)),
                        rx.fragment()),
            )),
            class_name="blocker-list",
        ),
        rx.el.div(
            rx.cond(WizardState.who_options.length() > 1,
                    rx.el.button(t("wizard.choose_another"), type="button",
                                 class_name="button secondary",
                                 on_click=WizardState.go_to_step(-1)),
                    rx.fragment()),
            rx.el.a(t("wizard.back_to_services"), href=routes.SERVICES),
            class_name="button-group",
        ),
        role="region", aria_label=t("wizard.blocked_title"), class_name="panel blocked",
    )


def _step() -> rx.Component:
    return rx.el.form(
        rx.el.p(t_with("wizard.step_of", {"number": WizardState.step_index + 1,
                                          "total": WizardState.step_total},
                       {"number": WizardState.step_index + 1, "total": WizardState.step_total}),
                class_name="step-count"),
        rx.el.h2(bilingual(WizardState.step_title.ar, WizardState.step_title.en)),
        _problems(),
        rx.foreach(WizardState.fields, _field),
        rx.el.div(
            rx.el.button(t("wizard.continue"), type="submit", class_name="button"),
            rx.el.button(t("wizard.back"), type="button", class_name="button secondary",
                         on_click=WizardState.go_to_step(WizardState.step_index - 1)),
            class_name="button-group",
        ),
        on_submit=WizardState.answer_step, class_name="form", key=WizardState.step_index,
    )


def _fees() -> rx.Component:
    return rx.fragment(
        rx.el.h2(t("wizard.fee_title")),
        rx.cond(
            WizardState.fee_total > 0,
            rx.el.table(
                rx.el.tbody(
                    rx.foreach(WizardState.fee_lines, lambda line: rx.el.tr(
                        rx.el.td(bilingual(line.ar, line.en)), rx.el.td(_sar(line.amount)))),
                    rx.el.tr(rx.el.th(t("wizard.fee_total"), scope="row"),
                             rx.el.td(rx.el.strong(_sar(WizardState.fee_total)))),
                ),
                class_name="data-table",
            ),
            rx.el.p(t("wizard.fee_free")),
        ),
    )


def _review() -> rx.Component:
    return rx.el.div(
        rx.el.h2(t("wizard.review_title")),
        _problems(),
        rx.el.dl(
            rx.el.div(rx.el.dt(t("wizard.service")),
                      rx.el.dd(bilingual(WizardState.title.ar, WizardState.title.en)),
                      class_name="summary-row"),
            rx.el.div(rx.el.dt(t("wizard.beneficiary")),
                      rx.el.dd(bilingual(WizardState.beneficiary.ar, WizardState.beneficiary.en)),
                      class_name="summary-row"),
            rx.foreach(WizardState.review_rows, lambda row: rx.el.div(
                rx.el.dt(bilingual(row.ar, row.en)),
                rx.el.dd(bilingual(row.detail_ar, row.detail_en)),
                rx.el.dd(rx.el.button(
                    t("wizard.change"),
                    rx.el.span(" ", bilingual(row.ar, row.en), class_name="visually-hidden"),
                    type="button", class_name="link-button",
                    on_click=WizardState.go_to_step(row.index))),
                class_name="summary-row",
            )),
            class_name="summary-list",
        ),
        _fees(),
        rx.el.div(
            rx.el.button(t("wizard.submit"), type="button", class_name="button",
                         on_click=WizardState.submit),
            rx.el.button(t("wizard.discard"), type="button", class_name="button secondary",
                         on_click=WizardState.discard),
            class_name="button-group",
        ),
    )


def _code() -> rx.Component:
    """Confirm with the code sent to the applicant's mobile (services with confirm_by_code)."""
    return rx.el.form(
        rx.el.h2(t("wizard.code_title")),
        rx.el.p(t_with("wizard.code_sent", {"mobile": WizardState.sent_to_mobile}), dir="auto"),
        _problems(),
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
                         on_click=WizardState.submit),
            class_name="button-group",
        ),
        on_submit=WizardState.confirm_code, reset_on_submit=True, class_name="form",
    )


def _refused() -> rx.Component:
    return rx.el.div(
        _problems(),
        rx.el.a(t("delegation.back_to_list"), href=routes.DELEGATIONS),
        class_name="panel",
    )


def _done() -> rx.Component:
    return rx.el.div(
        rx.el.div(
            rx.el.h2(t("wizard.done_title")),
            rx.el.p(t("wizard.reference")),
            rx.el.p(WizardState.reference, class_name="reference", data_testid="reference"),
            class_name="confirmation",
        ),
        rx.cond(WizardState.bill_number != "", rx.el.dl(
            rx.el.div(rx.el.dt(t("wizard.bill_number")),
                      rx.el.dd(WizardState.bill_number, data_testid="bill-number"),
                      class_name="summary-row"),
            rx.el.div(rx.el.dt(t("wizard.amount")), rx.el.dd(_sar(WizardState.fee_total)),
                      class_name="summary-row"),
            rx.el.div(rx.el.dt(t("wizard.due")),
                      rx.el.dd(rx.el.bdi(WizardState.bill_due, dir="ltr")),
                      class_name="summary-row"),
            class_name="summary-list",
        ), rx.fragment()),
        rx.el.p(bilingual(WizardState.next_text.ar, WizardState.next_text.en)),
        rx.el.div(
            rx.cond(WizardState.pay_url != "",
                    rx.el.a(t("wizard.pay_now"), href=WizardState.pay_url, class_name="button"),
                    rx.fragment()),
            rx.cond(WizardState.on_behalf != "",
                    rx.el.a(t("delegation.back_to_delegation"),
                            href=routes.DELEGATIONS + "/" + WizardState.on_behalf,
                            class_name="button secondary"),
                    rx.el.a(t("wizard.view_transaction"),
                            href=routes.TRANSACTIONS + "/" + WizardState.reference,
                            class_name="button secondary")),
            class_name="button-group",
        ),
    )


def wizard_page() -> rx.Component:
    return page_layout(
        bilingual(WizardState.title.ar, WizardState.title.en),
        rx.cond(WizardState.beneficiary.ar != "",
                rx.el.p(t_with("wizard.for", {"name": WizardState.beneficiary.ar},
                               {"name": WizardState.beneficiary.en}), class_name="muted"),
                rx.fragment()),
        rx.cond(WizardState.acting_for.ar != "",
                rx.el.p(t_with("delegation.acting_for", {"name": WizardState.acting_for.ar},
                               {"name": WizardState.acting_for.en}),
                        class_name="notice", data_testid="acting-for"),
                rx.fragment()),
        rx.cond(WizardState.resumed & (WizardState.phase == "step"),
                rx.el.p(t("wizard.resumed"), class_name="notice"), rx.fragment()),
        rx.match(
            WizardState.phase,
            ("unavailable", rx.el.div(rx.el.p(t("wizard.unavailable")),
                                      rx.el.a(t("wizard.back_to_services"),
                                              href=routes.SERVICES))),
            ("refused", _refused()),
            ("who", _who()),
            ("blocked", _blocked()),
            ("step", _step()),
            ("review", _review()),
            ("code", _code()),
            ("done", _done()),
            rx.el.p(t("wizard.loading"), aria_busy="true"),
        ),
    )
