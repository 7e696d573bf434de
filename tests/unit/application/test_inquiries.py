"""The public inquiry use case: no sign-in, each inquiry reads only its own fields, the answer
is worded in both languages for the results panel, bad input names its field, and the
caller's address is what the rate limit counts."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlmodel import select

from absher_app.application import inquiries as uc
from absher_app.application.identity import Caller
from absher_app.application.inquiries import InquiryForm
from absher_app.domain.demo import demo_ids
from absher_app.domain.errors import DomainError
from absher_app.models import Person

ANYONE = Caller(client="203.0.113.5")


def test_an_iqama_inquiry_answers_in_both_languages_with_the_hijri_date(app_world):
    number = demo_ids()["r2"]
    blocks = app_world.run(uc.ask_inquiry, ANYONE, "iqama", InquiryForm(iqama_number=number))
    [block] = blocks
    assert (block.title_en, block.title_ar) == ("Iqama", "الإقامة")
    number_row, status, expiry, days_left = block.rows
    assert (number_row.label_en, number_row.value_en, number_row.ltr) == (
        "Iqama number", number, True)
    assert (status.label_en, status.value_en, status.tone) == ("Status", "Valid", "valid")
    assert (days_left.value_en, days_left.tone) == ("in 250 days", "valid")
    # Each row has its own label (no two rows called "Status"), in both languages.
    assert days_left.label_en == "Time to expiry"
    for language in ("label_en", "label_ar"):
        labels = [getattr(row, language) for row in block.rows]
        assert len(set(labels)) == len(labels)
    assert expiry.label_en == "Iqama expires on"
    assert expiry.hijri_en.endswith("AH") and expiry.value_ar != expiry.value_en
    with app_world.db() as db:  # nothing about the person is shown, not even their name
        holder = db.exec(select(Person).where(Person.id_number == number)).one()
    assert all(holder.name_en not in (row.value_en, row.value_ar) for row in block.rows)


def test_each_inquiry_reads_only_its_own_fields(app_world):
    form = InquiryForm(iqama_number=demo_ids()["r2"], reference="7000000000")
    assert app_world.run(uc.ask_inquiry, ANYONE, "transaction", form) == []
    assert app_world.run(uc.ask_inquiry, ANYONE, "iqama", form) != []


def test_bad_input_names_its_field(app_world):
    with pytest.raises(DomainError) as refused:
        app_world.run(uc.ask_inquiry, ANYONE, "border", InquiryForm(passport_number="A1234567"))
    assert refused.value.field == "nationality"
    with pytest.raises(DomainError) as refused:
        app_world.run(uc.ask_inquiry, ANYONE, "iqama", InquiryForm(iqama_number="12"))
    assert refused.value.field == "iqama_number"
    with pytest.raises(DomainError) as refused:
        app_world.run(uc.ask_inquiry, ANYONE, "everything", InquiryForm())
    assert refused.value.code == "inquiry_unknown"


def test_the_limit_counts_the_callers_address(app_world, monkeypatch):
    monkeypatch.setattr(uc, "get_settings", lambda: SimpleNamespace(
        inquiry_rate_limit="2/minute"))
    form = InquiryForm(iqama_number=demo_ids()["r2"])
    busy = Caller(client="203.0.113.77")
    for _ in range(2):
        app_world.run(uc.ask_inquiry, busy, "absconding", form)
    with pytest.raises(DomainError) as refused:
        app_world.run(uc.ask_inquiry, busy, "absconding", form)
    assert refused.value.code == "inquiry_rate_limited"
    assert app_world.run(uc.ask_inquiry, Caller(client="203.0.113.78"), "absconding", form)
