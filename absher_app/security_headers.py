"""One ASGI middleware that puts the security headers on every HTTP response of the portal:
the compiled pages and their scripts (Reflex's production server mounts them inside the same
backend app), the plain endpoints of http_routes, /ping, /health and Reflex's own routes.

The Content-Security-Policy allows scripts from this origin only, plus the inline scripts the
compiled app really has: those in each HTML page (React Router's and React's hydration
snippets; they differ per page, so each HTML response gets the hashes of its own, computed
from the body) and the language script that react-helmet inserts at run time (hashed once,
here). It also allows `'unsafe-eval'`, because Reflex 0.10 runs every `rx.call_script` the
server sends with `eval()` (the sign-in and sign-out redirects, the language switch); only the
server, over the app's own socket, can send those strings. Styles need `'unsafe-inline'`:
Emotion injects `<style>` elements at run time. Nothing may frame the portal.

Because a page's policy depends on its body, a page is never answered "304 Not Modified" (a
browser would keep the cached page but take the 304's headers, whose policy could not name the
page's scripts): requests for pages lose their conditional headers and get the page again, a
few kilobytes. Scripts, styles and images (paths with an extension) are not affected.
"""

from __future__ import annotations

import base64
import functools
import gzip
import hashlib
import logging
import re
import zlib
from collections.abc import Iterable

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from absher_app.settings import get_settings
from absher_app.state.language import RESTORE_LANGUAGE_SCRIPT

LOG = logging.getLogger(__name__)

# Two years, the HSTS preload list's minimum; subdomains are the deployment's own business.
HSTS = "max-age=63072000"
REFERRER_POLICY = "same-origin"
# Features the portal never uses, refused for it and for anything it might embed.
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "autoplay", "camera", "display-capture", "geolocation", "gyroscope",
    "magnetometer", "microphone", "midi", "payment", "usb", "browsing-topics"))

_INLINE_SCRIPT = re.compile(rb"<script\b([^>]*)>(.*?)</script\s*>", re.DOTALL | re.IGNORECASE)
_SRC_ATTRIBUTE = re.compile(rb"\bsrc\s*=", re.IGNORECASE)
# Request headers that would let the server answer a page with 304 and no body.
_CONDITIONAL = (b"if-none-match", b"if-modified-since")
# The largest HTML body read to hash its scripts; a compiled page is a few kilobytes.
_MAX_HTML_BYTES = 2 * 1024 * 1024


def script_hash(source: str | bytes) -> str:
    """The CSP source expression ('sha256-...') that allows one inline script."""
    data = source.encode() if isinstance(source, str) else source
    return "'sha256-" + base64.b64encode(hashlib.sha256(data).digest()).decode() + "'"


def inline_script_hashes(html: bytes) -> list[str]:
    """The hashes of the inline scripts (no `src`) of an HTML document, in order, once each."""
    hashes: list[str] = []
    for match in _INLINE_SCRIPT.finditer(html):
        if _SRC_ATTRIBUTE.search(match.group(1)):
            continue
        value = script_hash(match.group(2))
        if value not in hashes:
            hashes.append(value)
    return hashes


def _websocket_origins(origins: Iterable[str]) -> list[str]:
    """The ws:// and wss:// twins of the allowed origins (the app's socket)."""
    sockets = []
    for origin in origins:
        if origin.startswith("https://"):
            sockets.append("wss://" + origin.removeprefix("https://"))
        elif origin.startswith("http://"):
            sockets.append("ws://" + origin.removeprefix("http://"))
    return sockets


def content_security_policy(extra_script_hashes: Iterable[str] = (), *,
                            origins: Iterable[str] = ()) -> str:
    """The policy, allowing the runtime language script and `extra_script_hashes`."""
    scripts = ["'self'", "'unsafe-eval'", script_hash(RESTORE_LANGUAGE_SCRIPT),
               *extra_script_hashes]
    directives = [
        "default-src 'self'",
        "script-src " + " ".join(dict.fromkeys(scripts)),
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src " + " ".join(["'self'", *_websocket_origins(origins)]),
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "manifest-src 'self'",
        "worker-src 'self' blob:",
    ]
    return "; ".join(directives)


@functools.cache
def _base_policy() -> str:
    return content_security_policy(origins=get_settings().cors_origins)


def _decode(body: bytes, encoding: str) -> bytes | None:
    """The HTML as sent before compression (None when the encoding cannot be read here)."""
    try:
        if encoding in ("", "identity"):
            return body
        if encoding in ("gzip", "x-gzip"):
            return gzip.decompress(body)
        if encoding == "deflate":
            return zlib.decompress(body)
        if encoding == "br":
            import brotli  # type: ignore[import-not-found]  # only when a build serves .br

            return brotli.decompress(body)
        if encoding == "zstd":
            import zstandard  # type: ignore[import-not-found]

            return zstandard.ZstdDecompressor().decompressobj().decompress(body)
    except (ImportError, OSError, EOFError, zlib.error, ValueError) as exc:
        LOG.warning("cannot read a %s HTML body to hash its scripts: %s", encoding, exc)
    return None


def _read_small(path: str) -> bytes | None:
    """A file's bytes, when it is small enough to be a page (None otherwise)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(_MAX_HTML_BYTES + 1)
    except OSError:
        return None
    return data if len(data) <= _MAX_HTML_BYTES else None


def _policy_for(start: Message, body: bytes | None) -> str:
    """The policy for an HTML response: its own inline scripts allowed, by hash (none when
    the body could not be read: the page then fails closed, visibly)."""
    headers = {name.lower(): value for name, value in start.get("headers", [])}
    encoding = headers.get(b"content-encoding", b"").decode("latin-1").strip().lower()
    html = _decode(body, encoding) if body is not None else None
    return content_security_policy(inline_script_hashes(html or b""),
                                   origins=get_settings().cors_origins)


def security_header_list(scope: Scope, *, policy: str) -> list[tuple[bytes, bytes]]:
    """The headers every response gets (HSTS only when the portal is reached over https)."""
    headers = [
        (b"content-security-policy", policy.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", REFERRER_POLICY.encode()),
        (b"permissions-policy", PERMISSIONS_POLICY.encode()),
        (b"x-frame-options", b"DENY"),
        (b"cross-origin-opener-policy", b"same-origin"),
    ]
    if get_settings().https or scope.get("scheme") == "https":
        headers.append((b"strict-transport-security", HSTS.encode()))
    return headers


def _with_headers(message: Message, scope: Scope, policy: str) -> Message:
    """A response start message with the security headers added where the app set none (an
    endpoint's own, stricter policy, such as the attachment download's sandbox, stays)."""
    present = {name.lower() for name, _ in message.get("headers", [])}
    headers = list(message.get("headers", []))
    headers += [(name, value) for name, value in security_header_list(scope, policy=policy)
                if name not in present]
    return {**message, "headers": headers}


def is_page_path(path: str) -> bool:
    """Whether a path names a page (no file extension, or .html), not a script or an image."""
    last = path.rsplit("/", 1)[-1]
    return "." not in last or last.endswith(".html")


def security_headers(app: ASGIApp) -> ASGIApp:
    """Wrap the backend so that every HTTP response carries the security headers."""

    async def with_security_headers(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        if is_page_path(scope.get("path", "")):
            scope = {**scope, "headers": [(name, value) for name, value in scope.get("headers", [])
                                          if name.lower() not in _CONDITIONAL]}
        start: Message | None = None
        chunks: list[bytes] = []
        size = 0

        async def send_with_headers(message: Message) -> None:
            nonlocal start, size
            if message["type"] == "http.response.start":
                headers = {name.lower(): value for name, value in message.get("headers", [])}
                if headers.get(b"content-type", b"").startswith(b"text/html") \
                        and scope.get("method") != "HEAD":
                    start = message  # hold it: the policy depends on the body's scripts
                    return
                await send(_with_headers(message, scope, _base_policy()))
                return
            if start is not None and message["type"] == "http.response.pathsend":
                # The server sends the file itself (ASGI pathsend, which Granian offers and
                # Starlette's FileResponse uses): read it here to hash its scripts.
                held, start = start, None
                html = await run_in_threadpool(_read_small, message["path"])
                await send(_with_headers(held, scope, _policy_for(held, html)))
                await send(message)
                return
            if start is None or message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if message.get("more_body", False) and size <= _MAX_HTML_BYTES:
                return
            body = b"".join(chunks)
            await send(_with_headers(start, scope, _policy_for(
                start, body if size <= _MAX_HTML_BYTES else None)))
            await send({"type": "http.response.body", "body": body,
                        "more_body": message.get("more_body", False)})
            start = None  # anything after an oversized page streams through as it comes

        await app(scope, receive, send_with_headers)

    return with_security_headers
