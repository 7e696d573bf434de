"""The one decoder every event argument goes through: a value of the declared type and size,
or BadPayload (refused quietly by the event pipeline)."""

from __future__ import annotations

import dataclasses
from typing import Annotated

import pytest

from absher_app.application.inputs import (
    DEFAULT_MAX_LENGTH,
    MAX_FORM_FIELDS,
    BadPayload,
    Bounded,
    Form,
    FormFields,
    Rejections,
    checkbox,
    decode,
    text,
)


@dataclasses.dataclass(frozen=True)
class Sample(Form):
    name: str = text(max_length=10)
    secret: str = text(max_length=20, raw=True)
    note: str = text(required=False)
    agree: bool = checkbox()


def test_a_form_is_decoded_stripped_except_raw_fields_and_optional_ones_defaulted():
    form = decode(Sample, {"name": "  Hind ", "secret": " pass word ", "field_name": "echo"})
    assert form == Sample(name="Hind", secret=" pass word ", note="", agree=False)


@pytest.mark.parametrize("ticked", ["on", "yes", "true", "ON", True])
def test_a_ticked_checkbox(ticked):
    assert decode(Sample, {"name": "a", "secret": "b", "agree": ticked}).agree is True


@pytest.mark.parametrize("forged", [
    "not a form", ["name"], None, 12,
    {"secret": "b"},                                  # a required field missing
    {"name": "a", "secret": "b", "admin": "1"},       # an unexpected field
    {"name": "a" * 11, "secret": "b"},                # past its bound
    {"name": 5, "secret": "b"},                       # not text
    {"name": "a", "secret": "b", "agree": 1},         # a checkbox is a word or a boolean
    {"name": "a", "secret": "b", "agree": "x" * 33},  # ... a short one
])
def test_a_forged_form_is_refused(forged):
    with pytest.raises(BadPayload):
        decode(Sample, forged)


def test_plain_arguments():
    assert decode(int, 3) == 3 and decode(int, 3.0) == 3
    assert decode(bool, False) is False
    assert decode(str, "x") == "x"
    assert decode(Annotated[str, Bounded(4, r"[A-Z]+")], "ABCD") == "ABCD"
    for kind, forged in ((int, "1"), (int, True), (int, 1.5), (int, 2**60), (bool, "yes"),
                         (bool, 1), (str, 5), (str, "x" * (DEFAULT_MAX_LENGTH + 1)),
                         (Annotated[str, Bounded(4)], "ABCDE"),
                         (Annotated[str, Bounded(4, r"[A-Z]+")], "abc")):
        with pytest.raises(BadPayload):
            decode(kind, forged)


def test_the_wizards_open_form_is_bounded_in_names_count_and_length():
    assert decode(FormFields, {"start_date": " 2026-05-10 "}) == {"start_date": "2026-05-10"}
    for forged in ({"Bad Name": "x"}, {"a": 5}, {"a": "x" * (DEFAULT_MAX_LENGTH + 1)},
                   {f"k{i}": "x" for i in range(MAX_FORM_FIELDS + 1)}, ["a"]):
        with pytest.raises(BadPayload):
            decode(FormFields, forged)


def test_a_file_pickers_refusals_are_error_codes():
    assert decode(Rejections, [{"errors": [{"code": "file-too-large"}]}]) == ["file-too-large"]
    for forged in ("x", [{"errors": "x"}], [{"errors": [{"code": 5}]}], [{}] * 11):
        with pytest.raises(BadPayload):
            decode(Rejections, forged)
