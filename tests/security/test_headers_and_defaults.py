"""Headers and defaults (security suite): the security-headers middleware on every response;
production settings refuse demo mode, a non-https URL and wildcard or http origins; the
allowed origins follow the port and the public URL (defect 7); session cookies are Secure and
`__Host-` named over https; demo pages and the sitemap (defect 5).

What needs a fresh process (settings read at import: cookie names, the pages registered) runs
in a subprocess."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from absher_app import security_headers
from absher_app.security_headers import (
    PERMISSIONS_POLICY,
    inline_script_hashes,
    script_hash,
)
from absher_app.security_headers import (
    security_headers as wrap,
)
from absher_app.settings import Settings, SettingsError, get_settings
from absher_app.state.language import RESTORE_LANGUAGE_SCRIPT

ROOT = Path(__file__).resolve().parents[2]
SECRET = "k" * 40
PG_URL = "postgresql+psycopg://absher:pw@db.internal:5432/absher"
PRODUCTION = {"environment": "production", "secret_key": SECRET, "sms_provider": "none",
              "db_url": PG_URL, "public_url": "https://absher.example",
              "payment_notify_secret": SECRET, "password_hash_cost": "owasp"}
ENV_NAMES = ("ABSHER_ENV", "REFLEX_DB_URL", "REFLEX_REDIS_URL", "ABSHER_SECRET_KEY",
             "ABSHER_ALLOWED_ORIGINS", "ABSHER_SMS_PROVIDER", "ABSHER_PUBLIC_URL", "ABSHER_DEMO",
             "PORT", "REFLEX_FRONTEND_PORT", "GRANIAN_WORKERS", "ABSHER_BENCH",
             "ABSHER_PAYMENT_NOTIFY_SECRET", "ABSHER_PASSWORD_HASH_COST")
PAGE = (b"<!DOCTYPE html><html><head><script>window.one = 1;</script>"
        b"<script type=\"module\" src=\"/assets/app.js\"></script></head><body>"
        b"<script id=\"_R_\">requestAnimationFrame(function(){})</script></body></html>")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no .env file
    get_settings.cache_clear()
    security_headers._base_policy.cache_clear()
    yield
    get_settings.cache_clear()
    security_headers._base_policy.cache_clear()


def make(**kwargs) -> Settings:
    return Settings(_env_file=None, **kwargs)


# --- production refuses unsafe defaults -------------------------------------------------------

def test_safe_production_settings_construct():
    settings = make(**PRODUCTION)
    assert settings.cors_origins == ["https://absher.example"]
    assert settings.https and not settings.dev_tools_enabled


@pytest.mark.parametrize(("override", "named"), [
    ({"demo": True}, "ABSHER_DEMO"),
    ({"public_url": "http://absher.example"}, "ABSHER_PUBLIC_URL"),
    ({"public_url": ""}, "ABSHER_PUBLIC_URL"),
    ({"allowed_origins": "*"}, "ABSHER_ALLOWED_ORIGINS"),
    ({"allowed_origins": "https://absher.example,*"}, "ABSHER_ALLOWED_ORIGINS"),
    ({"allowed_origins": "https://*.example"}, "ABSHER_ALLOWED_ORIGINS"),
    ({"allowed_origins": "http://absher.example"}, "ABSHER_ALLOWED_ORIGINS"),
])
def test_production_refuses_demo_mode_http_and_wildcard_origins(override, named):
    with pytest.raises(SettingsError) as caught:
        make(**{**PRODUCTION, **override})
    assert named in str(caught.value)


def test_production_with_demo_from_the_environment_refuses_to_start(tmp_path):
    env = {**_production_env(), "ABSHER_DEMO": "1"}
    done = subprocess.run([sys.executable, "-c", "import rxconfig"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode != 0
    assert "ABSHER_DEMO" in done.stderr and "refusing to start in production" in done.stderr


def _production_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ENV_NAMES}
    env.update({"ABSHER_ENV": "production", "ABSHER_SECRET_KEY": SECRET,
                "ABSHER_SMS_PROVIDER": "none", "REFLEX_DB_URL": PG_URL,
                "ABSHER_PUBLIC_URL": "https://absher.example", "PYTHONPATH": str(ROOT),
                "ABSHER_PAYMENT_NOTIFY_SECRET": SECRET, "ABSHER_PASSWORD_HASH_COST": "owasp"})
    return env


# --- origins follow the port and the public URL (defect 7) -------------------------------------

def test_default_origins_follow_the_port(monkeypatch):
    assert make().cors_origins == ["http://localhost:3000", "http://127.0.0.1:3000"]
    monkeypatch.setenv("PORT", "3200")
    settings = make()
    assert settings.public_url == "http://localhost:3200"
    assert settings.cors_origins == ["http://localhost:3200", "http://127.0.0.1:3200"]
    # Reflex tells its worker processes the port it really serves on; that one wins.
    monkeypatch.setenv("REFLEX_FRONTEND_PORT", "3311")
    assert make().cors_origins == ["http://localhost:3311", "http://127.0.0.1:3311"]


def test_default_origins_follow_the_public_url(monkeypatch):
    monkeypatch.setenv("PORT", "3200")
    assert make(public_url="https://absher.example/").cors_origins == ["https://absher.example"]
    assert make(public_url="https://absher.example:8443/portal").cors_origins == [
        "https://absher.example:8443"]
    assert make(public_url="https://a.example", allowed_origins="https://b.example").cors_origins \
        == ["https://b.example"]


def test_a_public_url_that_is_no_address_is_refused():
    with pytest.raises(SettingsError, match="ABSHER_PUBLIC_URL"):
        make(public_url="absher.example")


def test_rxconfig_accepts_the_socket_of_the_port_it_runs_on():
    # `PORT=3200 make run`: the portal's own page must be allowed to open its socket.
    env = {k: v for k, v in os.environ.items() if k not in ENV_NAMES}
    env.update({"PORT": "3200", "PYTHONPATH": str(ROOT)})
    done = subprocess.run(
        [sys.executable, "-c", ("import json, rxconfig; "
                                "print(json.dumps(list(rxconfig.config.cors_allowed_origins)))")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [
        "http://localhost:3200", "http://127.0.0.1:3200"]


# --- cookies ----------------------------------------------------------------------------------

def test_session_cookies_are_host_prefixed_and_secure_over_https():
    script = (
        "from starlette.responses import RedirectResponse\n"
        "from absher_app import http_routes\n"
        "from absher_app.application.identity import SESSION_COOKIES\n"
        "for name in (SESSION_COOKIES['person'], SESSION_COOKIES['staff']):\n"
        "    r = RedirectResponse('/')\n"
        "    http_routes._set_session_cookie(r, name, 'token')\n"
        "    print(r.headers['set-cookie'])\n"
        "    r = RedirectResponse('/')\n"
        "    http_routes._clear_session_cookie(r, name)\n"
        "    print(r.headers['set-cookie'])\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=_production_env(),
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert [line.split("=", 1)[0] for line in lines] == [
        "__Host-absher_session"] * 2 + ["__Host-absher_staff_session"] * 2
    for line in lines:
        attributes = {part.strip().lower() for part in line.split(";")}
        assert {"secure", "httponly", "path=/", "samesite=strict"} <= attributes, line
        assert not any(a.startswith("domain=") for a in attributes), line


def test_cookie_names_are_plain_over_http():
    assert make().cookie_name("absher_session") == "absher_session"
    assert make(public_url="https://a.example").cookie_name("absher_session") == \
        "__Host-absher_session"


# --- the middleware ---------------------------------------------------------------------------

def _app() -> TestClient:
    async def page(_request):
        return Response(PAGE, media_type="text/html")

    async def gzipped(_request):
        return Response(gzip.compress(PAGE), media_type="text/html; charset=utf-8",
                        headers={"content-encoding": "gzip", "vary": "accept-encoding"})

    async def streamed(_request):
        async def chunks():
            for i in range(0, len(PAGE), 7):
                yield PAGE[i:i + 7]
        return StreamingResponse(chunks(), media_type="text/html")

    async def data(_request):
        return JSONResponse({"ok": True})

    async def own_policy(_request):
        return PlainTextResponse("%PDF-", headers={"content-security-policy":
                                                   "default-src 'none'; sandbox"})

    inner = Starlette(routes=[Route("/page", page), Route("/gz", gzipped),
                              Route("/stream", streamed), Route("/data", data),
                              Route("/own", own_policy)])
    return TestClient(wrap(inner))


def _directives(policy: str) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in policy.split("; ")}


def test_every_response_carries_the_headers():
    client = _app()
    for path in ("/page", "/gz", "/stream", "/data", "/own", "/no-such-path"):
        response = client.get(path)
        headers = response.headers
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["referrer-policy"] == "same-origin", path
        assert headers["permissions-policy"] == PERMISSIONS_POLICY, path
        assert headers["x-frame-options"] == "DENY", path
        assert "content-security-policy" in headers, path
        assert "strict-transport-security" not in headers, path  # not over http


def test_the_policy_allows_this_origin_and_the_page_s_own_inline_scripts_only():
    client = _app()
    expected = inline_script_hashes(PAGE)
    assert expected == [script_hash(b"window.one = 1;"),
                        script_hash(b"requestAnimationFrame(function(){})")]
    for path in ("/page", "/gz", "/stream"):
        response = client.get(path)
        assert response.content == PAGE  # the body passes unchanged
        policy = _directives(response.headers["content-security-policy"])
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["object-src"] == ["'none'"]
        assert policy["base-uri"] == ["'none'"]
        scripts = policy["script-src"]
        assert scripts[0] == "'self'" and "'unsafe-inline'" not in scripts
        assert set(expected) <= set(scripts), path
        assert script_hash(RESTORE_LANGUAGE_SCRIPT) in scripts
        assert not [s for s in scripts if s.startswith("http") or s == "*"]


def test_a_stricter_policy_an_endpoint_sets_is_kept():
    response = _app().get("/own")
    assert response.headers["content-security-policy"] == "default-src 'none'; sandbox"
    assert response.headers.get_list("x-content-type-options") == ["nosniff"]


def test_hsts_is_sent_when_the_portal_is_reached_over_https(monkeypatch):
    monkeypatch.setenv("ABSHER_PUBLIC_URL", "https://absher.example")
    get_settings.cache_clear()
    security_headers._base_policy.cache_clear()
    response = _app().get("/data")
    assert response.headers["strict-transport-security"].startswith("max-age=")
    assert int(response.headers["strict-transport-security"].split("=")[1]) >= 31536000
    assert "wss://absher.example" in _directives(
        response.headers["content-security-policy"])["connect-src"]


def test_a_page_the_server_sends_by_path_gets_its_hashes(tmp_path):
    # Granian offers ASGI "pathsend"; Starlette's FileResponse (Reflex's static pages) then
    # hands the server a path instead of the body.
    import asyncio

    for name, data, encoding in (("page.html", PAGE, []),
                                 ("page.html.gz", gzip.compress(PAGE),
                                  [(b"content-encoding", b"gzip")])):
        path = tmp_path / name
        path.write_bytes(data)

        async def app(scope, receive, send, path=path, encoding=encoding):
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"text/html"), *encoding]})
            await send({"type": "http.response.pathsend", "path": str(path)})

        sent: list[dict] = []

        async def collect(message, sent=sent):
            sent.append(message)

        asyncio.run(wrap(app)({"type": "http", "method": "GET", "path": "/", "headers": []},
                              None, collect))
        assert [m["type"] for m in sent] == ["http.response.start", "http.response.pathsend"]
        policy = dict(sent[0]["headers"])[b"content-security-policy"].decode()
        assert set(inline_script_hashes(PAGE)) <= set(_directives(policy)["script-src"]), name


def test_a_page_is_never_answered_not_modified(tmp_path):
    # A 304 would make the browser keep the cached page under the 304's headers, whose policy
    # could not name that page's scripts: pages are always sent again. Assets may be 304.
    from starlette.staticfiles import StaticFiles

    (tmp_path / "login").mkdir()
    (tmp_path / "login" / "index.html").write_bytes(PAGE)
    (tmp_path / "login.html").write_bytes(PAGE)
    (tmp_path / "app.js").write_bytes(b"console.log(1)")
    client = TestClient(wrap(StaticFiles(directory=tmp_path, html=True)))
    for path in ("/login/", "/login.html", "/app.js"):
        first = client.get(path)
        assert first.status_code == 200 and first.headers.get("etag"), path
        again = client.get(path, headers={"If-None-Match": first.headers["etag"],
                                          "If-Modified-Since": first.headers["last-modified"]})
        assert again.status_code == (304 if path == "/app.js" else 200), path
        assert "x-content-type-options" in again.headers


def test_websockets_pass_through_untouched():
    seen = []

    async def app(scope, receive, send):
        seen.append(scope["type"])

    import asyncio
    asyncio.run(wrap(app)({"type": "websocket", "path": "/_event"}, None, None))
    assert seen == ["websocket"]


# --- demo mode: pages and sitemap (defect 5) ----------------------------------------------------

PAGES_SCRIPT = """
import json
import absher_app.absher_app as m
from reflex_base.plugins.sitemap import generate_links_for_sitemap
pages = sorted(m.app._unevaluated_pages)
links = [l["loc"] for l in generate_links_for_sitemap(list(m.app._unevaluated_pages.values()),
                                                       "preserve")]
print(json.dumps({"pages": pages, "sitemap": links}))
"""


def _registered(demo: bool) -> dict[str, list[str]]:
    env = {k: v for k, v in os.environ.items() if k not in ENV_NAMES}
    env.update({"ABSHER_ENV": "test", "PYTHONPATH": str(ROOT)})
    if demo:
        env["ABSHER_DEMO"] = "1"
    done = subprocess.run([sys.executable, "-c", PAGES_SCRIPT], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


DEMO_ROUTES = {"dev/sms", "activate/bank", "activate/kiosk", "pay"}


def test_without_demo_mode_no_dev_bank_kiosk_or_pay_page_is_registered():
    found = _registered(demo=False)
    assert not DEMO_ROUTES & set(found["pages"])
    assert "login" in found["pages"] and "staff/login" in found["pages"]


def test_demo_mode_registers_the_demo_pages_and_the_sitemap_never_lists_them():
    found = _registered(demo=True)
    assert DEMO_ROUTES <= set(found["pages"])
    paths = {loc.split("://", 1)[1].split("/", 1)[1] if "/" in loc.split("://", 1)[1] else ""
             for loc in found["sitemap"]}
    assert paths == {"", "register", "login", "forgot-password", "inquiries", "verify"}
    assert not [p for p in paths if p.startswith(("dev", "staff", "activate", "pay"))]
