"""TRANSITIONAL: the pages not yet on the application layer import these names from here;
delete this module once they are ported. The wizard's state now lives beside its page
(absher_app.pages.services.wizard) and its use cases in absher_app.application.wizard."""

from __future__ import annotations

import dataclasses

from absher_app.application.views import both
from absher_app.application.wizard import shown_answer
from absher_app.domain import wizard


@dataclasses.dataclass
class TextView:
    """A line in both languages (the unported pages' view type)."""

    ar: str
    en: str
    detail_ar: str = ""
    detail_en: str = ""
    amount: int = 0
    index: int = -1


def shown_value(field: wizard.Field, value: str) -> tuple[str, str]:
    """How an answer reads (fixed options only: no rule context here)."""
    return shown_answer(field, value, None)


__all__ = ["TextView", "both", "shown_value"]
