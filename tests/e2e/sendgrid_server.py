"""A SendGrid v3 stand-in on 127.0.0.1 for tests: `POST /v3/mail/send` (202 + X-Message-Id,
or scripted failures), `GET /v3/suppression/{bounces,invalid_emails,blocks}` and
`GET /v3/scopes` (the key's permissions)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

API_KEY = "SG.test-key"
SCOPES = ("mail.send", "suppression.bounces.read", "suppression.invalid_emails.read",
          "suppression.blocks.read")


@dataclass
class FakeSendGrid:
    url: str = ""
    accepted: list[dict] = field(default_factory=list)  # mail/send bodies answered 202
    requests: list[tuple[str, str]] = field(default_factory=list)  # (method, path)
    script: list[int] = field(default_factory=list)  # statuses for the next sends, then 202
    suppressions: dict[str, list[dict]] = field(default_factory=dict)  # kind -> rows
    scopes: list[str] = field(default_factory=lambda: list(SCOPES))  # the key's permissions
    lock: threading.Lock = field(default_factory=threading.Lock)

    def recipients(self) -> list[str]:
        return [t["email"] for body in self.accepted
                for p in body["personalizations"] for t in p["to"]]


@contextmanager
def serve() -> Iterator[FakeSendGrid]:
    state = FakeSendGrid()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _reply(self, status: int, payload: object, headers: dict | None = None) -> None:
            data = json.dumps(payload).encode() if payload is not None else b""
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

        def _authorized(self) -> bool:
            if self.headers.get("Authorization") == f"Bearer {API_KEY}":
                return True
            self._reply(401, {"errors": [{"message": "authorization required"}]})
            return False

        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
            with state.lock:
                state.requests.append(("POST", self.path))
            if not self._authorized():
                return
            if self.path != "/v3/mail/send":
                self._reply(404, {"errors": [{"message": "not found"}]})
                return
            with state.lock:
                status = state.script.pop(0) if state.script else 202
                if status == 202:
                    state.accepted.append(body)
                    n = len(state.accepted)
            if status == 202:
                self._reply(202, None, {"X-Message-Id": f"sg-{n:04d}"})
            elif status == 429:
                self._reply(429, {"errors": [{"message": "too many requests"}]},
                            {"Retry-After": "0"})
            else:
                self._reply(status, {"errors": [{"message": f"status {status}"}]})

        def do_GET(self) -> None:  # noqa: N802
            with state.lock:
                state.requests.append(("GET", self.path))
            if not self._authorized():
                return
            path = self.path.split("?")[0]
            kind = path.removeprefix("/v3/suppression/")
            if path.startswith("/v3/suppression/"):
                self._reply(200, state.suppressions.get(kind, []))
            elif path == "/v3/scopes":
                self._reply(200, {"scopes": state.scopes})
            else:
                self._reply(404, {"errors": [{"message": "not found"}]})

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
