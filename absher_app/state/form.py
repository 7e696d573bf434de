"""The state of a page that is one form: the form's problem, whether the server is working on
it, and a fresh form on every visit. A page state derives from it and adds what it shows:

    class CloseAccountState(FormState, rx.State):
        @event
        async def close(self, form: CloseForm):
            ...
"""

from __future__ import annotations

import reflex as rx

from absher_app.application.views import NO_PROBLEM, problem
from absher_app.domain.errors import DomainError
from absher_app.state.events import event


class FormState(rx.State, mixin=True):
    """`error` (a problem, shown by error_summary and beside its field) and `busy` (the submit
    button waits); `load` (the page's on_load) empties the whole state."""

    error: dict[str, str] = NO_PROBLEM
    busy: bool = False

    def _on_problem(self, error: DomainError) -> None:
        """A refusal: shown on the form, which can be sent again."""
        self.error, self.busy = problem(error), False

    @event
    def load(self):
        """A fresh form on every visit."""
        self.reset()
