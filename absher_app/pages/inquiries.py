"""`/inquiries`: the public inquiries (no sign-in). Choose an inquiry, fill its small form, read
the answer in the results panel below it. absher_app.domain.inquiries answers and rate-limits."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import date

import reflex as rx

from absher_app import routes
from absher_app.components.forms import (
    NO_PROBLEM,
    error_summary,
    localized,
    problem,
    submit_button,
    text_field,
)
from absher_app.components.layout import page_layout
from absher_app.db import session_scope
from absher_app.domain import catalogue, inquiries
from absher_app.domain.calendars import days_text, gregorian_text, hijri_text
from absher_app.domain.errors import DomainError
from absher_app.i18n import translate
from absher_app.providers.clock import today_in_riyadh
from absher_app.providers.rate_limit import get_rate_limiter
from absher_app.settings import get_settings
from absher_app.state.language import is_english, t
from absher_app.state.session import CLOCK


@dataclasses.dataclass
class ResultRow:
    """One line of an answer: a label and its value in both languages; a date also has its
    Hijri form; `tone` colours a status (valid, soon, expired, cancelled, reported, clear)."""

    label_ar: str
    label_en: str
    value_ar: str
    value_en: str
    hijri_ar: str = ""
    hijri_en: str = ""
    tone: str = ""
    ltr: bool = False


@dataclasses.dataclass
class ResultBlock:
    """One found item (a visa, an iqama...), titled."""

    title_ar: str
    title_en: str
    rows: list[ResultRow]


def _both(key: str, **params) -> tuple[str, str]:
    return translate(key, "ar", **params), translate(key, "en", **params)


def _row(label_key: str, value: tuple[str, str], tone: str = "") -> ResultRow:
    return ResultRow(*_both(label_key), *value, tone=tone)


def _number_row(label_key: str, number: str) -> ResultRow:
    return ResultRow(*_both(label_key), number, number, ltr=True)


def _date_row(label_key: str, day: date) -> ResultRow:
    return ResultRow(*_both(label_key), gregorian_text(day, "ar"), gregorian_text(day, "en"),
                     hijri_text(day, "ar"), hijri_text(day, "en"))


def _visa_block(visa: inquiries.VisaAnswer) -> ResultBlock:
    rows = [_number_row("inquiries.visa_number", visa.number),
            _row("inquiries.status", _both(f"inquiries.validity.{visa.status}"), visa.status)]
    if visa.issued_on is not None:
        rows.append(_date_row("inquiries.issued_on", visa.issued_on))
    rows.append(_date_row("inquiries.valid_until", visa.valid_until))
    return ResultBlock(*_both(f"inquiries.visa_kind.{visa.kind}"), rows)


def _days_left(days: int) -> tuple[str, str]:
    if days == 0:
        return _both("household.today")
    key = "household.days_left" if days > 0 else "household.days_ago"
    return (translate(key, "ar", days=days_text(days, "ar")),
            translate(key, "en", days=days_text(days, "en")))


def blocks_of(answer: inquiries.Answer) -> list[ResultBlock]:
    """What the results panel shows for an answer (nothing for "not found")."""
    blocks = []
    for item in answer.items:
        if isinstance(item, inquiries.VisaAnswer):
            blocks.append(_visa_block(item))
        elif isinstance(item, inquiries.IqamaAnswer):
            blocks.append(ResultBlock(*_both("household.document.iqama"), [
                _number_row("inquiries.iqama_number", item.number),
                _row("inquiries.status", _both(f"inquiries.validity.{item.status}"),
                     item.status),
                _date_row("inquiries.iqama_expiry", item.expiry),
                _row("family.status", _days_left(item.days_left),
                     "expired" if item.days_left < 0 else "valid"),
            ]))
        elif isinstance(item, inquiries.AbscondingAnswer):
            key = "inquiries.absconding_reported" if item.reported else "inquiries.absconding_none"
            blocks.append(ResultBlock(*_both("inquiries.absconding"), [
                _number_row("inquiries.iqama_number", item.number),
                _row("inquiries.status", _both(key), "reported" if item.reported else "clear"),
            ]))
        elif isinstance(item, inquiries.TransactionAnswer):
            service = catalogue.service(item.service_code)
            rows = [_number_row("inquiries.reference", item.reference),
                    _row("inquiries.service", _both(service.title_key) if service
                         else (item.service_code, item.service_code)),
                    _row("inquiries.status", _both(f"status.{item.status}"), item.status),
                    _date_row("inquiries.submitted_on", item.submitted_on),
                    _date_row("inquiries.updated_on", item.updated_on)]
            if item.delivery_status:
                rows.append(_row("inquiries.delivery", _both(f"delivery.{item.delivery_status}")))
            blocks.append(ResultBlock(*_both("inquiries.kind.transaction"), rows))
        elif isinstance(item, inquiries.BorderAnswer):
            rows = [_number_row("inquiries.border_number", item.border_number)]
            if item.visa_status and item.visa_valid_until:
                rows += [_row("inquiries.status", _both(f"inquiries.validity.{item.visa_status}"),
                              item.visa_status),
                         _date_row("inquiries.valid_until", item.visa_valid_until)]
            else:
                rows.append(_row("inquiries.visa_type", _both("inquiries.no_visit_visa")))
            blocks.append(ResultBlock(*_both("inquiries.border_number"), rows))
    return blocks


def _answer(kind: str, values: dict[str, str], client: str) -> inquiries.Answer:
    with session_scope() as session:
        return inquiries.ask(session, kind, values, today=today_in_riyadh(CLOCK), client=client,
                             limiter=get_rate_limiter(),
                             limit=get_settings().inquiry_rate_limit)


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

    @rx.event
    def load(self):
        """on_load: the inquiry named in ?kind= (from the home page's links), answers cleared."""
        kind = self.router.url.query_parameters.get("kind", "")
        self.kind = kind if kind in inquiries.KINDS else inquiries.KINDS[0]
        self.opened_kind = self.kind
        self._clear()

    @rx.event
    def choose(self, kind: str):
        """Another inquiry chosen: show its form (anything unknown is ignored)."""
        if isinstance(kind, str) and kind in inquiries.KINDS:
            self.kind = kind
            self._clear()

    @rx.event
    async def ask(self, form_data: dict):
        """Answer the chosen inquiry from its form's fields (nothing else is read)."""
        kind = self.kind if self.kind in inquiries.KINDS else inquiries.KINDS[0]
        values = {name: value[:inquiries.MAX_INPUT] if isinstance(value, str) else ""
                  for name in inquiries.FIELDS[kind]
                  for value in (form_data.get(name, ""),)}
        client = self.router.session.client_ip if self.router else ""
        self.busy = True
        yield
        try:
            answer = await asyncio.to_thread(_answer, kind, values, client)
        except DomainError as error:
            self.answered_kind, self.blocks = "", []
            self.error = problem(error, str(error.params.get("field", "")))
        else:
            self.error = NO_PROBLEM
            self.answered_kind, self.blocks = kind, blocks_of(answer)
        finally:
            self.busy = False


# ---------------------------------------------------------------------------------------------
# Rendering.

def bilingual(ar, en):
    return rx.cond(is_english(), en, ar)


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
