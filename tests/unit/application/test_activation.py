"""The demo activation partners and the dev SMS outbox (absher_app.application.activation,
absher_app.application.dev_sms): on while the demo tools are, doing nothing when they are not."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlmodel import select

from absher_app.application import activation, dev_sms, unit
from absher_app.application.activation import PartnerActivationForm
from absher_app.domain.accounts import AccountStatus, ActivationChannel
from absher_app.domain.demo import demo_ids
from absher_app.domain.errors import DomainError
from absher_app.models import Account, SmsMessage
from absher_app.settings import get_settings

HIND = "hind"  # registered, not yet activated (demo c9)


def hind(session) -> Account:
    session.expire_all()
    return session.exec(select(Account).where(Account.username == HIND)).one()


def form(channel: str = "bank", key: str = "c9", confirmed: bool = True):
    return PartnerActivationForm(channel=channel, id_number=demo_ids()[key],
                                 confirm_identity=confirmed)


@pytest.fixture(autouse=True)
def demo_mode(monkeypatch):
    """The partners' pages and the dev outbox exist only in demo mode (ABSHER_DEMO=1)."""
    monkeypatch.setattr(get_settings(), "demo", True)


def refused(*inputs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        unit.run(activation.activate_as_partner, *inputs)
    return caught.value


def test_a_demo_partner_activates_a_registered_account(use_case_db, use_case_session,
                                                       anonymous):
    error = refused(anonymous, form(confirmed=False))
    assert (error.code, error.field) == ("confirm_identity", "confirm_identity")
    error = refused(anonymous, PartnerActivationForm(channel="kiosk", id_number="123",
                                                     confirm_identity=True))
    assert (error.code, error.field) == ("id_length", "id_number")
    error = refused(anonymous, form(key="c2"))  # no account
    assert (error.code, error.field) == ("activation_no_account", "id_number")
    assert hind(use_case_session).status == AccountStatus.REGISTERED

    assert unit.run(activation.activate_as_partner, anonymous, form(channel="kiosk")) is True
    account = hind(use_case_session)
    assert account.status == AccountStatus.ACTIVE
    assert account.activation_channel == ActivationChannel.KIOSK
    assert use_case_session.exec(select(SmsMessage).where(
        SmsMessage.to == account.mobile, SmsMessage.purpose == "activation")).first()
    error = refused(anonymous, form())
    assert (error.code, error.field) == ("activation_not_pending", "id_number")


def test_no_partner_outside_the_demo_and_no_office_from_the_browser(
        use_case_db, use_case_session, anonymous, monkeypatch):
    # The office activates through the staff back office, never through this form.
    assert unit.run(activation.activate_as_partner, anonymous, form(channel="office")) is False
    monkeypatch.setattr(activation, "get_settings",
                        lambda: SimpleNamespace(dev_tools_enabled=False))
    assert unit.run(activation.activate_as_partner, anonymous, form()) is False
    assert hind(use_case_session).status == AccountStatus.REGISTERED


def test_the_dev_outbox_shows_the_newest_messages_only_in_the_demo(
        use_case_db, anonymous, monkeypatch):
    unit.run(activation.activate_as_partner, anonymous, form())
    outbox = unit.run(dev_sms.dev_outbox, anonymous)
    assert outbox.enabled and outbox.messages[0].purpose == "activation"
    monkeypatch.setattr(dev_sms, "get_settings", lambda: SimpleNamespace(dev_tools_enabled=False))
    assert unit.run(dev_sms.dev_outbox, anonymous) == dev_sms.Outbox(False, [])
