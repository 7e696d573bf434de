"""`/delegations`: the delegations I made and those made to me (those in force today first,
each with a "start SERVICE for NAME" entry per delegated service), and my answer (accept or
reject) to one awaiting it, by the reference number I received by SMS."""

from __future__ import annotations

import reflex as rx

from absher_app import routes
from absher_app.application import delegations as usecases
from absher_app.application.delegations import AnswerForm, DelegationLists, DelegationRow
from absher_app.application.views import NO_PROBLEM, Text, problem
from absher_app.components.content import notification_text, tag
from absher_app.components.delegations import acting_cards
from absher_app.components.forms import error_summary, radio_group, text_field
from absher_app.components.layout import page_layout
from absher_app.components.text import bilingual
from absher_app.state.events import event, use
from absher_app.state.language import t
from absher_app.state.session import load_page


class DelegationsState(rx.State):
    """Both lists, and the delegate's answer to a pending delegation."""

    lists: DelegationLists = rx.field(default_factory=DelegationLists)
    error: dict[str, str] = NO_PROBLEM

    def _on_problem(self, error) -> None:
        self.error, self.lists.notice = problem(error), Text()

    @event
    async def load(self):
        self.error, self.lists = NO_PROBLEM, await load_page(self, usecases.my_delegations)

    @event
    async def answer(self, form: AnswerForm):
        """The delegate accepts or rejects, typing the reference number from the SMS."""
        self.lists, self.error = await use(self, usecases.answer_delegation, form), NO_PROBLEM


def delegation_table(rows: rx.Var[list[DelegationRow]], who_key: str, empty_key: str,
                     with_reference: bool = True) -> rx.Component:
    """The list as a table; on a phone each row stacks into a card, each cell labelled."""
    heads = (["delegation.reference"] if with_reference else []) + [
        who_key, "delegation.services", "delegation.period", "delegation.status_label"]

    def cell(key: str, *children, **props) -> rx.Component:
        return rx.el.td(*children, data_label=t(key), **props)

    return rx.cond(
        rows.length() > 0,
        rx.el.div(rx.el.table(
            rx.el.thead(rx.el.tr(*[rx.el.th(t(k), scope="col") for k in heads])),
            rx.el.tbody(rx.foreach(rows, lambda r: rx.el.tr(
                *([cell("delegation.reference", rx.el.a(r.reference, href=r.href))]
                  if with_reference else []),
                cell(who_key, bilingual(r.other_ar, r.other_en)),
                cell("delegation.services", bilingual(r.services_ar, r.services_en)),
                cell("delegation.period", rx.el.bdi(r.period, dir="ltr")),
                cell("delegation.status_label", tag(r.status, r.status_ar, r.status_en)),
            ))),
            class_name="data-table stacked-table",
        ), class_name="table-scroll"),
        rx.el.p(t(empty_key)),
    )


def list_page() -> rx.Component:
    s = DelegationsState
    return page_layout(
        "delegation.title",
        rx.el.div(rx.el.a(t("delegation.new"), href=routes.service_path("delegation"),
                          class_name="button"), class_name="button-group"),
        rx.el.section(
            rx.el.h2(t("delegation.pending_to_me")),
            delegation_table(s.lists.pending, "delegation.delegator", "delegation.none_pending",
                             False),
            rx.el.form(
                rx.el.h3(t("delegation.answer_title")),
                error_summary(s.error),
                notification_text(s.lists.notice),
                text_field("reference", "delegation.reference", s.error,
                           hint_key="delegation.reference_hint", input_mode="numeric",
                           dir="ltr", max_length=usecases.REFERENCE_MAX),
                radio_group("decision", "delegation.decision",
                            [("accept", "delegation.accept"), ("reject", "delegation.reject")],
                            s.error),
                rx.el.button(t("delegation.send_answer"), type="submit", class_name="button"),
                on_submit=s.answer, reset_on_submit=True, class_name="form panel",
            ),
        ),
        rx.el.section(
            rx.el.h2(t("delegation.to_me")),
            rx.el.h3(t("delegate.acting_title")),
            acting_cards(s.lists.acting, "h4"),
            rx.el.h3(t("delegation.all_to_me")),
            delegation_table(s.lists.received, "delegation.delegator", "delegation.none"),
        ),
        rx.el.section(
            rx.el.h2(t("delegation.from_me")),
            delegation_table(s.lists.given, "delegation.delegate", "delegation.none"),
        ),
        lead_key="delegation.lead",
    )
