"""The upload guard in front of Reflex's upload endpoint, and the attachment download's refusal
without a session (ownership itself: tests/unit/domain/test_messages.py)."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from absher_app import routes
from absher_app.http_routes import UPLOAD_REQUEST_MAX_BYTES, guard_uploads, http_app
from tests.unit.test_cli import db_url, upgraded  # noqa: F401 - fixtures


def _inner() -> Starlette:
    async def ok(request):
        body = await request.body()
        return PlainTextResponse(f"reached {len(body)}")

    return Starlette(routes=[Route("/_upload", ok, methods=["POST", "GET"]),
                             Route("/_upload/{name}", ok, methods=["GET"]),
                             Route("/ping", ok, methods=["GET"])])


def test_uploads_within_the_limit_reach_the_app():
    client = TestClient(guard_uploads(_inner()))
    response = client.post("/_upload", content=b"x" * 1000)
    assert (response.status_code, response.text) == (200, "reached 1000")
    assert client.get("/ping").text == "reached 0"


def test_an_upload_above_the_limit_is_refused_before_it_is_read():
    client = TestClient(guard_uploads(_inner()))
    response = client.post("/_upload", content=b"x" * (UPLOAD_REQUEST_MAX_BYTES + 1))
    assert response.status_code == 413


def test_an_upload_without_a_length_is_refused():
    client = TestClient(guard_uploads(_inner()))

    def chunks():
        yield b"x" * 10

    assert client.post("/_upload", content=chunks()).status_code == 413


def test_the_upload_directory_is_never_served():
    client = TestClient(guard_uploads(_inner()))
    assert client.get("/_upload/secret.pdf").status_code == 404
    assert client.get("/_upload").status_code == 404


def test_attachment_download_needs_a_session(upgraded):  # noqa: F811 - the fixture
    client = TestClient(http_app())
    assert client.get(routes.attachment_path(1)).status_code == 404
    client.cookies.set("absher_session", "not-a-session")
    assert client.get(routes.attachment_path(1)).status_code == 404
