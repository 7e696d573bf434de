"""The client's address, behind zero or more reverse proxies.

A proxy appends the address it received the request from to `X-Forwarded-For`; anything to the
left of what our own proxies appended was written by the client and proves nothing. So with N
trusted proxies (ABSHER_TRUSTED_PROXY_HOPS=N) the client is the N-th entry from the right, and
with none the header is ignored and the TCP peer is the client.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Iterable, Mapping

from absher_app.settings import get_settings

UNKNOWN = "unknown"


@functools.lru_cache(maxsize=4096)  # asked at every event; the same few addresses again
def _clean(value: str) -> str | None:
    """An address as written in a header ('[::1]:443', '10.0.0.1:5000', ' 10.0.0.1 '), in its
    canonical form; None when it is not an IP address."""
    value = value.strip().strip('"')
    if value.startswith("["):  # [IPv6]:port
        value = value[1:value.find("]")] if "]" in value else value[1:]
    elif value.count(":") == 1:  # IPv4:port
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_address(peer: str, headers: Mapping[str, str], hops: int | None = None) -> str:
    """The address of the client that made a request.

    Args:
        peer: the TCP peer's address (the proxy's, when there is one).
        headers: the request headers (any case of the name X-Forwarded-For; several headers of
            that name are read as one list, as RFC 7230 allows).
        hops: trusted proxies in front of the app; default ABSHER_TRUSTED_PROXY_HOPS.

    Returns:
        The canonical IP address, or "unknown" when the trusted entry is missing or not an
        address (a misconfigured proxy: never fall back to an entry the client could write).
    """
    hops = get_settings().trusted_proxy_hops if hops is None else hops
    if hops <= 0:
        return _clean(peer or "") or UNKNOWN
    entries = [e for e in _forwarded_for(headers) if e.strip()]
    if len(entries) < hops:
        # Fewer entries than proxies: the request did not come through all of them (or the
        # setting is wrong); the peer is then the nearest thing we can vouch for.
        return _clean(peer or "") or UNKNOWN
    return _clean(entries[-hops]) or UNKNOWN


def _forwarded_for(headers: Mapping[str, str]) -> list[str]:
    values: Iterable[str]
    if hasattr(headers, "getlist"):  # starlette Headers: every X-Forwarded-For line
        values = headers.getlist("x-forwarded-for")  # type: ignore[attr-defined]
    else:
        values = [v for k, v in headers.items() if k.lower() == "x-forwarded-for"]
    return [part for value in values for part in value.split(",")]


def allowed(address: str, networks: Iterable[ipaddress.IPv4Network | ipaddress.IPv6Network]
            ) -> bool:
    """True when `address` lies in one of `networks` ("unknown" never does)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return any(ip.version == net.version and ip in net for net in networks)
