"""My Services: the e-services the signed-in person can start for someone of their household,
with a mark where a draft waits."""

from __future__ import annotations

import dataclasses

from absher_app import routes
from absher_app.application.identity import SignedIn
from absher_app.application.unit import Tx, use_case
from absher_app.application.views import both
from absher_app.domain import catalogue, wizard
from absher_app.models import Person


@dataclasses.dataclass
class ServiceCard:
    code: str
    href: str
    group: str
    title_ar: str
    title_en: str
    summary_ar: str
    summary_en: str
    has_draft: bool


def household_context(tx: Tx, who: SignedIn) -> wizard.Context:
    """The rule context of the signed-in person applying for their own household."""
    return wizard.Context(session=tx.session, today=tx.today, now=tx.now,
                          applicant=tx.session.get(Person, who.person_id))


@use_case(activity=False)
def my_services(tx: Tx, who: SignedIn) -> list[ServiceCard]:
    """The services this person can start (for themself or someone they sponsor), in the
    catalogue's order, each marked when a draft of it waits."""
    # A delegate's drafts on behalf are keyed "<code>@<delegation>": they are not these.
    drafts = {d.service_code for d in wizard.drafts_of(tx.session, who.account_id)}
    return [ServiceCard(s.code, routes.service_path(s.code), s.group, *both(s.title_key),
                        *both(s.summary_key), s.code in drafts)
            for s in wizard.available_services(catalogue.SERVICES, household_context(tx, who))]
