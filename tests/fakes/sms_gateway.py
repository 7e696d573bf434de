"""A local HTTP server playing the SMS gateway: takes messages as the real one would (JSON,
HTTP Basic, an idempotency key), and can be told to fail, to time out, or to send its delivery
report twice. Runs on 127.0.0.1 on a free port, in a thread of the test process.
"""

from __future__ import annotations

import base64
import collections
import contextlib
import json
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self

import httpx

from absher_app.providers.signed import signed_headers


class FakeSmsGateway:
    """The gateway. `script` is a queue of behaviours for the next requests: "ok", "fail"
    (HTTP 503), "reject" (HTTP 400), "slow" (takes the message, then answers after the
    client's timeout), "report_twice" (takes it and posts the delivery report twice)."""

    def __init__(self, username: str = "relay", password: str = "pw",
                 slow_seconds: float = 2.0) -> None:
        self.username, self.password, self.slow_seconds = username, password, slow_seconds
        self.script: collections.deque[str] = collections.deque()
        self.requests: list[dict] = []  # every request, as received
        self.delivered: dict[str, str] = {}  # idempotency key -> gateway id: sent once each
        self.report_url = ""
        self.report_key = b""
        # Where delivery reports go: POST to report_url, unless a test hands its own client.
        self.report_to = self._post_report
        self.reports_sent = 0
        self._lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args) -> None:  # keep the test output clean
                pass

            def do_POST(self) -> None:  # http.server's name
                gateway._handle(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/send"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _reply(self, handler: BaseHTTPRequestHandler, status: int, payload: dict) -> None:
        body = json.dumps(payload).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        # The client may have given up (the "slow" case).
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            handler.wfile.write(body)

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        expected = "Basic " + base64.b64encode(
            f"{self.username}:{self.password}".encode()).decode()
        length = int(handler.headers.get("Content-Length", "0"))
        payload = json.loads(handler.rfile.read(length) or b"{}")
        key = handler.headers.get("Idempotency-Key", "")
        with self._lock:
            self.requests.append({"key": key, **payload})
            behaviour = self.script.popleft() if self.script else "ok"
        if handler.headers.get("Authorization") != expected:
            self._reply(handler, 401, {"error": "bad credentials"})
            return
        if behaviour == "fail":
            self._reply(handler, 503, {"error": "try later"})
            return
        if behaviour == "reject":
            self._reply(handler, 400, {"error": "invalid number"})
            return
        with self._lock:
            # Like a real gateway: one message per idempotency key, whatever the retries.
            gateway_id = self.delivered.setdefault(key, f"gw-{len(self.delivered) + 1}")
        if behaviour == "slow":
            time.sleep(self.slow_seconds)
        self._reply(handler, 200, {"id": gateway_id})
        if behaviour == "report_twice":
            threading.Thread(target=self._report, args=(key, gateway_id, 2), daemon=True).start()

    def _report(self, key: str, gateway_id: str, times: int) -> None:
        body = json.dumps({"reference": key, "id": gateway_id, "status": "delivered"}).encode()
        for _ in range(times):
            # Each report is signed afresh, as a gateway retrying its callback would.
            time.sleep(0.05)
            headers = signed_headers(self.report_key, body, datetime.now(UTC))
            self.report_to(body, {**headers, "Content-Type": "application/json"})
            with self._lock:
                self.reports_sent += 1

    def _post_report(self, body: bytes, headers: dict[str, str]) -> None:
        httpx.post(self.report_url, content=body, headers=headers, timeout=5)

    def wait_for_reports(self, count: int, timeout: float = 10) -> None:
        """Wait until `count` delivery reports went out."""
        deadline = time.monotonic() + timeout
        while self.reports_sent < count and time.monotonic() < deadline:
            time.sleep(0.02)

    def sent_keys(self) -> collections.Counter:
        """How many times each key was taken (sent) by the gateway."""
        return collections.Counter(self.delivered.keys())
