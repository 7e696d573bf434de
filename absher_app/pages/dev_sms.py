"""`/dev/sms`: the dev SMS outbox, for people trying the demo. Never served in production."""

from __future__ import annotations

import reflex as rx

from absher_app.application.dev_sms import OutboxRow, dev_outbox
from absher_app.components.layout import page_layout
from absher_app.state.events import event, use
from absher_app.state.language import t


class DevSmsState(rx.State):
    """The newest outbox messages (dev only: none are loaded in production)."""

    messages: list[OutboxRow] = []
    enabled: bool = True

    @event
    async def load(self):
        """Read the outbox."""
        outbox = await use(self, dev_outbox)
        self.enabled, self.messages = outbox.enabled, outbox.messages


def _row(message: rx.Var[OutboxRow]) -> rx.Component:
    return rx.el.tr(
        rx.el.td(message.time), rx.el.td(message.recipient, dir="ltr"),
        rx.el.td(message.purpose), rx.el.td(message.body),
    )


def page() -> rx.Component:
    """The outbox table."""
    return page_layout(
        "dev_sms.title",
        rx.cond(
            DevSmsState.enabled,
            rx.fragment(
                rx.el.button(t("dev_sms.refresh"), on_click=DevSmsState.load, class_name="button"),
                rx.cond(
                    DevSmsState.messages.length() > 0,
                    rx.el.div(
                        rx.el.table(
                            rx.el.thead(rx.el.tr(*[rx.el.th(t(f"dev_sms.{k}"), scope="col")
                                                   for k in ("time", "to", "purpose", "body")])),
                            rx.el.tbody(rx.foreach(DevSmsState.messages, _row)),
                            class_name="data-table",
                        ),
                        class_name="table-scroll",
                        tab_index=0,
                        role="region",
                        aria_label=t("dev_sms.title"),
                    ),
                    rx.el.p(t("dev_sms.empty")),
                ),
            ),
            rx.el.p(t("dev_sms.disabled"), role="alert"),
        ),
        lead_key="dev_sms.lead",
    )
