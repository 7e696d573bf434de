"""`/dev/sms`: the dev SMS outbox, for people trying the demo. Never served in production."""

from __future__ import annotations

import asyncio
from datetime import datetime

import reflex as rx

from absher_app.components.layout import page_layout
from absher_app.db import session_scope
from absher_app.providers.sms import read_outbox
from absher_app.settings import get_settings
from absher_app.state.language import t


def _load_messages() -> list[dict[str, str]]:
    with session_scope() as session:
        return [
            {"to": m.to, "purpose": m.purpose, "body": m.body,
             "time": f"{m.created_at:%Y-%m-%d %H:%M:%S}"}
            for m in read_outbox(session, last=50)
        ]


class DevSmsState(rx.State):
    """The newest outbox messages (dev only: the page refuses to load them in production)."""

    messages: list[dict[str, str]] = []
    enabled: bool = True
    loaded_at: str = ""

    @rx.event
    async def load(self):
        """Read the outbox off the event loop."""
        self.enabled = get_settings().dev_tools_enabled
        if not self.enabled:
            self.messages = []
            return
        self.messages = await asyncio.to_thread(_load_messages)
        self.loaded_at = datetime.now().strftime("%H:%M:%S")


def _row(message: rx.Var[dict[str, str]]) -> rx.Component:
    return rx.el.tr(
        rx.el.td(message["time"]), rx.el.td(message["to"], dir="ltr"),
        rx.el.td(message["purpose"]), rx.el.td(message["body"]),
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
                            rx.el.thead(rx.el.tr(
                                rx.el.th(t("dev_sms.time"), scope="col"),
                                rx.el.th(t("dev_sms.to"), scope="col"),
                                rx.el.th(t("dev_sms.purpose"), scope="col"),
                                rx.el.th(t("dev_sms.body"), scope="col"),
                            )),
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
