"""A rule's field, said in a form's own words.

The domain names the input a rule is about in its own words ("password", "mobile", "code",
"current_password"). A form may call that input otherwise: a page that holds two forms needs
unique input ids (the authenticator page asks for the current password in two forms), and the
account's change-mobile form asks for a "new_mobile" and a "mobile_code". A use case says so
once, around the domain call, instead of a page mapping error codes to inputs:

    with fields_named(current_password="mobile_password", mobile="new_mobile"):
        account_settings.start_mobile_change(...)
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from absher_app.domain.errors import DomainError


@contextlib.contextmanager
def fields_named(unattached: str = "", **names: str) -> Iterator[None]:
    """Re-label the field of any `DomainError` raised inside: the domain's `name` becomes
    `names[name]`; an error about no field becomes about `unattached` (when given)."""
    try:
        yield
    except DomainError as error:
        if error.field in names:
            error.about(names[error.field])
        elif not error.field and unattached:
            error.about(unattached)
        raise
