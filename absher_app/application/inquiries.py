"""The public inquiries (no sign-in): one use case answers any of them, counted against the
caller's limit of public look-ups, and words the answer for the results panel in both
languages. absher_app.domain.inquiries validates, rate-limits and looks up."""

from __future__ import annotations

import dataclasses
from datetime import date

from absher_app.application.inputs import Form, text
from absher_app.application.unit import Tx, use_case
from absher_app.application.views import both
from absher_app.domain import catalogue, inquiries
from absher_app.domain.calendars import days_text, gregorian_text, hijri_text
from absher_app.i18n import translate
from absher_app.providers.rate_limit import get_rate_limiter
from absher_app.settings import get_settings


@dataclasses.dataclass(frozen=True)
class InquiryForm(Form):
    """Every inquiry's fields; each form sends its own (the rest stay empty)."""

    visa_number: str = text(required=False)
    id_number: str = text(required=False)
    iqama_number: str = text(required=False)
    reference: str = text(required=False)
    passport_number: str = text(required=False)
    nationality: str = text(required=False)


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


def _row(label_key: str, value: tuple[str, str], tone: str = "") -> ResultRow:
    return ResultRow(*both(label_key), *value, tone=tone)


def _number_row(label_key: str, number: str) -> ResultRow:
    return ResultRow(*both(label_key), number, number, ltr=True)


def _date_row(label_key: str, day: date) -> ResultRow:
    return ResultRow(*both(label_key), gregorian_text(day, "ar"), gregorian_text(day, "en"),
                     hijri_text(day, "ar"), hijri_text(day, "en"))


def _visa_block(visa: inquiries.VisaAnswer) -> ResultBlock:
    rows = [_number_row("inquiries.visa_number", visa.number),
            _row("inquiries.status", both(f"inquiries.validity.{visa.status}"), visa.status)]
    if visa.issued_on is not None:
        rows.append(_date_row("inquiries.issued_on", visa.issued_on))
    rows.append(_date_row("inquiries.valid_until", visa.valid_until))
    return ResultBlock(*both(f"inquiries.visa_kind.{visa.kind}"), rows)


def _days_left(days: int) -> tuple[str, str]:
    if days == 0:
        return both("household.today")
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
            blocks.append(ResultBlock(*both("household.document.iqama"), [
                _number_row("inquiries.iqama_number", item.number),
                _row("inquiries.status", both(f"inquiries.validity.{item.status}"),
                     item.status),
                _date_row("inquiries.iqama_expiry", item.expiry),
                _row("inquiries.time_to_expiry", _days_left(item.days_left),
                     "expired" if item.days_left < 0 else "valid"),
            ]))
        elif isinstance(item, inquiries.AbscondingAnswer):
            key = "inquiries.absconding_reported" if item.reported else "inquiries.absconding_none"
            blocks.append(ResultBlock(*both("inquiries.absconding"), [
                _number_row("inquiries.iqama_number", item.number),
                _row("inquiries.status", both(key), "reported" if item.reported else "clear"),
            ]))
        elif isinstance(item, inquiries.TransactionAnswer):
            service = catalogue.service(item.service_code)
            rows = [_number_row("inquiries.reference", item.reference),
                    _row("inquiries.service", both(service.title_key) if service
                         else (item.service_code, item.service_code)),
                    _row("inquiries.status", both(f"status.{item.status}"), item.status),
                    _date_row("inquiries.submitted_on", item.submitted_on),
                    _date_row("inquiries.updated_on", item.updated_on)]
            if item.delivery_status:
                rows.append(_row("inquiries.delivery", both(f"delivery.{item.delivery_status}")))
            blocks.append(ResultBlock(*both("inquiries.kind.transaction"), rows))
        elif isinstance(item, inquiries.BorderAnswer):
            rows = [_number_row("inquiries.border_number", item.border_number)]
            if item.visa_status and item.visa_valid_until:
                rows += [_row("inquiries.status", both(f"inquiries.validity.{item.visa_status}"),
                              item.visa_status),
                         _date_row("inquiries.valid_until", item.visa_valid_until)]
            else:
                rows.append(_row("inquiries.visa_type", both("inquiries.no_visit_visa")))
            blocks.append(ResultBlock(*both("inquiries.border_number"), rows))
    return blocks


@use_case(realm=None)
def ask_inquiry(tx: Tx, who: None, kind: str, form: InquiryForm) -> list[ResultBlock]:
    """Answer one public inquiry from its own fields (an empty list: nothing found).

    Raises:
        ValidationError: bad input, about its field; inquiry_unknown for an unknown kind.
        DomainError: inquiry_rate_limited past the caller's limit.
    """
    values = {name: getattr(form, name)[:inquiries.MAX_INPUT]
              for name in inquiries.FIELDS.get(kind, ())}
    answer = inquiries.ask(tx.session, kind, values, today=tx.today, client=tx.caller.client,
                           limiter=get_rate_limiter(), limit=get_settings().inquiry_rate_limit)
    return blocks_of(answer)
