"""GET /metrics: the Prometheus text format, to allowed addresses only (ABSHER_METRICS_ALLOW,
loopback by default), the client address read through the trusted proxies."""

from __future__ import annotations

import sqlalchemy
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from absher_app.net import allowed, client_address
from absher_app.observability import metrics
from absher_app.observability.collectors import DatabaseCollector
from absher_app.settings import get_settings


def render(engine: sqlalchemy.Engine | None = None) -> bytes:
    """Every worker's metrics added up, and the database's figures."""
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=metrics.METRICS_DIR)
    registry.register(DatabaseCollector(engine))
    return generate_latest(registry)


# What the endpoint calls (a test points it at its own database).
RENDER = render


def request_client(request: Request) -> str:
    """The client of a Starlette request, through the trusted proxies."""
    return client_address(request.client.host if request.client else "", request.headers)


async def metrics_endpoint(request: Request) -> Response:
    """The scrape: 403 to any address not allowed."""
    if not allowed(request_client(request), get_settings().metrics_networks):
        return PlainTextResponse("metrics are not served to this address", status_code=403)
    return Response(await run_in_threadpool(RENDER), media_type=CONTENT_TYPE_LATEST)
