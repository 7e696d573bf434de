"""Plain HTTP endpoints beside the Reflex app: health, and setting/clearing the session cookie.

Reflex events travel over a websocket, which cannot set an HttpOnly cookie; so a completed
sign-in hands the browser a single-use ticket, and GET /auth/session exchanges it here.
"""

from __future__ import annotations

from reflex.app import health as reflex_health
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from absher_app import routes
from absher_app.application import unit
from absher_app.application.identity import (
    SESSION_COOKIES,
    Caller,
    NotAllowed,
    SignInRequired,
)
from absher_app.application.messages import AttachmentFile, my_attachment
from absher_app.application.session import redeem_ticket, sign_out
from absher_app.application.staff import staff_attachment
from absher_app.domain import sessions
from absher_app.net import client_address
from absher_app.settings import get_settings

# Per realm: its session cookie, its sign-in page, where a new session lands.
REALM_PAGES = {
    "person": (SESSION_COOKIES["person"], routes.LOGIN, routes.DASHBOARD),
    "staff": (SESSION_COOKIES["staff"], routes.STAFF_LOGIN, routes.STAFF),
}


def _caller(request: Request) -> Caller:
    tokens = {realm: request.cookies[name] for realm, name in SESSION_COOKIES.items()
              if request.cookies.get(name)}
    return Caller(tokens=tokens,
                  client=client_address(request.client.host if request.client else "",
                                        request.headers),
                  device=request.headers.get("user-agent", "")[:200], where=request.url.path)


def _set_session_cookie(response: RedirectResponse, name: str, token: str) -> None:
    # Path "/": the websocket handshake (/_event) must carry it to the server. Over https
    # (always, in production) the cookie is Secure and its name has the __Host- prefix.
    response.set_cookie(
        name, token, httponly=True, samesite="strict", path="/",
        secure=get_settings().https, max_age=int(sessions.SESSION_MAX.total_seconds()),
    )


def _clear_session_cookie(response: RedirectResponse, name: str) -> None:
    # A browser ignores a __Host- cookie (its removal included) that is not Secure.
    response.delete_cookie(name, path="/", secure=get_settings().https, httponly=True,
                           samesite="strict")


def session_endpoint(realm: str):
    """GET: exchange a sign-in ticket for a fresh session cookie (rotated at every sign-in)."""
    cookie, sign_in_page, landing = REALM_PAGES[realm]

    async def establish(request: Request) -> RedirectResponse:
        ticket = request.query_params.get("ticket", "")[:100]
        token = await unit.run_async(redeem_ticket, _caller(request), realm,
                                         ticket) if ticket else None
        if token is None:
            return RedirectResponse(sign_in_page, status_code=303)
        response = RedirectResponse(landing, status_code=303)
        _set_session_cookie(response, cookie, token)
        return response

    return establish


def signed_out_endpoint(realm: str):
    """GET: end the session named by the cookie (if still live) and clear the cookie."""
    cookie, sign_in_page, _ = REALM_PAGES[realm]

    async def signed_out(request: Request) -> RedirectResponse:
        if request.cookies.get(cookie):
            await unit.run_async(sign_out, _caller(request), realm)
        # Why the session ended (an idle timeout, the 12-hour cap), for the sign-in page.
        reason = request.query_params.get("reason", "")[:20]
        page = routes.login_notice(reason) if realm == "person" else sign_in_page
        response = RedirectResponse(page, status_code=303)
        _clear_session_cookie(response, cookie)
        return response

    return signed_out


async def download_attachment(request: Request) -> Response:
    """A message's PDF, to the person whose message it is; 404 alike for "not yours", "no such
    file" and "not signed in" (nothing tells one from the other)."""
    return await _download(request, "person", my_attachment)


async def staff_download_attachment(request: Request) -> Response:
    """A sent message's PDF, to staff whose role answers messages (the staff session cookie,
    checked in the database like every staff page, a refusal recorded in the staff audit
    trail); 404 for anyone else and for no such file."""
    return await _download(request, "staff", staff_attachment)


async def _download(request: Request, realm: str, use_case) -> Response:
    """Run the realm's attachment use case for the caller (none without its session cookie):
    every refusal, like "no such file", is a 404."""
    found = None
    if request.cookies.get(SESSION_COOKIES[realm]):
        try:
            found = await unit.run_async(use_case, _caller(request),
                                         request.path_params["attachment_id"])
        except (SignInRequired, NotAllowed):
            found = None
    return _pdf_response(found)


def _pdf_response(found: AttachmentFile | None) -> Response:
    """The attachment's file as a download that nothing can run in the browser (404 when
    there is none)."""
    if found is None or not found.path.is_file():
        return PlainTextResponse("Not found", status_code=404)
    return FileResponse(found.path, media_type="application/pdf", filename=found.name,
                        content_disposition_type="attachment",
                        headers={"X-Content-Type-Options": "nosniff",
                                 "Cache-Control": "private, no-store",
                                 "Content-Security-Policy": "default-src 'none'; sandbox"})


# The largest upload request the server reads: the browser's own bar (10 MB) plus room for the
# multipart envelope. The attachment rule (5 MB) is checked on the file itself, after this.
UPLOAD_REQUEST_MAX_BYTES = 10 * 1024 * 1024 + 64 * 1024


def guard_uploads(app: ASGIApp) -> ASGIApp:
    """Wrap the backend: refuse upload requests larger than UPLOAD_REQUEST_MAX_BYTES (by their
    Content-Length, and by counting when a body runs past it), and never serve Reflex's upload
    directory: attachments live in the data directory and leave only through
    `download_attachment`."""

    async def guarded(scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not path.startswith(routes.REFLEX_UPLOAD):
            await app(scope, receive, send)
            return
        if scope["method"] != "POST":
            await PlainTextResponse("Not found", status_code=404)(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length", b"")
        if not length.isdigit() or int(length) > UPLOAD_REQUEST_MAX_BYTES:
            await PlainTextResponse("Payload too large", status_code=413)(scope, receive, send)
            return
        seen = 0

        async def counted() -> dict:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > UPLOAD_REQUEST_MAX_BYTES:  # a body longer than it said it was
                raise ValueError("upload body exceeds its limit")
            return message

        await app(scope, counted, send)

    return guarded


def http_app() -> Starlette:
    """The endpoints, mounted in front of the Reflex app."""
    return Starlette(routes=[
        # QA-CONTRACT §4 names `/health`; Reflex serves the same check at `/_health`.
        Route("/health", reflex_health, methods=["GET"]),
        Route(routes.AUTH_SESSION, session_endpoint("person"), methods=["GET"]),
        Route(routes.AUTH_SIGNED_OUT, signed_out_endpoint("person"), methods=["GET"]),
        Route(routes.AUTH_STAFF_SESSION, session_endpoint("staff"), methods=["GET"]),
        Route(routes.AUTH_STAFF_SIGNED_OUT, signed_out_endpoint("staff"), methods=["GET"]),
        Route(routes.ATTACHMENT, download_attachment, methods=["GET"]),
        Route(routes.STAFF_ATTACHMENT, staff_download_attachment, methods=["GET"]),
        *operations_routes(),
    ])


def operations_routes() -> list[Route]:
    """/metrics and the providers' signed callbacks (absher_app/observability, providers)."""
    from absher_app.hooks import payment_notification, sms_delivery_report
    from absher_app.observability.http import metrics_endpoint

    return [Route(routes.METRICS, metrics_endpoint, methods=["GET"]),
            Route(routes.HOOK_PAYMENT, payment_notification, methods=["POST"]),
            Route(routes.HOOK_SMS_STATUS, sms_delivery_report, methods=["POST"])]
