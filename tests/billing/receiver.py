"""An org's notification endpoint on loopback; checks Credits-Signature as docs/billing.md does."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def verify(secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
    """The receiver-side check from docs/billing.md."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    timestamp, signature = parts.get("t", ""), parts.get("v1", "")
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > tolerance:
        return False
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


class Receiver:
    def __init__(self, secret: str, host: str = "127.0.0.1", port: int = 0) -> None:
        self.secret = secret
        self.status = 200
        self.received: list[dict[str, Any]] = []
        self.hosts: list[str | None] = []  # the Host header of every request
        self.rejected = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                owner.hosts.append(self.headers.get("host"))
                if not verify(owner.secret, self.headers.get("credits-signature", ""), body):
                    owner.rejected += 1
                    self.send_response(401)
                else:
                    owner.received.append(
                        {"body": json.loads(body), "id": self.headers.get("credits-notification-id")}
                    )
                    self.send_response(owner.status)
                self.send_header("content-length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{self.server.server_address[0]}:{self.port}/credits-hook"

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
