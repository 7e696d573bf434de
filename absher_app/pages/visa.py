"""`/transactions/<reference>/visa`: the printable exit/re-entry or final exit visa of an
approved request, for the person who made the request only (checked on the server on every
load; see absher_app.domain.visas)."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import date

import reflex as rx

from absher_app import routes
from absher_app.components.layout import page_layout
from absher_app.db import session_scope
from absher_app.domain import visas
from absher_app.domain.calendars import days_text, gregorian_text, hijri_text
from absher_app.domain.errors import DomainError
from absher_app.i18n import AR
from absher_app.models import Account, Person
from absher_app.providers.clock import today_in_riyadh
from absher_app.state.language import is_english, t
from absher_app.state.session import CLOCK, signed_in_account
from absher_app.state.wizard import TextView, both, error_view


@dataclasses.dataclass
class VisaRow:
    """One line of the printed visa: label, value, and the Hijri date under a Gregorian one."""

    key: str
    label_ar: str
    label_en: str
    value_ar: str
    value_en: str
    hijri_ar: str = ""
    hijri_en: str = ""
    ltr: bool = False


def _date_row(key: str, day: date) -> VisaRow:
    return VisaRow(key, *both(f"visa.{key}"), gregorian_text(day, "ar"), gregorian_text(day, "en"),
                   hijri_text(day, "ar"), hijri_text(day, "en"))


def _nationality(code: str) -> tuple[str, str]:
    key = f"country.{code}"
    return both(key) if key in AR else (code, code)


def visa_rows(doc: visas.VisaDocument) -> list[VisaRow]:
    """The printed visa, line by line, in both languages."""
    holder = doc.holder
    rows = [
        VisaRow("number", *both("visa.number"), doc.number, doc.number, ltr=True),
        VisaRow("kind", *both("visa.kind"), *both(f"visa.kind.{doc.kind}")),
        VisaRow("holder", *both("visa.holder"), holder.name_ar, holder.name_en),
        VisaRow("id_number", *both("visa.id_number"), holder.id_number, holder.id_number,
                ltr=True),
        VisaRow("nationality", *both("visa.nationality"), *_nationality(holder.nationality)),
        VisaRow("passport", *both("visa.passport"), holder.passport_number or "-",
                holder.passport_number or "-", ltr=True),
        _date_row("issued_on", doc.issued_on),
        _date_row("leave_before", doc.leave_before),
    ]
    if doc.return_before is not None:
        rows.append(_date_row("return_before", doc.return_before))
    rows.append(VisaRow("duration", *both("visa.duration"),
                        days_text(doc.duration_days, "ar"), days_text(doc.duration_days, "en")))
    if doc.sponsor is not None:
        rows.append(VisaRow("sponsor", *both("visa.sponsor"),
                            f"{doc.sponsor.name_ar} ({doc.sponsor.id_number})",
                            f"{doc.sponsor.name_en} ({doc.sponsor.id_number})"))
    rows.append(VisaRow("status", *both("visa.status"), *both(f"visa.status.{doc.status}")))
    return rows


def reference_from_path(path: str) -> str:
    """'/transactions/7123456789/visa/' -> '7123456789' (anything odd -> '')."""
    parts = [p for p in (path or "").split("/") if p]
    ok = len(parts) == 3 and parts[0] == "transactions" and parts[2] == "visa"
    return parts[1][:12] if ok else ""


class VisaPrintState(rx.State):
    """The visa being printed, or why it cannot be."""

    phase: str = "loading"  # loading | ready | refused
    reference: str = ""
    title: TextView = TextView("", "")
    rows: list[VisaRow] = []
    refusal: TextView = TextView("", "")

    def _load(self, account_id: int, reference: str) -> None:
        self.reference, self.rows = reference, []
        with session_scope() as session:
            account = session.get(Account, account_id)
            person = session.get(Person, account.person_id) if account else None
            try:
                if person is None:
                    raise DomainError("request_unknown", "no account")
                doc = visas.visa_document(session, reference, person.id,
                                          today_in_riyadh(CLOCK))
            except DomainError as error:
                self.phase = "refused"
                # Someone else's request reads exactly like one that does not exist.
                self.refusal = TextView(*both("visa.not_yours")) \
                    if error.code == "request_unknown" else error_view(error)
                return
            self.title = TextView(*both(f"visa.kind.{doc.kind}"))
            self.rows = visa_rows(doc)
            self.phase = "ready"

    @rx.event
    async def load(self):
        """on_load: the visa of the request named in the URL, if it is the signed-in
        person's."""
        self.phase = "loading"
        who = await signed_in_account(self, touch=False)
        if who is None:
            return rx.redirect(routes.LOGIN)
        await asyncio.to_thread(self._load, who.account_id,
                                reference_from_path(self.router.url.path))
        return None


def bilingual(ar, en):
    return rx.cond(is_english(), en, ar)


def _row(row: rx.Var[VisaRow]) -> rx.Component:
    return rx.el.div(
        rx.el.dt(bilingual(row.label_ar, row.label_en)),
        rx.el.dd(
            rx.cond(row.ltr, rx.el.bdi(row.value_ar, dir="ltr"),
                    bilingual(row.value_ar, row.value_en)),
            rx.cond(row.hijri_ar != "",
                    rx.el.span(bilingual(row.hijri_ar, row.hijri_en), class_name="hijri"),
                    rx.fragment()),
            data_testid="visa-" + row.key,
        ),
        class_name="visa-row",
    )


def _document() -> rx.Component:
    s = VisaPrintState
    return rx.el.article(
        rx.el.header(
            rx.el.img(src="/emblem.svg", alt="", width="56", height="56"),
            rx.el.div(
                rx.el.p(t("visa.kingdom"), class_name="visa-kingdom"),
                rx.el.p(t("visa.ministry")),
            ),
            class_name="visa-head",
        ),
        rx.el.h2(bilingual(s.title.ar, s.title.en), id="visa-title"),
        rx.el.dl(rx.foreach(s.rows, _row), class_name="visa-fields"),
        rx.el.p(t("visa.note"), class_name="visa-note"),
        aria_labelledby="visa-title",
        class_name="visa-document",
    )


def page() -> rx.Component:
    s = VisaPrintState
    back = rx.el.a(t("visa.back"), href=routes.TRANSACTIONS + "/" + s.reference,
                   class_name="button secondary")
    return page_layout(
        "visa.title",
        rx.match(
            s.phase,
            ("ready", rx.fragment(
                _document(),
                rx.el.div(
                    rx.el.button(t("visa.print"), type="button", class_name="button",
                                 on_click=rx.call_script("window.print()")),
                    back,
                    class_name="button-group no-print",
                ),
            )),
            ("refused", rx.fragment(
                rx.el.p(bilingual(s.refusal.ar, s.refusal.en), role="alert",
                        class_name="error-summary"),
                rx.el.a(t("visa.to_transactions"), href=routes.TRANSACTIONS),
            )),
            rx.el.p(t("wizard.loading"), aria_busy="true"),
        ),
        lead_key="visa.lead",
    )

