"""Plain HTTP endpoints beside the Reflex app: health, and setting/clearing the session cookie.

Reflex events travel over a websocket, which cannot set an HttpOnly cookie; so a completed
sign-in hands the browser a single-use ticket, and GET /auth/session exchanges it here.
"""

from __future__ import annotations

from reflex.app import health as reflex_health
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from absher_app import routes
from absher_app.db import session_scope
from absher_app.domain import accounts, staff
from absher_app.providers.clock import SystemClock
from absher_app.settings import get_settings
from absher_app.state.session import SESSION_COOKIE
from absher_app.state.staff_session import STAFF_SESSION_COOKIE

CLOCK = SystemClock()


def _device(request: Request) -> str:
    return request.headers.get("user-agent", "")[:200]


async def establish_session(request: Request) -> RedirectResponse:
    """Exchange a sign-in ticket for a fresh session cookie (rotated at every sign-in)."""
    ticket = request.query_params.get("ticket", "")[:100]

    def _redeem() -> str | None:
        with session_scope() as session:
            return accounts.redeem_sign_in_ticket(session, ticket, now=CLOCK.now(),
                                                  device=_device(request))

    token = await run_in_threadpool(_redeem) if ticket else None
    if token is None:
        return RedirectResponse(routes.LOGIN, status_code=303)
    response = RedirectResponse(routes.DASHBOARD, status_code=303)
    _set_session_cookie(response, SESSION_COOKIE, token)
    return response


def _set_session_cookie(response: RedirectResponse, name: str, token: str) -> None:
    # Path "/": the websocket handshake (/_event) must carry it to the server.
    response.set_cookie(
        name, token, httponly=True, samesite="strict", path="/",
        secure=get_settings().public_url.startswith("https://"),
        max_age=int(accounts.SESSION_MAX.total_seconds()),
    )


async def establish_staff_session(request: Request) -> RedirectResponse:
    """The staff sign-in's ticket for a staff session cookie (its own, beside a citizen's)."""
    ticket = request.query_params.get("ticket", "")[:100]

    def _redeem() -> str | None:
        with session_scope() as session:
            return staff.redeem_ticket(session, ticket, now=CLOCK.now(), device=_device(request))

    token = await run_in_threadpool(_redeem) if ticket else None
    if token is None:
        return RedirectResponse(routes.STAFF_LOGIN, status_code=303)
    response = RedirectResponse(routes.STAFF, status_code=303)
    _set_session_cookie(response, STAFF_SESSION_COOKIE, token)
    return response


async def staff_signed_out(request: Request) -> RedirectResponse:
    """End the staff session named by the cookie (if still live) and clear the cookie."""
    token = request.cookies.get(STAFF_SESSION_COOKIE)

    def _end() -> None:
        with session_scope() as session:
            staff.end_session(session, token, now=CLOCK.now())

    if token:
        await run_in_threadpool(_end)
    response = RedirectResponse(routes.STAFF_LOGIN, status_code=303)
    response.delete_cookie(STAFF_SESSION_COOKIE, path="/")
    return response


async def signed_out(request: Request) -> RedirectResponse:
    """End the session named by the cookie (if still live) and clear the cookie."""
    token = request.cookies.get(SESSION_COOKIE)

    def _end() -> None:
        with session_scope() as session:
            accounts.end_session(session, token, now=CLOCK.now())

    if token:
        await run_in_threadpool(_end)
    # Why the session ended (an idle timeout, the 12-hour cap), for the sign-in page to say.
    reason = request.query_params.get("reason", "")[:20]
    response = RedirectResponse(routes.login_notice(reason), status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def http_app() -> Starlette:
    """The endpoints, mounted in front of the Reflex app."""
    return Starlette(routes=[
        # QA-CONTRACT §4 names `/health`; Reflex serves the same check at `/_health`.
        Route("/health", reflex_health, methods=["GET"]),
        Route(routes.AUTH_SESSION, establish_session, methods=["GET"]),
        Route(routes.AUTH_SIGNED_OUT, signed_out, methods=["GET"]),
        Route(routes.AUTH_STAFF_SESSION, establish_staff_session, methods=["GET"]),
        Route(routes.AUTH_STAFF_SIGNED_OUT, staff_signed_out, methods=["GET"]),
    ])
