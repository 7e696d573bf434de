"""`/verify`: the public check of a delegation by its reference number (what the
certificate's QR code opens, with `?reference=`). No sign-in: nothing here is secret."""

from __future__ import annotations

import reflex as rx

from absher_app.application import delegations as usecases
from absher_app.application.delegations import VerifyForm, VerifyView
from absher_app.application.views import NO_PROBLEM, problem
from absher_app.components.content import summary_list, summary_row
from absher_app.components.forms import error_summary, text_field
from absher_app.components.layout import page_layout
from absher_app.components.text import bilingual, t_with
from absher_app.state.events import event, use
from absher_app.state.language import t


class VerifyState(rx.State):
    """The reference asked about and what the check found."""

    reference: str = ""
    result: VerifyView = rx.field(default_factory=VerifyView)
    error: dict[str, str] = NO_PROBLEM

    def _on_problem(self, error) -> None:
        self.result, self.error = VerifyView(), problem(error)

    async def _check(self, reference: str) -> None:
        self.reference = reference
        self.result = await use(self, usecases.verify_delegation, reference)
        self.error = NO_PROBLEM

    @event
    async def load(self):
        """on_load: check the reference in ?reference= (what the certificate's QR opens)."""
        self.result, self.error = VerifyView(), NO_PROBLEM
        self.reference = str(self.router.url.query_parameters.get("reference", ""))[
            :usecases.REFERENCE_MAX].strip()
        if self.reference:
            await self._check(self.reference)

    @event
    async def check(self, form: VerifyForm):
        await self._check(form.reference)


def verify_page() -> rx.Component:
    s = VerifyState
    r = s.result
    return page_layout(
        "verify.title",
        rx.el.form(
            error_summary(s.error),
            text_field("reference", "delegation.reference", s.error, input_mode="numeric",
                       dir="ltr", max_length=usecases.REFERENCE_MAX, default_value=s.reference),
            rx.el.button(t("verify.check"), type="submit", class_name="button"),
            on_submit=s.check, class_name="form", key=s.reference,
        ),
        rx.cond(r.reference != "", rx.el.section(
            rx.el.h2(t_with("verify.result_title", {"reference": r.reference})),
            rx.el.p(rx.cond(r.valid, t("delegation.valid_now"), t("delegation.not_valid_now")),
                    class_name=rx.cond(r.valid, "status status-approved",
                                       "status status-rejected"),
                    data_testid="verify-validity"),
            summary_list(
                summary_row("delegation.status_label", bilingual(r.status_ar, r.status_en),
                            data_testid="verify-status"),
                summary_row("delegation.services", bilingual(r.services_ar, r.services_en)),
                summary_row("delegation.period",
                            rx.el.bdi(r.starts_on + " → " + r.ends_on, dir="ltr")),
                summary_row("delegation.delegator", bilingual(r.delegator_ar, r.delegator_en)),
                summary_row("delegation.delegate", bilingual(r.delegate_ar, r.delegate_en)),
            ),
            role="region", aria_label=t("verify.result_region"), class_name="panel",
        ), rx.fragment()),
        lead_key="verify.lead",
    )
