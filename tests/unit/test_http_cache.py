"""Cache-Control on the production frontend (absher_app/http_cache.py), over Reflex's own
static-file server for the build (the precompressed sidecars it serves by Accept-Encoding)."""

from __future__ import annotations

from pathlib import Path

import pytest
from reflex.utils.precompressed_staticfiles import PrecompressedStaticFiles
from starlette.applications import Starlette
from starlette.responses import FileResponse, JSONResponse, RedirectResponse
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from absher_app.http_cache import IMMUTABLE, REVALIDATE, STATIC_FILE, cache_headers

SCRIPT = b"console.log('portal');" * 40


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    """A build folder as `reflex export` leaves it, served the way `reflex run --env prod`
    serves it, behind a few backend routes, all wrapped by cache_headers."""
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "root-BFZOln_S.js").write_bytes(SCRIPT)
    (tmp_path / "assets" / "root-BFZOln_S.js.br").write_bytes(b"brotli bytes")
    (tmp_path / "assets" / "root-BFZOln_S.js.gz").write_bytes(b"gzip bytes")
    (tmp_path / "login").mkdir()
    (tmp_path / "login" / "index.html").write_text("<!doctype html><title>login</title>")
    (tmp_path / "index.html").write_text("<!doctype html><title>home</title>")
    (tmp_path / "emblem.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (tmp_path / "private.pdf").write_bytes(b"%PDF-1.4")

    async def ping(request):
        return JSONResponse({"pong": True})

    async def sign_in(request):
        return RedirectResponse("/dashboard", status_code=303)

    async def attachment(request):
        return FileResponse(tmp_path / "private.pdf",
                            headers={"Cache-Control": "private, no-store"})

    app = Starlette(routes=[
        Route("/ping", ping), Route("/auth/session", sign_in), Route("/files/1", attachment),
        Mount("/", app=PrecompressedStaticFiles(directory=tmp_path, html=True,
                                                encodings=["brotli", "gzip"])),
    ])
    return TestClient(cache_headers(app))


def headers_of(client: TestClient, path: str, accept: str):
    """The response's headers (the sidecars hold stand-in bytes: the body is not decoded)."""
    with client.stream("GET", path, headers={"Accept-Encoding": accept}) as response:
        return response.headers


def test_hashed_assets_are_cached_for_a_year_and_never_revalidated(client):
    headers = headers_of(client, "/assets/root-BFZOln_S.js", "gzip")
    assert headers["cache-control"] == IMMUTABLE.decode()
    assert headers["content-encoding"] == "gzip"


def test_brotli_is_served_to_a_browser_that_accepts_it(client):
    response = headers_of(client, "/assets/root-BFZOln_S.js", "gzip, deflate, br")
    assert response["content-encoding"] == "br"
    assert response["vary"] == "Accept-Encoding"
    assert response["cache-control"] == IMMUTABLE.decode()


def test_pages_are_always_revalidated(client):
    for path in ("/", "/login/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["cache-control"] == REVALIDATE.decode(), path


def test_a_revalidated_page_answers_304_with_the_same_policy(client):
    etag = client.get("/login/").headers["etag"]
    response = client.get("/login/", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.headers["cache-control"] == REVALIDATE.decode()


def test_other_files_of_the_build_are_cached_for_a_day(client):
    assert client.get("/emblem.svg").headers["cache-control"] == STATIC_FILE.decode()


def test_dynamic_answers_and_their_own_policies_are_left_alone(client):
    assert "cache-control" not in client.get("/ping").headers
    redirect = client.get("/auth/session", follow_redirects=False)
    assert redirect.status_code == 303 and "cache-control" not in redirect.headers
    assert client.get("/files/1").headers["cache-control"] == "private, no-store"
    assert "cache-control" not in client.get("/no/such/file.js").headers
    assert "cache-control" not in client.post("/ping").headers
