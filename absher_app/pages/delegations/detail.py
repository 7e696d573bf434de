"""`/delegations/<reference>` (its scope, status and history; the delegator's activity feed,
withdraw / revoke / "this wasn't me"; the delegate's services to run on behalf) and
`/delegations/<reference>/certificate` (printable, with a QR code that opens /verify)."""

from __future__ import annotations

import reflex as rx

from absher_app import routes
from absher_app.application import delegations as usecases
from absher_app.application.delegations import DelegationView, FeedItem
from absher_app.application.views import NO_PROBLEM, Text, problem
from absher_app.components.confirm import confirm_panel
from absher_app.components.content import notification_text, summary_list, summary_row, tag
from absher_app.components.forms import error_summary
from absher_app.components.layout import page_layout
from absher_app.components.text import bilingual
from absher_app.domain.delegation import DelegationStatus
from absher_app.state.events import event, use
from absher_app.state.language import t
from absher_app.state.session import load_page


class DelegationState(rx.State):
    """One delegation, seen by its delegator or its delegate (anyone else: not found)."""

    view: DelegationView = rx.field(default_factory=lambda: DelegationView(found=True))
    error: dict[str, str] = NO_PROBLEM
    # The act awaiting "yes" (components/confirm.py): one of CONFIRMED, or "".
    confirming: str = ""

    def _on_problem(self, error) -> None:
        self.error, self.view.notice, self.confirming = problem(error), Text(), ""

    def _reference(self) -> str:
        return routes.reference_in(self.router.url.path, routes.DELEGATIONS)

    @event
    async def load(self):
        self.error, self.confirming = NO_PROBLEM, ""
        self.view = await load_page(self, usecases.open_delegation, self._reference())

    async def _act(self, action) -> None:
        self.view, self.error = await use(self, action, self._reference()), NO_PROBLEM
        self.confirming = ""

    @event
    def ask(self, act: str):
        """Ask "are you sure?" before `act` ("" when the person said no)."""
        self.confirming = act if act in CONFIRMED else ""

    @event
    async def withdraw(self):
        await self._act(usecases.withdraw_delegation)

    @event
    async def revoke(self):
        await self._act(usecases.revoke_delegation)

    @event
    async def not_me(self):
        await self._act(usecases.report_not_me)


# The acts asked about first: (state event name, question, "yes" button) keys.
CONFIRMED = {
    "withdraw": ("delegation.withdraw_question", "delegation.withdraw_yes"),
    "revoke": ("delegation.revoke_question", "delegation.revoke_yes"),
    "not_me": ("delegation.not_me_question", "delegation.not_me_yes"),
}


def _confirming(s: type[DelegationState], act: str) -> rx.Component:
    question, yes = CONFIRMED[act]
    return confirm_panel(act, question, yes, "delegation.keep", on_yes=getattr(s, act),
                         on_no=s.ask(""))


def delegation_summary(v: rx.Var[DelegationView]) -> rx.Component:
    return summary_list(
        summary_row("delegation.reference", v.current.reference, dir="ltr",
                    data_testid="delegation-reference"),
        summary_row("delegation.delegator", bilingual(v.delegator_ar, v.delegator_en)),
        summary_row("delegation.delegate", bilingual(v.delegate_ar, v.delegate_en)),
        summary_row("delegation.services",
                    bilingual(v.current.services_ar, v.current.services_en)),
        summary_row("delegation.period", rx.el.bdi(v.current.period, dir="ltr")),
        summary_row("delegation.status_label",
                    tag(v.current.status, v.current.status_ar, v.current.status_en),
                    data_testid="delegation-status"),
    )


def _feed_list(items: rx.Var[list[FeedItem]], empty_key: str, test_id: str) -> rx.Component:
    return rx.cond(
        items.length() > 0,
        rx.el.ol(rx.foreach(items, lambda e: rx.el.li(
            rx.el.span(bilingual(e.what_ar, e.what_en)),
            rx.cond(e.who_ar != "", rx.el.span(" — ", bilingual(e.who_ar, e.who_en)),
                    rx.fragment()),
            rx.cond(e.reference != "", rx.el.span(" — ", t("delegation.reference"), " ",
                                                  rx.el.bdi(e.reference)), rx.fragment()),
            " ", rx.el.time(e.when, dir="ltr", class_name="muted"))),
            class_name="timeline", data_testid=test_id),
        rx.el.p(t(empty_key)),
    )


def _actions(s: type[DelegationState]) -> rx.Component:
    v = s.view
    return rx.match(
        s.confirming,
        ("withdraw", _confirming(s, "withdraw")),
        ("revoke", _confirming(s, "revoke")),
        rx.el.div(
            rx.cond((v.role == "delegator") & (v.current.status == DelegationStatus.PENDING),
                    rx.el.button(t("delegation.withdraw"), type="button",
                                 class_name="button secondary", on_click=s.ask("withdraw")),
                    rx.fragment()),
            rx.cond((v.role == "delegator") & (v.current.status == DelegationStatus.ACTIVE),
                    rx.el.button(t("delegation.revoke"), type="button",
                                 class_name="button warning", on_click=s.ask("revoke")),
                    rx.fragment()),
            rx.el.a(t("delegation.certificate"),
                    href=routes.DELEGATIONS + "/" + v.current.reference + "/certificate",
                    class_name="button secondary"),
            rx.el.a(t("delegation.back_to_list"), href=routes.DELEGATIONS),
            class_name="button-group",
        ),
    )


def _delegate_section(v: rx.Var[DelegationView]) -> rx.Component:
    return rx.cond(v.role == "delegate", rx.el.section(
        rx.el.h2(t("delegation.act_title")),
        rx.cond(v.links.length() > 0,
                rx.el.ul(rx.foreach(v.links, lambda link: rx.el.li(rx.el.a(
                    bilingual(link.title_ar, link.title_en), href=link.href))),
                    class_name="link-list"),
                rx.el.p(t("delegation.cannot_act_now"))),
    ), rx.fragment())


def _delegator_section(s: type[DelegationState]) -> rx.Component:
    v = s.view
    return rx.cond(v.role == "delegator", rx.el.section(
        rx.el.h2(t("delegation.feed_title")),
        rx.el.p(t("delegation.feed_lead"), class_name="muted"),
        _feed_list(v.feed, "delegation.feed_empty", "activity-feed"),
        rx.cond(v.current.status == DelegationStatus.ACTIVE, rx.cond(
            s.confirming == "not_me", _confirming(s, "not_me"), rx.el.div(
                rx.el.p(t("delegation.not_me_lead")),
                rx.el.button(t("delegation.not_me"), type="button",
                             class_name="button warning", on_click=s.ask("not_me")),
                class_name="panel",
            )), rx.fragment()),
    ), rx.fragment())


def detail_page() -> rx.Component:
    s = DelegationState
    v = s.view
    return page_layout(
        "delegation.detail_title",
        rx.cond(~v.found, rx.el.p(t("delegation.not_found"), role="alert"), rx.el.div(
            error_summary(s.error),
            notification_text(v.notice),
            delegation_summary(v),
            _actions(s),
            _delegate_section(v),
            _delegator_section(s),
            rx.el.section(
                rx.el.h2(t("delegation.history_title")),
                _feed_list(v.history, "delegation.feed_empty", "delegation-history"),
            ),
        )),
    )


def certificate_page() -> rx.Component:
    v = DelegationState.view
    return page_layout(
        "delegation.certificate_title",
        rx.cond(~v.found, rx.el.p(t("delegation.not_found"), role="alert"), rx.el.div(
            rx.el.div(
                rx.el.div(
                    delegation_summary(v),
                    rx.el.p(rx.cond(v.valid_now, t("delegation.valid_now"),
                                    t("delegation.not_valid_now")),
                            class_name=rx.cond(v.valid_now, "status status-approved",
                                               "status status-rejected")),
                    class_name="certificate-body",
                ),
                rx.el.figure(
                    rx.el.img(src=v.qr, alt=t("delegation.qr_alt"), width="180",
                              height="180"),
                    rx.el.figcaption(t("delegation.qr_caption"), " ",
                                     rx.el.bdi(v.verify_url, dir="ltr")),
                    class_name="certificate-qr",
                ),
                class_name="certificate",
            ),
            rx.el.div(
                rx.el.button(t("transactions.print"), type="button", class_name="button",
                             on_click=rx.call_script("window.print()")),
                rx.el.a(t("delegation.back_to_delegation"),
                        href=routes.DELEGATIONS + "/" + v.current.reference),
                class_name="button-group no-print",
            ),
        )),
    )
