"""The client's address behind trusted proxies (ABSHER_TRUSTED_PROXY_HOPS)."""

from __future__ import annotations

import ipaddress

import pytest
from starlette.datastructures import Headers

from absher_app.net import UNKNOWN, allowed, client_address


def test_without_trusted_proxies_the_header_is_ignored():
    headers = {"X-Forwarded-For": "1.2.3.4"}
    assert client_address("10.0.0.9", headers, hops=0) == "10.0.0.9"


def test_one_proxy_takes_the_address_it_appended():
    # The client wrote "6.6.6.6" itself; nginx appended the real peer, 198.51.100.7.
    headers = {"x-forwarded-for": "6.6.6.6, 198.51.100.7"}
    assert client_address("127.0.0.1", headers, hops=1) == "198.51.100.7"


def test_two_proxies_take_the_second_entry_from_the_right():
    headers = {"X-Forwarded-For": "6.6.6.6, 198.51.100.7, 10.0.0.2"}
    assert client_address("10.0.0.3", headers, hops=2) == "198.51.100.7"


def test_repeated_headers_are_read_as_one_list():
    headers = Headers(raw=[(b"x-forwarded-for", b"6.6.6.6"),
                           (b"x-forwarded-for", b"198.51.100.7")])
    assert client_address("127.0.0.1", headers, hops=1) == "198.51.100.7"


def test_fewer_entries_than_proxies_falls_back_to_the_peer():
    assert client_address("10.0.0.3", {}, hops=1) == "10.0.0.3"
    assert client_address("10.0.0.3", {"X-Forwarded-For": "198.51.100.7"}, hops=2) == "10.0.0.3"


@pytest.mark.parametrize("written, expected", [
    ("198.51.100.7:5123", "198.51.100.7"),
    ("[2001:db8::1]:443", "2001:db8::1"),
    ("2001:DB8::1", "2001:db8::1"),
    ("not-an-address", UNKNOWN),
    ("", UNKNOWN),
])
def test_entries_are_canonical_addresses_or_unknown(written, expected):
    assert client_address("127.0.0.1", {"X-Forwarded-For": f"9.9.9.9, {written}"},
                          hops=1) == (expected if written else "9.9.9.9")


def test_default_hops_come_from_the_setting(monkeypatch):
    from absher_app.settings import get_settings

    get_settings.cache_clear()
    monkeypatch.setenv("ABSHER_TRUSTED_PROXY_HOPS", "1")
    try:
        assert client_address("127.0.0.1", {"X-Forwarded-For": "198.51.100.7"}) == \
            "198.51.100.7"
    finally:
        monkeypatch.delenv("ABSHER_TRUSTED_PROXY_HOPS")
        get_settings.cache_clear()
    assert client_address("127.0.0.1", {"X-Forwarded-For": "198.51.100.7"}) == "127.0.0.1"


def test_allowed_checks_networks_and_refuses_unknown():
    nets = [ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("::1/128"),
            ipaddress.ip_network("10.0.0.0/8")]
    assert allowed("127.0.0.1", nets)
    assert allowed("::1", nets)
    assert allowed("::ffff:10.1.2.3", nets)
    assert allowed("10.200.0.1", nets)
    assert not allowed("127.0.0.5", nets)
    assert not allowed(UNKNOWN, nets)
