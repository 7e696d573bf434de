"""Typed domain errors that carry an i18n key.

So every layer can say them in the user's language.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule refused the request.

    Attributes:
        code: the i18n key of the user-facing message (`errors.<code>` in the catalogues).
        params: values substituted into that message.
        field: the input the error is about (its form name), "" when it is about the whole
            request; pages show the message beside that field and link to it from the summary.
    """

    def __init__(self, code: str, message: str, **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.params = params
        self._field = ""

    @property
    def field(self) -> str:
        return self._field or str(self.params.get("field", ""))

    def about(self, field: str) -> DomainError:
        """This error, said about the input `field` (the name of the form's field)."""
        self._field = field
        return self


def whole_minutes(seconds: float) -> int:
    """Seconds rounded up to whole minutes, at least 1: what "try again in N minutes" says."""
    return max(1, -(-int(seconds) // 60))


class ValidationError(DomainError):
    """Input does not have the required form."""
