"""`/inquiries`: the public inquiries (no sign-in). Choose an inquiry, fill its small form, read
the answer in the results panel below it. The use case is absher_app.application.inquiries."""

from __future__ import annotations

from typing import Annotated

import reflex as rx

from absher_app import routes
from absher_app.application import inquiries as usecases
from absher_app.application.inputs import Bounded
from absher_app.application.inquiries import InquiryForm, ResultBlock, ResultRow
from absher_app.application.views import NO_PROBLEM, problem
from absher_app.components.forms import (
    error_summary,
    localized,
    submit_button,
    text_field,
)
from absher_app.components.layout import page_layout
from absher_app.components.text import bilingual
from absher_app.domain import inquiries
from absher_app.state.events import event, use
from absher_app.state.language import t

Kind = Annotated[str, Bounded(20)]


class InquiryState(rx.State):
    """The chosen inquiry and its answer. Nothing here is secret: it is what the page shows."""

    kind: str = inquiries.KINDS[0]
    # The inquiry the page opened on: the radios are the browser's own (a click shows at once,
    # focus stays while arrowing through them); only a new page load re-draws them.
    opened_kind: str = inquiries.KINDS[0]
    answered_kind: str = ""
    blocks: list[ResultBlock] = []
    error: dict[str, str] = NO_PROBLEM
    busy: bool = False

    def _clear(self) -> None:
        self.answered_kind, self.blocks, self.error = "", [], NO_PROBLEM

    def _on_problem(self, error) -> None:
        self.answered_kind, self.blocks, self.error, self.busy = "", [], problem(error), False

    @event
    def load(self):
        """on_load: the inquiry named in ?kind= (from the home page's links), answers cleared."""
        kind = self.router.url.query_parameters.get("kind", "")
        self.kind = kind if kind in inquiries.KINDS else inquiries.KINDS[0]
        self.opened_kind = self.kind
        self._clear()

    @event
    def choose(self, kind: Kind):
        """Another inquiry chosen: show its form (anything unknown is ignored)."""
        if kind in inquiries.KINDS:
            self.kind = kind
            self._clear()

    @event
    async def ask(self, form: InquiryForm):
        """Answer the chosen inquiry from its form's fields (nothing else is read)."""
        kind = self.kind
        self.busy = True
        yield
        self.blocks = await use(self, usecases.ask_inquiry, kind, form)
        self.answered_kind, self.error, self.busy = kind, NO_PROBLEM, False


# ---------------------------------------------------------------------------------------------
# Rendering.

def _choice() -> rx.Component:
    return rx.el.fieldset(
        rx.el.legend(t("inquiries.choose"), class_name="field-label"),
        *[
            rx.el.div(
                rx.el.input(id=f"inquiry-{kind}", name="inquiry", type="radio", value=kind,
                            default_checked=InquiryState.opened_kind == kind,
                            on_change=InquiryState.choose(kind)),
                rx.el.label(t(f"inquiries.kind.{kind}"), html_for=f"inquiry-{kind}"),
                class_name="radio",
            )
            for kind in inquiries.KINDS
        ],
        class_name="field radios inquiry-choice",
        key=InquiryState.opened_kind,
    )


def _field(name: str, **props) -> rx.Component:
    return text_field(name, f"inquiries.field.{name}", InquiryState.error,
                      hint_key=f"inquiries.hint.{name}", dir="ltr",
                      max_length=inquiries.MAX_INPUT, autocomplete="off", **props)


def _nationality() -> rx.Component:
    error = InquiryState.error
    invalid = error["field"] == "nationality"
    return rx.el.div(
        rx.el.label(t("inquiries.field.nationality"), html_for="field-nationality",
                    class_name="field-label"),
        rx.cond(invalid, rx.el.p(localized(error), id="field-nationality-error",
                                 class_name="field-error"), rx.fragment()),
        rx.el.select(
            rx.el.option(t("inquiries.choose_nationality"), value=""),
            *[rx.el.option(t(f"country.{code}"), value=code) for code in inquiries.NATIONALITIES],
            id="field-nationality", name="nationality", default_value="",
            aria_invalid=rx.cond(invalid, "true", "false"),
            aria_describedby=rx.cond(invalid, "field-nationality-error", ""),
            class_name=rx.cond(invalid, "field-input invalid", "field-input"),
        ),
        class_name=rx.cond(invalid, "field field-has-error", "field"),
    )


def _fields(kind: str) -> list[rx.Component]:
    numeric = {"input_mode": "numeric"}
    return {
        "visa_by_number": [_field("visa_number")],
        "visa_by_id": [_field("id_number", **numeric)],
        "iqama": [_field("iqama_number", **numeric)],
        "absconding": [_field("iqama_number", **numeric)],
        "transaction": [_field("reference", **numeric)],
        "border": [_field("passport_number"), _nationality()],
    }[kind]


def _form(kind: str) -> rx.Component:
    return rx.el.form(
        rx.el.h2(t(f"inquiries.kind.{kind}"), id="inquiry-form-title"),
        error_summary(InquiryState.error),
        *_fields(kind),
        submit_button("inquiries.submit", loading=InquiryState.busy),
        on_submit=InquiryState.ask,
        aria_labelledby="inquiry-form-title",
        class_name="form",
        key=kind,
    )


def _result_row(row: rx.Var[ResultRow]) -> rx.Component:
    value = bilingual(row.value_ar, row.value_en)
    return rx.el.div(
        rx.el.dt(bilingual(row.label_ar, row.label_en)),
        rx.el.dd(
            rx.cond(row.tone != "",
                    rx.el.span(value, class_name="badge badge-" + row.tone),
                    rx.cond(row.ltr, rx.el.bdi(value, dir="ltr"), rx.el.span(value))),
            rx.cond(row.hijri_ar != "",
                    rx.el.span(bilingual(row.hijri_ar, row.hijri_en), class_name="hijri"),
                    rx.fragment()),
            class_name=rx.cond(row.hijri_ar != "", "dual-date", ""),
        ),
        class_name="result-row",
    )


def _results() -> rx.Component:
    return rx.el.section(
        rx.cond(
            InquiryState.answered_kind != "",
            rx.fragment(
                rx.el.h2(t("inquiries.result_title"), id="inquiry-result-title"),
                rx.cond(
                    InquiryState.blocks.length() > 0,
                    rx.foreach(InquiryState.blocks, lambda block: rx.el.div(
                        rx.el.h3(bilingual(block.title_ar, block.title_en)),
                        rx.el.dl(rx.foreach(block.rows, _result_row), class_name="result-list"),
                        class_name="result-block",
                    )),
                    rx.el.p(t("inquiries.not_found"), class_name="not-found"),
                ),
            ),
            rx.fragment(),
        ),
        role="status",
        aria_live="polite",
        class_name=rx.cond(InquiryState.answered_kind != "", "result-panel", ""),
        data_testid="inquiry-result",
    )


def page() -> rx.Component:
    """The inquiries page."""
    return page_layout(
        "inquiries.title",
        rx.el.div(
            _choice(),
            rx.el.div(
                rx.match(InquiryState.kind, *[(kind, _form(kind)) for kind in inquiries.KINDS],
                         _form(inquiries.KINDS[0])),
                _results(),
                class_name="inquiry-main",
            ),
            class_name="inquiry-layout",
        ),
        rx.el.p(rx.el.a(t("family.link"), href=routes.FAMILY)),
        lead_key="inquiries.lead",
    )
