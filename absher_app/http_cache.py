"""Cache-Control for the production frontend: hashed assets forever, pages always revalidated.

`reflex run --env prod` serves the built frontend from the backend's own port (Reflex's
PrecompressedStaticFiles mount: it already answers with the Brotli or gzip copy the build made,
by Accept-Encoding, with ETag and Last-Modified). It sends no Cache-Control, so a browser
guesses a freshness from Last-Modified for the scripts and for the pages alike. This wrapper
says it instead:

- `/assets/...` are Vite's outputs; their names carry a hash of their content, so a new build
  makes new names: cache them for a year, `immutable` (no revalidation on reload);
- HTML (the prerendered pages) must always be revalidated, so a new deploy is seen at once
  (`no-cache` still lets the browser reuse its copy after a 304 on the ETag);
- any other file of the build (emblem, favicon, sitemap): a day.

A response that already says Cache-Control (the attachment downloads' `private, no-store`) is
left as it is, and so is everything that is not a GET/HEAD answered 200 or 304 (events,
redirects of the sign-in endpoints, errors).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HASHED_PREFIX = "/assets/"
IMMUTABLE = b"public, max-age=31536000, immutable"
REVALIDATE = b"no-cache"
STATIC_FILE = b"public, max-age=86400"
CACHEABLE_STATUS = (200, 304)


def cache_control_for(path: str, status: int, headers: list[tuple[bytes, bytes]]) -> bytes | None:
    """The Cache-Control value to add to this response, or None to leave it alone.

    Args:
        path: the request path.
        status: the response status code.
        headers: the response headers as the ASGI message carries them (lower-case names).

    Returns:
        The header value, or None when the response is not a static file of the build or
        already says how to cache it.
    """
    if status not in CACHEABLE_STATUS:
        return None
    names = {name.lower(): value for name, value in headers}
    if b"cache-control" in names:
        return None
    if path.startswith(HASHED_PREFIX):
        return IMMUTABLE
    # A 304 carries no Content-Type (Starlette's NotModifiedResponse): tell a page by its path.
    name = path.rsplit("/", 1)[-1]
    page_path = "." not in name or name.endswith(".html")
    if names.get(b"content-type", b"").startswith(b"text/html") or (status == 304 and page_path):
        return REVALIDATE
    # Files of the build carry an ETag (Starlette's FileResponse); dynamic answers do not.
    if b"etag" in names:
        return STATIC_FILE
    return None


def cache_headers(app: ASGIApp) -> ASGIApp:
    """Wrap the backend (an api_transformer): add Cache-Control to the frontend's files."""

    async def with_cache_headers(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD"):
            await app(scope, receive, send)
            return
        path = scope.get("path", "")

        async def send_with_cache_control(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                value = cache_control_for(path, message["status"], headers)
                if value is not None:
                    message = {**message, "headers": [*headers, (b"cache-control", value)]}
            await send(message)

        await app(scope, receive, send_with_cache_control)

    return with_cache_headers
