"""Pieces of the account pages (حسابي): a titled section, a task page with its way back to
the overview, a success message announced politely, and a date-time that wraps well."""

from __future__ import annotations

import reflex as rx

from absher_app import routes
from absher_app.application.views import both
from absher_app.components.forms import localized
from absher_app.components.layout import page_layout
from absher_app.state.language import t

# A success message in both languages ({"ar", "en"}); empty when there is none.
NO_NOTICE: dict[str, str] = {"ar": "", "en": ""}


def notice(key: str, **params: object) -> dict[str, str]:
    """Catalogue string `key` as a success message for `live_status`."""
    ar, en = both(key, **params)
    return {"ar": ar, "en": en}


def account_section(anchor: str, title_key: str, *children: rx.Component) -> rx.Component:
    """A region of an account page, named by its own heading (`#anchor` links to it)."""
    return rx.el.section(
        rx.el.h2(t(title_key), id=f"{anchor}-title"),
        *children,
        id=anchor,
        aria_labelledby=f"{anchor}-title",
        class_name="account-section",
    )


def account_task_page(title_key: str, *children: rx.Component,
                      lead_key: str | None = None) -> rx.Component:
    """One task of the account (its own page): the task, then the way back to the overview."""
    return page_layout(
        title_key,
        *children,
        rx.el.p(rx.el.a(t("account.back"), href=routes.ACCOUNT), class_name="back-link"),
        lead_key=lead_key,
    )


def live_status(message: rx.Var) -> rx.Component:
    """A success message ({"ar", "en"}; empty: nothing), announced politely: the live region
    is always there, so that screen readers hear the message when it appears."""
    return rx.el.div(
        rx.cond(message["ar"] != "", rx.el.p(localized(message), class_name="notice")),
        role="status",
    )


def date_time(value: rx.Var) -> rx.Component:
    """A 'YYYY-MM-DD HH:MM' value that may wrap between the date and the time, nowhere else."""
    return rx.el.bdi(
        rx.el.span(value.to(str).split(" ")[0], class_name="nowrap"), " ",
        rx.el.span(value.to(str).split(" ")[1], class_name="nowrap"),
        dir="ltr",
    )
