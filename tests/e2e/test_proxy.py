"""Behind a real reverse proxy: Debian's nginx with deploy/nginx/absher.conf (TLS with a
self-signed certificate, the websocket upgrade, gzip, cache headers, size limits) in front of
the production build, a sign-in journey through it, and the client address taken from the
proxy's header only as far as the proxy is trusted (ABSHER_TRUSTED_PROXY_HOPS=1 here).

Reflex's bundle, built for http://localhost, opens its websocket at the page's host on the
default HTTPS port when the page is served over HTTPS: so nginx listens on 127.0.0.1:443 for
this test (ABSHER_E2E_PROXY_HTTPS_PORT to change it, e.g. where 443 is taken), and its plain
HTTP redirect on ABSHER_E2E_PROXY_HTTP_PORT (default 3212). Skipped, with the reason, when
nginx or openssl is missing (scripts/test.sh installs nginx) or the port is taken.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, expect

from absher_app.domain.demo import DEMO_PASSWORD
from tests.e2e.conftest import ARTIFACTS, ROOT, screenshot
from tests.e2e.helpers import sign_in
from tests.e2e.test_staff import _mobile

pytestmark = pytest.mark.e2e

NGINX = os.environ.get("ABSHER_NGINX", "/usr/sbin/nginx")
HTTPS_PORT = int(os.environ.get("ABSHER_E2E_PROXY_HTTPS_PORT", "443"))
HTTP_PORT = int(os.environ.get("ABSHER_E2E_PROXY_HTTP_PORT", "3212"))
TEMPLATE = ROOT / "deploy" / "nginx" / "absher.conf"


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def render(app: str, folder: Path) -> Path:
    """nginx.conf for this test: deploy/nginx/absher.conf with its placeholders filled, inside
    a main configuration that keeps every file under `folder`."""
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
                    "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem")],
                   check=True, capture_output=True)
    site = TEMPLATE.read_text()
    for name, value in {"@SERVER_NAME@": "localhost", "@APP@": app,
                        "@HTTPS_LISTEN@": f"127.0.0.1:{HTTPS_PORT}",
                        "@HTTP_LISTEN@": f"127.0.0.1:{HTTP_PORT}",
                        "@CERT@": str(folder / "cert.pem"),
                        "@KEY@": str(folder / "key.pem")}.items():
        site = site.replace(name, value)
    assert "@" not in re.sub(r"#.*", "", site), "a placeholder was left in the template"
    (folder / "absher.conf").write_text(site)
    main = folder / "nginx.conf"
    main.write_text(f"""
daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    access_log {folder}/access.log;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/absher.conf;
}}
""")
    return main


@pytest.fixture(scope="module")
def proxy(app_server, app_url) -> str:
    """nginx in front of the app under test; its HTTPS URL."""
    if app_server is None:
        pytest.skip("the app under test is external (ABSHER_E2E_URL)")
    if not os.access(NGINX, os.X_OK):
        pytest.skip(f"nginx is not installed ({NGINX}); scripts/test.sh installs Debian's")
    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed")
    for port in (HTTPS_PORT, HTTP_PORT):
        if not _port_free(port):
            pytest.skip(f"port {port} is taken; set ABSHER_E2E_PROXY_HTTPS_PORT/HTTP_PORT")
    folder = ARTIFACTS / "nginx"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    config = render(f"127.0.0.1:{app_server.port}", folder)
    test = subprocess.run([NGINX, "-t", "-c", str(config)], capture_output=True, text=True,
                          check=False)
    assert test.returncode == 0, test.stderr
    process = subprocess.Popen([NGINX, "-c", str(config)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.STDOUT, start_new_session=True)
    url = "https://localhost" + ("" if HTTPS_PORT == 443 else f":{HTTPS_PORT}")
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(f"{url}/ping", verify=False, timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("nginx did not start: "
                                   + (folder / "error.log").read_text(errors="replace")[-2000:])
            time.sleep(0.2)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


def test_a_sign_in_journey_through_nginx(proxy, browser: Browser, app_env):
    context = browser.new_context(base_url=proxy, ignore_https_errors=True)
    page = context.new_page()
    try:
        sign_in(page, app_env, "mohammed", DEMO_PASSWORD, _mobile("c1"))
        assert page.url.startswith(proxy)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        screenshot(page, "dashboard-through-nginx")
    finally:
        context.close()
    access = (ARTIFACTS / "nginx" / "access.log").read_text()
    # The websocket went through the proxy too (101 Switching Protocols).
    assert re.search(r'"GET /_event/\?[^"]*" 101 ', access), access[-2000:]


def test_tls_compression_cache_headers_and_size_limits(proxy):
    with httpx.Client(base_url=proxy, verify=False, timeout=10) as client:
        home = client.get("/", headers={"Accept-Encoding": "gzip"})
        assert home.status_code == 200
        assert home.headers["strict-transport-security"].startswith("max-age=")
        asset = re.search(r'(/assets/[^"\']+\.js)', home.text).group(1)
        script = client.get(asset, headers={"Accept-Encoding": "gzip"})
        assert script.status_code == 200
        assert script.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert script.headers.get("content-encoding") == "gzip"
        assert "Accept-Encoding" in script.headers.get("vary", "")
        # A body past the limit is refused by nginx before the app reads it.
        big = client.post("/_upload", content=b"x" * (12 * 1024 * 1024))
        assert big.status_code == 413
        hook = client.post("/hooks/payment", content=b"x" * (32 * 1024))
        assert hook.status_code == 413
    redirect = httpx.get(f"http://127.0.0.1:{HTTP_PORT}/login", follow_redirects=False)
    assert redirect.status_code == 301 and redirect.headers["location"].startswith("https://")


def _from(address: str, proxy: str, headers: dict[str, str] | None = None) -> httpx.Response:
    transport = httpx.HTTPTransport(local_address=address, verify=False)
    with httpx.Client(transport=transport, verify=False, timeout=10) as client:
        return client.get(f"{proxy.replace('localhost', '127.0.0.1')}/metrics",
                          headers=headers or {})


def test_the_client_address_comes_from_the_trusted_proxy_only(proxy, app_server):
    # Through nginx from 127.0.0.1: allowed (ABSHER_METRICS_ALLOW is loopback 127.0.0.1).
    ok = _from("127.0.0.1", proxy)
    assert ok.status_code == 200 and "absher_sms_queue_depth" in ok.text
    # From 127.0.0.5 nginx lets it by (127.0.0.0/8), and the app sees 127.0.0.5: refused.
    other = _from("127.0.0.5", proxy)
    assert (other.status_code, other.text) == (403, "metrics are not served to this address")
    # Claiming to be 127.0.0.1 in the header changes nothing: nginx appends the real peer.
    spoofed = _from("127.0.0.5", proxy, {"X-Forwarded-For": "127.0.0.1"})
    assert spoofed.status_code == 403
    # Which is why the app must be reachable only through the proxy: straight to it, a client
    # writes the one entry the app trusts.
    direct = httpx.get(f"http://127.0.0.1:{app_server.port}/metrics",
                       headers={"X-Forwarded-For": "203.0.113.9"}, timeout=10)
    assert direct.status_code == 403
