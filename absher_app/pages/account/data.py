"""`/account/data`: download everything the portal holds about the person (PDPL)."""

from __future__ import annotations

import reflex as rx

from absher_app.application import account as usecases
from absher_app.components.account import account_task_page
from absher_app.state.events import event, use
from absher_app.state.language import t


class MyDataState(rx.State):
    """The download (nothing kept: the file goes straight to the browser)."""

    busy: bool = False

    @event
    def load(self):
        """A fresh page on every visit."""
        self.reset()

    @event
    async def download(self):
        """Everything held about the person, as JSON."""
        self.busy = True
        yield
        file = await use(self, usecases.download_my_data)
        self.busy = False
        yield rx.download(data=file.text, filename=file.filename, mime_type="application/json")


def page() -> rx.Component:
    """The download-my-data task."""
    return account_task_page(
        "account.data.title",
        rx.el.p(t("account.data.lead")),
        rx.el.button(t("account.data.download"), type="button", class_name="button",
                     disabled=MyDataState.busy, on_click=MyDataState.download),
    )
