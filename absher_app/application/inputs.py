"""Typed inputs: what an event may carry, decoded and bounded before any use case sees it.

Everything an event brings comes from the browser, so from anyone: a value may have the wrong
type, a form may lack keys or carry extra ones, a string may be megabytes long. `decode` turns
the raw value into the declared type or raises `BadPayload`; the event pipeline then refuses
the event quietly (one log line, no state change). A real person never meets that refusal: the
bounds are far above what the rules allow, and the rules themselves answer with a message.

Declare a form as a frozen dataclass deriving from `Form`; its fields are `str` (a text input,
stripped unless `raw=True`), `bool` (a checkbox: absent means unticked) or `int`:

    @dataclasses.dataclass(frozen=True)
    class MessageForm(Form):
        subject: str = text(max_length=500)
        body: str = text(max_length=8000)

`FormFields` is the open-ended form of the wizard, whose field names come from the service.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import types
import typing
from collections.abc import Mapping
from typing import Any, ClassVar, Union

# A transport bound, not a rule: the rules (with their messages) are far stricter.
DEFAULT_MAX_LENGTH = 1000
FIELD_NAME = re.compile(r"[a-z][a-z0-9_]{0,79}")
MAX_FORM_FIELDS = 120
# Form controls have the id "field-<name>"; Reflex's form data repeats them under that id.
ID_PREFIX = "field_"
CHECKED = frozenset({"yes", "on", "true"})


class BadPayload(ValueError):
    """An event's payload is not what its handler declares (refused, never shown)."""


def text(*, max_length: int = DEFAULT_MAX_LENGTH, raw: bool = False,
         required: bool = True) -> Any:
    """A text field of a `Form`: at most `max_length` characters; stripped unless `raw`
    (passwords keep their spaces); `required=False` lets the browser leave it out."""
    metadata = {"max_length": max_length, "raw": raw}
    if required:
        return dataclasses.field(metadata=metadata)
    return dataclasses.field(default="", metadata=metadata)


def checkbox() -> Any:
    """A checkbox of a `Form`: the browser sends it only when ticked."""
    return dataclasses.field(default=False)


@functools.cache
def _fields_of(form: type) -> tuple[dict[str, dataclasses.Field], dict[str, Any]]:
    """A form class's fields and their types, worked out once per class (resolving the type
    hints took a sixth of the event loop's time in a burst of sign-ins)."""
    return {f.name: f for f in dataclasses.fields(form)}, typing.get_type_hints(form)


@dataclasses.dataclass(frozen=True)
class Form:
    """Base of a form's typed input; see the module docstring."""

    # Keys a form may carry besides its fields and ignore (none by default).
    IGNORED: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def decode(cls, raw: Any) -> Form:
        """The form from what the browser sent (a mapping of names to strings)."""
        if not isinstance(raw, Mapping):
            raise BadPayload(f"{cls.__name__}: not a form")
        fields, hints = _fields_of(cls)
        # Reflex also reports each control by its element id ("field-login" -> field_login):
        # those echoes are never read.
        unknown = {k for k in raw if not str(k).startswith(ID_PREFIX)} - set(fields) \
            - cls.IGNORED
        if unknown:
            raise BadPayload(f"{cls.__name__}: unexpected {sorted(map(str, unknown))[:5]}")
        values: dict[str, Any] = {}
        for name, field in fields.items():
            if name not in raw:
                if field.default is dataclasses.MISSING:
                    raise BadPayload(f"{cls.__name__}: {name} missing")
                continue
            values[name] = _field_value(cls.__name__, name, hints[name], field, raw[name])
        return cls(**values)


def _field_value(form: str, name: str, kind: Any, field: dataclasses.Field, value: Any) -> Any:
    if kind is bool:
        # A browser sends a ticked box's value ("on", or its value attribute): a short word.
        if not isinstance(value, str | bool) or isinstance(value, str) and len(value) > 32:
            raise BadPayload(f"{form}: {name} is not a checkbox")
        return value is True or (isinstance(value, str) and value.lower() in CHECKED)
    if kind is int:
        return decode(int, value, f"{form}.{name}")
    if not isinstance(value, str):
        raise BadPayload(f"{form}: {name} is not text")
    if len(value) > field.metadata.get("max_length", DEFAULT_MAX_LENGTH):
        raise BadPayload(f"{form}: {name} is too long ({len(value)})")
    return value if field.metadata.get("raw") else value.strip()


class FormFields(dict):
    """An open-ended form (the wizard's steps): names like `start_date` or `services__x`,
    string values, bounded in number and length."""

    @classmethod
    def decode(cls, raw: Any) -> FormFields:
        if not isinstance(raw, Mapping) or len(raw) > MAX_FORM_FIELDS:
            raise BadPayload("FormFields: not a form, or too many fields")
        out = cls()
        for key, value in raw.items():
            if not isinstance(key, str) or not FIELD_NAME.fullmatch(key):
                raise BadPayload("FormFields: a field name is not valid")
            if not isinstance(value, str) or len(value) > DEFAULT_MAX_LENGTH:
                raise BadPayload(f"FormFields: {key} is not text or too long")
            out[key] = value.strip()
        return out


class Rejections(list):
    """What a browser's file picker refused before sending, as error codes (too-many-files,
    file-too-large...): at most ten files, each with its `errors` of `{"code": str}`."""

    @classmethod
    def decode(cls, raw: Any) -> Rejections:
        if not isinstance(raw, list) or len(raw) > 10:
            raise BadPayload("Rejections: not a list of refused files")
        out = cls()
        for entry in raw:
            errors = entry.get("errors", []) if isinstance(entry, Mapping) else None
            if not isinstance(errors, list) or len(errors) > 10:
                raise BadPayload("Rejections: an entry without its errors")
            for error in errors:
                code = error.get("code") if isinstance(error, Mapping) else None
                if not isinstance(code, str) or len(code) > 40:
                    raise BadPayload("Rejections: an error without its code")
                out.append(code)
        return out


@dataclasses.dataclass(frozen=True)
class Bounded:
    """`Annotated[str, Bounded(40)]`: a plain string argument of at most `max_length`
    characters, optionally matching `pattern` (else refused as a forged payload)."""

    max_length: int
    pattern: str | None = None


def decode(kind: Any, value: Any, where: str = "argument") -> Any:
    """`value` as `kind`: a Form or FormFields subclass, str (bounded), int, bool, or
    `Annotated[str, Bounded(...)]`. Anything else about `value` raises BadPayload."""
    if typing.get_origin(kind) is typing.Annotated:
        base, *extras = typing.get_args(kind)
        value = decode(base, value, where)
        for extra in extras:
            if isinstance(extra, Bounded) and (len(value) > extra.max_length or (
                    extra.pattern and not re.fullmatch(extra.pattern, value))):
                raise BadPayload(f"{where}: out of bounds")
        return value
    if isinstance(kind, type) and issubclass(kind, Form | FormFields | Rejections):
        return kind.decode(value)
    if kind is bool:
        if not isinstance(value, bool):
            raise BadPayload(f"{where}: not a boolean")
        return value
    if kind is int:
        # JSON has one number type: a whole float is an int; a bool is not a number here.
        if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
            raise BadPayload(f"{where}: not a whole number")
        if abs(value) > 2**53:
            raise BadPayload(f"{where}: out of range")
        return int(value)
    if kind is str:
        if not isinstance(value, str) or len(value) > DEFAULT_MAX_LENGTH:
            raise BadPayload(f"{where}: not text, or too long")
        return value
    raise TypeError(f"{where}: no decoder for {kind!r}")


def wire_type(kind: Any) -> Any:
    """What the browser sends for an argument declared as `kind` (for Reflex's compiler, which
    checks event triggers against handler annotations): forms are dicts."""
    if typing.get_origin(kind) is typing.Annotated:
        return wire_type(typing.get_args(kind)[0])
    if isinstance(kind, type) and issubclass(kind, Form | FormFields):
        return dict
    if isinstance(kind, type) and issubclass(kind, Rejections):
        return list
    if typing.get_origin(kind) in (Union, types.UnionType):
        raise TypeError("optional arguments are not supported: give a default in the form")
    if kind in (int, bool):
        # Reflex would turn a forged "1" into 1 before the decoder sees it: take the value as
        # sent, and let `decode` refuse anything but a JSON number (or boolean).
        return Any
    return kind
