"""The providers' signed callbacks: POST /hooks/payment (the bank's payment notification) and
POST /hooks/sms-status (the SMS gateway's delivery report). Both are plain HTTP beside the
Reflex app; their checks live in the provider modules."""

from __future__ import annotations

import json

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from absher_app.application import payment_notifications
from absher_app.db import session_scope
from absher_app.observability import metrics
from absher_app.providers import signed
from absher_app.providers.clock import SystemClock
from absher_app.providers.sms import get_sms_sender
from absher_app.settings import get_settings

CLOCK = SystemClock()


async def _body(request: Request, limit: int) -> bytes | None:
    """The request body, or None when it is longer than `limit` bytes."""
    length = request.headers.get("content-length", "")
    if length and (not length.isdigit() or int(length) > limit):
        return None
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return body


async def payment_notification(request: Request) -> JSONResponse:
    """A bank's payment notification (see absher_app/application/payment_notifications.py)."""
    body = await _body(request, payment_notifications.MAX_BODY_BYTES)
    if body is None:
        return JSONResponse({"outcome": "too_large"}, status_code=413)
    timestamp = request.headers.get(signed.TIMESTAMP_HEADER, "")
    signature = request.headers.get(signed.SIGNATURE_HEADER, "")

    def _receive() -> payment_notifications.NotificationResult:
        with session_scope() as session:
            return payment_notifications.receive(session, body, timestamp, signature,
                                                 now=CLOCK.now(), sms=get_sms_sender())

    result = await run_in_threadpool(_receive)
    return JSONResponse(result.body(), status_code=result.http_status)


async def sms_delivery_report(request: Request) -> JSONResponse:
    """The SMS gateway's delivery report: {"reference": "absher-<id>", "id": "<gateway id>",
    "status": "delivered" | "failed"}, signed with ABSHER_SMS_CALLBACK_SECRET."""
    from absher_app.relay import delivery_report

    body = await _body(request, 2048)
    if body is None:
        return JSONResponse({"outcome": "too_large"}, status_code=413)
    settings = get_settings()
    now = CLOCK.now()
    try:
        signed.verify(settings.sms_callback_secret.encode(),
                      request.headers.get(signed.TIMESTAMP_HEADER, ""),
                      request.headers.get(signed.SIGNATURE_HEADER, ""), body, now=now,
                      window_seconds=settings.payment_notify_window_seconds)
        data = json.loads(body)
        if not isinstance(data, dict):
            raise TypeError("not an object")
    except signed.SignatureError as exc:
        metrics.observe_delivery_report("refused")
        return JSONResponse({"outcome": exc.reason}, status_code=401)
    except (ValueError, TypeError):
        metrics.observe_delivery_report("refused")
        return JSONResponse({"outcome": "malformed"}, status_code=400)

    def _record() -> str:
        with session_scope() as session:
            return delivery_report(session, ref=str(data.get("reference", ""))[:40],
                                   provider_ref=str(data.get("id", ""))[:64],
                                   status=str(data.get("status", "")), now=now)

    outcome = await run_in_threadpool(_record)
    metrics.observe_delivery_report(outcome)
    # An unknown message is still acknowledged: the gateway has nothing better to do with it.
    return JSONResponse({"outcome": outcome}, status_code=200)
