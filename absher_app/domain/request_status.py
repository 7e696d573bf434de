"""The states of a request, of its SADAD bill and of its delivery by post: a leaf module, so
that the catalogue's rules, the requests and the pages all name them without importing each
other. Stored as their values (the columns hold plain text); the i18n keys are
`status.<value>`, `bill.<value>` and `delivery.<value>`.

A request: awaiting_payment -> in_review (staff decide) or approved; in_review -> approved |
rejected; awaiting_payment -> expired (its bill unpaid in time); approved -> delivered (post).
"""

from __future__ import annotations

from enum import StrEnum


class RequestStatus(StrEnum):
    """Where a request stands (stored as the value; `status.<value>` names it)."""

    AWAITING_PAYMENT = "awaiting_payment"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    REJECTED = "rejected"
    EXPIRED = "expired"  # its bill was not paid in time
    DELIVERED = "delivered"


class BillStatus(StrEnum):
    """A SADAD bill's state (stored as the value; `bill.<value>` names it)."""

    UNPAID = "unpaid"
    PAID = "paid"
    EXPIRED = "expired"


class DeliveryStatus(StrEnum):
    """A posted document's way to the person, in order (`delivery.<value>` names it)."""

    AWAITING_DOCUMENT = "awaiting_document"
    WITH_POST = "with_post"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"


# A request someone still waits on: no second one of the same service may start meanwhile.
OPEN_STATUSES = (RequestStatus.AWAITING_PAYMENT, RequestStatus.IN_REVIEW)
# What a request became once approved (an issued document may still be on its way).
DONE_STATUSES = (RequestStatus.APPROVED, RequestStatus.DELIVERED)
