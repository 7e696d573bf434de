"""Electronic delegation: `/delegations` (given and received; accept or reject by reference
number), `/delegations/<reference>` (scope, history, activity feed, withdraw / revoke / "this
wasn't me", services to run on behalf) and its printable certificate with a QR code, the public
`/verify` page, and `/vehicles` (the buyer's side of a vehicle ownership transfer). The use
cases are in absher_app.application.delegations."""

from absher_app.pages.delegations.detail import DelegationState, certificate_page, detail_page
from absher_app.pages.delegations.mine import DelegationsState, list_page
from absher_app.pages.delegations.vehicles import VehiclesState, vehicles_page
from absher_app.pages.delegations.verify import VerifyState, verify_page

__all__ = ["DelegationState", "DelegationsState", "VehiclesState", "VerifyState",
           "certificate_page", "detail_page", "list_page", "vehicles_page", "verify_page"]
